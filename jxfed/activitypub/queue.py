"""Work rows in the database (inbox items, deliveries): claiming, finishing, retrying.

A claim is a lease: `claimed_until` in the future and a random `claim_token`. It is taken by one
UPDATE, so two workers never hold the same row (on PostgreSQL the candidates are also read
`FOR UPDATE SKIP LOCKED`, so workers do not queue behind each other). A worker killed mid-way
leaves a lease that expires, and the row is taken again: effects are applied in the same
transaction that marks the row done, so a row's effect happens once.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from jxfed.activitypub.models import Delivery, InboxItem, QueueState

Row = TypeVar("Row", InboxItem, Delivery)
MAX_BACKOFF = timedelta(hours=6)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def claim(model: type[Row], limit: int, lease: timedelta) -> list[Row]:
    """Lease up to `limit` due rows of `model` for this worker, oldest first."""
    now = utcnow()
    token = secrets.token_hex(16)
    due = Q(state=QueueState.PENDING, next_try_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    async with in_transaction() as connection:
        candidates = (
            await model.filter(due)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
            .using_db(connection)
            .values_list("id", flat=True)
        )
        if not candidates:
            return []
        await (
            model.filter(due, id__in=list(candidates))
            .using_db(connection)
            .update(claimed_until=now + lease, claim_token=token)
        )
    return list(await model.filter(claim_token=token).order_by("id"))


def backoff(attempts: int, retry_after: str | None = None, base: float = 30.0) -> datetime:
    """When to try again: exponential from `base` seconds, capped at 6 h; Retry-After wins."""
    now = utcnow()
    if retry_after:
        wait = _retry_after(retry_after, now)
        if wait is not None:
            return now + min(wait, MAX_BACKOFF)
    return now + min(timedelta(seconds=base * 2 ** min(attempts - 1, 20)), MAX_BACKOFF)


def _retry_after(value: str, now: datetime) -> timedelta | None:
    if value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when - now, timedelta(0)) if when.tzinfo else None
