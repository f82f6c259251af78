"""The attribution gate: may this activity speak for what it carries?

Run at the door on every inbound activity, after the signature (the signer is the activity's
actor) and the shape step, whatever its type and whichever path it takes (an inbox, a space's
relay, an announce):

- the activity's `id` is on its actor's host;
- an object it creates or updates is attributed to the actor, and its `id` is on the actor's
  host (nobody may publish under another's name, or as an object of another host);
- an activity it undoes is the actor's own;
- an activity it announces obeys the same rules for its own actor. That it is authentic (its
  author's proof, or a signed fetch from its author's host) is checked where it is applied.

One exception, for a space's shared library: its items are edited by every member whose role
allows, wherever the item was first created. An Update of a library object (a `Document`,
`Page` or `OrderedCollection` whose `audience` is its space) whose `id` is on another host is
accepted when the space itself vouches for it, having checked the role where it lives: the
space announces it (the announcer is the object's `audience`), or it is addressed to a space
of this instance that counts the actor among its members (`member_of`), whose librarian then
checks the role. Anyone else's rewrite of another host's item is refused here (403).

Where the parent of a reply lives needs the database: that rule is applied where posts are
stored (`spaces/posts.py`, `store_post`), the one path every post takes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from jxfed.activitypub.policy import host_of
from jxfed.errors import JxfedError

AUTHORED = frozenset({"Create", "Update"})  # the object is the actor's own
OWN_ACTIVITY = frozenset({"Undo"})  # the object is one of the actor's own activities
LIBRARY_TYPES = frozenset({"Document", "Page", "OrderedCollection"})

MemberOf = Callable[[str, str], Awaitable[bool]]
"""(space URI, actor URI) → whether the actor is an accepted member of that space, here."""


class AttributionError(JxfedError):
    """An activity speaks for something that is not its actor's: refused with 403."""

    status = 403


async def check_attribution(
    activity: Mapping[str, Any], member_of: MemberOf | None = None, announcer: str | None = None
) -> None:
    """Raise AttributionError unless `activity` (normalised) speaks only for its actor.

    `member_of` answers for the spaces of this instance (None: no space vouches here);
    `announcer` is the actor announcing `activity`, if it comes announced."""
    actor = activity.get("actor")
    if not isinstance(actor, str):
        raise AttributionError("the activity names no actor")
    _same_host("the activity's id", activity.get("id"), actor)
    kind = activity.get("type")
    inner = activity.get("object")
    if kind in AUTHORED and isinstance(inner, Mapping):
        attributed = inner.get("attributedTo")
        if kind == "Create" and attributed is None:
            raise AttributionError("a created object must name its author (attributedTo)")
        if attributed is not None and attributed != actor:
            raise AttributionError(f"{actor} may not publish an object attributed to {attributed}")
        if kind == "Update" and await _space_vouches(inner, actor, member_of, announcer):
            return
        _same_host("the object's id", inner.get("id"), actor)
    elif kind in OWN_ACTIVITY:
        if isinstance(inner, Mapping):
            if inner.get("actor") != actor:
                raise AttributionError(f"{actor} may only undo its own activities")
            _same_host("the undone activity's id", inner.get("id"), actor)
        elif isinstance(inner, str):
            _same_host("the undone activity's id", inner, actor)
    elif kind == "Announce" and isinstance(inner, Mapping) and "actor" in inner:
        await check_attribution(inner, member_of, announcer=actor)


async def _space_vouches(
    item: Mapping[str, Any], actor: str, member_of: MemberOf | None, announcer: str | None
) -> bool:
    """Whether a library item's space answers for an Update of it by `actor` (see above)."""
    space = item.get("audience")
    if item.get("type") not in LIBRARY_TYPES or not isinstance(space, str):
        return False
    if announcer is not None:
        return announcer == space
    return member_of is not None and await member_of(space, actor)


def _same_host(what: str, uri: Any, actor: str) -> None:
    if not isinstance(uri, str):
        return
    try:
        same = host_of(uri) == host_of(actor)
    except ValueError:
        raise AttributionError(f"{what} is not an http(s) URL") from None
    if not same:
        raise AttributionError(f"{what} {uri} is not on the host of its actor {actor}")
