"""The permission table, cell by cell: each role against each action (Tracim's roles)."""

from __future__ import annotations

import pytest

from jxfed.errors import BadRequest
from jxfed.spaces.models import Role
from jxfed.spaces.roles import Action, NotAllowed, may, parse_role, require

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
