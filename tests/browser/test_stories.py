"""What a person sees in a real browser, on two real instances that are peers of each other:
each story with JavaScript on and off (the pages use none), on SQLite and on PostgreSQL.

amina (administrator of A) owns sahel (open) and vigil and wake (on request); bakari is on B and
belongs to sahel. See tests/browser/network.py.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.network import CALENDAR, Network
from tests.browser.visitor import Visitor, story
from tests.servers import Instance

pytestmark = pytest.mark.server  # xdist groups: one per database kind (conftest.py)

MEMBERS_PAGES = (  # kind, path on A: each pictured in each language of the first story
    ("home", "/home"),
    ("spaces", "/spaces"),
    ("space", "/spaces/sahel"),
    ("notifications", "/notifications"),
    ("search", "/search?q=sahel"),
    ("profile", "/users/amina"),
    ("admin", "/admin"),
    ("admin-members", "/admin/members"),
    ("admin-spaces", "/admin/spaces"),
)


def picture_each_page_kind(visitor: Visitor, instance: Instance, direction: str) -> None:
    """Open each kind of page a member sees; each must be written in `direction`."""
    visitor.open(instance, "/spaces/sahel")
    post = ("post", f"/posts/{visitor.post_id(CALENDAR)}")
    for kind, path in (*MEMBERS_PAGES, post):
        visitor.open(instance, path)
        assert visitor.html_attribute("dir") == direction, f"{path}: {visitor.heading()!r}"
        visitor.shot(kind)


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
    picture_each_page_kind(visitor, a, "ltr")
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
        arabic_menu = visitor.nav_text()
        picture_each_page_kind(visitor, a, "rtl")
        visitor.open(a, "/password")
        assert arabic_menu != english_menu, (
            f"the menu is not in Arabic (are the ar translations empty?): {arabic_menu!r}"
        )
        if visitor.scripts:  # the three other languages pictured once (the pages are the same)
            for language in ("fr", "pt", "de"):
                visitor.send(visitor.form("/language"), language=language)
                assert visitor.html_attribute("lang") == language
                assert visitor.nav_text() not in (english_menu, arabic_menu)
                picture_each_page_kind(visitor, a, "ltr")
                visitor.open(a, "/password")
    finally:  # her choice is stored: the next stories read her pages in English
        visitor.send(visitor.form("/language"), language="en")

    assert (visitor.html_attribute("lang"), visitor.html_attribute("dir")) == ("en", "ltr")
    assert visitor.nav_text() == english_menu


@story("peer")
def test_an_administrator_allows_a_peer_and_sees_it_listed(
    network: Network, visitor: Visitor
) -> None:
    a = network.a
    domain = "justice-kinshasa.example" if visitor.scripts else "justice-tunis.example"
    visitor.sign_in(a, "amina")
    visitor.open(a, "/admin")
    visitor.shot("admin")
    visitor.open(a, "/admin/peers")
    assert domain not in visitor.column("table", 1)

    visitor.send(visitor.form("/admin/peers"), domain=domain)

    assert visitor.driver.current_url == f"{a.url}/admin/peers"
    assert domain in visitor.column("table", 1)
    assert network.b.domain in visitor.column("table", 1)  # the peer she had
    assert domain in a.cli("peers", "list").stdout
    visitor.shot("admin-peers")


@story("conversation")
def test_a_post_reaches_a_peer_member_whose_comment_raises_the_authors_unread_count(
    network: Network, visitor: Visitor
) -> None:
    a, b = network.a, network.b
    mode = "with script" if visitor.scripts else "without script"
    title = f"Hearing in Niamey, {mode}"
    comment = f"I can attend with two colleagues, {mode}."
    visitor.sign_in(a, "amina")
    visitor.open(a, "/spaces/sahel")
    unread_before = visitor.unread()

    visitor.send(visitor.form("/spaces/sahel/posts"), title=title, text="The court sits on Monday.")

    post_on_a = visitor.post_id(title)
    visitor.shot("space")

    visitor.sign_in(b, "bakari")
    sahel = f"/spaces/sahel@{a.domain}"
    visitor.until(b, sahel, lambda: bool(visitor.posts(title)), "amina's post, on B")
    visitor.shot("space-of-a-peer")
    visitor.open(b, "/home")
    assert visitor.posts(title), "amina's post is not on bakari's home page"
    visitor.shot("home")
    visitor.open(b, sahel)
    visitor.send(visitor.form(f"/posts/{visitor.post_id(title)}/comments"), text=comment)
    assert visitor.posts(comment), f"his comment is not on {visitor.driver.current_url}"
    visitor.shot("post" if "/posts/" in visitor.driver.current_url else "space-of-a-peer")

    visitor.sign_in(a, "amina")
    visitor.until(
        a, "/spaces/sahel", lambda: visitor.unread() > unread_before, "her unread count rising"
    )
    visitor.shot("space")
    visitor.open(a, "/notifications")
    assert visitor.shows("bakari"), "her notifications do not name bakari"
    visitor.shot("notifications")
    visitor.open(a, f"/posts/{post_on_a}")
    assert visitor.posts(comment), "his comment is not in the post's thread on A"
    visitor.shot("post")


@story("join-request")
def test_a_space_manager_accepts_a_join_request_from_a_peer_member(
    network: Network, visitor: Visitor
) -> None:
    a, b = network.a, network.b
    slug = "vigil" if visitor.scripts else "wake"  # a request is answered once
    page = f"/spaces/{slug}@{a.domain}"
    visitor.sign_in(b, "bakari")
    visitor.search(b, f"{slug}@{a.domain}")  # B has not heard of it yet: it asks A
    visitor.shot("search")
    visitor.follow(f"section[aria-labelledby=found-spaces] a[href='{page}']")
    assert not visitor.has_form(f"{page}/posts")

    visitor.send(visitor.form(f"{page}/join"))

    assert visitor.has_form(f"{page}/leave")  # he may withdraw his request
    visitor.shot("space-of-a-peer")

    visitor.sign_in(a, "amina")
    requests = f"/spaces/{slug}/requests"
    visitor.until(
        a, f"/spaces/{slug}", lambda: visitor.has_form(requests, "bakari"), "his request, on A"
    )
    visitor.shot("space-managed")
    visitor.send(visitor.form(requests, "bakari"), press="accept")

    members = visitor.column("section[aria-labelledby=members] table", 1)
    assert any("bakari" in member for member in members), members
    assert not visitor.has_form(requests, "bakari")

    visitor.sign_in(b, "bakari")
    visitor.until(b, page, lambda: visitor.has_form(f"{page}/posts"), "his membership, on B")
    visitor.shot("space-of-a-peer")
