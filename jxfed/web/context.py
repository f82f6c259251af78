"""The running instance's Services, as the web handlers reach them."""

from __future__ import annotations

from quart import current_app

from jxfed.runtime import Services


def services() -> Services:
    return current_app.extensions["jxfed"]  # type: ignore[no-any-return]
