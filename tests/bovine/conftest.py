"""The bovine-herd virtual environment, made once per machine and kept in the pytest cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bovine.peer import BOVINE_HERD_VERSION, BovineUnavailable, bovine_venv

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def bovine_python(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python of a virtual environment with bovine-herd 0.5.19 (pip install on first use).

    Skipped when pip cannot install it (no network), unless CI is set: then it fails."""
    cache = getattr(request.config, "cache", None)
    root = (
        cache.mkdir("bovine-venv") / f"bovine-herd-{BOVINE_HERD_VERSION}"
        if cache is not None
        else tmp_path_factory.mktemp("bovine") / "venv"
    )
    try:
        return bovine_venv(root)
    except BovineUnavailable as exc:
        if ON_CI:
            pytest.fail(f"{exc}: CI requires the bovine-herd peer")
        pytest.skip(str(exc))
