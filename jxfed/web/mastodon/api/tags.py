"""Hashtags: one tag, following and unfollowing it, the member's followed tags."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from quart import Blueprint, Response, request
from tortoise.exceptions import IntegrityError

from jxfed.web.context import services
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous, requires
from jxfed.web.mastodon.api.http import page_response
from jxfed.web.mastodon.models import FollowedTag
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.timeline_queries import tag_name
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_tags", __name__)


def tag_entity(name: str, following: bool | None) -> dict[str, Any]:
    """A Tag; its id is its name (tags have no table of their own here), no usage history."""
    return {
        "id": name,
        "name": name,
        "url": services().settings.url(f"/tags/{name}"),
        "history": [],
        "following": following,
    }


async def _following(caller: Caller, name: str) -> bool | None:
    if caller.member is None:
        return None
    return await FollowedTag.filter(member=caller.member, name=name).exists()


@blueprint.get("/api/v1/tags/<name>")
@allows_anonymous("read:follows")
async def show(caller: Caller, name: str) -> Response:
    name = tag_name(name, "name")
    return json_response(tag_entity(name, await _following(caller, name)))


@blueprint.post("/api/v1/tags/<name>/follow")
@requires("write:follows")
async def follow(caller: Caller, name: str) -> Response:
    name = tag_name(name, "name")
    with suppress(IntegrityError):  # followed meanwhile by a concurrent request
        await FollowedTag.get_or_create(member=caller.acting_member(), name=name)
    return json_response(tag_entity(name, True))


@blueprint.post("/api/v1/tags/<name>/unfollow")
@requires("write:follows")
async def unfollow(caller: Caller, name: str) -> Response:
    name = tag_name(name, "name")
    await FollowedTag.filter(member=caller.acting_member(), name=name).delete()
    return json_response(tag_entity(name, False))


@blueprint.get("/api/v1/followed_tags")
@requires("read:follows")
async def followed_tags(caller: Caller) -> Response:
    query = FollowedTag.filter(member=caller.acting_member())
    found = await fetch_page(query, page_request(request.args, default_limit=100))
    return page_response([tag_entity(t.name, True) for t in found], [str(t.id) for t in found])
