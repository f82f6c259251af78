"""Posts as ActivityPub objects: public ones to any peer, a confidential space's to its members.

What was done to a post here (an edit, a deletion, a like) is served at its activity id to the
same readers, without any proof: a confidential space's activities carry none, and members'
instances authenticate them by fetching them from here.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from jxfed.activitypub.contexts import ACTIVITY_CONTEXT
from jxfed.activitypub.shapes import id_of
from jxfed.actors.models import OutboxActivity
from jxfed.errors import NotAcceptable, NotFound
from jxfed.spaces.authenticity import may_fetch
from jxfed.spaces.models import Post, Reaction
from jxfed.spaces.reactions import like_of
from jxfed.web.context import services
from jxfed.web.pages.post_pages import object_page
from jxfed.web.responses import activity_response, wanted_representation
from jxfed.web.signed import signed_by_peer

blueprint = Blueprint("objects", __name__)


def _from_a_browser() -> bool:
    """Accept prefers HTML: a person following a post's id (an ActivityPub client never is)."""
    try:
        return "Accept" in request.headers and wanted_representation(request) == "html"
    except NotAcceptable:
        return False


@blueprint.get("/objects/<object_id>")
async def post_object(object_id: str) -> Response:
    if _from_a_browser():  # to the post's page, if this viewer may see it
        return await object_page(services().settings.url(f"/objects/{object_id}"))
    key = await signed_by_peer(request)
    post = await Post.get_or_none(uri=services().settings.url(f"/objects/{object_id}"), local=True)
    if post is None or not await may_fetch(services(), post, key.owner):
        raise NotFound("no such object here")
    document = {"@context": ACTIVITY_CONTEXT, **post.document}
    if post.deleted:  # the Tombstone, with 410 as Mastodon answers for deleted statuses
        return activity_response(request, document, status=410)
    return activity_response(request, document)


@blueprint.get("/activities/<activity_id>")
async def post_activity(activity_id: str) -> Response:
    key = await signed_by_peer(request)
    found = await _about_a_post(services().settings.url(f"/activities/{activity_id}"))
    if found is None or not await may_fetch(services(), found[1], key.owner):
        raise NotFound("no such activity here")
    document = {name: value for name, value in found[0].items() if name != "proof"}
    return activity_response(request, document)


async def _about_a_post(uri: str) -> tuple[dict[str, Any], Post] | None:
    """A local actor's edit, deletion or like `uri`, and the post it is about."""
    stored = await OutboxActivity.get_or_none(uri=uri, type__in=["Update", "Delete"])
    if stored is not None:
        post = await Post.get_or_none(uri=str(id_of(stored.document.get("object"))))
        return None if post is None else (dict(stored.document), post)
    reaction = await Reaction.get_or_none(activity_id=uri).select_related("post")
    if reaction is None:
        return None
    return like_of(uri, reaction.actor_uri, reaction.post, reaction.emoji), reaction.post
