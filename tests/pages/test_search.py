"""Search: spaces, members and posts, only as the visibility gate lets the member see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quart import Quart

from jxfed.actors.models import LocalActor, RemoteActor
from jxfed.spaces.publishing import publish
from jxfed.web.context import services
from tests.pages.conftest import Browser

pytestmark = pytest.mark.usefixtures("cast")


async def test_search_finds_a_space_and_a_member(browser: Browser) -> None:
    await browser.sign_in("bakari")

    status, spaces = await browser.get("/search?q=sah")
    _, members = await browser.get("/search?q=ami")

    assert status == 200
    assert 'href="/spaces/sahel"' in spaces and "Sahel" in spaces
    assert 'href="/users/amina"' in members and "amina@jxfed.test" in members


async def test_the_confidential_space_is_found_by_its_members_only(browser: Browser) -> None:
    await browser.sign_in("bakari")
    _, for_bakari = await browser.get("/search?q=litigation")
    await browser.submit("/search", "/sign-out", {})
    await browser.sign_in("amina")
    _, for_amina = await browser.get("/search?q=litigation")

    assert "/spaces/litigation" not in for_bakari
    assert "Litigation" not in for_bakari.replace('value="litigation"', "")
    assert 'href="/spaces/litigation"' in for_amina


async def test_posts_are_found_only_where_the_member_may_read_them(
    app: Quart, browser: Browser
) -> None:
    async with app.app_context():
        amina = await LocalActor.get(name="amina")
        await publish(services(), amina, "The audience is open", space="sahel", title="Open")
        await publish(services(), amina, "The audience is closed", space="litigation")
    await browser.sign_in("bakari")

    _, html = await browser.get("/search?q=audience")

    assert "The audience is open" in html
    assert "closed" not in html and "litigation" not in html.lower()


async def test_a_peers_member_is_found_by_handle(browser: Browser) -> None:
    await RemoteActor.create(
        uri="https://peer.test/users/zoe",
        kind="Person",
        name="Zoé Mbala",
        preferred_username="zoe",
        inbox="https://peer.test/users/zoe/inbox",
        document={},
        fetched_at=datetime.now(UTC),
    )
    await browser.sign_in("bakari")

    _, html = await browser.get("/search?q=zoe@peer.test")

    assert 'href="/users/zoe@peer.test"' in html and "Zoé Mbala" in html


async def test_an_empty_search_shows_the_form_with_a_message(browser: Browser) -> None:
    await browser.sign_in("bakari")

    status, html = await browser.get("/search?q=+")

    assert status == 200
    assert 'id="e-q"' in html and 'name="q"' in html


async def test_a_too_long_search_is_refused_with_the_text_kept(browser: Browser) -> None:
    await browser.sign_in("bakari")

    status, html = await browser.get("/search?q=" + "w" * 201)

    assert status == 422
    assert 'id="e-q"' in html and f'value="{"w" * 201}"' in html


async def test_a_stranger_is_sent_to_sign_in_before_searching(browser: Browser) -> None:
    response = await browser.client.get("/search?q=sahel", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=/search")
