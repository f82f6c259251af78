"""A person at a browser: opens pages, fills and sends their forms, reads what the page shows,
and leaves a screenshot of each page kind in each language."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.servers import Instance

PASSWORD = "correct-horse-battery"
DELIVERY_SECONDS = 20.0  # federation is asynchronous: what a peer sends arrives within this
T = TypeVar("T", bound=Callable[..., object])


def story(name: str) -> Callable[[T], T]:
    """Name a browser story in its screenshots' file names (the test's name is long)."""

    def named(test: T) -> T:
        test.story = name  # type: ignore[attr-defined]
        return test

    return named


@dataclass
class Visitor:
    """One browser shared by every member of a story, one at a time: both instances listen on
    127.0.0.1, and cookies do not tell ports apart, so signing in clears the last member's."""

    driver: WebDriver
    scripts: bool
    shots: Path
    label: str  # story, database and script mode: the screenshots' names

    def sign_in(self, instance: Instance, name: str) -> None:
        """Sign in on `instance` through its form, as nobody else."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.open(instance, "/sign-in")
        form = self.form("/sign-in")
        self.send(form, username=name, password=PASSWORD)
        assert "/sign-in" not in self.driver.current_url, f"{name} not signed in: {self.heading()}"

    def open(self, instance: Instance, path: str) -> None:
        self.driver.get(f"{instance.url}{path}")

    def form(self, action: str, reading: str = "") -> WebElement:
        """The page's form that posts to `action` (a path) and reads `reading`; a clear failure
        if it has none."""
        for form in self.driver.find_elements(By.CSS_SELECTOR, "form[method=post]"):
            if form.get_dom_attribute("action") == action and reading in form.text:
                return form
        raise AssertionError(
            f"{self.driver.current_url} has no form for {action} reading {reading!r} "
            f"(page: {self.heading()!r})"
        )

    def send(self, form: WebElement, press: str = "", **fields: str) -> None:
        """Fill `fields` by name, press the form's button (the one whose value is `press`, else
        the first), wait for the page after the redirect."""
        for name, value in fields.items():
            control = form.find_element(By.NAME, name)
            if control.tag_name == "select":
                control.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
            else:
                control.clear()
                control.send_keys(value)
        button = f"button[value='{press}']" if press else "button"
        self._navigate(form.find_element(By.CSS_SELECTOR, button))

    def search(self, instance: Instance, words: str) -> None:
        """Search on `instance` through its search form."""
        self.open(instance, "/search")
        self.send(self.driver.find_element(By.CSS_SELECTOR, "form[role=search]"), q=words)

    def follow(self, link: str) -> None:
        """Follow the first link that `link` (a CSS selector) finds, as a click does."""
        found = self.driver.find_elements(By.CSS_SELECTOR, link)
        assert found, f"{self.driver.current_url} has no link {link} (page: {self.heading()!r})"
        self._navigate(found[0])

    def _navigate(self, element: WebElement) -> None:
        """Click `element` and wait for the next page (Chromium may answer about the old page's
        elements with an inspector error while it goes: asked again until they are stale)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        wait = WebDriverWait(self.driver, 15, ignored_exceptions=(WebDriverException,))
        wait.until(expected_conditions.staleness_of(page))

    def heading(self) -> str:
        try:
            return self.driver.find_element(By.TAG_NAME, "h1").text
        except NoSuchElementException:
            return self.driver.title

    def html_attribute(self, name: str) -> str:
        """An attribute of <html>, read by WebDriver itself (no page script needed)."""
        return self.driver.find_element(By.TAG_NAME, "html").get_dom_attribute(name) or ""

    def nav_text(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, "header nav").text

    def unread(self) -> int:
        """The unread count in the page header (absent when nothing is unread)."""
        counts = self.driver.find_elements(By.CSS_SELECTOR, "nav .count")
        digits = re.sub(r"\D", "", counts[0].text) if counts else ""
        return int(digits or 0)

    def shows(self, text: str) -> bool:
        """Whether the page's main part reads `text`."""
        return text in self.driver.find_element(By.TAG_NAME, "main").text

    def column(self, table: str, number: int) -> list[str]:
        """The texts of a column (from 1) of the page's `table` (a CSS selector): [] if none."""
        cells = f"{table} tbody tr > :nth-child({number})"
        return [cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, cells)]

    def posts(self, text: str) -> list[WebElement]:
        """The posts and comments on this page that read `text`."""
        articles = self.driver.find_elements(By.CSS_SELECTOR, "article.post")
        return [article for article in articles if text in article.text]

    def post_id(self, text: str) -> str:
        """The database id (on this instance) of the post on this page that reads `text`."""
        found = self.posts(text)
        assert found, f"{self.driver.current_url} does not show the post {text!r}"
        return (found[0].get_dom_attribute("id") or "").removeprefix("post-")

    def has_form(self, action: str, reading: str = "") -> bool:
        forms = self.driver.find_elements(By.CSS_SELECTOR, "form[method=post]")
        return any(
            form.get_dom_attribute("action") == action and reading in form.text for form in forms
        )

    def shot(self, kind: str) -> None:
        """A picture of the whole page (not only the window's part), named by its kind, its
        language and the story."""
        language = self.html_attribute("lang") or "unknown"
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        window = self.driver.get_window_size()
        whole = {"width": window["width"], "height": int(size["height"])}
        self.driver.execute_cdp_cmd(  # a window as tall as the page, for the picture's time
            "Emulation.setDeviceMetricsOverride", {**whole, "deviceScaleFactor": 1, "mobile": False}
        )
        try:
            picture = self.driver.get_screenshot_as_png()
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        (self.shots / f"{kind}-{language}-{self.label}.png").write_bytes(picture)

    def until(self, instance: Instance, path: str, check: Callable[[], bool], what: str) -> None:
        """Reload `path` until `check` holds (a delivery is on its way); fail naming `what`."""
        deadline = time.monotonic() + DELIVERY_SECONDS
        while True:
            self.open(instance, path)
            if check():
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what}: not seen on {path} after {DELIVERY_SECONDS} s "
                    f"(page: {self.heading()!r})"
                )
            time.sleep(0.3)
