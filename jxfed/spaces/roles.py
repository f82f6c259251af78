"""What each role may do in a space: the one permission table (Tracim's roles, DESIGN.md)."""

from __future__ import annotations

from jxfed.errors import BadRequest
from jxfed.spaces.models import Role


def at_least(role: Role, needed: Role) -> bool:
    """True when `role` is `needed` or stronger."""
    return role.rank >= needed.rank


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise BadRequest(f"role {value!r} is not one of {choices}") from None
