"""The home feed: the posts of the member's spaces (here and on peers) and of the members they
follow, newest first, paged by post id ("older": ?max_id=, "newer": ?min_id=), never OFFSET."""

from __future__ import annotations

from dataclasses import dataclass

from quart import Blueprint, Response, request
from tortoise.queryset import QuerySet

from jxfed.errors import BadRequest, Invalid
from jxfed.spaces.models import Post
from jxfed.web.mastodon import timeline_queries
from jxfed.web.mastodon.pagination import PageRequest, fetch_page, page_request
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.readers import reader_for
from jxfed.web.pages.rendering import page
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.views import post_views

blueprint = Blueprint("pages_home", __name__)
PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class Cursors:
    """Where the "older" and "newer" links lead: the ids to page from, or None for no link."""

    older: int | None
    newer: int | None


async def feed_page(posts: QuerySet[Post]) -> tuple[list[Post], Cursors]:
    """One page of `posts` as the request's ?max_id= / ?min_id= ask, and the cursors around it."""
    try:
        asked = page_request(request.args)
    except Invalid:
        raise BadRequest(_("This page address is not valid.")) from None
    shown = await fetch_page(
        posts, PageRequest(max_id=asked.max_id, min_id=asked.min_id, limit=PER_PAGE)
    )
    if not shown:
        return [], Cursors(None, None)
    older = await posts.filter(id__lt=shown[-1].id).exists()
    newer = await posts.filter(id__gt=shown[0].id).exists()
    return shown, Cursors(shown[-1].id if older else None, shown[0].id if newer else None)


@blueprint.get("/home")
async def home() -> Response:
    member = await member_or_sign_in()
    reader = await reader_for(member)
    feed = await timeline_queries.home(member, reader)
    posts, cursors = await feed_page(feed.filter(in_reply_to__isnull=True))
    return await page(
        "pages/home.html",
        posts=await post_views(posts),
        cursors=cursors,
        paged="max_id" in request.args or "min_id" in request.args,
        password_changed=request.args.get("changed") == "password",
    )
