"""`python -m bench.seed_replication DIR FILES CONTENTS`: the space `files` gets FILES files in
ten folders, sharing CONTENTS distinct contents of 4 KB to 300 KB (random, incompressible).

One file is uploaded the real way (`changes.upload`, as the page and the command line do); the
contents go through the store (`put_bytes`) and the other items and their revisions are copies
of the first one's rows, inserted in batches, as bench/seed_library.py does: the replication is
what is measured, not the seeding. Prints the bytes of the distinct contents.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from jxfed.commands import running
from jxfed.files.store import Stored
from jxfed.instance_folder import open_instance
from jxfed.settings import load_settings
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from jxfed.spaces.models import Space

BATCH = 500
FOLDERS = 10
SMALLEST, LARGEST = 4 * 1024, 300 * 1024


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def seed(directory: Path, files: int, distinct: int) -> int:
    settings = load_settings(directory)
    chooser = random.Random(12)
    async with open_instance(settings), running(settings) as services:
        space = await Space.get(actor__name="files")
        lib = await librarian(services, space, settings.url("/users/m01"))
        folders = [await changes.make_folder(lib, f"/case {n:02d}") for n in range(FOLDERS)]
        limit = settings.library_file_mb * 1024 * 1024
        contents: list[Stored] = []
        for _ in range(distinct):
            data = os.urandom(chooser.randint(SMALLEST, LARGEST))
            contents.append(await services.store.put_bytes(data, limit))
        first = await changes.upload(lib, "/case 00", "Exhibit 0000.bin", _once(os.urandom(64)))
        contents.append(Stored(str(first.sha256), int(first.size or 0), str(first.media_type)))
        revision = await LibraryRevision.get(item=first)
        for start in range(1, files, BATCH):
            numbers = range(start, min(start + BATCH, files))
            items = []
            for n in numbers:
                content = contents[n % distinct]
                items.append(
                    LibraryItem(
                        uri=settings.url(f"/library/{uuid.uuid4().hex}"),
                        space_id=space.id,
                        kind=first.kind,
                        parent_id=folders[n % FOLDERS].id,
                        title=f"Exhibit {n:04d}.bin",
                        author_uri=first.author_uri,
                        sha256=content.sha256,
                        size=content.size,
                        media_type=content.media_type,
                    )
                )
            await LibraryItem.bulk_create(items)
            made = await LibraryItem.filter(uri__in=[i.uri for i in items])
            await LibraryRevision.bulk_create(
                [
                    LibraryRevision(
                        item=item,
                        number=1,
                        change=revision.change,
                        author_uri=revision.author_uri,
                        title=item.title,
                        parent_id_then=item.parent_id,  # type: ignore[attr-defined]
                        status=revision.status,
                        sha256=item.sha256,
                        size=item.size,
                        media_type=item.media_type,
                    )
                    for item in made
                ]
            )
        used = {c.sha256: c.size for c in contents[: min(distinct, files - 1)]}
        used[str(first.sha256)] = int(first.size or 0)
        return sum(used.values())


if __name__ == "__main__":
    print(asyncio.run(seed(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
