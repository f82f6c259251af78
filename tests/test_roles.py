"""The permission table, cell by cell: each role against each action (Tracim's roles)."""

from __future__ import annotations

import pytest

from jxfed.actors.local_actors import add_member
from jxfed.errors import BadRequest
from jxfed.settings import Settings
from jxfed.spaces.joining import answer_join_request
from jxfed.spaces.models import Access, Membership, MembershipState, Role, Space
from jxfed.spaces.registry import add_space
from jxfed.spaces.roles import (
    Action,
    NotAllowed,
    keeps_the_space_managed,
    may,
    parse_role,
    require,
    roles_that_may,
)
from jxfed.workers import start_services

R, C, M, S = Role.READER, Role.CONTRIBUTOR, Role.CONTENT_MANAGER, Role.SPACE_MANAGER
# Written out by hand from DESIGN.md, not derived from the code's table.
EXPECTED = {
    Action.READ: {R, C, M, S},
    Action.SEE_MEMBERS: {R, C, M, S},
    Action.POST: {C, M, S},
    Action.COMMENT: {C, M, S},
    Action.UPLOAD: {C, M, S},
    Action.EDIT_OWN: {C, M, S},
    Action.DELETE_OWN: {C, M, S},
    Action.CREATE_FOLDER: {M, S},
    Action.MOVE: {M, S},
    Action.ARCHIVE: {M, S},
    Action.DELETE_ANY: {M, S},
    Action.EDIT_ANY: {M, S},
    Action.RESTORE: {M, S},
    Action.EDIT_SPACE: {S},
    Action.INVITE: {S},
    Action.ACCEPT_JOIN: {S},
    Action.CHANGE_ROLE: {S},
    Action.REMOVE_MEMBER: {S},
}


def test_the_expected_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_exactly_what_the_table_says(role: Role, action: Action) -> None:
    assert may(role, action) is (role in EXPECTED[action])


@pytest.mark.parametrize("action", list(Action))
def test_someone_who_is_not_a_member_may_do_nothing(action: Action) -> None:
    assert may(None, action) is False


def test_a_refusal_names_the_action_and_the_role_it_needs() -> None:
    with pytest.raises(NotAllowed) as refused:
        require(Role.READER, Action.POST)
    assert refused.value.status == 403
    assert "post needs the contributor role" in refused.value.message


def test_roles_are_ordered_reader_to_space_manager() -> None:
    assert sorted(Role, key=lambda role: role.rank) == [R, C, M, S]


def test_an_unknown_role_is_refused_naming_the_choices() -> None:
    with pytest.raises(BadRequest, match="'owner' is not one of reader"):
        parse_role("owner")


def test_the_roles_that_may_an_action_are_those_the_table_allows() -> None:
    assert roles_that_may(Action.ACCEPT_JOIN) == [Role.SPACE_MANAGER]
    assert roles_that_may(Action.DELETE_ANY) == [Role.CONTENT_MANAGER, Role.SPACE_MANAGER]
    assert keeps_the_space_managed(Role.SPACE_MANAGER)
    assert not keeps_the_space_managed(Role.CONTENT_MANAGER)


async def test_only_a_space_manager_answers_a_join_request(instance: Settings) -> None:
    services = start_services(instance)
    await add_member("amina")
    chidi = await add_member("chidi")
    await add_space(instance, "vigil", name="Vigil", access=Access.ON_REQUEST, owner="amina")
    vigil = await Space.get(actor__name="vigil")
    await Membership.create(
        space=vigil, actor_uri=services.actor_uri(chidi.actor), role=Role.CONTENT_MANAGER
    )
    asking = "https://peer.example/users/dora"
    await Membership.create(
        space=vigil, actor_uri=asking, role=Role.READER, state=MembershipState.PENDING
    )
    with pytest.raises(NotAllowed, match="accept join needs the space_manager role"):
        await answer_join_request(services, vigil, asking, True, by=chidi.actor)
    assert (await Membership.get(actor_uri=asking)).state == MembershipState.PENDING
