"""Migrated template databases: migrate once per test process, copy for every test.

Migrating costs about half a second a database; copying a migrated SQLite file or creating a
PostgreSQL database `TEMPLATE` a migrated one costs a few milliseconds. The copies hold the
schema and nothing else (no instance actor): each test or server adds its own.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg

from jxfed import db

T = TypeVar("T")
POSTGRES_URL = os.environ.get("JXFED_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
_lock = threading.Lock()


def in_own_loop(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on a fresh event loop in a thread of its own.

    Works from sync fixtures and from inside a running test loop alike (Tortoise then must not
    be open in the caller's loop, which no test does while seeding).
    """
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()  # type: ignore[arg-type]


async def admin(statement: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/test", timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    await db.open_database(url)
    try:
        await db.apply_migrations()
    finally:
        await db.close_database()


class Templates:
    """One migrated SQLite file and (on first use) one migrated PostgreSQL template."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._sqlite: Path | None = None
        self._postgres: str | None = None

    def sqlite_copy(self, target: Path) -> str:
        """Copy the migrated SQLite template to `target`; its URL."""
        with _lock:
            if self._sqlite is None:
                path = self.root / "template.sqlite3"
                in_own_loop(lambda: _migrate(f"sqlite://{path}"))
                self._sqlite = path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self._sqlite, target)
        return f"sqlite://{target}"

    def postgres_copy(self) -> str:
        """A new PostgreSQL database made from the migrated template; its URL.

        Raises OSError, asyncpg.PostgresError or TimeoutError when the server is not there.
        """
        with _lock:
            if self._postgres is None:
                name = f"jxfed_tpl_{secrets.token_hex(6)}"
                in_own_loop(lambda: admin(f'CREATE DATABASE "{name}"'))
                in_own_loop(lambda: _migrate(f"{POSTGRES_URL}/{name}"))
                self._postgres = name
            template = self._postgres
        name = f"jxfed_t_{secrets.token_hex(6)}"
        in_own_loop(lambda: admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return f"{POSTGRES_URL}/{name}"

    def drop(self) -> None:
        if self._postgres is not None:
            drop_postgres(f"{POSTGRES_URL}/{self._postgres}")


def drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    in_own_loop(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
