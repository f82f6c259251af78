"""Notifications: one sentence each in the member's language, unread ones marked, the header's
count, mark all read; nothing about what the member may no longer see."""

from __future__ import annotations

import re

import pytest
from quart import Quart

from jxfed.actors.models import LocalActor, Member
from jxfed.spaces.joining import answer_join_request, join_here
from jxfed.spaces.managing import change_role
from jxfed.spaces.models import Membership, MembershipState, Notification, Post, Role, Space
from jxfed.spaces.publishing import publish
from jxfed.web.context import services
from tests.pages.conftest import Browser

pytestmark = pytest.mark.usefixtures("cast")
_COUNT = re.compile(r'<span class="count"[^>]*>(\d+)</span>')


async def _bakari_comments_on_aminas_post(app: Quart) -> Post:
    """bakari joins sahel and comments on amina's post there: his comment."""
    async with app.app_context():
        amina, bakari = await LocalActor.get(name="amina"), await LocalActor.get(name="bakari")
        await join_here(services(), await Space.get(actor__name="sahel"), bakari)
        post = await publish(services(), amina, "Hearing on Monday", space="sahel", title="Hearing")
        return await publish(services(), bakari, "I will be there", in_reply_to=post.uri)


async def test_a_comment_is_told_marked_unread_and_counted_until_marked_read(
    app: Quart, browser: Browser
) -> None:
    comment = await _bakari_comments_on_aminas_post(app)
    await browser.sign_in("amina")

    status, html = await browser.get("/notifications")

    assert status == 200
    assert "bakari commented on your post" in html
    assert f'href="/posts/{comment.id}"' in html and 'class="card unread"' in html
    assert _COUNT.findall(html) == ["1"]

    response = await browser.submit("/notifications", "/notifications/read", {})

    assert response.status_code == 303 and response.headers["Location"] == "/notifications"
    _, html = await browser.get("/notifications")
    assert "bakari commented on your post" in html and "unread" not in html
    assert _COUNT.findall(html) == []
    assert not await Notification.filter(read=False, member__actor__name="amina").exists()


async def test_marking_read_without_the_token_is_refused_and_changes_nothing(
    app: Quart, browser: Browser
) -> None:
    await _bakari_comments_on_aminas_post(app)
    await browser.sign_in("amina")

    response = await browser.client.post("/notifications/read", headers={"Accept": "text/html"})

    assert response.status_code == 403
    assert await Notification.filter(read=False, member__actor__name="amina").count() == 1


async def test_the_sentence_is_in_the_members_language(app: Quart, browser: Browser) -> None:
    await _bakari_comments_on_aminas_post(app)
    await browser.sign_in("bakari")

    _, english = await browser.get("/notifications")
    _, french = await browser.get("/notifications", **{"Accept-Language": "fr"})

    assert "amina posted in Sahel" in english and re.search(r"\d\d?/\d\d?/\d\d,", english)
    assert '<html lang="fr"' in french and re.search(r">\d\d/\d\d/\d{4} ", french)


async def test_joins_and_roles_are_told_with_their_space(app: Quart, browser: Browser) -> None:
    async with app.app_context():
        amina, bakari = await LocalActor.get(name="amina"), await LocalActor.get(name="bakari")
        vigil, sahel = await Space.get(actor__name="vigil"), await Space.get(actor__name="sahel")
        await join_here(services(), vigil, bakari)
        await answer_join_request(services(), vigil, services().actor_uri(bakari), True, by=amina)
        await join_here(services(), sahel, bakari)
        await change_role(
            services(), sahel, amina, services().actor_uri(bakari), Role.CONTENT_MANAGER
        )
    await browser.sign_in("bakari")
    _, told_bakari = await browser.get("/notifications")
    await browser.submit("/notifications", "/sign-out", {})
    await browser.sign_in("amina")
    _, told_amina = await browser.get("/notifications")

    assert "bakari asked to join Vigil" in told_amina and 'href="/spaces/vigil' in told_amina
    assert "You were accepted in Vigil" in told_bakari
    assert "Your role in Sahel is now content manager" in told_bakari
    assert told_bakari.index("Your role") < told_bakari.index("You were accepted")


async def test_a_post_of_a_space_the_member_left_is_no_longer_told(
    app: Quart, browser: Browser
) -> None:
    bakari = await Member.get(actor__name="bakari").select_related("actor")
    litigation = await Space.get(actor__name="litigation")
    async with app.app_context():
        await Membership.create(
            space=litigation,
            member=bakari,
            actor_uri=services().actor_uri(bakari.actor),
            role=Role.CONTRIBUTOR,
            state=MembershipState.ACCEPTED,
        )
        amina = await LocalActor.get(name="amina")
        await publish(services(), amina, "Strategy", space="litigation", title="Strategy")
    await browser.sign_in("bakari")
    _, while_member = await browser.get("/notifications")
    await Membership.filter(space=litigation, member=bakari).delete()

    _, after = await browser.get("/notifications")

    assert "amina posted in Litigation" in while_member
    assert "Litigation" not in after and "/posts/" not in after
