"""The library over loopback: a 200 MB file uploaded through the members' upload form and
downloaded back, each against a plain `cat` of the same file into a socket, with the server's
peak extra memory while it streams (budget: at most 64 MB over what it held before).

The client is this process, as a browser is: it signs in through the form (session cookie and
form token), posts the file as multipart/form-data streamed from disk, and reads the download
a chunk at a time without keeping it. The server's resident memory is read from /proc every
20 ms during each transfer.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
import time
from pathlib import Path

import aiohttp

from bench.common import (
    BenchError,
    Database,
    Instance,
    free_port,
    jxfed_command,
    percentile,
    report_log,
)
from bench.fanout import run_module
from bench.figures import Row, verdict

FOLDER_ITEMS = 10_000
SIZE = int(os.environ.get("JXFED_BENCH_LIBRARY_MB", "200")) * 1024 * 1024
BUDGET_EXTRA_MB = 64.0
PASSWORD = "bench-password-1"  # noqa: S105 (a benchmark member)
_TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """The highest resident memory of a process while a transfer runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = rss_mb(pid)
        self.peak = self.before
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb(self.pid))
            await asyncio.sleep(0.02)

    def stop(self) -> float:
        self._task.cancel()
        self.peak = max(self.peak, rss_mb(self.pid))
        return self.peak - self.before


def make_file(path: Path) -> str:
    """SIZE bytes that do not compress (so nothing on the way can shrink them); their SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with path.open("wb") as handle:
        for n in range(SIZE // len(block)):
            chunk = block[n % 7 :] + block[: n % 7]  # each megabyte different
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


async def cat_to_socket(path: Path) -> float:
    """Seconds for `cat FILE > /dev/tcp/...` into a reader that drops what it reads."""
    received = 0
    done = asyncio.Event()

    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        while chunk := await reader.read(1024 * 1024):
            received += len(chunk)
        writer.close()
        done.set()

    server = await asyncio.start_server(drop, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", f'cat "{path}" > /dev/tcp/127.0.0.1/{port}'
    )
    await process.wait()
    await done.wait()
    elapsed = time.perf_counter() - started
    server.close()
    if received != SIZE:
        raise BenchError(f"cat delivered {received} bytes of {SIZE}")
    return elapsed


async def sign_in(session: aiohttp.ClientSession, base: str) -> None:
    async with session.get(base + "/sign-in") as response:
        token = _TOKEN.search(await response.read())
    if token is None:
        raise BenchError("no form token on /sign-in")
    form = {"csrf_token": token.group(1).decode(), "username": "m01", "password": PASSWORD}
    async with session.post(base + "/sign-in", data=form, allow_redirects=False) as response:
        if response.status != 303:
            raise BenchError(f"sign-in: {response.status}")


async def upload(session: aiohttp.ClientSession, base: str, path: Path) -> float:
    async with session.get(base + "/spaces/files/library") as response:
        token = _TOKEN.search(await response.read())
    if token is None:
        raise BenchError(f"no upload form on the library page ({response.status})")
    form = aiohttp.FormData()
    form.add_field("csrf_token", token.group(1).decode())
    form.add_field("folder", "/")
    form.add_field("path", "/")
    started = time.perf_counter()
    with path.open("rb") as handle:
        form.add_field("file", handle, filename=path.name, content_type="application/octet-stream")
        async with session.post(
            base + "/spaces/files/library/-/upload", data=form, allow_redirects=False
        ) as response:
            body = await response.read()
    elapsed = time.perf_counter() - started
    if response.status != 303:
        raise BenchError(f"upload: {response.status} {body[:200]!r}")
    return elapsed


async def download(session: aiohttp.ClientSession, base: str, path: str) -> tuple[float, str]:
    digest = hashlib.sha256()
    started = time.perf_counter()
    async with session.get(base + path) as response:
        if response.status != 200:
            raise BenchError(f"download: {response.status}")
        async for chunk in response.content.iter_chunked(1024 * 1024):
            digest.update(chunk)
    return time.perf_counter() - started, digest.hexdigest()


async def add_member(instance: Instance, name: str) -> None:
    """`jxfed users add NAME --password-stdin`, the password given as an administrator would."""
    command = jxfed_command(
        "--dir", str(instance.directory), "users", "add", name, "--password-stdin"
    )
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate(PASSWORD.encode() + b"\n")
    if process.returncode != 0:
        raise BenchError(f"users add {name}: {err.decode(errors='replace').strip()}")


async def listing(instance: Instance, db: str) -> list[Row]:
    """A folder of FOLDER_ITEMS notes: its first page and pages deep in it (by cursor), timed
    one at a time as a member's browser asks for them."""
    await run_module("bench.seed_library", str(instance.directory), str(FOLDER_ITEMS))
    ids = [
        int(str(row[0]))
        for row in await instance.query(
            "SELECT id FROM library_item WHERE title LIKE 'Statement %' ORDER BY title, id"
        )
    ]
    await instance.start()
    chooser = random.Random(7)
    times: list[float] = []
    problems = 0
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        cookie_jar=jar, headers={"Accept-Encoding": "gzip"}
    ) as session:
        await sign_in(session, instance.url)
        for n in range(20 + 400):
            after = "" if n % 4 == 0 else f"?after={chooser.choice(ids[:-200])}"
            started = time.perf_counter()
            async with session.get(f"{instance.url}/spaces/files/library/big{after}") as response:
                body = await response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200 or body.count(b"Statement ") < 100:
                problems += 1
            if n >= 20:
                times.append(elapsed * 1000)
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    print(f"    folder of {FOLDER_ITEMS:,}: p50 {p50:.1f} ms, p99 {p99:.1f} ms", flush=True)
    return [
        Row(
            db,
            f"library: folder of {FOLDER_ITEMS:,}, a page",
            f"p99 {p99:.1f} ms (p50 {p50:.1f})",
            "p99 < 50 ms",
            verdict(p99 < 50 and problems == 0),
            f"400 pages of 100 items, first and deep by cursor; {problems} bad answers",
        )
    ]


