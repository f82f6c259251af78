"""Running the instance: the web application under Hypercorn, and the background workers."""

from __future__ import annotations

import asyncio
import logging
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from jxfed.actors.local_actors import ensure_instance_actor
from jxfed.errors import ConfigError
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
    print(f"jxfed: starting {settings.base_url} on http://{bind}", flush=True)
    workers = asyncio.create_task(run_workers(services, stop)) if with_workers else None
    try:
        await hypercorn_serve(app, config, shutdown_trigger=stop.wait)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {bind}: {exc.strerror or exc}") from None
    finally:
        stop.set()  # the workers finish their round and stop before the database closes
        if workers is not None:
            await workers
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
