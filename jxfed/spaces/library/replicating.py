"""A new member's instance catches up with a peer's space's library it missed.

Announces bring only the changes made after a member here joined. When the first member of
this instance is accepted into a space of a peer (`walks.schedule`, in the transaction that
accepts them), this instance walks the space's `library` collection, oldest items first, one
page per step. Each step is a row of the durable inbox (`walks.py`), so a restart goes on where
it stopped and a failed step is tried again with the inbox's backoff. Its network part fetches
the page, any folder an item sits in that is not held here yet, and each content not in the
store yet (`fetching.py`: verified by size and digest, so a content that several items or
revisions share is fetched once); its database part keeps the copies as an announce would
(`receiving.keep_copy`) and queues the next page, in the transaction that marks the step done.
Items already held at that revision are skipped: a second walk fetches nothing.

Only live items are listed: an item deleted on the space's instance before the walk is not
copied (a copy held from an earlier membership keeps its state until the next announce).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.policy import host_or_none
from jxfed.activitypub.transport import NotAPeer
from jxfed.actors.local_actors import instance_actor
from jxfed.errors import BadRequest
from jxfed.files.store import DigestMismatch, Stored
from jxfed.spaces.library import audit
from jxfed.spaces.library.documents import Described, described, library_of
from jxfed.spaces.library.fetching import fetch_content
from jxfed.spaces.library.models import ItemKind, LibraryItem
from jxfed.spaces.library.paths import MAX_DEPTH
from jxfed.spaces.library.receiving import MISMATCH, keep_copy
from jxfed.spaces.library.walks import queue_step
from jxfed.spaces.relay import joined_here

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
MAX_STEPS = 100_000  # pages of one walk (2 million items at 20 a page)


@dataclass(frozen=True, slots=True)
class Copy:
    """An item to hold as the space's instance serves it, with its content verified."""

    seen: Described
    author: str
    content: Stored | None


class Replication:
    """The steps of a walk, as the inbox worker runs them."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_step(self, step: Activity) -> Apply | None:
        """One page of a space's library (or the collection, which names its oldest page)."""
        space_uri, url = str(step.get("target")), str(step.get("object"))
        own = self.services.actor_uri(await instance_actor())
        if step.get("actor") != own or host_or_none(url) != host_or_none(space_uri):
            return None
        if not await joined_here(space_uri):
            return None  # every member here left before the walk got this far
        signer = await self.services.instance_signer()
        page = await self.services.transport.fetch_json(url, signer)
        if page.get("type") == "OrderedCollection":
            return self._then(step, space_uri, page.get("last"))
        documents = page.get("orderedItems")
        if not isinstance(documents, list):
            raise BadRequest(f"{url} is not a page of a collection")
        copies, refused = await self._copies(space_uri, list(reversed(documents)))
        then = self._then(step, space_uri, page.get("prev"))

        async def apply() -> None:
            for copy in copies:
                await keep_copy(copy.seen, copy.author, await _folder(copy.seen), copy.content)
            for seen, author in refused:
                await audit.record(
                    None, space_uri, author, "refused", seen.uri, seen.sha256 or "", MISMATCH
                )
            await then()

        return apply

    def _then(self, step: Activity, space_uri: str, url: Any) -> Apply:
        """Queue the next step of the walk, if there is a next page."""
        number = int(step.get("jxfed:step") or 0) + 1

        async def apply() -> None:
            if isinstance(url, str) and number < MAX_STEPS:
                walk = str(step.get("jxfed:walk"))
                await queue_step(self.services, walk, number, space_uri, url)

        return apply

    async def _copies(
        self, space_uri: str, documents: list[Any]
    ) -> tuple[list[Copy], list[tuple[Described, str]]]:
        """The page's items not held here yet (oldest first, each after its folder), and those
        whose content did not match its digest."""
        copies: list[Copy] = []
        refused: list[tuple[Described, str]] = []
        taken: set[str] = set()
        for document in documents:
            found = await self._new(space_uri, document, taken)
            if found is None:
                continue
            seen, author = found
            for folder in await self._missing_folders(space_uri, seen, taken):
                copies.append(folder)
            try:
                content = await self._content(seen)
            except DigestMismatch as mismatch:
                log.warning("refused %s: %s", seen.uri, mismatch.message)
                refused.append((seen, author))
                continue
            except (NotAPeer, BadRequest) as skipped:  # another host's content, not ours to ask
                log.warning("%s skipped: %s", seen.uri, skipped.message)
                continue
            copies.append(Copy(seen, author, content))
            taken.add(seen.uri)
        return copies, refused

    async def _new(
        self, space_uri: str, document: Any, taken: set[str]
    ) -> tuple[Described, str] | None:
        """The item a page lists, if it is the space's and newer than the copy held here."""
        if not isinstance(document, Mapping):
            return None
        try:
            seen = described(document)
        except BadRequest as wrong:
            log.warning("an item of %s's library skipped: %s", space_uri, wrong.message)
            return None
        if seen.space_uri != space_uri or seen.uri in taken:
            return None
        held = await LibraryItem.get_or_none(uri=seen.uri)
        if held is not None and (held.space_uri != space_uri or held.revision >= seen.revision):
            return None  # another space's, or held here already at that revision
        author = document.get("attributedTo")
        return seen, author if isinstance(author, str) else seen.space_uri

    async def _content(self, seen: Described) -> Stored | None:
        """The item's content, verified, from the instance that holds the item (once per
        digest: one already in the store is not fetched)."""
        if seen.kind == ItemKind.FOLDER or seen.sha256 is None:
            return None
        return await fetch_content(self.services, seen, seen.uri)

    async def _missing_folders(
        self, space_uri: str, seen: Described, taken: set[str]
    ) -> list[Copy]:
        """The folders above `seen` neither held here nor on the way (an item moved into a
        folder made after it comes before it in the collection), fetched, topmost first."""
        folders: list[Copy] = []
        context = seen.context
        signer = await self.services.instance_signer()
        while len(folders) < MAX_DEPTH and context != library_of(space_uri):
            if context in taken or await _held_folder(space_uri, context):
                break
            if host_or_none(context) != host_or_none(space_uri):
                raise BadRequest(f"{seen.uri}'s folder is not on the space's instance")
            document = await self.services.transport.fetch_json(context, signer)
            folder = described(document)
            if folder.kind != ItemKind.FOLDER or folder.space_uri != space_uri:
                raise BadRequest(f"{context} is not a folder of {space_uri}")
            author = document.get("attributedTo")
            folders.append(Copy(folder, author if isinstance(author, str) else space_uri, None))
            taken.add(folder.uri)
            context = folder.context
        return list(reversed(folders))


async def _held_folder(space_uri: str, uri: str) -> LibraryItem | None:
    return await LibraryItem.get_or_none(
        uri=uri, kind=ItemKind.FOLDER, space_id=None, space_uri=space_uri
    )


async def _folder(seen: Described) -> LibraryItem | None:
    """The folder the item is in, held here (None: the top)."""
    if seen.context == library_of(seen.space_uri):
        return None
    return await _held_folder(seen.space_uri, seen.context)
