"""A sink that plays many peer instances: it accepts POSTs on many ports and counts them.

Used by the fan-out benchmark and by the delivery tests. Each port is one "instance"
(127.0.0.1:PORT); every POST to /inbox is recorded as (host, activity id) and answered 202.
"""

from __future__ import annotations

import json
import socket
import time
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Sink:
    """Records deliveries per (host, activity id); `signed` counts those carrying a Signature.

    `arrivals` holds the `time.perf_counter()` of each POST, in order (for rates); the first
    `keep_samples` requests are kept whole in `samples` (URL, headers, body), to check their
    signatures.
    """

    ports: list[int] = field(default_factory=list)
    received: Counter[tuple[str, str]] = field(default_factory=Counter)
    signed: int = 0
    arrivals: list[float] = field(default_factory=list)
    keep_samples: int = 0
    samples: list[tuple[str, list[tuple[str, str]], bytes]] = field(default_factory=list)
    _runners: list[web.AppRunner] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return [f"127.0.0.1:{port}" for port in self.ports]

    async def _inbox(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            activity_id = str(json.loads(body).get("id"))
        except ValueError:
            return web.json_response({"error": "not JSON"}, status=400)
        self.received[(request.host, activity_id)] += 1
        self.arrivals.append(time.perf_counter())
        if len(self.samples) < self.keep_samples:
            url = f"http://{request.host}{request.path_qs}"
            self.samples.append((url, list(request.headers.items()), body))
        if "Signature" in request.headers or "Signature-Input" in request.headers:
            self.signed += 1
        return web.json_response({}, status=202)

    async def start(self, count: int) -> None:
        """Listen on `count` free loopback ports, each an inbox at /inbox."""
        app = web.Application(client_max_size=2**20)
        app.router.add_post("/inbox", self._inbox)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            self.ports.append(sock.getsockname()[1])
            await web.SockSite(runner, sock).start()

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()

    @property
    def total(self) -> int:
        return sum(self.received.values())
