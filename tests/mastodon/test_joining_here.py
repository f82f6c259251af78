"""Following from an app on this instance: a space is joined, a member followed."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, Member
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Membership, MembershipState, Notification
from jxfed.spaces.registry import add_space
from tests.mastodon.conftest import PASSWORD, assert_entity, bearer, password_token, register_app


async def _id(name: str) -> str:
    return str(2 * (await LocalActor.get(name=name)).id)


@pytest.fixture
async def tokens(client: Client, instance: Settings, amina: Member) -> dict[str, str]:
    """amina manages sahel (open), vigil (on request) and litigation (confidential); bruno
    is another member of this instance."""
    await add_member("bruno", password=PASSWORD)
    for slug, access in (
        ("sahel", Access.OPEN),
        ("vigil", Access.ON_REQUEST),
        ("litigation", Access.CONFIDENTIAL),
    ):
        await add_space(instance, slug, name=slug.title(), access=access, owner="amina")
    app = await register_app(client)
    return {
        "amina": await password_token(client, app, "amina"),
        "bruno": await password_token(client, app, "bruno"),
    }


async def test_following_an_open_space_joins_it_with_the_default_role(
    client: Client, tokens: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/v1/accounts/{await _id('sahel')}/follow", headers=bearer(tokens["bruno"])
    )
    relationship = await response.get_json()
    assert_entity("Relationship", relationship)
    assert relationship["following"] is True and relationship["requested"] is False
    membership = await Membership.get(actor_uri="https://jxfed.test/users/bruno")
    assert (membership.role.value, membership.state) == ("contributor", MembershipState.ACCEPTED)
    left = await client.post(
        f"/api/v1/accounts/{await _id('sahel')}/unfollow", headers=bearer(tokens["bruno"])
    )
    assert (await left.get_json())["following"] is False
    assert not await Membership.filter(actor_uri="https://jxfed.test/users/bruno").exists()


async def test_following_an_on_request_space_waits_for_its_manager(
    client: Client, tokens: dict[str, str]
) -> None:
    vigil = await _id("vigil")
    response = await client.post(
        f"/api/v1/accounts/{vigil}/follow", headers=bearer(tokens["bruno"])
    )
    assert (await response.get_json())["requested"] is True
    kinds = await Notification.all().values_list("kind", flat=True)
    assert [str(kind) for kind in kinds] == ["join_request"]  # to amina, the manager


async def test_a_confidential_space_cannot_be_followed_by_a_non_member(
    client: Client, tokens: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/v1/accounts/{await _id('litigation')}/follow", headers=bearer(tokens["bruno"])
    )
    assert response.status_code == 404  # bruno cannot even see it
    assert not await Membership.filter(actor_uri="https://jxfed.test/users/bruno").exists()


async def test_the_last_manager_cannot_leave_by_unfollowing(
    client: Client, tokens: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/v1/accounts/{await _id('sahel')}/unfollow", headers=bearer(tokens["amina"])
    )
    assert response.status_code == 409
    assert "last space manager" in (await response.get_json())["error"]


async def test_following_a_member_here_is_immediate_and_counted(
    client: Client, tokens: dict[str, str]
) -> None:
    amina = await _id("amina")
    response = await client.post(
        f"/api/v1/accounts/{amina}/follow", headers=bearer(tokens["bruno"])
    )
    assert (await response.get_json())["following"] is True
    account = await (await client.get(f"/api/v1/accounts/{amina}")).get_json()
    assert account["followers_count"] == 1
    mine = await client.post(f"/api/v1/accounts/{amina}/follow", headers=bearer(tokens["amina"]))
    assert mine.status_code in (400, 422)
    await client.post(f"/api/v1/accounts/{amina}/unfollow", headers=bearer(tokens["bruno"]))
    account = await (await client.get(f"/api/v1/accounts/{amina}")).get_json()
    assert account["followers_count"] == 0
