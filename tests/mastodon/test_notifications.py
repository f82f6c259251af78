"""Notifications through the client API: what happened in a member's spaces, as Mastodon types."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.actors.local_actors import add_member, member_by_name
from jxfed.actors.models import Member
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces import joining, reactions
from jxfed.spaces.models import Access, Space
from jxfed.spaces.publishing import publish
from jxfed.spaces.registry import add_space
from tests.mastodon.conftest import PASSWORD, assert_entity, bearer, password_token, register_app


@pytest.fixture
async def happenings(client: Client, instance: Settings, amina: Member) -> Services:
    """In amina's open space sahel, bruno posts, mentions her, replies to her post and likes
    it; carla asks to join vigil; litigation is confidential, with amina alone in it."""
    services = Services(instance)
    for name in ("bruno", "carla"):
        await add_member(name, password=PASSWORD)
    await add_space(instance, "sahel", name="Sahel", access=Access.OPEN, owner="amina")
    await add_space(instance, "vigil", name="Vigil", access=Access.ON_REQUEST, owner="amina")
    await add_space(instance, "litigation", name="Lit", access=Access.CONFIDENTIAL, owner="amina")
    bruno, carla = [await member_by_name(n) for n in ("bruno", "carla")]
    amina_actor = (await member_by_name("amina")).actor
    await joining.join_here(services, await Space.get(actor__name="sahel"), bruno.actor)
    await joining.join_here(services, await Space.get(actor__name="vigil"), carla.actor)
    first = await publish(services, amina_actor, "Agenda for Thursday", space="sahel")
    await publish(services, bruno.actor, "Minutes of the call", space="sahel")
    await publish(services, bruno.actor, "@amina could you check the minutes?", space="sahel")
    await publish(services, bruno.actor, "Item 3 is mine", in_reply_to=first.uri)
    await reactions.react(services, bruno.actor, first.uri)
    return services


async def _list(client: Client, token: str, **query: object) -> list[dict]:
    response = await client.get("/api/v1/notifications", query_string=query, headers=bearer(token))
    assert response.status_code == 200, await response.get_data()
    found = await response.get_json()
    for item in found:
        assert_entity("Notification", item)
    return found  # type: ignore[no-any-return]


async def test_a_member_gets_each_kind_as_its_mastodon_type(
    client: Client, happenings: Services
) -> None:
    token = await password_token(client, await register_app(client), "amina")
    found = await _list(client, token)
    summary = [
        (n["type"], n["account"]["acct"], (n.get("status") or {}).get("content", "")) for n in found
    ]
    kinds = sorted(kind for kind, _, _ in summary)
    assert kinds == ["favourite", "follow_request", "mention", "mention", "status"]
    by_kind = {kind: (acct, content) for kind, acct, content in summary}
    assert by_kind["follow_request"][0] == "carla"
    assert "Minutes of the call" in by_kind["status"][1]
    assert "Agenda for Thursday" in by_kind["favourite"][1]
    assert all(acct in ("bruno", "carla") for _, acct, _ in summary)


async def test_types_and_exclude_types_filter_and_pages_link_on(
    client: Client, happenings: Services
) -> None:
    token = await password_token(client, await register_app(client), "amina")
    mentions = await _list(client, token, **{"types[]": "mention"})
    assert [n["type"] for n in mentions] == ["mention", "mention"]
    rest = await _list(client, token, **{"exclude_types[]": "mention"})
    assert "mention" not in {n["type"] for n in rest} and len(rest) == 3
    response = await client.get(
        "/api/v1/notifications", query_string={"limit": 2}, headers=bearer(token)
    )
    first = await response.get_json()
    assert len(first) == 2 and 'rel="next"' in response.headers["Link"]
    next_url = response.headers["Link"].split(">")[0].lstrip("<")
    assert next_url.startswith("https://jxfed.test/api/v1/notifications?")
    second = await client.get(next_url.removeprefix("https://jxfed.test"), headers=bearer(token))
    later = await second.get_json()
    assert {n["id"] for n in later}.isdisjoint({n["id"] for n in first})
    assert int(later[0]["id"]) < int(first[-1]["id"])


async def test_one_is_read_dismissed_then_all_cleared(client: Client, happenings: Services) -> None:
    token = await password_token(client, await register_app(client), "amina")
    [newest, *others] = await _list(client, token)
    one = await client.get(f"/api/v1/notifications/{newest['id']}", headers=bearer(token))
    assert (await one.get_json())["id"] == newest["id"]
    dismissed = await client.post(
        f"/api/v1/notifications/{newest['id']}/dismiss", headers=bearer(token)
    )
    assert dismissed.status_code == 200
    assert [n["id"] for n in await _list(client, token)] == [n["id"] for n in others]
    gone = await client.get(f"/api/v1/notifications/{newest['id']}", headers=bearer(token))
    assert gone.status_code == 404 and "error" in await gone.get_json()
    await client.post("/api/v1/notifications/clear", headers=bearer(token))
    assert await _list(client, token) == []


async def test_nobody_reads_or_dismisses_another_members_notifications(
    client: Client, happenings: Services
) -> None:
    app = await register_app(client)
    amina = await password_token(client, app, "amina")
    carla = await password_token(client, app, "carla")
    [newest, *_] = await _list(client, amina)
    for method, path in (("GET", ""), ("POST", "/dismiss")):
        response = await client.open(
            f"/api/v1/notifications/{newest['id']}{path}", method=method, headers=bearer(carla)
        )
        assert response.status_code == 404
    assert len(await _list(client, amina)) == 5
    assert (await client.get("/api/v1/notifications")).status_code == 401
    assert (await client.get("/api/v1/notifications/abc", headers=bearer(amina))).status_code == 404


async def test_a_confidential_post_is_notified_only_while_it_is_visible(
    client: Client, happenings: Services, instance: Settings
) -> None:
    services = happenings
    litigation = await Space.get(actor__name="litigation")
    amina = (await member_by_name("amina")).actor
    bruno = await member_by_name("bruno")
    # bruno cannot join a confidential space uninvited: he sees nothing of it
    with pytest.raises(Exception, match="invites"):
        await joining.join_here(services, litigation, bruno.actor)
    await publish(services, amina, "Witness list, do not share", space="litigation")
    token = await password_token(client, await register_app(client), "bruno")
    contents = [(n.get("status") or {}).get("content", "") for n in await _list(client, token)]
    assert not any("Witness" in text for text in contents)
