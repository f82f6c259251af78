"""Running the instance: the web application under Hypercorn, and the background workers."""

from __future__ import annotations

import asyncio
import logging
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from jxfed.actors.accounts import ensure_instance_actor
from jxfed.settings import Settings
from jxfed.web.app import create_app
from jxfed.workers import run_workers, start_services

log = logging.getLogger(__name__)


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(settings: Settings, bind: str, *, with_workers: bool = True) -> None:
    """Serve the instance on `bind` (HOST:PORT); the database is open and migrated."""
    await ensure_instance_actor(settings.host)
    services = start_services(settings)
    app = create_app(services)
    config = Config()
    config.bind = [bind]
    config.accesslog = None
    config.errorlog = "-"
    config.graceful_timeout = 5
    stop = stop_on_signals()
    print(f"jxfed: serving {settings.base_url} on http://{bind}", flush=True)
    tasks = [hypercorn_serve(app, config, shutdown_trigger=stop.wait)]
    if with_workers:
        tasks.append(run_workers(services, stop))
    try:
        await asyncio.gather(*tasks)
    finally:
        await services.close()


async def work(settings: Settings) -> None:
    """Run only the workers (several may share one PostgreSQL database)."""
    services = start_services(settings)
    stop = stop_on_signals()
    print(f"jxfed: worker for {settings.base_url}", flush=True)
    try:
        await run_workers(services, stop)
    finally:
        await services.close()