async def run(root: Path, database: Database) -> list[Row]:
    db = database.kind
    instance = Instance(root / f"library-{db}", free_port(), database)
    source = root / "evidence.bin"
    expected = await asyncio.to_thread(make_file, source)
    cat_seconds = await cat_to_socket(source)
    mb = SIZE / 1024 / 1024
    rows: list[Row] = []
    try:
        await instance.init()
        settings = instance.directory / "instance.toml"
        settings.write_text(settings.read_text() + f"library_file_mb = {int(mb) + 16}\n")
        await add_member(instance, "m01")
        await instance.cli(
            "spaces", "add", "files", "--name", "Case files", "--access", "open", "--owner", "m01"
        )
        await instance.start()
        jar = aiohttp.CookieJar(unsafe=True)
        timeout = aiohttp.ClientTimeout(total=600)
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as session:
            await sign_in(session, instance.url)
            memory = PeakMemory(instance.pid)
            up_seconds = await upload(session, instance.url, source)
            up_extra = memory.stop()
            [(item_id, number)] = await instance.query(
                "SELECT id, revision FROM library_item WHERE title = 'evidence.bin'"
            )
            memory = PeakMemory(instance.pid)
            down_seconds, got = await download(
                session, instance.url, f"/spaces/files/library/-/download/{item_id}/{number}"
            )
            down_extra = memory.stop()
        if got != expected:
            raise BenchError("the downloaded file does not hash to what was uploaded")
        for label, seconds, extra in (
            ("upload", up_seconds, up_extra),
            ("download", down_seconds, down_extra),
        ):
            ratio = cat_seconds / seconds
            print(
                f"    {label}: {mb / seconds:.0f} MB/s ({ratio:.2f}× cat's {mb / cat_seconds:.0f}"
                f" MB/s), server memory +{extra:.1f} MB",
                flush=True,
            )
            rows.append(
                Row(
                    db,
                    f"library: {mb:.0f} MB {label}",
                    f"{mb / seconds:.0f} MB/s, {ratio:.2f}× cat, +{extra:.0f} MB",
                    f"≤ +{BUDGET_EXTRA_MB:.0f} MB",
                    verdict(extra <= BUDGET_EXTRA_MB),
                    "through the members' form / download route; SHA-256 checked",
                )
            )
        await instance.stop()
        rows += await listing(instance, db)
        report_log(instance)
    finally:
        await instance.stop()
    return rows
