"""`python -m bench.seed_library DIR COUNT`: the space `files` gets a folder `big` of COUNT notes.

One note is written the real way (`changes.write_note`, as the page and the command line do);
the others are copies of its rows (items and revisions, the same content digest), inserted in
batches, as the feed's seed does: the listing is what is measured, not the seeding.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

from jxfed.commands import running
from jxfed.instance_folder import open_instance
from jxfed.settings import load_settings
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from jxfed.spaces.models import Space

BATCH = 1000


async def seed(directory: Path, count: int) -> None:
    settings = load_settings(directory)
    async with open_instance(settings), running(settings) as services:
        space = await Space.get(actor__name="files")
        lib = await librarian(services, space, settings.url("/users/m01"))
        await changes.make_folder(lib, "/big")
        first = await changes.write_note(lib, "/big", "Statement 00000", "As heard on Monday.")
        revision = await LibraryRevision.get(item=first)
        for start in range(1, count, BATCH):
            numbers = range(start, min(start + BATCH, count))
            items = [
                LibraryItem(
                    uri=settings.url(f"/library/{uuid.uuid4().hex}"),
                    space_id=first.space_id,  # type: ignore[attr-defined]
                    kind=first.kind,
                    parent_id=first.parent_id,  # type: ignore[attr-defined]
                    title=f"Statement {n:05d}",
                    author_uri=first.author_uri,
                    sha256=first.sha256,
                    size=first.size,
                    media_type=first.media_type,
                )
                for n in numbers
            ]
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
                        parent_id_then=revision.parent_id_then,
                        status=revision.status,
                        sha256=revision.sha256,
                        size=revision.size,
                        media_type=revision.media_type,
                    )
                    for item in made
                ]
            )


if __name__ == "__main__":
    asyncio.run(seed(Path(sys.argv[1]), int(sys.argv[2])))
