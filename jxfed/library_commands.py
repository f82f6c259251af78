"""`jxfed library ...` and `jxfed spaces audit`: a space's shared library on the command line.

Each command that reads or changes a library acts `--as` a local member, through the same
librarian as the web pages: that member's role in the space decides, and every refusal is
audited and ends as a one-line error (cli.main). `verify` and `export`, the administrator's,
are in evidence_commands.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from jxfed.commands import running
from jxfed.errors import BadRequest, JxfedError, NotFound
from jxfed.files.store import CHUNK, TooLarge
from jxfed.settings import Settings
from jxfed.spaces.library import changes, reading
from jxfed.spaces.library.librarian import Librarian, librarian
from jxfed.spaces.library.models import ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.library.paths import path_of, resolve, split
from jxfed.spaces.models import Space

if TYPE_CHECKING:
    from jxfed.runtime import Services

PEER_LIBRARY = "the library of a space of a peer is read through the web pages"


async def local_space(settings: Settings, handle: str) -> Space:
    """A space of this instance by slug (or `slug@` this instance's domain)."""
    slug = handle.removesuffix(f"@{settings.domain}")
    if "@" in slug or "://" in slug:
        raise BadRequest(f"{handle}: {PEER_LIBRARY}")
    found = await Space.get_or_none(actor__name=slug).select_related("actor")
    if found is None:
        raise NotFound(f"no space named {slug!r} here")
    return found


async def acting(services: Services, space: Space, name: str) -> Librarian:
    """The librarian of the local member `name` in `space`, with their role there."""
    from jxfed.actors.local_actors import member_by_name

    member = await member_by_name(name)
    return await librarian(services, space, services.actor_uri(member.actor))


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


async def list_folder(lib: Librarian, args: argparse.Namespace) -> None:
    items = await reading.listing(lib, args.path)
    top = "/" + "/".join(split(args.path))
    folder = await resolve(lib.library, args.path)
    inside = folder is None or folder.kind == ItemKind.FOLDER  # else the path names one item
    rows = [item_row(item, f"{top.rstrip('/')}/{item.title}" if inside else top) for item in items]
    show(
        rows, args.json, ("kind", "path", "revision", "status", "size", "sha256", "author", "time")
    )


async def show_history(lib: Librarian, args: argparse.Namespace) -> None:
    item, revisions = await reading.history(lib, args.path)
    path = await path_of(item)
    rows = [revision_row(item, path, revision) for revision in revisions]
    columns = ("revision", "time", "change", "author", "status", "title", "sha256", "size")
    show(rows, args.json, (*columns, "message"))


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    """A file on disk, a chunk at a time (never whole in memory)."""
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk


async def upload_file(lib: Librarian, args: argparse.Namespace) -> None:
    source: Path = args.file
    if not await asyncio.to_thread(source.is_file):
        raise BadRequest(f"no file at {source}")
    try:
        item = await changes.upload(
            lib,
            args.folder,
            source.name,
            file_chunks(source),
            title=args.title,
            message=args.message,
        )
    except OSError as error:
        raise BadRequest(f"cannot read {source}: {error.strerror}") from None
    print(f"jxfed: {await path_of(item)} revision {item.revision}: {item.size:,} bytes, ", end="")
    print(f"{item.media_type}, sha256 {item.sha256}")


def read_text(name: str) -> str:
    """A note's text from a file (or standard input for '-'), refused past the note limit."""
    most = changes.MAX_NOTE * 4  # UTF-8 takes at most four bytes a character
    try:
        if name == "-":
            text = sys.stdin.read(changes.MAX_NOTE + 1)
        else:
            with Path(name).open("rb") as handle:
                data = handle.read(most + 1)
            if len(data) > most:
                raise TooLarge(f"a note has at most {changes.MAX_NOTE:,} characters")
            text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"{name} is not UTF-8 text") from None
    except OSError as error:
        raise BadRequest(f"cannot read {name}: {error.strerror}") from None
    return text


async def write_note(lib: Librarian, args: argparse.Namespace) -> None:
    text = read_text(args.text_file)
    item = await changes.write_note(lib, args.folder, args.title, text, args.message)
    print(f"jxfed: {await path_of(item)} revision {item.revision}, sha256 {item.sha256}")


async def make_folder(lib: Librarian, args: argparse.Namespace) -> None:
    print(f"jxfed: folder {await path_of(await changes.make_folder(lib, args.path))}")


async def move(lib: Librarian, args: argparse.Namespace) -> None:
    item = await changes.move(lib, args.path, args.new_path)
    print(f"jxfed: {args.path} is now {await path_of(item)} (revision {item.revision})")


async def remove(lib: Librarian, args: argparse.Namespace) -> None:
    item = await changes.remove(lib, args.path)
    print(f"jxfed: deleted {args.path} (revision {item.revision}; restore keeps it possible)")


async def restore(lib: Librarian, args: argparse.Namespace) -> None:
    item = await changes.restore(lib, args.path, args.revision)
    print(f"jxfed: {await path_of(item)} revision {item.revision} restores {args.revision}")


async def set_status(lib: Librarian, args: argparse.Namespace) -> None:
    item = await changes.set_status(lib, args.path, args.status)
    print(f"jxfed: {args.path} is {item.status.value} (revision {item.revision})")


async def download(lib: Librarian, args: argparse.Namespace) -> None:
    """The revision's content streamed to `-o` (through a .part file), checked on the way."""
    found = await reading.download(lib, args.path, args.revision)
    number = found.revision.number
    if not lib.services.store.has(found.sha256):
        raise NotFound(f"the content of revision {number} is missing: run 'jxfed library verify'")
    output: Path = args.output
    partial = output.with_name(output.name + ".part")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as handle:
            async for chunk in reading.chunks(lib, found):
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
        if digest.hexdigest() != found.sha256:
            raise JxfedError(
                f"the stored content of revision {number} no longer matches its SHA-256: "
                "not written (run 'jxfed library verify')"
            )
        os.replace(partial, output)
    except OSError as error:
        raise BadRequest(f"cannot write {output}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    print(f"{found.sha256}  {output}")  # as sha256sum prints it


Action = Callable[[Librarian, argparse.Namespace], Awaitable[None]]
ACTIONS: dict[str, Action] = {
    "ls": list_folder,
    "history": show_history,
    "upload": upload_file,
    "note": write_note,
    "mkdir": make_folder,
    "mv": move,
    "rm": remove,
    "restore": restore,
    "status": set_status,
    "download": download,
}


async def run_library(settings: Settings, args: argparse.Namespace) -> None:
    """`jxfed library ACTION SPACE ...`."""
    from jxfed import evidence_commands

    space = await local_space(settings, args.space)
    async with running(settings) as services:
        if args.action == "verify":
            await evidence_commands.verify_contents(services, space)
        elif args.action == "export":
            await evidence_commands.export(services, space, args.output)
        else:
            await ACTIONS[args.action](await acting(services, space, args.name), args)
