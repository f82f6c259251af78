"""Debian's headless Chromium driven by Selenium: one browser per test process, with and without
JavaScript (the pages use none, so both must work alike)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,1400")
NO_SCRIPT = {"profile.managed_default_content_settings.javascript": 2}
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """No browser here: a skip on a developer's machine, a failure on CI (.ci/run installs it)."""
    message = f"headless Chromium unavailable ({reason}): apt-get install chromium chromium-driver"
    if ON_CI:
        pytest.fail(message + "; CI requires it")
    pytest.skip(message)


def require_chromium() -> None:
    """Skip (fail on CI) at once when Chromium or its driver is not installed."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            unavailable(f"{path} missing")


def start_chromium(*, scripts: bool) -> webdriver.Chrome:
    """A headless Chromium, with JavaScript on or off."""
    require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    if not scripts:
        options.add_experimental_option("prefs", NO_SCRIPT)
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException as exc:
        unavailable(exc.msg or exc.__class__.__name__)
        raise  # unreachable: unavailable() skips or fails
    driver.set_page_load_timeout(30)
    return driver
