"""Statuses: post, read, delete, and the thread around one (its context)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from jxfed.errors import NotFound
from jxfed.spaces import threads
from jxfed.spaces.editing import delete_post
from jxfed.spaces.models import Post
from jxfed.spaces.posts import html_to_text
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon import posting
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous, requires
from jxfed.web.mastodon.api.http import params, reader_for
from jxfed.web.mastodon.ids import parse_status_id
from jxfed.web.mastodon.status_views import StatusRenderer
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_statuses", __name__)
MAX_ANCESTORS = 40
MAX_DESCENDANTS = 60


async def visible_post(reader: Reader, status_id: str) -> Post:
    """The post behind a status id, if the reader may see it; 404 otherwise."""
    post = await Post.filter(visible_posts(reader), id=parse_status_id(status_id)).first()
    if post is None:
        raise NotFound("Record not found")
    return post


async def render_one(reader: Reader, post: Post) -> dict[str, Any]:
    rendered = await StatusRenderer(services(), reader).render([post])
    if not rendered:
        raise NotFound("Record not found")  # its author's account cannot be had
    return rendered[0]


@blueprint.post("/api/v1/statuses")
@requires("write:statuses")
async def create(caller: Caller) -> Response:
    member = caller.acting_member()
    reader = await reader_for(caller)
    asked = posting.read_request(await params())
    key = request.headers.get("Idempotency-Key")
    post = await posting.create_status(services(), member, reader, asked, key)
    return json_response(await render_one(reader, post))


@blueprint.get("/api/v1/statuses/<status_id>")
@allows_anonymous("read:statuses")
async def show(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    return json_response(await render_one(reader, await visible_post(reader, status_id)))


@blueprint.delete("/api/v1/statuses/<status_id>")
@requires("write:statuses")
async def delete(caller: Caller, status_id: str) -> Response:
    """Deletes the post (author, or a content manager of its space); answers it with `text`,
    as Mastodon does so that apps can offer "delete and redraft"."""
    member = caller.acting_member()
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    entity = await render_one(reader, post)
    await delete_post(services(), member.actor, post.uri)
    return json_response({**entity, "text": html_to_text(post.content)})


@blueprint.get("/api/v1/statuses/<status_id>/context")
@allows_anonymous("read:statuses")
async def context(caller: Caller, status_id: str) -> Response:
    reader = await reader_for(caller)
    post = await visible_post(reader, status_id)
    renderer = StatusRenderer(services(), reader)
    return json_response(
        {
            "ancestors": await renderer.render(
                await threads.ancestors(reader, post, MAX_ANCESTORS)
            ),
            "descendants": await renderer.render(
                await threads.descendants(reader, post, MAX_DESCENDANTS)
            ),
        }
    )
