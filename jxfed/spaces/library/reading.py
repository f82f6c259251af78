"""Reading a library: listings, an item's history, a revision's content, a note's diff, and
re-hashing every stored content. Reading needs the reader role; viewing an item's history and
downloading a content are audited (what a lawyer must be able to show later)."""

from __future__ import annotations

import difflib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise.expressions import Q

from jxfed.errors import BadRequest, NotFound
from jxfed.files.store import ContentStore
from jxfed.spaces.library.librarian import Librarian
from jxfed.spaces.library.models import MAX_REVISION, ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.library.paths import items_in, path_of, resolve
from jxfed.spaces.models import Space
from jxfed.spaces.posts import html_to_text
from jxfed.spaces.roles import Action


async def listing(
    lib: Librarian, path: str = "/", after: int | None = None, limit: int | None = None
) -> list[LibraryItem]:
    """What a folder (the top by default) holds: folders first, then by title. With `limit`,
    one page: the items after the item `after` (a cursor by id, never an offset)."""
    await lib.require(Action.READ)
    folder = await resolve(lib.library, path)
    if folder is not None and folder.kind != ItemKind.FOLDER:
        return [folder]
    held = items_in(lib.library).filter(parent=folder, deleted=False)
    if limit is None:
        items = await held
        return sorted(items, key=lambda i: (i.kind != ItemKind.FOLDER, i.title.casefold()))
    cursor = await held.filter(id=after).first() if after is not None else None
    found: list[LibraryItem] = []
    for folders in (True, False):
        if cursor is not None and folders and cursor.kind != ItemKind.FOLDER:
            continue  # the cursor is past the folders already
        group = held.filter(kind=ItemKind.FOLDER) if folders else held.exclude(kind=ItemKind.FOLDER)
        same_group = cursor is not None and (cursor.kind == ItemKind.FOLDER) == folders
        if same_group:
            assert cursor is not None
            group = group.filter(
                Q(title__gt=cursor.title) | Q(title=cursor.title, id__gt=cursor.id)
            )
        found += await group.order_by("title", "id").limit(limit - len(found))
        if len(found) >= limit:
            break
    return found


async def removed(lib: Librarian, path: str = "/") -> list[LibraryItem]:
    """The deleted items a folder held (each may be restored from its history), by title."""
    await lib.require(Action.READ)
    folder = await resolve(lib.library, path)
    if folder is not None and folder.kind != ItemKind.FOLDER:
        return []
    items = await items_in(lib.library).filter(parent=folder, deleted=True)
    return sorted(items, key=lambda i: i.title.casefold())


async def history(lib: Librarian, path: str) -> tuple[LibraryItem, list[LibraryRevision]]:
    """An item (a deleted one too) and all its revisions, oldest first."""
    await lib.require(Action.READ)
    item = await _item(lib, path)
    await lib.record("view", item, item.sha256 or "")
    return item, await LibraryRevision.filter(item=item).order_by("number")


@dataclass(frozen=True, slots=True)
class Download:
    item: LibraryItem
    revision: LibraryRevision

    @property
    def sha256(self) -> str:
        assert self.revision.sha256 is not None
        return self.revision.sha256


async def download(lib: Librarian, path: str, number: int | None = None) -> Download:
    """A revision of a file or note (the newest by default), its download audited."""
    await lib.require(Action.READ)
    item = await _item(lib, path)
    if item.kind == ItemKind.FOLDER:
        raise BadRequest(f"{path!r} is a folder")
    query = LibraryRevision.filter(item=item)
    found: LibraryRevision | None = None
    if number is None:
        found = await query.filter(deleted=False).order_by("-number").first()
    elif 0 < number <= MAX_REVISION:  # beyond the column: no such revision, not a database error
        found = await query.filter(number=number).first()
    if found is None or found.sha256 is None:
        raise NotFound(f"{path!r} has no revision {number}")
    if not lib.services.store.has(found.sha256):  # lost from disk: say so, never half a file
        await lib.record("refused", item, found.sha256, "content missing from the store")
        raise NotFound(f"the content of {path!r} is missing here: run 'jxfed library verify'")
    await lib.record("download", item, found.sha256, f"revision {found.number}")
    return Download(item, found)


async def note_diff(lib: Librarian, path: str, older: int, newer: int) -> list[str]:
    """The lines that changed between two revisions of a note (a unified diff)."""
    texts = []
    for number in (older, newer):
        found = await download(lib, path, number)
        data = b"".join([chunk async for chunk in lib.services.store.read(found.sha256)])
        texts.append(html_to_text(data.decode("utf-8", "replace")).splitlines())
    return list(
        difflib.unified_diff(
            texts[0], texts[1], f"revision {older}", f"revision {newer}", lineterm=""
        )
    )


async def _item(lib: Librarian, path: str) -> LibraryItem:
    item = await resolve(lib.library, path, deleted=True)
    if item is None:
        raise BadRequest("name an item of the library")
    return item


@dataclass(frozen=True, slots=True)
class Damage:
    path: str
    revision: int
    sha256: str
    found: str | None  # the digest of what is stored now; None: missing


async def verify(space: Space, store: ContentStore) -> tuple[int, list[Damage]]:
    """Re-hash every content the space's revisions name; what no longer matches, and how many
    contents were checked (each digest once)."""
    checked: dict[str, str | None] = {}
    damage = []
    revisions = await LibraryRevision.filter(
        item__space=space, sha256__not_isnull=True
    ).prefetch_related("item")
    for revision in revisions:
        sha = str(revision.sha256)
        if sha not in checked:
            checked[sha] = await store.rehash(sha)
        if checked[sha] != sha:
            damage.append(Damage(await path_of(revision.item), revision.number, sha, checked[sha]))
    return len(checked), damage


async def chunks(
    lib: Librarian, found: Download, start: int = 0, end: int | None = None
) -> AsyncIterator[bytes]:
    """The downloaded content, a chunk at a time."""
    async for chunk in lib.services.store.read(found.sha256, start, end):
        yield chunk
