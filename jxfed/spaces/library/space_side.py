"""A member of a peer changes a library here, from their own instance's copy of it.

Their Create (a file, a note, a folder), Update (a new revision of a file or note, a rename or a
move: the item's new `name` and `context`, a status) or Delete reaches the space here. The
librarian checks their role as for a member here; a new content is fetched from their instance
and kept only if its size and digest are those announced; the change is applied through
`changes.py`, the path local members take; the space then announces the activity, unchanged.
A refusal (the role, a name already taken, a content that does not match) goes back as a
Reject, and the member's instance withdraws the change from its copy (`receiving.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.activitypub.transport import FetchError
from jxfed.actors import activities
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest, Conflict, NotFound
from jxfed.files.store import DigestMismatch, Stored
from jxfed.spaces.audience import deliver
from jxfed.spaces.library import changes
from jxfed.spaces.library.documents import Described, described
from jxfed.spaces.library.fetching import fetch_content
from jxfed.spaces.library.librarian import Librarian, librarian
from jxfed.spaces.library.models import ItemKind, LibraryItem
from jxfed.spaces.library.paths import path_of
from jxfed.spaces.library.receiving import parent_of, refusal_recorded
from jxfed.spaces.models import Space
from jxfed.spaces.relay import relay
from jxfed.spaces.roles import NotAllowed
from jxfed.spaces.visibility import Signer, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
REFUSED = (NotAllowed, Conflict, BadRequest, NotFound)  # what a Reject answers
Changing = Callable[[], Awaitable[object]]


class SpaceSideHandlers:
    """The space's side of the library's rows of the routing table (`spaces/inbound.py`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_create_in_space(self, create: Activity, space: Space) -> Apply | None:
        """A member of a peer adds a file, a note or a folder to a space here."""
        author = str(create["actor"])
        if not await may_see(Signer(author), space):
            return None  # silence, as for a space that does not exist
        seen = described(create["object"])
        lib = await librarian(self.services, space, author)
        parent = await parent_of(seen, space)
        folder = await path_of(parent) if parent is not None else "/"
        content: Stored | None = None
        if seen.kind != ItemKind.FOLDER:
            fetched = await self._content(lib, create, seen)
            if not isinstance(fetched, Stored):
                return fetched
            content = fetched

        async def change() -> None:
            if content is None:
                await changes.add_folder(lib, folder, seen.title, seen.uri)
            else:
                await changes.add_content(lib, seen.kind, folder, seen.title, content, uri=seen.uri)

        return self._applied(space, create, change)

    async def on_update_in_space(self, update: Activity, space: Space) -> Apply | None:
        """A member of a peer revises an item of a space here: its content, its name or
        folder, or its status (each difference from the item here, as its own revision)."""
        author = str(update["actor"])
        if not await may_see(Signer(author), space):
            return None
        seen = described(update["object"])
        item = await LibraryItem.get_or_none(uri=seen.uri, space=space)
        if item is None:
            raise FetchError(f"{seen.uri} is not known here yet")  # its Create may be on the way
        if item.kind != seen.kind:
            raise BadRequest("an Update cannot change what kind of item it is")
        lib = await librarian(self.services, space, author)
        parent = await parent_of(seen, space)
        content: Stored | None = None
        if seen.sha256 is not None and seen.sha256 != item.sha256:
            fetched = await self._content(lib, update, seen)
            if not isinstance(fetched, Stored):
                return fetched
            content = fetched
        return self._applied(space, update, lambda: revise(lib, item, seen, parent, content))

    async def on_delete_in_space(self, delete: Activity, item: LibraryItem) -> Apply | None:
        """A member of a peer deletes an item of a space here."""
        space = await Space.get(id=item.space_id)  # type: ignore[attr-defined]
        author = str(delete["actor"])
        if item.deleted or not await may_see(Signer(author), space):
            return None
        lib = await librarian(self.services, space, author)
        path = await path_of(item)
        return self._applied(space, delete, lambda: changes.remove(lib, path))

    async def _content(self, lib: Librarian, activity: Activity, seen: Described) -> Stored | Apply:
        """The new content, fetched from the author's instance and verified; or the refusal."""
        try:
            return await fetch_content(self.services, seen, lib.actor_uri)
        except DigestMismatch as refused:
            log.warning("refused %s: %s", seen.uri, refused.message)
            assert lib.space is not None
            record = refusal_recorded(lib.space, lib.space_uri, lib.actor_uri, seen)
            reject = await self._rejection(lib.space, activity)

            async def both() -> None:
                await record()
                await reject()

            return both

    def _applied(self, space: Space, activity: Activity, change: Changing) -> Apply:
        """Apply `change`; announce the activity as it came, or Reject it if refused."""

        async def apply() -> None:
            try:
                await change()
            except REFUSED as refused:
                log.warning("%s refused in %s: %s", activity.get("id"), space.id, refused)
                await (await self._rejection(space, activity))()
                return
            await relay(self.services, space, activity)

        return apply

    async def _rejection(self, space: Space, activity: Activity) -> Apply:
        """A Reject of the activity to its author's instance, which withdraws the change."""
        inbox = (await remote_actor(self.services, str(activity["actor"]))).delivery_inbox
        space_actor = await space.actor
        base = self.services.settings.base_url

        async def apply() -> None:
            refusal = activities.reject_post(base, self.services.actor_uri(space_actor), activity)
            await deliver(self.services, refusal, space_actor, [inbox])

        return apply


async def library_item_here(services: Services, activity: Activity) -> LibraryItem | None:
    """The item of a space here that a Delete names, if it names one."""
    uri = id_of(activity.get("object"))
    if not isinstance(uri, str):
        return None
    return await LibraryItem.get_or_none(uri=uri, space_id__not_isnull=True)


async def revise(
    lib: Librarian,
    item: LibraryItem,
    seen: Described,
    parent: LibraryItem | None,
    content: Stored | None,
) -> None:
    """The item brought to the state `seen` describes, through `changes.py`: its place and
    name, then its content, then its status (one revision each, as a member here makes them)."""
    if item.deleted:
        raise BadRequest("a deleted item comes back by a restore, on the space's instance")
    folder = await path_of(parent) if parent is not None else ""
    moved = (parent.id if parent else None) != item.parent_id  # type: ignore[attr-defined]
    if moved or seen.title != item.title:
        await changes.move(lib, await path_of(item), f"{folder}/{seen.title}")
        item = await LibraryItem.get(id=item.id)
    if content is not None:
        await changes.add_content(lib, item.kind, folder or "/", item.title, content, uri=item.uri)
    if seen.status != item.status:
        await changes.set_status(lib, await path_of(item), seen.status.value)
