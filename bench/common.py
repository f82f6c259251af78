"""What both benchmarks share: scratch databases, real `jxfed` processes, figures, tables.

Everything runs on loopback. The server under test is always a separate `jxfed serve` process;
this process is the client (and plays the peers).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

POSTGRES_URL = os.environ.get("JXFED_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
STARTUP_SECONDS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A benchmark could not run (set-up failed, server died): reported, not a traceback."""


class Skipped(Exception):
    """A database is not available here; the line is printed as skipped with the reason."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time consumed so far by process `pid` (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def run_queue_seconds(pid: int) -> float:
    """Time the threads of `pid` spent runnable but waiting for a CPU (/proc schedstat)."""
    waited = 0
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            waited += int(task.read_text().split()[1])
    return waited / 1e9


def machine_busy_seconds() -> float:
    """CPU-seconds all cores spent busy so far (everything but idle and iowait)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


@dataclass
class Usage:
    """Who used the CPUs during a phase: the server, this client, the whole machine."""

    elapsed: float
    server_cpu: float
    server_waited: float  # runnable, but every core was taken
    client_cpu: float
    machine_busy: float

    def describe(self) -> str:
        cores = os.cpu_count() or 1
        others = max(0.0, self.machine_busy - self.server_cpu - self.client_cpu)
        return (
            f"server CPU {self.server_cpu / self.elapsed:.0%} of a core "
            f"(waited for a core {self.server_waited / self.elapsed:.0%} of the time), "
            f"bench CPU {self.client_cpu / self.elapsed:.0%}, "
            f"other processes {others / self.elapsed:.2f} cores, "
            f"machine busy {self.machine_busy / self.elapsed:.2f}/{cores} cores"
        )


class Meter:
    """Measures a phase: wall time and CPU use of the server, of this process, of the machine."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.perf_counter()
        self._server = cpu_seconds(pid)
        self._waited = run_queue_seconds(pid)
        self._client = time.process_time()
        self._machine = machine_busy_seconds()

    def stop(self, end: float | None = None) -> Usage:
        """The usage since start; `end` (a perf_counter time) sets the elapsed wall time."""
        return Usage(
            elapsed=max((end or time.perf_counter()) - self.started, 1e-9),
            server_cpu=cpu_seconds(self.pid) - self._server,
            server_waited=run_queue_seconds(self.pid) - self._waited,
            client_cpu=time.process_time() - self._client,
            machine_busy=machine_busy_seconds() - self._machine,
        )


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


# --- databases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """The database a benchmark's instance uses: `url` None means SQLite in the instance folder."""

    kind: str
    url: str | None = None


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/test", timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def scratch_database(kind: str) -> AsyncIterator[Database]:
    """SQLite, or a fresh PostgreSQL database `jxfed_bench_<random>` dropped afterwards."""
    if kind == "sqlite":
        yield Database("sqlite")
        return
    name = f"jxfed_bench_{secrets.token_hex(6)}"
    try:
        await _admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise Skipped(
            f"PostgreSQL not reachable at {POSTGRES_URL}/test ({exc.__class__.__name__}: {exc})"
        ) from None
    try:
        server = POSTGRES_URL.replace("postgres://", "postgresql://", 1)
        yield Database("postgres", f"{server}/{name}")
    finally:
        with contextlib.suppress(OSError, asyncpg.PostgresError, TimeoutError):
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- jxfed processes -----------------------------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent  # the repository: `bench` is importable from it


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for name in ("JXFED_DIR", "JXFED_DATABASE_URL", "JXFED_BIND"):
        env.pop(name, None)
    return env


def jxfed_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jxfed", *args]


