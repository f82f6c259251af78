"""The command line's shape of library items and revisions: a tab-separated line each ('-' for
nothing), or, with --json, a list of objects for scripts (path, kind, title, status, revision,
sha256, size, media_type, author, time)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from jxfed.spaces.library.models import LibraryItem, LibraryRevision


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def show(rows: list[dict[str, Any]], as_json: bool, columns: tuple[str, ...]) -> None:
    """Rows as a JSON list, or one tab-separated line each ('-' for nothing)."""
    if as_json:
        print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return
    for row in rows:
        print("\t".join("-" if row[c] in (None, "") else str(row[c]) for c in columns))


def item_row(item: LibraryItem, path: str) -> dict[str, Any]:
    return {
        "path": path,
        "kind": item.kind.value,
        "title": item.title,
        "status": item.status.value,
        "revision": item.revision,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "author": item.author_uri,
        "time": when(item.updated_at),
    }


def revision_row(item: LibraryItem, path: str, revision: LibraryRevision) -> dict[str, Any]:
    return {
        "path": path,
        "kind": item.kind.value,
        "title": revision.title,
        "status": revision.status.value,
        "revision": revision.number,
        "change": revision.change.value,
        "deleted": revision.deleted,
        "sha256": revision.sha256,
        "size": revision.size,
        "media_type": revision.media_type,
        "author": revision.author_uri,
        "time": when(revision.created_at),
        "message": revision.message,
    }
