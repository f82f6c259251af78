"""Which names members and spaces may take (they share one name space, as WebFinger does)."""

from __future__ import annotations

import re

from jxfed.errors import BadRequest

# Lower-case, as Mastodon matches usernames case-insensitively; '.' and '-' only inside.
_NAME = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]{0,62}[a-z0-9_])?$")
RESERVED = frozenset(
    {
        "actor",
        "admin",
        "api",
        "inbox",
        "instance",
        "nodeinfo",
        "oauth",
        "outbox",
        "root",
        "settings",
        "spaces",
        "static",
        "users",
        "well-known",
        "www",
    }
)


def validate_name(value: str, what: str = "name") -> str:
    """Return the name if it is usable for an actor; raise BadRequest naming the problem."""
    if not _NAME.match(value):
        raise BadRequest(
            f"{what} {value!r} must be 1-64 lower-case letters, digits, '_', and '.' or '-' inside"
        )
    if value in RESERVED:
        raise BadRequest(f"{what} {value!r} is reserved")
    return value