@dataclass
class Instance:
    """One jxfed instance folder on a loopback port, and its `serve` process once started."""

    directory: Path
    port: int
    database: Database
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)
    profiler: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.log = self.directory.parent / f"{self.directory.name}.log"

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def cli(self, *args: str) -> str:
        """Run `jxfed --dir DIR ARGS` as an administrator would; its output, or BenchError."""
        return await run_jxfed("--dir", str(self.directory), *args)

    async def init(self) -> None:
        args = ["init", "--dir", str(self.directory), "--domain", self.domain, "--insecure-http"]
        if self.database.url:
            args += ["--database-url", self.database.url]
        await run_jxfed(*args)

    async def start(self, *serve_args: str) -> None:
        """Start `jxfed serve` and wait until it answers NodeInfo."""
        command = jxfed_command("--dir", str(self.directory), "serve", "--bind", self.domain)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, *serve_args], stdout=log, stderr=subprocess.STDOUT, env=_env()
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"jxfed serve exited at start-up:\n{self.log_tail()}")
            if await asyncio.to_thread(self._answers):
                return
            await asyncio.sleep(0.1)
        raise BenchError(f"jxfed serve did not start in {STARTUP_SECONDS} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/.well-known/nodeinfo", timeout=1):  # noqa: S310
                return True
        except OSError:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start_profiler(self, output: Path, seconds: float) -> None:
        """Sample the server with py-spy (PY_SPY or /tmp/pyspy/bin/py-spy) for `seconds`.

        Raw collapsed stacks; PY_SPY_FLAGS (default `--gil --nonblocking`: the thread holding
        the GIL, without pausing the server) are passed on.
        """
        py_spy = os.environ.get("PY_SPY", "/tmp/pyspy/bin/py-spy")
        if not Path(py_spy).exists():
            raise BenchError(f"--profile: py-spy not found at {py_spy} (set PY_SPY)")
        env = {**os.environ, "PYTHONPATH": str(Path(py_spy).parent.parent)}
        self.profiler = subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(self.pid),
                "--rate",
                "250",
                "--format",
                "raw",
                "--duration",
                str(max(1, round(seconds))),
                "--output",
                str(output),
                *os.environ.get("PY_SPY_FLAGS", "--gil --nonblocking").split(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    async def stop_profiler(self) -> None:
        if self.profiler is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.profiler.wait, 30)
            if self.profiler.poll() is None:
                self.profiler.terminate()
            self.profiler = None

    async def stop(self) -> None:
        await self.stop_profiler()
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                await asyncio.to_thread(self.process.wait)
        self.process = None

    async def query(self, sql: str) -> list[tuple[object, ...]]:
        """Rows of a read-only SQL query on the instance's database (SQLite or PostgreSQL)."""
        if self.database.url is None:
            path = self.directory / "jxfed.sqlite3"

            def read() -> list[tuple[object, ...]]:
                with contextlib.closing(sqlite3.connect(path)) as connection:
                    return list(connection.execute(sql).fetchall())

            return await asyncio.to_thread(read)
        connection = await asyncpg.connect(self.database.url, timeout=5)
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_errors(self) -> tuple[int, str]:
        """(how many lines of the server log report an error, the first report in full)."""
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return 0, ""
        markers = ("Traceback", "ERROR", "Error:", "exception", "WARNING")
        hits = [n for n, line in enumerate(lines) if any(m in line for m in markers)]
        if not hits:
            return 0, ""
        first = lines[hits[0] : hits[0] + 30]
        end = next(
            (
                n
                for n, line in enumerate(first[1:], 1)
                if not line.startswith(" ") and ("Error" in line or "Exception" in line)
            ),
            len(first) - 1,
        )
        return len(hits), "\n".join(first[: end + 1])


async def run_jxfed(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *jxfed_command(*args),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"jxfed {' '.join(args)} failed: {err.decode(errors='replace').strip()}")
    return out.decode()


@contextlib.asynccontextmanager
async def workspace(label: str) -> AsyncIterator[Path]:
    """A temporary folder for instance folders and logs, removed afterwards (kept on error)."""
    root = Path(tempfile.mkdtemp(prefix=f"jxfed-bench-{label}-"))
    try:
        yield root
    except BaseException:
        print(f"    (logs kept in {root})", file=sys.stderr)
        raise
    shutil.rmtree(root, ignore_errors=True)


def report_log(instance: Instance) -> None:
    """Print what the server logged as errors or warnings, if anything."""
    count, first = instance.log_errors()
    if count:
        shown = "\n".join("      " + line for line in first.splitlines())
        print(f"    server log: {count} error/warning lines; the first:\n{shown}")
