"""What a member does with a status: favourite, boost, bookmark; who favourited and boosted
it; the member's bookmarks."""

from __future__ import annotations

from contextlib import suppress

from quart import Blueprint, Response, request
from tortoise.exceptions import IntegrityError

from jxfed.spaces import boosts
from jxfed.spaces.models import Boost, Post, Reaction
from jxfed.spaces.reactions import react, unreact
from jxfed.spaces.visibility import visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon import entities
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous, requires
from jxfed.web.mastodon.api.http import page_response, reader_for
from jxfed.web.mastodon.api.statuses import render_one, visible_post
from jxfed.web.mastodon.models import Bookmark
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.status_views import StatusRenderer
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_status_actions", __name__)


@blueprint.post("/api/v1/statuses/<status_id>/favourite")
@requires("write:favourites")
async def favourite(caller: Caller, status_id: str) -> Response:
    """A Like through the spaces layer (role-checked and relayed in a space)."""
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    await react(services(), caller.acting_member().actor, post.uri)
    return json_response(await render_one(reader, post))


@blueprint.post("/api/v1/statuses/<status_id>/unfavourite")
@requires("write:favourites")
async def unfavourite(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    await unreact(services(), caller.acting_member().actor, post.uri)
    return json_response(await render_one(reader, post))


@blueprint.post("/api/v1/statuses/<status_id>/reblog")
@requires("write:statuses")
async def reblog(caller: Caller, status_id: str) -> Response:
    """Answers the boost: a status whose `reblog` is the boosted one (same id, see entities)."""
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    await boosts.boost(services(), caller.acting_member(), post)
    renderer = StatusRenderer(services(), reader)
    original = await render_one(reader, post)
    booster = await renderer.account(reader.uri or "", fetch=False)
    return json_response(entities.reblog(original, booster) if booster else original)


@blueprint.post("/api/v1/statuses/<status_id>/unreblog")
@requires("write:statuses")
async def unreblog(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    await boosts.unboost(services(), caller.acting_member(), post)
    return json_response(await render_one(reader, post))


@blueprint.post("/api/v1/statuses/<status_id>/bookmark")
@requires("write:bookmarks")
async def bookmark(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    with suppress(IntegrityError):  # bookmarked meanwhile by a concurrent request
        await Bookmark.get_or_create(member=caller.acting_member(), post=post)
    return json_response(await render_one(reader, post))


@blueprint.post("/api/v1/statuses/<status_id>/unbookmark")
@requires("write:bookmarks")
async def unbookmark(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    await Bookmark.filter(member=caller.acting_member(), post=post).delete()
    return json_response(await render_one(reader, post))


@blueprint.get("/api/v1/statuses/<status_id>/favourited_by")
@allows_anonymous("read:statuses")
async def favourited_by(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    likes = await fetch_page(Reaction.filter(post=post, emoji=""), page_request(request.args))
    renderer = StatusRenderer(services(), reader)
    accounts = [await renderer.account(like.actor_uri, fetch=False) for like in likes]
    return page_response([a for a in accounts if a], [str(like.id) for like in likes])


@blueprint.get("/api/v1/statuses/<status_id>/reblogged_by")
@allows_anonymous("read:statuses")
async def reblogged_by(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    query = Boost.filter(post=post).prefetch_related("member__actor")
    found = await fetch_page(query, page_request(request.args))
    renderer = StatusRenderer(services(), reader)
    accounts = [
        await renderer.account(services().actor_uri(boost.member.actor), fetch=False)
        for boost in found
    ]
    return page_response([a for a in accounts if a], [str(boost.id) for boost in found])


@blueprint.get("/api/v1/bookmarks")
@requires("read:bookmarks")
async def bookmarks(caller: Caller) -> Response:
    """The member's bookmarks, newest first, paged by bookmark; posts they may still see."""
    reader = await reader_for(caller)
    marks = Bookmark.filter(member=caller.acting_member(), post__deleted=False)
    found = await fetch_page(marks, page_request(request.args))
    posts = {
        post.id: post
        for post in await Post.filter(
            visible_posts(reader),
            id__in=[mark.post_id for mark in found],  # type: ignore[attr-defined]
        )
    }
    ordered = [posts[m.post_id] for m in found if m.post_id in posts]  # type: ignore[attr-defined]
    statuses = await StatusRenderer(services(), reader).render(ordered)
    return page_response(statuses, [str(mark.id) for mark in found])
