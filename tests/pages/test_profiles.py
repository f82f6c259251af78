"""A member's page, here or on a peer, and following from it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quart import Quart

from jxfed.actors.models import Following, FollowState, LocalActor, RemoteActor
from jxfed.spaces.publishing import publish
from jxfed.web.context import services
from tests.pages.conftest import Browser

pytestmark = pytest.mark.usefixtures("cast")


async def _following(follower: str) -> list[tuple[str, FollowState]]:
    actor = await LocalActor.get(name=follower)
    rows = await Following.filter(follower=actor).values_list("target_uri", "state")
    return [(str(uri), FollowState(state)) for uri, state in rows]


async def test_a_member_follows_and_unfollows_another_from_the_profile(browser: Browser) -> None:
    await browser.sign_in("bakari")
    status, html = await browser.get("/users/amina")
    assert status == 200
    assert "amina@jxfed.test" in html and 'action="/users/amina/follow"' in html

    response = await browser.submit("/users/amina", "/users/amina/follow", {})

    assert response.status_code == 303 and response.headers["Location"] == "/users/amina"
    assert await _following("bakari") == [("https://jxfed.test/users/amina", FollowState.ACCEPTED)]
    _, html = await browser.get("/users/amina")
    assert 'action="/users/amina/unfollow"' in html

    response = await browser.submit("/users/amina", "/users/amina/unfollow", {})

    assert response.status_code == 303
    assert await _following("bakari") == []


async def test_a_follow_without_its_token_is_refused_and_changes_nothing(browser: Browser) -> None:
    await browser.sign_in("bakari")

    response = await browser.client.post("/users/amina/follow", headers={"Accept": "text/html"})

    assert response.status_code == 403
    assert await _following("bakari") == []


@pytest.mark.parametrize("name", ["nobody", "sahel", "litigation", "jxfed.test"])
async def test_a_name_that_is_no_member_is_the_same_404(browser: Browser, name: str) -> None:
    await browser.sign_in("bakari")
    _, free = await browser.get("/users/nobody-at-all")

    status, html = await browser.get(f"/users/{name}")

    assert status == 404
    assert html.replace(f"/users/{name}", "/users/?") == free.replace(
        "/users/nobody-at-all", "/users/?"
    )


async def test_my_own_profile_links_to_the_password_and_offers_no_follow(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")

    _, html = await browser.get("/users/amina")

    assert 'href="/password"' in html and "/follow" not in html


async def test_a_profile_shows_only_the_posts_the_viewer_may_see(
    app: Quart, browser: Browser
) -> None:
    async with app.app_context():
        amina = await LocalActor.get(name="amina")
        await publish(services(), amina, "Open word", space="sahel", title="Open word")
        await publish(services(), amina, "Closed word", space="litigation", title="Closed word")
    await browser.sign_in("bakari")

    _, seen_by_bakari = await browser.get("/users/amina")
    anonymous = Browser(app.test_client())
    status, seen_by_anyone = await anonymous.get("/users/amina")

    assert "Open word" in seen_by_bakari and "Closed word" not in seen_by_bakari
    assert status == 200 and "Open word" in seen_by_anyone
    assert "Closed word" not in seen_by_anyone and "/follow" not in seen_by_anyone


async def test_the_summary_is_text_never_markup(browser: Browser) -> None:
    await LocalActor.filter(name="amina").update(
        display_name="Amina K.", summary="<b>Lawyer</b> in Niamey"
    )

    _, html = await browser.get("/users/amina")

    assert "<h1" in html and "Amina K." in html
    assert "&lt;b&gt;Lawyer&lt;/b&gt; in Niamey" in html


async def test_a_peers_member_known_here_has_a_profile(app: Quart, browser: Browser) -> None:
    await RemoteActor.create(
        uri="https://peer.test/users/zoe",
        kind="Person",
        name="Zoé Mbala",
        preferred_username="zoe",
        inbox="https://peer.test/users/zoe/inbox",
        document={"summary": "<p>Avocate à <script>x</script>Kinshasa</p>"},
        fetched_at=datetime.now(UTC),
    )
    await browser.sign_in("bakari")

    status, html = await browser.get("/users/zoe@peer.test")
    stranger = Browser(app.test_client())
    response = await stranger.client.get("/users/zoe@peer.test", headers={"Accept": "text/html"})

    assert status == 200
    assert "Zoé Mbala" in html and "zoe@peer.test" in html and "Avocate à" in html
    assert "<script>" not in html and 'action="/users/zoe@peer.test/follow"' in html
    assert response.status_code == 303  # a stranger never makes this instance ask a peer
