"""Fixtures: every database test runs on SQLite and on PostgreSQL; real servers on loopback."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from quart import Quart
from quart.typing import TestClientProtocol

from jxfed import db
from jxfed.actors.accounts import ensure_instance_actor
from jxfed.settings import Settings, validate
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.servers import InstanceFactory

POSTGRES_URL = os.environ.get("JXFED_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/test", timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_database() -> Iterator[str]:
    name = f"jxfed_t_{secrets.token_hex(6)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})"
        if ON_CI:
            pytest.fail(message + ": CI requires it")
        pytest.skip(message)
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'test.sqlite3'}"
    else:
        yield from _postgres_database()


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
    await db.apply_migrations()
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
def instances(tmp_path: Path, database_url: str) -> Iterator[InstanceFactory]:
    """Starts real `jxfed serve` processes (Hypercorn) on loopback ports; stops them after."""
    factory = InstanceFactory(tmp_path, database_url)
    try:
        yield factory
    finally:
        factory.stop_all()
