"""Timelines: home, public and hashtag, newest first, paged with Link headers."""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.spaces.models import Post
from jxfed.web.context import services
from jxfed.web.mastodon import timeline_queries
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous, requires
from jxfed.web.mastodon.api.http import page_response, reader_for
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.status_views import StatusRenderer

blueprint = Blueprint("mastodon_timelines", __name__)
TRUE = ("true", "1", "True")


def _where() -> timeline_queries.Where:
    return timeline_queries.Where(
        local=request.args.get("local") in TRUE,
        remote=request.args.get("remote") in TRUE,
        only_media=request.args.get("only_media") in TRUE,
    )


def _listed(name: str) -> list[str]:
    return request.args.getlist(f"{name}[]") + request.args.getlist(name)


async def _page(caller: Caller, posts: list[Post], *, boosts: bool = False) -> Response:
    renderer = StatusRenderer(services(), await reader_for(caller))
    statuses = await renderer.render(posts, boosts=boosts)
    return page_response(statuses, [str(post.id) for post in posts])


@blueprint.get("/api/v1/timelines/home")
@requires("read:statuses")
async def home(caller: Caller) -> Response:
    """A space's posts show as the space's boosts of them."""
    reader = await reader_for(caller)
    query = await timeline_queries.home(caller.acting_member(), reader)
    return await _page(caller, await fetch_page(query, page_request(request.args)), boosts=True)


@blueprint.get("/api/v1/timelines/public")
@allows_anonymous("read:statuses")
async def public(caller: Caller) -> Response:
    query = timeline_queries.public(await reader_for(caller), _where())
    return await _page(caller, await fetch_page(query, page_request(request.args)))


@blueprint.get("/api/v1/timelines/tag/<hashtag>")
@allows_anonymous("read:statuses")
async def tag(caller: Caller, hashtag: str) -> Response:
    query = timeline_queries.tagged(
        await reader_for(caller),
        _where(),
        hashtag,
        _listed("any"),
        _listed("all"),
        _listed("none"),
    )
    return await _page(caller, await fetch_page(query, page_request(request.args)))
