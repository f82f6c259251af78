"""Library items and their contents, served to peers (signed) and to members (signed in).

An item is served at its id (`/library/<id>`) as its newest revision says it is, with the same
authorised-fetch rule as posts (`authenticity.may_fetch_item`): a confidential space's items
only to its members' signatures or to the instance actor of an instance hosting a member, and
anyone else gets the 404 of a name that does not exist. A revision's content
(`/library/<id>/contents/<sha256>`) answers to the same signatures, or to a member of this
instance signed in who may read the space's library; it is always sent as an attachment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from quart import Blueprint, Response, request

from jxfed.activitypub.contexts import ACTIVITY_CONTEXT
from jxfed.actors.models import LocalActor
from jxfed.errors import NotFound
from jxfed.files.store import ContentStore
from jxfed.spaces.authenticity import may_fetch_item
from jxfed.spaces.library.documents import TYPES
from jxfed.spaces.library.librarian import Librarian, librarian, peer_librarian
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from jxfed.spaces.library.relaying import current_document
from jxfed.spaces.models import Space
from jxfed.spaces.roles import Action, NotAllowed
from jxfed.web.context import services
from jxfed.web.pages.sessions import signed_in_member
from jxfed.web.responses import activity_response
from jxfed.web.signed import signed_by_peer

blueprint = Blueprint("library_objects", __name__)
NOT_HERE = "no such object here"


async def _item(item_id: str) -> LibraryItem:
    item = await LibraryItem.get_or_none(uri=services().settings.url(f"/library/{item_id}"))
    if item is None:
        raise NotFound(NOT_HERE)
    return item


@blueprint.get("/library/<item_id>")
async def library_object(item_id: str) -> Response:
    key = await signed_by_peer(request)
    item = await _item(item_id)
    if not await may_fetch_item(services(), item, key.owner):
        raise NotFound(NOT_HERE)
    if item.deleted:  # a Tombstone, with 410 as for a deleted post
        tombstone = {"id": item.uri, "type": "Tombstone", "formerType": TYPES[item.kind]}
        return activity_response(request, {"@context": ACTIVITY_CONTEXT, **tombstone}, 410)
    document = await current_document(services(), item)
    return activity_response(request, {"@context": ACTIVITY_CONTEXT, **document})


@blueprint.get("/library/<item_id>/contents/<sha256>")
async def library_content(item_id: str, sha256: str) -> Response:
    member = await signed_in_member()
    item = await _item(item_id)
    if member is None:
        key = await signed_by_peer(request)
        if not await may_fetch_item(services(), item, key.owner):
            raise NotFound(NOT_HERE)
    else:
        lib = await _members_librarian(item, member.actor)
        try:
            await lib.require(Action.READ, item)
        except NotAllowed:
            raise NotFound(NOT_HERE) from None
        await lib.record("download", item, sha256, "content")
    revision = await LibraryRevision.filter(item=item, sha256=sha256).first()
    if revision is None or not services().store.has(sha256):
        raise NotFound(NOT_HERE)
    headers = {
        "Content-Length": str(revision.size),
        "ETag": f'"{sha256}"',
        "Content-Disposition": "attachment",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    return Response(
        _chunks(services().store, sha256),
        content_type=revision.media_type or "application/octet-stream",
        headers=headers,
    )


async def _members_librarian(item: LibraryItem, actor: LocalActor) -> Librarian:
    """The member's librarian for the item's space here, or for this copy of a peer's."""
    if item.space_id is not None:  # type: ignore[attr-defined]
        space = await Space.get(id=item.space_id)  # type: ignore[attr-defined]
        return await librarian(services(), space, services().actor_uri(actor))
    return await peer_librarian(services(), str(item.space_uri), actor)


async def _chunks(store: ContentStore, sha256: str) -> AsyncIterator[bytes]:
    """The content's bytes (read after the handler returned: outside the app's context)."""
    async for chunk in store.read(sha256):
        yield chunk
