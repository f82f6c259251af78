"""A 1,000-file library replicated to a new member's instance, over loopback.

A's open space `files` holds 1,000 files in ten folders sharing 300 distinct contents of 4 KB to
300 KB (bench/seed_replication.py). A member of B joins; B then walks the space's library
collection and fetches each content (jxfed/spaces/library/replicating.py). Timed from the join
until B holds all 1,000 files: files per second, and the content bytes B fetched against the
bytes of the distinct contents, which must be equal (each content once). A answers behind a
counting proxy in this process (it streams, and counts each content request and its bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.common import BenchError, Database, Instance, free_port, report_log, scratch_database
from bench.fanout import run_module
from bench.figures import Row, verdict
from bench.library import add_member

FILES = 1_000
DISTINCT = 300
WAIT_SECONDS = 300.0
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class CountingProxy:
    """Listens on A's address and passes every request on to A's server, streaming; counts the
    content requests (`/library/<id>/contents/<sha256>`) and the bytes they answer with."""

    def __init__(self, listen: int, backend: str) -> None:
        self.listen, self.backend = listen, backend
        self.requests: Counter[str] = Counter()
        self.content_bytes = 0
        self.session: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.StreamResponse:
        assert self.session is not None
        content = "/contents/" in request.path
        if content:
            self.requests[request.path.rsplit("/", 1)[1]] += 1
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP]
        headers.append(("Host", request.host))
        async with self.session.request(
            request.method,
            self.backend + request.path_qs,
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as answer:
            response = web.StreamResponse(status=answer.status)
            for key, value in answer.headers.items():
                if key.lower() not in HOP:
                    response.headers.add(key, value)
            await response.prepare(request)
            async for chunk in answer.content.iter_chunked(256 * 1024):
                if content and answer.status == 200:
                    self.content_bytes += len(chunk)
                await response.write(chunk)
            await response.write_eof()
            return response

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[CountingProxy]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.forward)
        runner = web.AppRunner(app, access_log=None)
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(
            connector=connector, skip_auto_headers=("Host",), auto_decompress=False
        ) as self.session:
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.listen).start()
            try:
                yield self
            finally:
                await runner.cleanup()


async def _held(b: Instance) -> int:
    """The files of a peer's space that B holds (it has joined one only)."""
    [(count,)] = await b.query(
        "SELECT count(*) FROM library_item WHERE kind = 'file' AND space_id IS NULL"
    )
    return int(str(count))


async def replicate(a: Instance, b: Instance, db: str) -> list[Row]:
    await run_module("bench.seed_replication", str(a.directory), str(FILES), str(DISTINCT))
    [(distinct_bytes, distinct)] = await a.query(
        "SELECT sum(size), count(*) FROM (SELECT DISTINCT sha256, size FROM library_item"
        " WHERE kind = 'file') AS contents"
    )
    backend = Instance(a.directory, free_port(), a.database)  # A's server, behind the proxy
    async with CountingProxy(a.port, backend.url).running() as proxy:
        try:
            await backend.start()
            await b.start()
            started = time.perf_counter()
            await b.cli("users", "join", "m02", f"files@{a.domain}")
            held = 0
            while held < FILES and time.perf_counter() - started < WAIT_SECONDS:
                await asyncio.sleep(0.05)
                held = await _held(b)
            elapsed = time.perf_counter() - started
        finally:
            await b.stop()
            await backend.stop()
            report_log(backend)
            report_log(b)
    if held < FILES:
        raise BenchError(f"B held {held} of {FILES} files after {WAIT_SECONDS:.0f} s")
    once = set(proxy.requests.values()) == {1} and len(proxy.requests) == int(str(distinct))
    equal = proxy.content_bytes == int(str(distinct_bytes))
    mb = proxy.content_bytes / 1024 / 1024
    print(
        f"    {FILES} files in {elapsed:.1f} s: {FILES / elapsed:.0f} files/s; fetched"
        f" {proxy.content_bytes:,} bytes in {sum(proxy.requests.values())} requests for"
        f" {distinct} contents of {int(str(distinct_bytes)):,} bytes",
        flush=True,
    )
    return [
        Row(
            db,
            f"library: {FILES:,} files to a new member instance",
            f"{FILES / elapsed:.0f} files/s ({elapsed:.1f} s), {mb:.1f} MB fetched",
            "each content once",
            verdict(once and equal),
            f"{len(proxy.requests)} contents fetched of {distinct};"
            f" bytes fetched {'=' if equal else '≠'} distinct contents' bytes",
        )
    ]


async def run(root: Path, database: Database) -> list[Row]:
    """A on the benchmark's database, B on another of the same kind."""
    db = database.kind
    async with scratch_database(db) as other:
        a = Instance(root / f"a-{db}", free_port(), database)
        b = Instance(root / f"b-{db}", free_port(), other)
        try:
            for instance in (a, b):
                await instance.init()
            await a.cli("peers", "allow", b.domain)
            await b.cli("peers", "allow", a.domain)
            await add_member(a, "m01")
            await add_member(b, "m02")
            await a.cli(
                "spaces", "add", "files", "--name", "Case files", "--access", "open",
                "--owner", "m01",
            )  # fmt: skip
            return await replicate(a, b, db)
        finally:
            await a.stop()
            await b.stop()
