"""Inbound library activities, on both sides of a space.

On a member's instance, a space of a peer announces a member's Create, Update or Delete of an
item: taken as its author made it (proof, or a signed fetch from the author's instance), its
content fetched from the author's instance and kept only if its size and digest are the ones
announced (a mismatch is refused and audited, never stored), then held as this instance's copy
(`LibraryItem.space_uri`), which members here read also while the space's instance is down.

On the space's instance, a member of a peer creates a file or note in the space: the librarian
checks their role, the content is fetched from their instance and verified, applied through
`changes.py` (the path local members take), and the space announces the Create, unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.activitypub.transport import ACCEPT_AP, FetchError, NotAPeer
from jxfed.actors import activities
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.files.store import DigestMismatch, Stored
from jxfed.spaces.audience import deliver
from jxfed.spaces.authenticity import authentic_create, proof_holds
from jxfed.spaces.library import audit, changes
from jxfed.spaces.library.documents import Described, described, library_of
from jxfed.spaces.library.fetching import fetch_content
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import Change, ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.library.paths import path_of
from jxfed.spaces.models import Space
from jxfed.spaces.relay import joined_here, relay
from jxfed.spaces.roles import Action, NotAllowed
from jxfed.spaces.visibility import Signer, may_see

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
        parent = await _parent(seen)
        author = str(inner["actor"])
        try:
            content = await fetch_content(self.services, seen, author) if seen.sha256 else None
        except DigestMismatch as refused:
            log.warning("refused %s: %s", seen.uri, refused.message)
            return _refusal(None, space_uri, author, seen)

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

    async def on_create_in_space(self, create: Activity, space: Space) -> Apply | None:
        """A member of a peer adds a file or note to a space here."""
        author = str(create["actor"])
        if not await may_see(Signer(author), space):
            return None  # silence, as for a space that does not exist
        seen = described(create["object"])
        lib = await librarian(self.services, space, author)
        if seen.kind == ItemKind.FOLDER or seen.sha256 is None:
            return await self._refuse(space, create, "folders are made on the space's instance")
        try:
            await lib.require(Action.UPLOAD)  # a refusal is audited by the librarian
        except NotAllowed as refused:
            return await self._refuse(space, create, refused.message)
        parent = await _parent(seen, space)
        try:
            content = await fetch_content(self.services, seen, author)
        except DigestMismatch as refused:
            log.warning("refused %s: %s", seen.uri, refused.message)
            record = _refusal(space, lib.space_uri, author, seen)
            reject = await self._refuse(space, create, refused.message)

            async def both() -> None:
                await record()
                await reject()

            return both
        folder = await path_of(parent) if parent is not None else "/"
        kind = seen.kind

        async def apply() -> None:
            await changes.add_content(lib, kind, folder, seen.title, content, uri=seen.uri)
            await relay(self.services, space, create)

        return apply

    async def _refuse(self, space: Space, create: Activity, why: str) -> Apply:
        """A Reject of the Create to its author's instance, which then withdraws the item."""
        log.warning("%s refused in %s: %s", create.get("id"), space.id, why)
        inbox = (await remote_actor(self.services, str(create["actor"]))).delivery_inbox
        space_actor = await space.actor
        base = self.services.settings.base_url

        async def apply() -> None:
            refusal = activities.reject_post(base, self.services.actor_uri(space_actor), create)
            await deliver(self.services, refusal, space_actor, [inbox])

        return apply

    async def on_rejected(self, reject: Activity) -> Apply | None:
        """A space of a peer refused a member's item from here: the copy here withdraws it."""
        rejected = reject.get("object")
        uri = id_of(rejected.get("object")) if isinstance(rejected, Mapping) else None
        item = await LibraryItem.get_or_none(uri=str(uri), space_uri=str(reject["actor"]))
        if item is None or item.deleted:
            return None

        async def apply() -> None:
            await _revise_copy(item, str(reject["actor"]), Change.DELETE, item.revision + 1)

        return apply


def is_library_object(document: Any) -> bool:
    """Whether an (embedded) object is a library item: routes library activities here."""
    if not isinstance(document, Mapping):
        return False
    kind = document.get("formerType") if document.get("type") == "Tombstone" else None
    return (kind or document.get("type")) in ("Document", "Page", "OrderedCollection") and (
        "audience" in document or kind is not None
    )


async def _parent(seen: Described, space: Space | None = None) -> LibraryItem | None:
    """The folder an item is in (None: the top); FetchError while it is not known here yet
    (its own Create may still be on the way: the activity is tried again later)."""
    if seen.context == library_of(seen.space_uri):
        return None
    where = {"space": space} if space is not None else {"space_uri": seen.space_uri}
    parent = await LibraryItem.get_or_none(uri=seen.context, kind=ItemKind.FOLDER, **where)
    if parent is None:
        raise FetchError(f"the folder {seen.context} is not known here yet")
    return parent


def _refusal(space: Space | None, space_uri: str, author: str, seen: Described) -> Apply:
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
        await _record_revision(item, author, Change.CREATE)
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
    await _record_revision(item, author, change)


async def _record_revision(item: LibraryItem, author: str, change: Change) -> None:
    await LibraryRevision.create(
        item=item,
        number=item.revision,
        change=change,
        author_uri=author,
        title=item.title,
        parent_id_then=item.parent_id,  # type: ignore[attr-defined]
        status=item.status,
        sha256=item.sha256,
        size=item.size,
        media_type=item.media_type,
        deleted=item.deleted,
    )
