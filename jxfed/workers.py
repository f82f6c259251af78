"""Background workers: the durable inbox and the deliveries, run by `serve` or `worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from jxfed.activitypub.delivery import DeliveryWorker
from jxfed.activitypub.inbox import process_due
from jxfed.activitypub.keyfetch import KeyFetcher
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.inbound import register_routes

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 0.1  # a cheap indexed query; work written by another process waits at most this


def start_services(settings: Settings, key_fetcher: KeyFetcher | None = None) -> Services:
    """The Services of a running instance, its inbox dispatch table filled by the upper layers."""
    services = Services(settings, key_fetcher)
    register_routes(services)
    return services


async def _loop(
    name: str, step: Callable[[], Awaitable[int]], services: Services, stop: asyncio.Event
) -> None:
    """Run rounds back to back while there is work; otherwise wait for a nudge or a poll."""
    while not stop.is_set():
        try:
            done = await step()
        except Exception:  # a broken round is logged and retried: the rows stay in the database
            log.exception("%s worker round failed", name)
            done = 0
        if done:
            continue
        services.work_arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(services.work_arrived.wait(), IDLE_POLL_SECONDS)


async def run_workers(services: Services, stop: asyncio.Event) -> None:
    """Process the inbox and send deliveries until `stop` is set."""
    sender = DeliveryWorker(
        services.transport, services.signer_by_id, services.settings.retry_seconds
    )

    async def inbox_round() -> int:
        return await process_due(services.dispatcher, services.settings.retry_seconds)

    await asyncio.gather(
        _loop("inbox", inbox_round, services, stop),
        _loop("delivery", sender.send_due, services, stop),
    )
