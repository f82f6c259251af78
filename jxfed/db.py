"""Tortoise set-up, owned by the project (Tortoise's Quart hook fails under Hypercorn)."""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.backends.sqlite.client import SqliteTransactionWrapper
from tortoise.connection import get_connection
from tortoise.exceptions import TransactionManagementError
from tortoise.migrations.executor import MigrationExecutor

from jxfed.errors import ConfigError

APP = "jxfed"
MODEL_MODULES = [
    "jxfed.actors.models",
    "jxfed.spaces.models",
    "jxfed.spaces.library.models",
    "jxfed.activitypub.models",
    "jxfed.files.models",
    "jxfed.web.mastodon.models",
    "jxfed.web.pages.models",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise configuration for one instance database."""
    return {
        "connections": {"default": database_url},
        "apps": {
            APP: {
                "models": MODEL_MODULES,
                "migrations": "jxfed.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _executor() -> MigrationExecutor:
    config = tortoise_config_current()
    return MigrationExecutor(get_connection("default"), {APP: config["apps"][APP]})


_current: dict[str, Any] = {}


async def _begin_immediate(self: SqliteTransactionWrapper) -> None:
    """A transaction on SQLite takes the write lock when it begins (`BEGIN IMMEDIATE`).

    Tortoise begins with a plain (deferred) `BEGIN`: a transaction that reads, then writes,
    while another process (a server's worker, a command) commits in between cannot upgrade
    its snapshot and fails at once with "database is locked", without waiting. Taken at the
    start, the lock is waited for (SQLite's busy timeout) and the transaction goes through.
    """
    try:
        await self._connection.commit()
        await self._connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise TransactionManagementError(exc) from exc


# Tortoise is pinned (pyproject.toml): its SQLite transaction begins here, and nowhere else.
SqliteTransactionWrapper.begin = _begin_immediate  # type: ignore[method-assign]


def tortoise_config_current() -> dict[str, Any]:
    return _current


async def open_database(database_url: str) -> None:
    """Connect Tortoise to the database (global fallback: Hypercorn serves in other tasks)."""
    _current.clear()
    _current.update(tortoise_config(database_url))
    try:
        await Tortoise.init(config=_current, _enable_global_fallback=True)
    except (OSError, ConnectionError) as exc:
        raise ConfigError(f"cannot reach the database: {exc}") from None
    except Exception as exc:  # drivers raise their own types for refused or unknown databases
        if type(exc).__module__.startswith(("asyncpg", "sqlite3", "tortoise")):
            raise ConfigError(f"cannot open the database: {exc}") from None
        raise


async def close_database() -> None:
    await Tortoise.close_connections()
    # Tortoise caches each model's INSERT by connection name, not by dialect: a process that
    # opens another database under the same name (the tests do) must not reuse the old SQL.
    EXECUTOR_CACHE.clear()


async def pending_migrations() -> list[str]:
    """Names of the migrations not yet applied to the open database."""
    executor = await _executor()
    return [step.migration.name for step in await executor.plan(None) if not step.backward]


async def apply_migrations() -> list[str]:
    """Apply every pending migration; return the names applied."""
    executor = await _executor()
    names = [step.migration.name for step in await executor.plan(None) if not step.backward]
    if names:
        await executor.migrate(None)
    return names


# For `make migrations` (tortoise -c jxfed.db.MAKEMIGRATIONS makemigrations): the autodetector
# compares models with the migration files, so an in-memory database is enough.
MAKEMIGRATIONS = tortoise_config("sqlite://:memory:")
