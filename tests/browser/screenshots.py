"""Where the browser stories leave a picture of each page kind in each language they use, and the
line at the end of the run that says where to look."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

FOLDER = Path(".pytest_cache") / "jxfed-screenshots"
_STARTED = pytest.StashKey[float]()


def folder(config: pytest.Config) -> Path:
    """The screenshots' folder under the checkout (made on first use)."""
    path = config.rootpath / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_configure(config: pytest.Config) -> None:
    """Remember when this run began (a controller's start comes before its workers' pictures)."""
    config.stash[_STARTED] = time.time()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Name the folder when this run wrote pictures into it (tests/conftest.py imports this
    hook: a pytest-xdist controller loads no conftest below tests/)."""
    path = config.rootpath / FOLDER
    started = config.stash.get(_STARTED, 0.0)
    fresh = [png for png in path.glob("*.png") if png.stat().st_mtime >= started]
    if fresh:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(fresh)} pictures of the members' pages in {path}")
