"""Posts as ActivityPub objects: public ones to any peer, a confidential space's to its members."""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.errors import NotFound
from jxfed.spaces.directory import may_read_post
from jxfed.spaces.models import Post
from jxfed.web.context import services
from jxfed.web.responses import activity_response
from jxfed.web.signed import signed_by_peer

blueprint = Blueprint("objects", __name__)
AS = "https://www.w3.org/ns/activitystreams"


@blueprint.get("/objects/<object_id>")
async def post_object(object_id: str) -> Response:
    key = await signed_by_peer(request)
    post = await Post.get_or_none(uri=services().settings.url(f"/objects/{object_id}"), local=True)
    if post is None or not await may_read_post(post, key.owner):
        raise NotFound("no such object here")
    if post.deleted:  # the Tombstone, with 410 as Mastodon answers for deleted statuses
        return activity_response(request, {"@context": AS, **post.document}, status=410)
    return activity_response(request, {"@context": AS, **post.document})
