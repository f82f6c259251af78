"""Changing a library: every change adds an immutable revision (nothing is overwritten), is
allowed by the role table, and is written with its audit entry in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from jxfed.errors import BadRequest, Conflict, NotFound
from jxfed.files.store import Stored, TooLarge
from jxfed.spaces.library import relaying
from jxfed.spaces.library.librarian import Librarian
from jxfed.spaces.library.models import (
    MAX_REVISION,
    Change,
    ItemKind,
    ItemStatus,
    LibraryItem,
    LibraryRevision,
)
from jxfed.spaces.library.paths import child, clean_title, items_in, resolve, split
from jxfed.spaces.posts import sanitise, text_to_html
from jxfed.spaces.roles import Action

NOTE_TYPE = "text/html"
MAX_MESSAGE = 1000
MAX_NOTE = 1024 * 1024


async def _folder(lib: Librarian, path: str) -> LibraryItem | None:
    folder = await resolve(lib.library, path)
    if folder is not None and folder.kind != ItemKind.FOLDER:
        raise BadRequest(f"{path!r} is not a folder")
    return folder


async def _revise(
    lib: Librarian, item: LibraryItem, change: Change, message: str, **now: object
) -> LibraryRevision:
    """Set the item's current state (`now`) and record it as its next revision, which goes
    to the space's member instances (or, from a copy of a peer's space, to the space): the
    one place every change passes, so none is left out of federation."""
    for name, value in now.items():
        setattr(item, name, value)
    item.revision += 1 if change != Change.CREATE else 0
    await item.save()
    revision = await LibraryRevision.of(item, change, lib.actor_uri, message[:MAX_MESSAGE])
    await relaying.changed(lib, item, revision)
    return revision


async def _new_item(
    lib: Librarian,
    kind: ItemKind,
    parent: LibraryItem | None,
    title: str,
    message: str,
    content: Stored | None = None,
    uri: str | None = None,
) -> LibraryItem:
    item = LibraryItem(
        uri=uri or lib.services.settings.url(f"/library/{uuid.uuid4().hex}"),
        space=lib.space,
        space_uri=None if lib.space is not None else lib.space_uri,
        local=uri is None,
        kind=kind,
        parent=parent,
        title=title,
        author_uri=lib.actor_uri,
        sha256=content.sha256 if content else None,
        size=content.size if content else None,
        media_type=content.media_type if content else None,
    )
    await _revise(lib, item, Change.CREATE, message)
    await lib.record("create", item, item.sha256 or "", kind.value)
    return item


async def make_folder(lib: Librarian, path: str) -> LibraryItem:
    """A folder at `path`, with the folders on the way (mkdir -p); Conflict if a file is there."""
    await lib.require(Action.CREATE_FOLDER)
    parent: LibraryItem | None = None
    async with in_transaction():
        for title in split(path):
            found = await child(lib.library, parent, title)
            if found is None:
                found = await _new_item(lib, ItemKind.FOLDER, parent, title, "")
            elif found.kind != ItemKind.FOLDER:
                raise Conflict(f"{title!r} is a {found.kind.value}, not a folder")
            parent = found
    if parent is None:
        raise BadRequest("name the folder to make")
    return parent


async def add_folder(lib: Librarian, folder_path: str, title: str, uri: str) -> LibraryItem:
    """A folder a member of a peer made there (`uri`), in the folder at `folder_path`."""
    await lib.require(Action.CREATE_FOLDER)
    parent = await _folder(lib, folder_path)
    async with in_transaction():
        if await child(lib.library, parent, clean_title(title)) is not None:
            raise Conflict(f"{title!r} already exists there")
        return await _new_item(lib, ItemKind.FOLDER, parent, clean_title(title), "", uri=uri)


async def _space_used(lib: Librarian) -> int:
    """Bytes the space's contents take (each digest once)."""
    rows = (
        await LibraryRevision.filter(
            item_id__in=Subquery(items_in(lib.library).values("id")), sha256__not_isnull=True
        )
        .distinct()
        .values("sha256", "size")
    )
    return sum(int(row["size"] or 0) for row in {row["sha256"]: row for row in rows}.values())


async def add_content(
    lib: Librarian,
    kind: ItemKind,
    folder_path: str,
    title: str,
    content: Stored,
    message: str = "",
    uri: str | None = None,
) -> LibraryItem:
    """A content already in the store as a new file or note (`uri`: as a member of a peer
    created it there), or as the next revision of the one of that title in the folder."""
    await lib.require(Action.UPLOAD)
    return await _put_or_revise(lib, kind, folder_path, clean_title(title), content, message, uri)


async def _put_or_revise(
    lib: Librarian,
    kind: ItemKind,
    folder_path: str,
    title: str,
    content: Stored,
    message: str,
    uri: str | None = None,
) -> LibraryItem:
    folder = await _folder(lib, folder_path)
    async with in_transaction():
        existing = await child(lib.library, folder, title)
        if existing is None:
            return await _new_item(lib, kind, folder, title, message, content, uri)
        if existing.kind != kind or (uri is not None and existing.uri != uri):
            raise Conflict(f"{title!r} is already a {existing.kind.value} in this folder")
        await lib.require_own_or_any(Action.EDIT_OWN, Action.EDIT_ANY, existing)
        await _revise(
            lib,
            existing,
            Change.EDIT,
            message,
            sha256=content.sha256,
            size=content.size,
            media_type=content.media_type,
        )
        await lib.record("edit", existing, content.sha256)
        return existing


