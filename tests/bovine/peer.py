"""bovine-herd as a real peer: its own virtual environment, its server, its actors.

bovine-herd 0.5.19 (the bovine release jxfed pins) needs Quart 0.19 and Tortoise 0.21, older
than jxfed's, so it lives in a virtual environment of its own, made once with `python -m venv`
and `pip install bovine-herd==0.5.19` and kept in the pytest cache (`.pytest_cache/d/`,
ignored by git) for the next runs. Its server is `hypercorn bovine_side:app`; its actors act
through `bovine_side.py` (bovine's own client), run by that environment's Python.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.servers import stop_process, wait_until_serving

BOVINE_HERD_VERSION = "0.5.19"
SIDE = Path(__file__).with_name("bovine_side.py")
PIP_SECONDS = 900

# JSON-LD contexts bovine compacts with. Offline, bovine caches them as empty (it cannot
# fetch them); these are the terms of each that actor documents and activities use, as the
# published contexts define them, seeded into its cache so that it compacts as it does online.
SECURITY = "https://w3id.org/security#"
CONTEXTS: dict[str, Any] = {
    "https://w3id.org/security/v1": {
        "id": "@id",
        "type": "@type",
        "sec": SECURITY,
        "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
        "publicKeyPem": "sec:publicKeyPem",
        "owner": {"@id": "sec:owner", "@type": "@id"},
    },
    "https://www.w3.org/ns/did/v1": {
        "id": "@id",
        "type": "@type",
        "assertionMethod": {
            "@id": f"{SECURITY}assertionMethod",
            "@type": "@id",
            "@container": "@set",
        },
        "controller": {"@id": f"{SECURITY}controller", "@type": "@id"},
    },
    "https://w3id.org/security/multikey/v1": {
        "id": "@id",
        "type": "@type",
        "Multikey": f"{SECURITY}Multikey",
        "controller": {"@id": f"{SECURITY}controller", "@type": "@id"},
        "publicKeyMultibase": {
            "@id": f"{SECURITY}publicKeyMultibase",
            "@type": f"{SECURITY}multibase",
        },
    },
}


class BovineUnavailable(Exception):
    """bovine-herd could not be installed (no network, no such release)."""


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def installed_version(python: Path) -> str | None:
    if not python.exists():
        return None
    result = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('bovine-herd'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def bovine_venv(root: Path) -> Path:
    """The Python of a virtual environment at `root` with bovine-herd installed (made once)."""
    python = root / "bin" / "python"
    with _locked(root.parent / f"{root.name}.lock"):
        if installed_version(python) == BOVINE_HERD_VERSION:
            return python
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=120)
        try:
            result = subprocess.run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    f"bovine-herd=={BOVINE_HERD_VERSION}",
                ],
                capture_output=True,
                text=True,
                timeout=PIP_SECONDS,
            )
        except subprocess.TimeoutExpired as exc:
            raise BovineUnavailable(f"pip took more than {PIP_SECONDS} s") from exc
        if result.returncode != 0 or installed_version(python) != BOVINE_HERD_VERSION:
            errors = [line for line in result.stderr.splitlines() if "WARNING" not in line]
            raise BovineUnavailable(
                f"pip install bovine-herd=={BOVINE_HERD_VERSION} into {root} failed: "
                + " | ".join(errors[-3:])
            )
    return python


@dataclass
class BovinePeer:
    """One bovine-herd server: its folder (SQLite database, JSON-LD cache, log) and domain."""

    python: Path
    directory: Path
    domain: str
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = self.directory / "bovine.log"
        self._seed_contexts()

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    @property
    def db_url(self) -> str:
        return f"sqlite://{self.directory / 'bovine.sqlite3'}"

    def _seed_contexts(self) -> None:
        # bovine's cache (bovine.jsonld.cache.JsonLDCache), in the working directory.
        with sqlite3.connect(self.directory / "bovine_jsonld_cache.sqlite") as cache:
            cache.execute("CREATE TABLE IF NOT EXISTS jsonld (url TEXT PRIMARY KEY, context TEXT)")
            cache.executemany(
                "INSERT OR REPLACE INTO jsonld VALUES (?, ?)",
                [(url, json.dumps(context)) for url, context in CONTEXTS.items()],
            )

    def side(self, *args: str) -> Any:
        """Run a bovine_side.py command with the bovine Python; what it prints, as JSON."""
        result = subprocess.run(
            [str(self.python), str(SIDE), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.directory,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        if result.returncode != 0:
            raise AssertionError(f"bovine_side {args[0]} failed: {result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def register(self, *handles: str) -> dict[str, BovineActor]:
        """Actors as `python -m bovine_store register` makes them, each with a Moo-Auth key."""
        made = self.side("register", "--db-url", self.db_url, "--domain", self.url, *handles)
        return {
            handle: BovineActor(self, handle, data["actor_id"], data["secret"])
            for handle, data in made.items()
        }

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.python), "-m", "hypercorn", "--bind", self.domain, "bovine_side:app"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                env={
                    **os.environ,
                    "PYTHONPATH": str(SIDE.parent),
                    "BOVINE_DB_URL": self.db_url,
                    "PYTHONUNBUFFERED": "1",
                },
            )

    def wait_ready(self) -> None:
        assert self.process is not None
        wait_until_serving(self.process, self.url, self.log, "bovine-herd")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        """Every (inbox, activity) bovine has sent so far, as its log recorded them."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = re.search(r" bovine_side SEND to (\S+): (\{.*\})$", line)
            if match:
                found.append((match.group(1), json.loads(match.group(2))))
        return found


@dataclass
class BovineActor:
    """An actor of the bovine peer, acting through bovine's client (BovineClient)."""

    peer: BovinePeer
    handle: str
    actor_id: str
    secret: str

    @property
    def acct(self) -> str:
        return f"{self.handle}@{self.peer.domain}"

    def _act(self, command: str, *args: str) -> Any:
        return self.peer.side(command, "--domain", self.peer.url, "--secret", self.secret, *args)

    def follow(self, target: str) -> str:
        """Send a Follow (bovine's ActivityFactory.follow); the id bovine gave it."""
        return str(self._act("follow", target)["id"])

    def accept(self, follow_id: str) -> str:
        """Accept a Follow found in the inbox (ActivityFactory.accept: the Follow by id)."""
        return str(self._act("accept", follow_id)["id"])

    def undo(self, activity_id: str) -> dict[str, Any]:
        """Undo one of this actor's activities (ActivityFactory.undo: by id)."""
        return dict(self._act("undo", activity_id)["sent"])

    def note(
        self,
        content: str,
        *,
        mentions: dict[str, str] | None = None,
        hashtags: tuple[str, ...] = (),
    ) -> str:
        """A public note (ObjectFactory.note(...).as_public() in a Create); the Create's id.

        `mentions` maps each name (as `@amina@host`) to the actor's URI."""
        args = [content]
        for name, uri in (mentions or {}).items():
            args += ["--mention", name, uri]
        for tag in hashtags:
            args += ["--hashtag", tag]
        return str(self._act("note", *args)["id"])

    def inbox(self) -> list[dict[str, Any]]:
        """The activities in this actor's inbox, read through its server (proxyUrl)."""
        return list(self._act("inbox"))

    def collection(self, name: str) -> list[Any]:
        """The items of this actor's `followers` or `following` collection."""
        return list(self._act("collection", name))
