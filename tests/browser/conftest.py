"""Fixtures of the browser stories: one Chromium per test process (and one without JavaScript,
started when first asked), a person at it, and the two-instance network per database kind.

The run ends by naming the screenshots' folder (tests/browser/screenshots.py, hooked in from
tests/conftest.py, which the pytest-xdist controller loads too)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser import screenshots
from tests.browser.chromium import require_chromium, start_chromium
from tests.browser.network import Network, make_network
from tests.browser.visitor import Visitor
from tests.conftest import postgres_database
from tests.databases import Templates
from tests.servers import InstanceFactory, kept


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's loadgroup reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One group per database kind: each network stays in one test process, and the two run
    side by side on two cores."""
    here = Path(__file__).parent
    for item in items:
        callspec = getattr(item, "callspec", None)
        if here in item.path.parents and callspec and "network" in callspec.params:
            item.add_marker(pytest.mark.xdist_group(f"browser-{callspec.params['network']}"))


@pytest.fixture(scope="session")
def chromium() -> Iterator[WebDriver]:
    driver = start_chromium(scripts=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def chromium_without_script() -> Iterator[WebDriver]:
    driver = start_chromium(scripts=False)
    yield driver
    driver.quit()


@pytest.fixture(params=["script", "no-script"])
def visitor(request: pytest.FixtureRequest) -> Visitor:
    """A person at a browser with JavaScript on, then off; no cookie left from the last story."""
    scripts = request.param == "script"
    driver = request.getfixturevalue("chromium" if scripts else "chromium_without_script")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    database = request.node.callspec.params.get("network", "")
    story = getattr(request.function, "story", request.node.originalname)
    label = f"{story}-{database}-{request.param}"
    return Visitor(driver, scripts, screenshots.folder(request.config), label)


@pytest.fixture(params=["sqlite", "postgres"])
def network(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Network:
    """A and B serving, per database kind and test process (see tests.servers.kept)."""
    require_chromium()  # before seconds of servers for nothing

    def make() -> tuple[Network, Callable[[], None]]:
        root = tmp_path_factory.mktemp(f"browser-{request.param}")
        urls: Iterator[str] = (
            iter([f"sqlite://{root / 'a.sqlite3'}"])
            if request.param == "sqlite"
            else postgres_database(templates)
        )
        factory = InstanceFactory(root, next(urls), templates)

        def stop() -> None:
            factory.stop_all()
            for _ in urls:  # drops the PostgreSQL database
                pass

        try:
            return make_network(factory), stop
        except BaseException:
            stop()
            raise

    return kept(f"browser-{request.param}", make)
