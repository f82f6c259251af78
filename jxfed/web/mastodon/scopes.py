"""OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile`, and
granular ones such as `read:accounts`, each covered by its top-level scope."""

from __future__ import annotations

import re

TOP_LEVEL = ("read", "write", "follow", "push", "profile")
DEFAULT = "read"
GRANULAR = (
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
)
_ADMIN = re.compile(r"^admin:(?:read|write)(?::[a-z_]+)?$")
# The legacy `follow` scope still grants what the follow endpoints need.
_FOLLOW_COVERS = {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes"}


def parse(value: str | None) -> list[str]:
    """The scopes of a space-separated string (or `+`-joined, as some clients send them)."""
    if not value:
        return []
    return list(dict.fromkeys(value.replace("+", " ").split()))


def unknown(scopes: list[str]) -> list[str]:
    """The scopes of the list that are not Mastodon scopes."""
    return [s for s in scopes if s not in TOP_LEVEL and s not in GRANULAR and not _ADMIN.match(s)]


def covers(granted: list[str], needed: str) -> bool:
    """True when the granted scopes include `needed` or a scope that covers it."""
    if needed in granted:
        return True
    parent = needed.split(":")[0] if not needed.startswith("admin:") else None
    if parent is not None and parent in granted:
        return True
    if needed.startswith("admin:") and needed.count(":") == 2:
        return needed.rsplit(":", 1)[0] in granted
    return "follow" in granted and needed in _FOLLOW_COVERS


def within(asked: list[str], allowed: list[str]) -> bool:
    """True when every asked scope is covered by the allowed ones."""
    return all(covers(allowed, scope) for scope in asked)
