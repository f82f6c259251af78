"""What a person sees in a real browser, on two real instances that are peers of each other:
each story with JavaScript on and off (the pages use none), on SQLite and on PostgreSQL.

amina (administrator of A) owns sahel (open) and vigil and wake (on request); bakari is on B and
belongs to sahel. See tests/browser/network.py.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.network import Network
from tests.browser.visitor import Visitor, story

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("browser")]


@story("arabic")
def test_a_member_reads_her_pages_in_arabic_right_to_left_and_comes_back_to_english(
    network: Network, visitor: Visitor
) -> None:
    a = network.a
    visitor.open(a, "/")
    visitor.shot("front")
    visitor.open(a, "/sign-in")
    visitor.shot("sign-in")
    visitor.sign_in(a, "amina")
    visitor.open(a, "/password")
    visitor.shot("password")
    english_menu = visitor.nav_text()
    brand = visitor.driver.find_element(By.CSS_SELECTOR, "nav .brand")
    english_brand_x = brand.rect["x"]

    visitor.send(visitor.form("/language"), language="ar")
    try:
        assert visitor.driver.current_url.endswith("/password")  # back where she was
        assert (visitor.html_attribute("lang"), visitor.html_attribute("dir")) == ("ar", "rtl")
        if visitor.scripts:
            assert visitor.driver.execute_script("return document.documentElement.dir") == "rtl"
        else:
            assert '<html lang="ar" dir="rtl">' in visitor.driver.page_source
        arabic_brand_x = visitor.driver.find_element(By.CSS_SELECTOR, "nav .brand").rect["x"]
        assert arabic_brand_x > english_brand_x  # the menu starts on the right
        visitor.shot("password")
        assert visitor.nav_text() != english_menu, (
            f"the menu is not in Arabic (are the ar translations empty?): {visitor.nav_text()!r}"
        )
    finally:  # her choice is stored: the next stories read her pages in English
        visitor.send(visitor.form("/language"), language="en")

    assert (visitor.html_attribute("lang"), visitor.html_attribute("dir")) == ("en", "ltr")
    assert visitor.nav_text() == english_menu
