"""Running the web application under Hypercorn until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from jxfed.actors.accounts import ensure_instance_actor
from jxfed.services import Services
from jxfed.settings import Settings
from jxfed.web.app import create_app

log = logging.getLogger(__name__)


async def serve(settings: Settings, bind: str) -> None:
    """Serve the instance on `bind` (HOST:PORT); the database is open and migrated."""
    await ensure_instance_actor(settings.host)
    app = create_app(Services(settings))
    config = Config()
    config.bind = [bind]
    config.accesslog = None
    config.errorlog = "-"
    config.graceful_timeout = 5
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"jxfed: serving {settings.base_url} on http://{bind}", flush=True)
    await hypercorn_serve(app, config, shutdown_trigger=stop.wait)
