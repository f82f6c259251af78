"""Real jxfed instances for tests: `jxfed serve` in child processes, set up in this one.

An instance folder is made as `jxfed init` makes it (tests/test_cli.py runs the command itself),
but from a migrated template database, and its members, spaces and peers are written in this
process (`Instance.seed`): a dozen command-line processes per network cost seconds.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jxfed import cli, db
from jxfed.activitypub.peers import allow_peer
from jxfed.actors.local_actors import add_member, ensure_instance_actor
from jxfed.actors.models import Profile
from jxfed.instance_folder import render_config
from jxfed.settings import SQLITE_FILE, Settings, load_settings
from jxfed.spaces.models import Access
from jxfed.spaces.registry import add_space
from tests.databases import in_own_loop

if TYPE_CHECKING:
    from tests.databases import Templates

T = TypeVar("T")

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jxfed(
    *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the `jxfed` command line as a user would, capturing what it prints."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("JXFED_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "jxfed", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"jxfed {' '.join(args)} failed: {result.stderr}")
    return result


_cli_lock = threading.Lock()


def jxfed_here(
    *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """The `jxfed` command line run in this process (same parser, same commands, same output
    and exit status), for the stories that drive servers with it dozens of times: a process
    costs a few hundred milliseconds of start-up. tests/test_cli.py runs real processes."""
    out, err = io.StringIO(), io.StringIO()

    def run() -> int:
        with (
            _cli_lock,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stdin(stdin),
        ):
            try:
                return cli.main(list(args))
            except SystemExit as exit:  # argparse refusals
                return exit.code if isinstance(exit.code, int) else int(exit.code is not None)

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the caller runs
        code = pool.submit(run).result(timeout=120)
    result = subprocess.CompletedProcess(["jxfed", *args], code, out.getvalue(), err.getvalue())
    if check and code != 0:
        raise AssertionError(f"jxfed {' '.join(args)} failed: {result.stderr}")
    return result


@contextlib.contextmanager
def _stdin(text: str | None) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO(text or "")
    try:
        yield
    finally:
        sys.stdin = saved


@dataclass
class Instance:
    """One running instance: its folder, domain and server process."""

    directory: Path
    domain: str
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.directory.parent / f"{self.directory.name}.log"

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """The command line on this instance (in this process: see `jxfed_here`)."""
        return jxfed_here("--dir", str(self.directory), *args, stdin=stdin, check=check)

    @property
    def settings(self) -> Settings:
        return load_settings(self.directory, environ={})

    def seed(self, work: Callable[[Settings], Awaitable[T]]) -> T:
        """Run `work` against this instance's database from this process (running or not)."""
        settings = self.settings

        async def run() -> T:
            await db.open_database(settings.database_url)
            try:
                return await work(settings)
            finally:
                await db.close_database()

        return in_own_loop(run)

    def add_members(self, *names: str, password: str | None = None) -> None:
        """Members as `jxfed users add` makes them (with `--password-stdin` when given)."""

        async def add(settings: Settings) -> None:
            for name in names:
                await add_member(name, password=password, profile=Profile.MEMBER)

        self.seed(add)

    def add_space(self, slug: str, name: str, access: str, owner: str) -> None:
        """A space as `jxfed spaces add` makes it."""

        async def add(settings: Settings) -> None:
            await add_space(settings, slug, name=name, access=Access(access), owner=owner)

        self.seed(add)

    def allow(self, *domains: str) -> None:
        """Peers as `jxfed peers allow` adds them."""

        async def add(settings: Settings) -> None:
            for domain in domains:
                await allow_peer(domain)

        self.seed(add)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start `jxfed serve` without waiting for it to answer."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jxfed",
                    "--dir",
                    str(self.directory),
                    "serve",
                    "--bind",
                    self.domain,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        """Wait until the launched server answers NodeInfo discovery."""
        assert self.process is not None
        wait_until_serving(self.process, self.url, self.log, "server")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


def wait_until_serving(
    process: subprocess.Popen[bytes], url: str, log: Path, what: str = "server"
) -> None:
    """Wait until the server at `url` answers NodeInfo discovery; fail with its log if not."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/.well-known/nodeinfo", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not start: {log.read_text()}")


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """Ask a server to stop; kill it if it has not within ten seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_kept: dict[str, object] = {}
_stops: list[Callable[[], None]] = []


def kept(key: str, make: Callable[[], tuple[T, Callable[[], None]]]) -> T:
    """One value per test process under `key`, made on first use, stopped at the session's
    end (`stop_kept`, from tests/conftest.py).

    For what costs seconds to build (a migrated template, a network with a story played on
    it): pytest-xdist tears a module's fixtures down whenever a worker waits for its next test,
    which built such a module fixture twice or more per run.
    """
    if key not in _kept:
        value, stop = make()
        _kept[key] = value
        _stops.append(stop)
    return _kept[key]  # type: ignore[return-value]


def stop_kept() -> None:
    """Stop what `kept` made, newest first."""
    while _stops:
        _stops.pop()()
    _kept.clear()


def start_all(instances: Iterable[Instance]) -> None:
    """Start several servers at once and wait for each (their start-ups overlap)."""
    started = list(instances)
    for instance in started:
        instance.launch()
    for instance in started:
        instance.wait_ready()


class InstanceFactory:
    """Makes instances in a test's folder; the first may use the test's database URL.

    The test's database comes migrated (tests/databases.py); the others are copies of the
    migrated SQLite template.
    """

    def __init__(self, root: Path, database_url: str, templates: Templates) -> None:
        self.root = root
        self.database_url = database_url
        self.templates = templates
        self.made: list[Instance] = []

    def create(self, name: str, *, database_url: str | None = None) -> Instance:
        """A new instance folder on a free loopback port (not started), as `jxfed init` makes.

        `database_url` "" means SQLite in its folder; None means the test's database for the
        first instance made and SQLite for the others.
        """
        domain = f"127.0.0.1:{free_port()}"
        directory = self.root / name
        url = (
            database_url
            if database_url is not None
            else (self.database_url if not self.made else None)
        )
        if url and not url.startswith("sqlite://"):
            config_url: str | None = url
        else:
            config_url = None
            self.templates.sqlite_copy(directory / SQLITE_FILE)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "instance.toml").write_text(render_config(domain, True, config_url))
        instance = Instance(directory, domain)
        instance.seed(lambda settings: ensure_instance_actor(settings.host))
        self.made.append(instance)
        return instance

    def stop_all(self) -> None:
        for instance in self.made:  # all asked at once: their shutdowns overlap
            if instance.process is not None and instance.process.poll() is None:
                instance.process.terminate()
        for instance in self.made:
            instance.stop()