async def upload(
    lib: Librarian,
    folder_path: str,
    file_name: str,
    chunks: AsyncIterable[bytes],
    *,
    title: str | None = None,
    message: str = "",
) -> LibraryItem:
    """A file streamed into the store, then a new item (or a new revision of the file of the
    same title in that folder). Over the file or the space limit: TooLarge (413)."""
    await lib.require(Action.UPLOAD)
    clean = clean_title(title or file_name.replace("\\", "/").rsplit("/", 1)[-1])
    await _folder(lib, folder_path)  # a missing folder fails before any byte is stored
    room = lib.space_limit - await _space_used(lib)
    if room <= 0:
        raise TooLarge("this space's library is full: ask an administrator for more room")
    content = await lib.services.store.put(chunks, min(lib.file_limit, room), clean)
    return await _put_or_revise(lib, ItemKind.FILE, folder_path, clean, content, message)


async def write_note(
    lib: Librarian, folder_path: str, title: str, text: str, message: str = ""
) -> LibraryItem:
    """A note written in the instance (plain text kept as sanitised HTML), or its next revision."""
    await lib.require(Action.UPLOAD)
    if len(text) > MAX_NOTE:
        raise TooLarge(f"a note has at most {MAX_NOTE:,} characters")
    body = sanitise(text_to_html(text)).encode()
    stored = await lib.services.store.put_bytes(body, MAX_NOTE * 8)
    content = Stored(stored.sha256, stored.size, NOTE_TYPE)
    return await _put_or_revise(
        lib, ItemKind.NOTE, folder_path, clean_title(title), content, message
    )


async def move(lib: Librarian, path: str, new_path: str, message: str = "") -> LibraryItem:
    """Rename (same folder: the author or a content manager) or move (a content manager)."""
    item = await _existing(lib, path)
    parts = split(new_path)
    if not parts:
        raise BadRequest("name where to move it")
    *folders, title = parts
    target = await _folder(lib, "/" + "/".join(folders))
    moving = (target.id if target else None) != item.parent_id  # type: ignore[attr-defined]
    if moving:
        await lib.require(Action.MOVE, item)
    else:
        await lib.require_own_or_any(Action.EDIT_OWN, Action.EDIT_ANY, item)
    walker = target
    while walker is not None:  # never into itself or one of its own folders
        if walker.id == item.id:
            raise BadRequest("a folder cannot go into itself")
        walker = await LibraryItem.get_or_none(id=walker.parent_id)  # type: ignore[attr-defined]
    async with in_transaction():
        if await child(lib.library, target, title) is not None:
            raise Conflict(f"{title!r} already exists there")
        change = Change.MOVE if moving else Change.RENAME
        await _revise(lib, item, change, message, title=title, parent=target)
        await lib.record(change.value, item, item.sha256 or "", new_path[:500])
    return item


async def set_status(lib: Librarian, path: str, status: str, message: str = "") -> LibraryItem:
    try:
        chosen = ItemStatus(status)
    except ValueError:
        raise BadRequest(f"status {status!r} is not one of {', '.join(ItemStatus)}") from None
    item = await _existing(lib, path)
    await lib.require_own_or_any(Action.EDIT_OWN, Action.EDIT_ANY, item)
    async with in_transaction():
        await _revise(lib, item, Change.STATUS, message, status=chosen)
        await lib.record("status", item, item.sha256 or "", chosen.value)
    return item


async def remove(lib: Librarian, path: str, message: str = "") -> LibraryItem:
    """A Tombstone revision: the item leaves the listing, every revision stays."""
    item = await _existing(lib, path)
    await lib.require_own_or_any(Action.DELETE_OWN, Action.DELETE_ANY, item)
    async with in_transaction():
        await _revise(lib, item, Change.DELETE, message, deleted=True)
        await lib.record("delete", item, item.sha256 or "")
    return item


async def restore(lib: Librarian, path: str, number: int, message: str = "") -> LibraryItem:
    """A new revision made of revision `number` (a deleted item comes back)."""
    item = await resolve(lib.library, path, deleted=True)
    if item is None:
        raise BadRequest("name the item to restore")
    await lib.require(Action.RESTORE, item)
    old = (
        await LibraryRevision.get_or_none(item=item, number=number)
        if 0 < number <= MAX_REVISION
        else None  # beyond the column: no such revision, not a database error
    )
    if old is None:
        raise NotFound(f"{path!r} has no revision {number}")
    parent = await LibraryItem.get_or_none(id=old.parent_id_then) if old.parent_id_then else None
    async with in_transaction():
        clash = await child(lib.library, parent, old.title)
        if clash is not None and clash.id != item.id:
            raise Conflict(f"{old.title!r} already exists where it was")
        await _revise(
            lib,
            item,
            Change.RESTORE,
            message or f"restored revision {number}",
            title=old.title,
            parent=parent,
            status=old.status,
            sha256=old.sha256,
            size=old.size,
            media_type=old.media_type,
            deleted=False,
        )
        await lib.record("restore", item, item.sha256 or "", f"revision {number}")
    return item


async def _existing(lib: Librarian, path: str) -> LibraryItem:
    item = await resolve(lib.library, path)
    if item is None:
        raise BadRequest("the library's top cannot be changed")
    return item
