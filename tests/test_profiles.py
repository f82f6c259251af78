"""Instance profiles: only trusted members and administrators create spaces from a client."""

from __future__ import annotations

import pytest

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Profile
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Membership, Role
from jxfed.spaces.registry import add_space, list_spaces
from jxfed.spaces.roles import NotAllowed


async def test_a_plain_member_may_not_create_a_space(instance: Settings) -> None:
    member = await add_member("amina")
    with pytest.raises(NotAllowed) as refused:
        await add_space(
            instance,
            "gender",
            name="Gender justice",
            access=Access.OPEN,
            owner="amina",
            created_by=member,
        )
    assert refused.value.status == 403 and "trusted" in str(refused.value)
    assert await list_spaces() == []


@pytest.mark.parametrize("profile", [Profile.TRUSTED, Profile.ADMINISTRATOR])
async def test_trusted_members_and_administrators_create_spaces_they_then_manage(
    instance: Settings, profile: Profile
) -> None:
    member = await add_member("bruno", profile=profile)
    space = await add_space(
        instance,
        "euromed",
        name="Euromed",
        access=Access.ON_REQUEST,
        owner="bruno",
        created_by=member,
    )
    [owner] = await Membership.filter(space=space)
    assert owner.role == Role.SPACE_MANAGER and owner.actor_uri.endswith("/users/bruno")
