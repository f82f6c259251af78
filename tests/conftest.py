"""Fixtures: every database test runs on SQLite and on PostgreSQL; real servers on loopback."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from quart import Quart
from quart.typing import TestClientProtocol

from jxfed import db
from jxfed.actors import local_actors, passwords
from jxfed.actors.local_actors import ensure_instance_actor
from jxfed.settings import Settings, validate
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.browser.screenshots import pytest_configure, pytest_terminal_summary
from tests.databases import POSTGRES_URL, Templates, admin, drop_postgres, in_own_loop
from tests.keypool import CHEAP_SCRYPT_N, pooled_key_material
from tests.servers import InstanceFactory, kept, stop_kept

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REAL_SCRYPT_N = passwords._N  # read before the session's economies lower it
# The browser stories' screenshots folder, named at the end of the run: here, since a
# pytest-xdist controller loads no conftest below tests/.
__all__ = ["pytest_configure", "pytest_terminal_summary"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    stop_kept()  # the networks and templates kept for the whole test process


def _postgres_unreachable(exc: BaseException) -> None:
    message = f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})"
    if ON_CI:
        pytest.fail(message + ": CI requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """Migrated template databases of this test process (one per xdist worker), kept until
    it exits (see tests.servers.kept)."""

    def make() -> tuple[Templates, Callable[[], None]]:
        made = Templates(tmp_path_factory.mktemp("templates"))
        return made, made.drop

    return kept("templates", make)


@pytest.fixture(scope="session", autouse=True)
def economies() -> Iterator[None]:
    """Pooled actor keys and a cheap scrypt everywhere in this process (see tests/keypool.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_actors, "generate_key_material", pooled_key_material)
        patch.setattr(passwords, "_N", CHEAP_SCRYPT_N)
        yield


@pytest.fixture
def real_scrypt(monkeypatch: pytest.MonkeyPatch) -> int:
    """scrypt at its real cost, for the tests of passwords themselves."""
    monkeypatch.setattr(passwords, "_N", REAL_SCRYPT_N)
    return REAL_SCRYPT_N


def postgres_database(templates: Templates | None) -> Iterator[str]:
    """A PostgreSQL database of its own, migrated (from `templates`) or, without them, empty;
    dropped after."""
    try:
        if templates is not None:
            url = templates.postgres_copy()
        else:
            url = f"{POSTGRES_URL}/jxfed_t_{secrets.token_hex(6)}"
            in_own_loop(lambda: admin(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        _postgres_unreachable(exc)
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A migrated database of each kind, empty of rows, for this test alone."""
    if request.param == "sqlite":
        yield templates.sqlite_copy(tmp_path / "test.sqlite3")
    else:
        yield from postgres_database(templates)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each kind with no schema (for the migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
    else:
        yield from postgres_database(None)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return validate(
        tmp_path,
        {"domain": "jxfed.test", "database_url": database_url},
        {},
    )


@pytest.fixture
async def instance(settings: Settings) -> AsyncIterator[Settings]:
    """An open, migrated database with its instance actor (in this process)."""
    await db.open_database(settings.database_url)
    await ensure_instance_actor(settings.host)
    try:
        yield settings
    finally:
        await db.close_database()


@pytest.fixture
def app(instance: Settings) -> Quart:
    return create_app(start_services(instance))


@pytest.fixture
def client(app: Quart) -> TestClientProtocol:
    return app.test_client()


@pytest.fixture
def instances(tmp_path: Path, database_url: str, templates: Templates) -> Iterator[InstanceFactory]:
    """Starts real `jxfed serve` processes (Hypercorn) on loopback ports; stops them after."""
    factory = InstanceFactory(tmp_path, database_url, templates)
    try:
        yield factory
    finally:
        factory.stop_all()
