"""Outgoing activities: delivery rows written with the change, sent signed, retried, paused.

`enqueue` runs inside the caller's transaction, so an activity and its deliveries exist
together or not at all. `send_due` is one round of a delivery worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

import aiohttp
import orjson

from jxfed.activitypub.models import Delivery, HostState, QueueState
from jxfed.activitypub.policy import host_of
from jxfed.activitypub.queue import backoff, claim, utcnow
from jxfed.activitypub.transport import Answer, NotAPeer, Signer, Transport

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 16  # 30 s doubling, capped at 6 h: about three days of trying
PAUSE_AFTER_FAILURES = 5
BATCH = 200
CONCURRENCY = 64
# 4xx answers that are worth another try (Mastodon retries on the same ones)
RETRYABLE_4XX = {401, 408, 429}


async def enqueue(
    activity: Mapping[str, Any],
    sender_id: int,
    inboxes: Iterable[str],
    is_peer: Callable[[str], bool],
) -> int:
    """Write one delivery per distinct inbox of a peer; return how many were written."""
    body = orjson.dumps(activity).decode()
    now = utcnow()
    rows = []
    for inbox in dict.fromkeys(inboxes):
        host = host_of(inbox)
        if not is_peer(host):
            log.warning("not delivering %s to %s: not a peer", activity.get("id"), host)
            continue
        rows.append(
            Delivery(
                activity_id=str(activity["id"]),
                sender_id=sender_id,
                inbox=inbox,
                host=host,
                body=body,
                next_try_at=now,
            )
        )
    if rows:
        await Delivery.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


SignerFor = Callable[[int], Awaitable[Signer]]


class DeliveryWorker:
    """Sends due deliveries, many at once, and records what each peer answered."""

    def __init__(
        self, transport: Transport, signer_for: SignerFor, retry_seconds: float = 30.0
    ) -> None:
        self._transport = transport
        self._retry_seconds = retry_seconds
        self._signer_for = signer_for
        self._limit = asyncio.Semaphore(CONCURRENCY)

    async def send_due(self) -> int:
        """Send one batch of due deliveries; return how many were tried."""
        batch = await claim(Delivery, BATCH, LEASE)
        if not batch:
            return 0
        paused = await self._host_states({row.host for row in batch})
        ready = [row for row in batch if row.host not in paused]
        for row in batch:
            if row.host in paused:
                await Delivery.filter(id=row.id).update(
                    next_try_at=paused[row.host], claimed_until=None, claim_token=None
                )
        answers = await asyncio.gather(*(self._send(row) for row in ready))
        await self._record(ready, answers)
        return len(batch)

    async def _host_states(self, hosts: set[str]) -> dict[str, Any]:
        """One query for the batch's hosts: tell the transport their schemes, return pauses."""
        now = utcnow()
        states = {state.host: state for state in await HostState.filter(host__in=list(hosts))}
        for host in hosts:
            state = states.get(host)
            self._transport.know_scheme(host, state.signature_scheme if state else "cavage")
        return {
            host: state.paused_until
            for host, state in states.items()
            if state.paused_until is not None and state.paused_until > now
        }

    async def _send(self, row: Delivery) -> Answer | Exception:
        async with self._limit:
            try:
                signer = await self._signer_for(row.sender_id)
                return await self._transport.post_activity(row.inbox, row.body.encode(), signer)
            except (aiohttp.ClientError, TimeoutError, OSError, NotAPeer) as exc:
                return exc

    async def _record(self, rows: list[Delivery], answers: list[Answer | Exception]) -> None:
        done: list[int] = []
        ok_hosts: set[str] = set()
        failed_hosts: set[str] = set()
        for row, answer in zip(rows, answers, strict=True):
            if isinstance(answer, Answer) and 200 <= answer.status < 300:
                done.append(row.id)
                ok_hosts.add(row.host)
                continue
            await self._retry_or_fail(row, answer)
            if not (
                isinstance(answer, Answer)
                and answer.status < 500
                and answer.status not in RETRYABLE_4XX
            ):
                failed_hosts.add(row.host)
        if done:
            await Delivery.filter(id__in=done).update(
                state=QueueState.DONE, claimed_until=None, claim_token=None, last_error=""
            )
        if ok_hosts:
            await HostState.filter(host__in=list(ok_hosts)).update(failures=0, paused_until=None)
        for host in failed_hosts - ok_hosts:
            await _count_failure(host, self._retry_seconds)

    async def _retry_or_fail(self, row: Delivery, answer: Answer | Exception) -> None:
        attempts = row.attempts + 1
        if isinstance(answer, Answer):
            status: int | None = answer.status
            error = f"answered {answer.status}"
            permanent = 400 <= answer.status < 500 and answer.status not in RETRYABLE_4XX
            retry_after = answer.retry_after
        else:
            status, error, retry_after = None, f"{answer.__class__.__name__}: {answer}", None
            permanent = isinstance(answer, NotAPeer)
        gives_up = permanent or attempts >= MAX_ATTEMPTS
        await Delivery.filter(id=row.id).update(
            state=QueueState.FAILED if gives_up else QueueState.PENDING,
            attempts=attempts,
            next_try_at=backoff(attempts, retry_after, self._retry_seconds),
            claimed_until=None,
            claim_token=None,
            last_status=status,
            last_error=error[:1000],
        )


async def _count_failure(host: str, base: float) -> None:
    """One more failure in a row; from the fifth, pause the host (2 x base, doubling, max 1 h)."""
    state, _ = await HostState.get_or_create(host=host)
    failures = state.failures + 1
    paused_until = None
    if failures >= PAUSE_AFTER_FAILURES:
        pause = min(2 * base * 2 ** (failures - PAUSE_AFTER_FAILURES), 3600)
        paused_until = utcnow() + timedelta(seconds=pause)
    await HostState.filter(id=state.id).update(failures=failures, paused_until=paused_until)


async def signature_scheme(host: str) -> str:
    state = await HostState.get_or_none(host=host)
    return state.signature_scheme if state else "cavage"


async def remember_scheme(host: str, scheme: str) -> None:
    state, _ = await HostState.get_or_create(host=host)
    await HostState.filter(id=state.id).update(signature_scheme=scheme)
