"""The home feed: the posts of the member's spaces and of the members they follow, newest first,
twenty a page, "older" and "newer" by post id."""

from __future__ import annotations

import re

import pytest
from quart import Quart

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.spaces.follows import follow_here
from jxfed.spaces.joining import join_here
from jxfed.spaces.models import Space
from jxfed.spaces.publishing import publish
from jxfed.web.context import services
from tests.pages.conftest import PASSWORD, Browser

pytestmark = pytest.mark.usefixtures("cast")
_OLDER = re.compile(r'href="(/home\?max_id=\d+)"')
_NEWER = re.compile(r'href="(/home\?min_id=\d+)"')


async def _post(app: Quart, author: str, text: str, space: str | None = None) -> None:
    async with app.app_context():
        actor = await LocalActor.get(name=author)
        await publish(services(), actor, text, space=space, title=text if space else None)


async def test_home_shows_my_spaces_and_the_members_i_follow_and_nothing_else(
    app: Quart, browser: Browser
) -> None:
    await add_member("carla", password=PASSWORD)
    async with app.app_context():
        bakari = await LocalActor.get(name="bakari")
        await join_here(services(), await Space.get(actor__name="sahel"), bakari)
        await follow_here(services(), bakari, await LocalActor.get(name="carla"))
    await _post(app, "amina", "Sahel hearing", "sahel")
    await _post(app, "amina", "Vigil plan", "vigil")
    await _post(app, "amina", "Litigation brief", "litigation")
    await _post(app, "amina", "Amina speaks")  # a note of amina's: bakari does not follow her
    await _post(app, "carla", "Carla speaks")
    await browser.sign_in("bakari")

    status, html = await browser.get("/home")

    assert status == 200
    assert "Sahel hearing" in html and "Carla speaks" in html
    assert "Vigil plan" not in html and "Litigation" not in html
    assert "Amina speaks" not in html
    assert html.index("Carla speaks") < html.index("Sahel hearing")  # newest first


async def test_an_empty_feed_points_to_the_spaces(browser: Browser) -> None:
    await browser.sign_in("bakari")

    status, html = await browser.get("/home")

    assert status == 200
    assert 'href="/spaces"' in html and "Find spaces to join" in html


async def test_twenty_five_posts_are_paged_twenty_then_five_and_back(
    app: Quart, browser: Browser
) -> None:
    for n in range(25):
        await _post(app, "amina", f"Hearing number {n:02d}", "sahel")
    await browser.sign_in("amina")

    _, first = await browser.get("/home")
    older = _OLDER.search(first)
    assert first.count('class="post"') == 20 and older and not _NEWER.search(first)
    assert "Hearing number 24" in first and "Hearing number 05" in first
    assert "Hearing number 04" not in first

    _, second = await browser.get(older.group(1).replace("&amp;", "&"))
    newer = _NEWER.search(second)
    assert second.count('class="post"') == 5 and newer and not _OLDER.search(second)
    assert "Hearing number 04" in second and "Hearing number 00" in second

    _, back = await browser.get(newer.group(1))
    assert back.count('class="post"') == 20
    assert "Hearing number 24" in back and "Hearing number 05" in back
    assert not _NEWER.search(back) and _OLDER.search(back)


async def test_a_cursor_that_is_not_a_post_id_is_refused_as_a_page(browser: Browser) -> None:
    await browser.sign_in("amina")

    status, html = await browser.get("/home?max_id=yesterday")

    assert status == 400 and "<h1>" in html


async def test_a_changed_password_is_announced_on_home(browser: Browser) -> None:
    await browser.sign_in("amina")

    _, html = await browser.get("/home?changed=password")

    assert "other browsers were signed out" in html


async def test_a_stranger_is_sent_to_sign_in_first(browser: Browser) -> None:
    response = await browser.client.get("/home", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/home"
