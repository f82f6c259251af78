"""What each role may do in a space: the one permission table (Tracim's roles, DESIGN.md).

A reader reads and sees members; a contributor also posts, comments and uploads, and edits or
deletes their own items; a content manager also creates folders, moves, archives and deletes
any content; a space manager also edits the space, invites, accepts join requests, changes
roles and removes members. The same table applies to local and remote members.
"""

from __future__ import annotations

from enum import StrEnum

from jxfed.errors import BadRequest, JxfedError
from jxfed.spaces.models import Role


class Action(StrEnum):
    READ = "read"
    SEE_MEMBERS = "see_members"
    POST = "post"
    COMMENT = "comment"
    UPLOAD = "upload"
    EDIT_OWN = "edit_own"
    DELETE_OWN = "delete_own"
    CREATE_FOLDER = "create_folder"
    MOVE = "move"
    ARCHIVE = "archive"
    DELETE_ANY = "delete_any"
    EDIT_ANY = "edit_any"
    RESTORE = "restore"
    EDIT_SPACE = "edit_space"
    INVITE = "invite"
    ACCEPT_JOIN = "accept_join"
    CHANGE_ROLE = "change_role"
    REMOVE_MEMBER = "remove_member"


MINIMUM_ROLE: dict[Action, Role] = {
    Action.READ: Role.READER,
    Action.SEE_MEMBERS: Role.READER,
    Action.POST: Role.CONTRIBUTOR,
    Action.COMMENT: Role.CONTRIBUTOR,
    Action.UPLOAD: Role.CONTRIBUTOR,
    Action.EDIT_OWN: Role.CONTRIBUTOR,
    Action.DELETE_OWN: Role.CONTRIBUTOR,
    Action.CREATE_FOLDER: Role.CONTENT_MANAGER,
    Action.MOVE: Role.CONTENT_MANAGER,
    Action.ARCHIVE: Role.CONTENT_MANAGER,
    Action.DELETE_ANY: Role.CONTENT_MANAGER,
    Action.EDIT_ANY: Role.CONTENT_MANAGER,  # library items (a post stays its author's to edit)
    Action.RESTORE: Role.CONTENT_MANAGER,
    Action.EDIT_SPACE: Role.SPACE_MANAGER,
    Action.INVITE: Role.SPACE_MANAGER,
    Action.ACCEPT_JOIN: Role.SPACE_MANAGER,
    Action.CHANGE_ROLE: Role.SPACE_MANAGER,
    Action.REMOVE_MEMBER: Role.SPACE_MANAGER,
}


class NotAllowed(JxfedError):
    status = 403


def at_least(role: Role, needed: Role) -> bool:
    """True when `role` is `needed` or stronger."""
    return role.rank >= needed.rank


def may(role: Role | None, action: Action) -> bool:
    """Whether a member with `role` (None: not a member) may do `action`."""
    return role is not None and at_least(role, MINIMUM_ROLE[action])


def roles_that_may(action: Action) -> list[Role]:
    """The roles allowed `action`, for a database filter (`role__in=`)."""
    return [role for role in Role if may(role, action)]


def keeps_the_space_managed(role: Role) -> bool:
    """Whether `role` manages the space's members: the last one may not be demoted or removed."""
    return may(role, Action.CHANGE_ROLE)


def require(role: Role | None, action: Action) -> None:
    """Raise NotAllowed (403) naming the action and the role it needs."""
    if not may(role, action):
        needed = MINIMUM_ROLE[action].value
        raise NotAllowed(f"{action.value.replace('_', ' ')} needs the {needed} role in this space")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise BadRequest(f"role {value!r} is not one of {choices}") from None
