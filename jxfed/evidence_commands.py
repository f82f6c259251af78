"""The evidence commands, an administrator's: `jxfed library verify SPACE` re-hashes every
stored content, `jxfed library export SPACE -o FILE.zip` writes the zip a lawyer hands over,
and `jxfed spaces audit SLUG [--verify]` prints the trail or proves its hash chain unbroken.
Each ends with a one-line error and exit 1 (cli.main) when something no longer matches."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jxfed.errors import JxfedError
from jxfed.library_lines import when
from jxfed.settings import Settings
from jxfed.spaces.library import audit, reading
from jxfed.spaces.library.models import AuditEntry
from jxfed.spaces.models import Space

if TYPE_CHECKING:
    from jxfed.runtime import Services

AUDIT_PAGE = 500


async def verify_contents(services: Services, space: Space) -> None:
    """One line per revision whose content no longer matches; an error when any does not."""
    count, damages = await reading.verify(space, services.store)
    for damage in damages:
        found = f"found {damage.found}" if damage.found else "missing"
        print(f"{damage.path}\tr{damage.revision}\texpected {damage.sha256}\t{found}")
    slug = space.actor.name
    if damages:
        broken = len({damage.sha256 for damage in damages})
        raise JxfedError(
            f"{broken} of {count} contents of {slug} damaged or missing ({len(damages)} revisions)"
        )
    print(f"jxfed: all {count} contents of {slug} match their SHA-256")


async def export(services: Services, space: Space, output: Path) -> None:
    from jxfed.actors.local_actors import instance_actor
    from jxfed.spaces.library.export import export_library

    exporter = services.actor_uri(await instance_actor())
    done = await export_library(services, space, output, exporter)
    print(
        f"jxfed: {done.items} items, {done.revisions} revisions, {done.files} files "
        f"({done.size:,} bytes) of {space.actor.name} in {output}; "
        "check it with 'sha256sum -c SHA256SUMS' where it is unzipped"
    )
    if done.damaged:
        raise JxfedError(
            f"{len(done.damaged)} contents no longer match their SHA-256 (first: "
            f"{done.damaged[0]}): the zip says so; run 'jxfed library verify'"
        )


async def show_audit(settings: Settings, space: Space, *, verify: bool) -> None:
    """`jxfed spaces audit SLUG [--verify]`: the trail, or the proof that its chain holds."""
    from jxfed.actors.paths import actor_path

    slug = space.actor.name
    if verify:
        check = await audit.verify(space, settings.url(actor_path(space.actor)))
        if check.intact:
            newest = await AuditEntry.filter(space=space).order_by("-sequence").first()
            head = f" (last hash {newest.hash}: keep it to detect a cut tail)" if newest else ""
            print(f"jxfed: the audit trail of {slug} is intact, {check.entries} entries{head}")
            return
        raise JxfedError(
            f"the audit trail of {slug} is broken at entry {check.broken_at}: "
            "an entry was changed, removed or inserted after it was written"
        )
    last = 0
    while (
        page := await AuditEntry.filter(space=space, sequence__gt=last)
        .order_by("sequence")
        .limit(AUDIT_PAGE)
    ):
        for entry in page:
            fields = (entry.item_uri, entry.revision_sha256, entry.detail)
            shown = "\t".join(value or "-" for value in fields)
            print(f"{entry.sequence}\t{when(entry.created_at)}\t{entry.actor_uri}\t", end="")
            print(f"{entry.action}\t{shown}")
        last = page[-1].sequence
