"""The migration files describe the models exactly, and `serve` refuses an unmigrated database."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from jxfed import db
from jxfed.settings import Settings

MIGRATIONS = Path(db.__file__).parent / "migrations"


async def test_models_and_migration_files_agree(instance: Settings) -> None:
    # A model changed without `make migrations` would give a writer here.
    apps = db.tortoise_config(instance.database_url)["apps"]
    autodetector = MigrationAutodetector(Tortoise.apps, apps)
    assert await autodetector.changes() == []


async def test_a_new_database_has_pending_migrations_until_migrated(
    empty_database_url: str,
) -> None:
    await db.open_database(empty_database_url)
    try:
        files = sorted(path.stem for path in MIGRATIONS.glob("[0-9]*.py"))
        assert files[0] == "0001_initial"
        assert await db.pending_migrations() == files
        assert await db.apply_migrations() == files
        assert await db.pending_migrations() == []
        assert await db.apply_migrations() == []
    finally:
        await db.close_database()
