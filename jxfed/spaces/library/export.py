"""A space's library as one zip a lawyer can hand over and anyone can check with `sha256sum`.

The zip holds `contents/<folders>/<item>/r<N>-<title>`, the content each revision brought;
`manifest.json` (every item and revision: hashes, sizes, media types, authors, times, messages
and the file in the zip that holds its content); `audit.json` (the trail with its hash chain, and
how to recompute it); and `SHA256SUMS`, which `sha256sum -c SHA256SUMS` checks where the zip is
unpacked. A revision that kept its item's content (a rename, a move, a status change) names the
file of the revision that brought it: a large file renamed ten times is in the zip once.

Each content is streamed from the store into the zip, a chunk at a time, and hashed on the way:
SHA256SUMS always carries the hash the library recorded, so a content damaged in the store makes
the check fail where it is unpacked, and the export says which.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from jxfed.errors import BadRequest
from jxfed.files.store import ContentStore
from jxfed.spaces.library import audit
from jxfed.spaces.library.models import AuditEntry, ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.models import Space

if TYPE_CHECKING:
    from jxfed.runtime import Services

CONTENTS = "contents"
# Characters some file systems refuse in a name; a title keeps them in manifest.json.
_AWKWARD = re.compile(r'[\\:*?"<>|]')
_COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|javascript)|image/svg)")
CHAIN_RULE = (
    "hash = SHA-256 (hex) of the compact UTF-8 JSON array [space, sequence, actor, action, item, "
    "revision_sha256, detail, time, previous_hash]; the first entry's previous_hash is 64 zeros"
)


@dataclass(slots=True)
class Exported:
    """What an export wrote: counts, and the zip names whose content no longer matched."""

    items: int = 0
    revisions: int = 0
    files: int = 0
    size: int = 0
    damaged: list[str] = field(default_factory=list)
    sums: list[tuple[str, str]] = field(default_factory=list)  # (sha256, name in the zip)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def zip_folders(items: list[LibraryItem]) -> tuple[dict[int, str], dict[int, str]]:
    """Each item's path in the library and its folder in the zip (unique even when a deleted
    item and a living one share a title, or two titles differ only in case)."""
    by_id = {item.id: item for item in items}
    paths: dict[int, str] = {}
    folders: dict[int, str] = {}
    taken: set[str] = set()

    def place(item: LibraryItem) -> None:
        parent = by_id.get(item.parent_id)  # type: ignore[attr-defined]
        if parent is not None and parent.id not in folders:
            place(parent)
        paths[item.id] = (paths[parent.id] if parent else "") + "/" + item.title
        folder = f"{folders[parent.id] if parent else CONTENTS}/{_AWKWARD.sub('_', item.title)}"
        if folder.casefold() in taken:
            folder = f"{folder}~{item.id}"
        taken.add(folder.casefold())
        folders[item.id] = folder

    for item in sorted(items, key=lambda i: (i.deleted, i.id)):  # the living keep plain names
        if item.id not in folders:
            place(item)
    return paths, folders


def _suffix(item: LibraryItem, revision: LibraryRevision) -> str:
    """A note is sanitised HTML: `.html` lets any computer open it, whatever its title."""
    needed = item.kind == ItemKind.NOTE and not revision.title.lower().endswith(".html")
    return ".html" if needed else ""


async def _copy(
    store: ContentStore, archive: zipfile.ZipFile, revision: LibraryRevision, name: str
) -> bool:
    """Stream one content from the store into the zip; whether it still has its SHA-256."""
    sha = str(revision.sha256)
    if not store.has(sha):
        return False
    info = zipfile.ZipInfo(name, revision.created_at.astimezone(UTC).timetuple()[:6])
    info.file_size = revision.size or 0  # zipfile decides on ZIP64 from it
    compressible = _COMPRESSIBLE.match(revision.media_type or "")
    info.compress_type = zipfile.ZIP_DEFLATED if compressible else zipfile.ZIP_STORED
    digest = hashlib.sha256()
    with archive.open(info, "w") as handle:
        async for chunk in store.read(sha):
            digest.update(chunk)
            await asyncio.to_thread(handle.write, chunk)
    return digest.hexdigest() == sha


async def _items(
    services: Services, space: Space, archive: zipfile.ZipFile, done: Exported
) -> list[dict[str, Any]]:
    """Every item with its revisions, their contents copied into the zip."""
    items = await LibraryItem.filter(space=space).order_by("id")
    paths, folders = zip_folders(items)
    revisions: dict[int, list[LibraryRevision]] = {}
    for revision in await LibraryRevision.filter(item__space=space).order_by("item_id", "number"):
        revisions.setdefault(revision.item_id, []).append(revision)  # type: ignore[attr-defined]
    described = []
    for item in items:
        files: dict[str, str] = {}  # a content's sha256 → where this item's first copy is
        shown = []
        for revision in revisions.get(item.id, []):
            sha = revision.sha256
            if sha and sha not in files:
                files[sha] = f"{folders[item.id]}/r{revision.number}-"
                files[sha] += _AWKWARD.sub("_", revision.title) + _suffix(item, revision)
                if not await _copy(services.store, archive, revision, files[sha]):
                    done.damaged.append(files[sha])
                done.sums.append((sha, files[sha]))
                done.files += 1
                done.size += revision.size or 0
            shown.append(
                {
                    "number": revision.number,
                    "change": revision.change.value,
                    "title": revision.title,
                    "status": revision.status.value,
                    "deleted": revision.deleted,
                    "author": revision.author_uri,
                    "time": _iso(revision.created_at),
                    "message": revision.message,
                    "sha256": sha,
                    "size": revision.size,
                    "media_type": revision.media_type,
                    "file": files.get(sha) if sha else None,
                }
            )
        done.items += 1
        done.revisions += len(shown)
        described.append(
            {
                "uri": item.uri,
                "path": paths[item.id],
                "kind": item.kind.value,
                "title": item.title,
                "status": item.status.value,
                "deleted": item.deleted,
                "author": item.author_uri,
                "revisions": shown,
            }
        )
    return described


async def _trail(space: Space, space_uri: str) -> dict[str, Any]:
    check = await audit.verify(space, space_uri)
    entries = await AuditEntry.filter(space=space).order_by("sequence")
    return {
        "space": space_uri,
        "hash_rule": CHAIN_RULE,
        "intact": check.intact,
        "broken_at": check.broken_at,
        "entries": [
            {
                "sequence": entry.sequence,
                "time": _iso(entry.created_at),
                "actor": entry.actor_uri,
                "action": entry.action,
                "item": entry.item_uri,
                "revision_sha256": entry.revision_sha256,
                "detail": entry.detail,
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
            }
            for entry in entries
        ],
    }


async def export_library(
    services: Services, space: Space, target: Path, exporter_uri: str
) -> Exported:
    """Write the zip of `space`'s library to `target` (through a .part file: a failed export
    leaves nothing); the export itself is the last entry of the trail it carries."""
    actor = await space.actor
    space_uri = services.actor_uri(actor)
    await audit.record(space, space_uri, exporter_uri, "export", detail=target.name)
    partial = target.with_name(target.name + ".part")
    done = Exported()
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            manifest = {
                "space": {"uri": space_uri, "slug": actor.name, "name": actor.display_name},
                "exported_at": _iso(datetime.now(UTC)),
                "exported_by": exporter_uri,
                "items": await _items(services, space, archive, done),
            }
            for name, document in (
                ("manifest.json", manifest),
                ("audit.json", await _trail(space, space_uri)),
            ):
                data = orjson.dumps(document, option=orjson.OPT_INDENT_2)
                archive.writestr(name, data)
                done.sums.append((hashlib.sha256(data).hexdigest(), name))
            archive.writestr("SHA256SUMS", "".join(f"{sha}  {name}\n" for sha, name in done.sums))
        os.replace(partial, target)
    except OSError as error:
        raise BadRequest(f"cannot write {target}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return done
