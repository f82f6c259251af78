"""Paths inside a library (`/pleadings/appeal/brief.pdf`): titles checked, folders walked.

A title is shown and used in paths, never in a file name on disk (contents are stored by their
digest), so the only rules are those a path needs: no `/`, no control character, not `.` or
`..`, at most 255 characters once trimmed.
"""

from __future__ import annotations

import unicodedata

from tortoise.queryset import QuerySet

from jxfed.errors import BadRequest, NotFound
from jxfed.spaces.library.models import ItemKind, LibraryItem
from jxfed.spaces.models import Space

# A library: a space's here, or (its URI) a space of a peer's, as this instance holds a copy.
Library = Space | str

MAX_TITLE = 255
MAX_DEPTH = 32


def clean_title(value: str) -> str:
    """A title as stored (NFC, trimmed), or BadRequest naming what is wrong with it."""
    title = unicodedata.normalize("NFC", value).strip()
    if not title:
        raise BadRequest("a title is needed")
    if len(title) > MAX_TITLE:
        raise BadRequest(f"a title has at most {MAX_TITLE} characters")
    if "/" in title or title in (".", "..") or any(unicodedata.category(c) == "Cc" for c in title):
        raise BadRequest(
            f"{title[:40]!r} cannot be a title: no '/', control characters, '.' or '..'"
        )
    return title


def split(path: str) -> list[str]:
    """`/a/b` → ["a", "b"]; `/` or "" → [] (the library's top)."""
    parts = [part for part in path.strip().split("/") if part.strip()]
    if len(parts) > MAX_DEPTH:
        raise BadRequest(f"a path has at most {MAX_DEPTH} folders")
    return [clean_title(part) for part in parts]


def items_in(library: Library) -> QuerySet[LibraryItem]:
    """The items of a space's library here, or of this instance's copy of a peer's."""
    if isinstance(library, Space):
        return LibraryItem.filter(space=library)
    return LibraryItem.filter(space_id=None, space_uri=library)


async def child(
    space: Library, parent: LibraryItem | None, title: str, deleted: bool = False
) -> LibraryItem | None:
    """The item called `title` in `parent` (the top when None); a deleted one only if asked."""
    found = items_in(space).filter(parent=parent, title=title)
    if not deleted:
        return await found.filter(deleted=False).first()
    return await found.order_by("deleted", "-id").first()


async def resolve(space: Library, path: str, deleted: bool = False) -> LibraryItem | None:
    """The item at `path` (None for the library's top); NotFound when nothing is there or a
    step on the way is not a folder."""
    parent: LibraryItem | None = None
    parts = split(path)
    for depth, title in enumerate(parts):
        last = depth == len(parts) - 1
        found = await child(space, parent, title, deleted=deleted and last)
        if found is None or (not last and found.kind != ItemKind.FOLDER):
            raise NotFound(f"nothing at {path!r} in this library")
        parent = found
    return parent


async def path_of(item: LibraryItem) -> str:
    """The item's path from the library's top."""
    titles = [item.title]
    parent_id = item.parent_id  # type: ignore[attr-defined]
    while parent_id is not None and len(titles) <= MAX_DEPTH:
        parent = await LibraryItem.get(id=parent_id)
        titles.append(parent.title)
        parent_id = parent.parent_id  # type: ignore[attr-defined]
    return "/" + "/".join(reversed(titles))
