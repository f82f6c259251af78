"""Inbound library activities, on both sides of a space.

On a member's instance, a space of a peer announces a member's Create, Update or Delete of an
item: taken as its author made it (proof, or a signed fetch from the author's instance), its
content fetched from the author's instance and kept only if its size and digest are the ones
announced (a mismatch is refused and audited, never stored), then held as this instance's copy
(`LibraryItem.space_uri`), which members here read also while the space's instance is down.

The space's side, where a member of a peer changes a space here, is `space_side.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.activitypub.transport import ACCEPT_AP, FetchError, NotAPeer
from jxfed.errors import BadRequest
from jxfed.files.store import DigestMismatch, Stored
from jxfed.spaces.authenticity import authentic_create, proof_holds
from jxfed.spaces.library import audit
from jxfed.spaces.library.documents import Described, described, library_of
from jxfed.spaces.library.fetching import fetch_content
from jxfed.spaces.library.models import Change, ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.models import Space
from jxfed.spaces.relay import joined_here

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
MISMATCH = "digest-mismatch"


class LibraryHandlers:
    """The library's rows of the routing table (`spaces/inbound.py`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_announced(self, announce: Activity) -> Apply | None:
        """A space of a peer announces a change of its library to its members here."""
        space_uri = str(announce["actor"])
        if not await joined_here(space_uri):
            return None
        inner = announce["object"]
        if inner.get("type") == "Delete":
            return await self._announced_delete(space_uri, inner)
        inner = await authentic_create(self.services, inner)
        seen = described(inner["object"])
        if seen.space_uri != space_uri:
            raise BadRequest("the announced item is not in the announcing space's library")
        parent = await parent_of(seen)
        author = str(inner["actor"])
        try:
            content = await fetch_content(self.services, seen, author) if seen.sha256 else None
        except DigestMismatch as refused:
            log.warning("refused %s: %s", seen.uri, refused.message)
            return refusal_recorded(None, space_uri, author, seen)

        async def apply() -> None:
            await keep_copy(seen, author, parent, content)

        return apply

    async def _announced_delete(self, space_uri: str, delete: Activity) -> Apply | None:
        item = await LibraryItem.get_or_none(
            uri=str(id_of(delete.get("object"))), space_uri=space_uri, space_id=None
        )
        if item is None or item.deleted:
            return None
        if not await proof_holds(self.services, delete) and not await self._gone(item.uri):
            return None  # neither proved nor withdrawn by its instance: not its author's

        async def apply() -> None:
            await _revise_copy(item, str(delete["actor"]), Change.DELETE, item.revision + 1)

        return apply

    async def _gone(self, uri: str) -> bool:
        """Whether the item's own instance answers that it was deleted (410)."""
        try:
            answer = await self.services.transport.request(
                "GET", uri, await self.services.instance_signer(), extra={"Accept": ACCEPT_AP}
            )
        except (NotAPeer, FetchError, OSError, TimeoutError):
            return False
        return answer.status == 410

    async def on_rejected(self, reject: Activity) -> Apply | None:
        """A space of a peer refused a member's change from here: the copy here withdraws it
        (a refused item is deleted; a refused revision goes, the one before is current again)."""
        rejected = reject.get("object")
        rejected = rejected if isinstance(rejected, Mapping) else {}
        uri = id_of(rejected.get("object"))
        item = await LibraryItem.get_or_none(uri=str(uri), space_uri=str(reject["actor"]))
        if item is not None and rejected.get("type") in ("Update", "Delete"):
            return await _withdrawn(item, str(rejected.get("actor")))
        if item is None or item.deleted:
            return None

        async def apply() -> None:
            await _revise_copy(item, str(reject["actor"]), Change.DELETE, item.revision + 1)

        return apply


async def _withdrawn(item: LibraryItem, author: str) -> Apply | None:
    """The copy's newest revision withdrawn, if `author` made it (the space refused it)."""
    newest = await LibraryRevision.filter(item=item).order_by("-number").first()
    if newest is None or newest.author_uri != author:
        return None
    before = await LibraryRevision.get_or_none(item=item, number=newest.number - 1)
    if before is None:
        return None

    async def apply() -> None:
        await newest.delete()
        for name in ("title", "status", "sha256", "size", "media_type", "deleted"):
            setattr(item, name, getattr(before, name))
        item.parent_id = before.parent_id_then
        item.revision = before.number
        await item.save()

    return apply


def is_library_object(document: Any) -> bool:
    """Whether an (embedded) object is a library item: routes library activities here."""
    if not isinstance(document, Mapping):
        return False
    kind = document.get("formerType") if document.get("type") == "Tombstone" else None
    return (kind or document.get("type")) in ("Document", "Page", "OrderedCollection") and (
        "audience" in document or kind is not None
    )


async def parent_of(seen: Described, space: Space | None = None) -> LibraryItem | None:
    """The folder an item is in (None: the top); FetchError while it is not known here yet
    (its own Create may still be on the way: the activity is tried again later)."""
    if seen.context == library_of(seen.space_uri):
        return None
    where = {"space": space} if space is not None else {"space_uri": seen.space_uri}
    parent = await LibraryItem.get_or_none(uri=seen.context, kind=ItemKind.FOLDER, **where)
    if parent is None:
        raise FetchError(f"the folder {seen.context} is not known here yet")
    return parent


def refusal_recorded(space: Space | None, space_uri: str, author: str, seen: Described) -> Apply:
    async def apply() -> None:
        sha = seen.sha256 or ""
        await audit.record(space, space_uri, author, "refused", seen.uri, sha, MISMATCH)

    return apply


async def keep_copy(
    seen: Described, author: str, parent: LibraryItem | None, content: Stored | None
) -> None:
    """Hold the item as announced (a new revision of the copy; an older one is ignored)."""
    item = await LibraryItem.get_or_none(uri=seen.uri)
    state: dict[str, Any] = {
        "title": seen.title,
        "status": seen.status,
        "parent": parent,
        "deleted": False,
        "sha256": content.sha256 if content else None,
        "size": content.size if content else None,
        "media_type": content.media_type if content else None,
    }
    if item is None:
        item = await LibraryItem.create(
            uri=seen.uri,
            space=None,
            space_uri=seen.space_uri,
            kind=seen.kind,
            author_uri=author,
            revision=seen.revision,
            local=False,
            **state,
        )
        await LibraryRevision.of(item, Change.CREATE, author)
        return
    if item.space_uri != seen.space_uri or seen.revision <= item.revision:
        return  # another space's item, or an older state than the one held
    await _revise_copy(item, author, _change(item, state), seen.revision, **state)


def _change(item: LibraryItem, state: Mapping[str, Any]) -> Change:
    parent = state["parent"]
    if item.deleted:
        return Change.RESTORE
    if (parent.id if parent else None) != item.parent_id:  # type: ignore[attr-defined]
        return Change.MOVE
    if state["title"] != item.title:
        return Change.RENAME
    if state["status"] != item.status and state["sha256"] == item.sha256:
        return Change.STATUS
    return Change.EDIT


async def _revise_copy(
    item: LibraryItem, author: str, change: Change, number: int, **state: Any
) -> None:
    for name, value in state.items():
        setattr(item, name, value)
    if change == Change.DELETE:
        item.deleted = True
    item.revision = number
    await item.save()
    await LibraryRevision.of(item, change, author)
