"""Real jxfed instances for tests: `jxfed init` and `jxfed serve` in child processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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
        return jxfed("--dir", str(self.directory), *args, stdin=stdin, check=check)

    def start(self) -> None:
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
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/.well-known/nodeinfo", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class InstanceFactory:
    """Makes instances in a test's folder; the first may use the test's database URL."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        self.database_url = database_url
        self.made: list[Instance] = []

    def create(self, name: str, *, database_url: str | None = None) -> Instance:
        """`jxfed init` a new instance on a free loopback port (not started).

        `database_url` "" means SQLite in its folder; None means the test's database for the
        first instance made and SQLite for the others.
        """
        domain = f"127.0.0.1:{free_port()}"
        directory = self.root / name
        args = ["init", "--dir", str(directory), "--domain", domain, "--insecure-http"]
        url = (
            database_url
            if database_url is not None
            else (self.database_url if not self.made else None)
        )
        if url and not url.startswith("sqlite://"):
            args += ["--database-url", url]
        jxfed(*args)
        instance = Instance(directory, domain)
        self.made.append(instance)
        return instance

    def stop_all(self) -> None:
        for instance in self.made:
            instance.stop()
