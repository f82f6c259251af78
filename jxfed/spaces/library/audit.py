"""A space's audit trail: every upload, download, view, change and refused access, each entry
chained to the one before by a SHA-256 over both, so that any later edit of the table shows.

The hash covers the entry's space, sequence number, actor, action, item, revision hash, detail
and time, and the previous entry's hash (64 zeros for the first): `verify` recomputes the chain
and names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from jxfed.spaces.library.models import AuditEntry
from jxfed.spaces.models import Space

GENESIS = "0" * 64
ATTEMPTS = 5


def entry_hash(entry: AuditEntry, space_uri: str) -> str:
    """The hash an entry must carry, from its fields and the hash before it."""
    fields = [
        space_uri,
        entry.sequence,
        entry.actor_uri,
        entry.action,
        entry.item_uri,
        entry.revision_sha256,
        entry.detail,
        entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        entry.previous_hash,
    ]
    return hashlib.sha256(orjson.dumps(fields)).hexdigest()


def _chain(space: Space | None, space_uri: str) -> dict[str, object]:
    """Which entries make one chain: a space's here, or those about a copy of a peer's."""
    return {"space": space} if space is not None else {"space_id": None, "space_uri": space_uri}


async def record(
    space: Space | None,
    space_uri: str,
    actor_uri: str,
    action: str,
    item_uri: str = "",
    sha256: str = "",
    detail: str = "",
) -> AuditEntry:
    """Append an entry at the end of the space's chain (a concurrent append retries)."""
    for attempt in range(ATTEMPTS):
        try:
            async with in_transaction():
                last = (
                    await AuditEntry.filter(**_chain(space, space_uri))
                    .order_by("-sequence")
                    .first()
                )
                entry = AuditEntry(
                    space=space,
                    space_uri=None if space is not None else space_uri,
                    sequence=(last.sequence + 1) if last else 1,
                    actor_uri=actor_uri[:500],
                    action=action[:32],
                    item_uri=item_uri[:500],
                    revision_sha256=sha256,
                    detail=detail[:500],
                    created_at=datetime.now(UTC),
                    previous_hash=last.hash if last else GENESIS,
                )
                entry.hash = entry_hash(entry, space_uri)
                await entry.save()
                return entry
        except IntegrityError:  # another entry took this sequence number: read the end again
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # the first sequence number whose hash or link does not match

    @property
    def intact(self) -> bool:
        return self.broken_at is None


async def verify(space: Space | None, space_uri: str) -> ChainCheck:
    """Recompute the whole chain of a space; the first entry that does not match, if any."""
    previous = GENESIS
    expected = 1
    count = 0
    for entry in await AuditEntry.filter(**_chain(space, space_uri)).order_by("sequence"):
        count += 1
        if (
            entry.sequence != expected
            or entry.previous_hash != previous
            or entry.hash != entry_hash(entry, space_uri)
        ):
            return ChainCheck(count, entry.sequence)
        previous = entry.hash
        expected += 1
    return ChainCheck(count, None)
