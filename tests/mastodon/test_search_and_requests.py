"""Search, follow requests (a space manager answers join requests) and account lists."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.actors.local_actors import add_member, member_by_name
from jxfed.actors.models import LocalActor, Member
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces import joining
from jxfed.spaces.models import Access, Membership, MembershipState, Space
from jxfed.spaces.publishing import publish
from jxfed.spaces.registry import add_space
from tests.mastodon.conftest import PASSWORD, assert_entity, bearer, password_token, register_app


async def _id(name: str) -> str:
    return str(2 * (await LocalActor.get(name=name)).id)


@pytest.fixture
async def world(client: Client, instance: Settings, amina: Member) -> dict[str, str]:
    """amina manages sahel (open), vigil (on request) and litigation (confidential); bruno
    is in sahel and posts there; carla asks to join vigil. Returns each member's token."""
    services = Services(instance)
    for name in ("bruno", "carla"):
        await add_member(name, password=PASSWORD)
    for slug, access in (
        ("sahel", Access.OPEN),
        ("vigil", Access.ON_REQUEST),
        ("litigation", Access.CONFIDENTIAL),
    ):
        await add_space(
            instance, slug, name=f"{slug.title()} network", access=access, owner="amina"
        )
    bruno = (await member_by_name("bruno")).actor
    carla = (await member_by_name("carla")).actor
    amina_actor = (await member_by_name("amina")).actor
    await joining.join_here(services, await Space.get(actor__name="sahel"), bruno)
    await joining.join_here(services, await Space.get(actor__name="vigil"), carla)
    await publish(services, bruno, "Report on #Detention conditions in Agadez", space="sahel")
    await publish(services, amina_actor, "Detention witness W-9 (sealed)", space="litigation")
    app = await register_app(client)
    return {name: await password_token(client, app, name) for name in ("amina", "bruno", "carla")}


async def _search(client: Client, token: str | None, **query: object) -> dict:
    headers = bearer(token) if token else {}
    response = await client.get("/api/v2/search", query_string=query, headers=headers)
    assert response.status_code == 200, await response.get_data()
    found = await response.get_json()
    assert_entity("Search", found)
    return found  # type: ignore[no-any-return]


async def test_accounts_are_found_by_name_and_a_confidential_space_only_by_members(
    client: Client, world: dict[str, str]
) -> None:
    names = [a["acct"] for a in (await _search(client, world["bruno"], q="network"))["accounts"]]
    assert names == ["sahel", "vigil"]
    names = [a["acct"] for a in (await _search(client, world["amina"], q="network"))["accounts"]]
    assert names == ["litigation", "sahel", "vigil"]
    exact = await _search(client, None, q="@sahel@jxfed.test", type="accounts")
    assert [(a["acct"], a["group"]) for a in exact["accounts"]] == [("sahel", True)]
    by_url = await _search(client, None, q="https://jxfed.test/users/bruno")
    assert [a["username"] for a in by_url["accounts"]] == ["bruno"]
    listed = await client.get("/api/v1/accounts/search", query_string={"q": "bru"})
    assert [a["acct"] for a in await listed.get_json()] == ["bruno"]


async def test_statuses_are_found_by_text_for_members_only_and_never_a_confidential_one(
    client: Client, world: dict[str, str]
) -> None:
    texts = [
        s["content"] for s in (await _search(client, world["bruno"], q="detention"))["statuses"]
    ]
    assert len(texts) == 1 and "Agadez" in texts[0]
    texts = [
        s["content"] for s in (await _search(client, world["amina"], q="detention"))["statuses"]
    ]
    assert len(texts) == 2  # amina is in litigation
    assert (await _search(client, None, q="detention"))["statuses"] == []
    tags = (await _search(client, world["bruno"], q="#detention"))["hashtags"]
    assert [t["name"] for t in tags] == ["detention"]
    for tag in tags:
        assert_entity("Tag", tag)
    assert (await _search(client, world["bruno"], q="#sealed"))["hashtags"] == []


async def test_bad_searches_are_422(client: Client, world: dict[str, str]) -> None:
    for query in ({}, {"q": "  "}, {"q": "x", "type": "people"}, {"q": "x", "limit": "ten"}):
        response = await client.get("/api/v2/search", query_string=query)
        assert response.status_code == 422, query
        assert "error" in await response.get_json()


async def test_a_space_manager_answers_join_requests_as_follow_requests(
    client: Client, world: dict[str, str]
) -> None:
    listed = await client.get("/api/v1/follow_requests", headers=bearer(world["amina"]))
    requesters = await listed.get_json()
    assert [a["acct"] for a in requesters] == ["carla"]
    assert_entity("Account", requesters[0])
    carla = await _id("carla")
    refused = await client.post(
        f"/api/v1/follow_requests/{carla}/authorize", headers=bearer(world["bruno"])
    )
    assert refused.status_code == 404  # bruno manages nothing
    response = await client.post(
        f"/api/v1/follow_requests/{carla}/authorize", headers=bearer(world["amina"])
    )
    assert response.status_code == 200
    assert_entity("Relationship", await response.get_json())
    membership = await Membership.get(actor_uri="https://jxfed.test/users/carla")
    assert membership.state == MembershipState.ACCEPTED
    again = await client.post(
        f"/api/v1/follow_requests/{carla}/reject", headers=bearer(world["amina"])
    )
    assert again.status_code == 404  # nothing pending any more
    assert (
        await (
            await client.get("/api/v1/follow_requests", headers=bearer(world["amina"]))
        ).get_json()
        == []
    )


async def test_a_rejected_join_request_leaves_no_membership(
    client: Client, world: dict[str, str]
) -> None:
    carla = await _id("carla")
    response = await client.post(
        f"/api/v1/follow_requests/{carla}/reject", headers=bearer(world["amina"])
    )
    assert response.status_code == 200
    assert not await Membership.filter(actor_uri="https://jxfed.test/users/carla").exists()


async def test_a_spaces_followers_are_its_members_and_a_members_following_its_follows(
    client: Client, world: dict[str, str]
) -> None:
    response = await client.get(f"/api/v1/accounts/{await _id('sahel')}/followers")
    assert sorted(a["acct"] for a in await response.get_json()) == ["amina", "bruno"]
    await client.post(
        f"/api/v1/accounts/{await _id('amina')}/follow", headers=bearer(world["bruno"])
    )
    following = await client.get(f"/api/v1/accounts/{await _id('bruno')}/following")
    assert [a["acct"] for a in await following.get_json()] == ["amina"]
    followers = await client.get(f"/api/v1/accounts/{await _id('amina')}/followers")
    assert [a["acct"] for a in await followers.get_json()] == ["bruno"]
    hidden = await client.get(f"/api/v1/accounts/{await _id('litigation')}/followers")
    assert hidden.status_code == 404
