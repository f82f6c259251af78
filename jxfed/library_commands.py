"""`jxfed library ...`: a space's shared library on the command line.

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
from pathlib import Path
from typing import TYPE_CHECKING

from jxfed.commands import running
from jxfed.errors import BadRequest, JxfedError, NotFound
from jxfed.files.store import CHUNK, TooLarge
from jxfed.library_lines import item_row, revision_row, show
from jxfed.settings import Settings
from jxfed.spaces.library import changes, reading
from jxfed.spaces.library.librarian import Librarian, librarian, peer_librarian
from jxfed.spaces.library.models import ItemKind
from jxfed.spaces.library.paths import path_of, resolve, split
from jxfed.spaces.models import Space

if TYPE_CHECKING:
    from jxfed.runtime import Services

ORIGINALS = "is done on the instance of the space, which keeps the originals"


def of_a_peer(settings: Settings, handle: str) -> bool:
    """Whether `handle` names a space of a peer (`slug@host` or a URL) rather than one here."""
    return "://" in handle or "@" in handle.removesuffix(f"@{settings.domain}")


async def local_space(settings: Settings, handle: str) -> Space:
    """A space of this instance by slug (or `slug@` this instance's domain)."""
    if of_a_peer(settings, handle):
        raise BadRequest(f"{handle} is a space of a peer: this {ORIGINALS}")
    slug = handle.removesuffix(f"@{settings.domain}")
    found = await Space.get_or_none(actor__name=slug).select_related("actor")
    if found is None:
        raise NotFound(f"no space named {slug!r} here")
    return found


async def peer_space_uri(handle: str) -> str:
    """The URI of a space of a peer (`slug@host` or its URL) as this instance knows it, from
    the actors it keeps: no request leaves, so it works while the peer is down."""
    from jxfed.activitypub.policy import host_or_none
    from jxfed.actors.models import RemoteActor

    slug, _, host = handle.partition("@")
    groups = RemoteActor.filter(kind="Group")
    if "://" in handle:
        known = await groups.filter(uri=handle)
    else:
        named = await groups.filter(preferred_username=slug)
        known = [group for group in named if host_or_none(group.uri) == host.lower()]
    if not known:
        raise NotFound(f"no space {handle} known here: a member joins it first")
    return known[0].uri


async def acting(services: Services, handle: str, name: str) -> Librarian:
    """The librarian of the local member `name` in the space `handle`: with their role in a
    space here, or, in a peer's, on this instance's verified copy with the role the space gave
    (each change goes to the space, which checks it again)."""
    from jxfed.actors.local_actors import member_by_name

    if of_a_peer(services.settings, handle):
        uri = await peer_space_uri(handle)
        return await peer_librarian(services, uri, (await member_by_name(name)).actor)
    space = await local_space(services.settings, handle)
    member = await member_by_name(name)
    return await librarian(services, space, services.actor_uri(member.actor))


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

    async with running(settings) as services:
        if args.action not in ACTIONS:
            space = await local_space(settings, args.space)
            if args.action == "verify":
                await evidence_commands.verify_contents(services, space)
            else:
                await evidence_commands.export(services, space, args.output)
            return
        await ACTIONS[args.action](await acting(services, args.space, args.name), args)
