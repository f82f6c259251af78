"""An instance folder on disk: creating it, and opening its database for a command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from jxfed import db
from jxfed.actors.local_actors import ensure_instance_actor
from jxfed.errors import ConfigError
from jxfed.settings import CONFIG_FILE, Settings, validate


def render_config(domain: str, insecure_http: bool, database_url: str | None) -> str:
    lines = [
        "# jxfed instance configuration (JXFED_DATABASE_URL and JXFED_BIND override it)",
        f'domain = "{domain}"',
        f"insecure_http = {'true' if insecure_http else 'false'}",
    ]
    if database_url:
        lines.append(f'database_url = "{database_url}"')
    else:
        lines.append("# database_url: SQLite in this folder unless set (postgresql://...)")
    return "\n".join(lines) + "\n"


async def init_instance(
    directory: Path, domain: str, database_url: str | None, insecure_http: bool
) -> Settings:
    """Create DIR/instance.toml, the database (migrated) and the instance actor's keys."""
    config_path = directory / CONFIG_FILE
    if config_path.exists():
        raise ConfigError(f"{directory} already holds an instance; refusing to overwrite it")
    values: dict[str, object] = {"domain": domain, "insecure_http": insecure_http}
    if database_url:
        values["database_url"] = database_url
    settings = validate(directory, values, {})
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (a CLI command: no other task)
    async with open_instance(settings, migrate=True):
        await ensure_instance_actor(settings.host)
    # Written last, so a failed database set-up leaves no half-made instance behind.
    config_path.write_text(render_config(settings.domain, insecure_http, database_url))
    return settings


@asynccontextmanager
async def open_instance(settings: Settings, *, migrate: bool = False) -> AsyncIterator[list[str]]:
    """Open the database for a command, yielding the migrations applied.

    Without `migrate`, an unmigrated database is refused with a message saying what to run.
    """
    applied: list[str] = []
    await db.open_database(settings.database_url)
    try:
        if migrate:
            applied = await db.apply_migrations()
        else:
            pending = await db.pending_migrations()
            if pending:
                raise ConfigError(
                    f"the database is not migrated ({len(pending)} pending): "
                    f"run 'jxfed --dir {settings.directory} migrate'"
                )
        yield applied
    finally:
        await db.close_database()
