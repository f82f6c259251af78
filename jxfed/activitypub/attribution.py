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

Where the parent of a reply lives needs the database: that rule is applied where posts are
stored (`spaces/posts.py`, `store_post`), the one path every post takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jxfed.activitypub.policy import host_of
from jxfed.errors import JxfedError

AUTHORED = frozenset({"Create", "Update"})  # the object is the actor's own
OWN_ACTIVITY = frozenset({"Undo"})  # the object is one of the actor's own activities


class AttributionError(JxfedError):
    """An activity speaks for something that is not its actor's: refused with 403."""

    status = 403


def check_attribution(activity: Mapping[str, Any]) -> None:
    """Raise AttributionError unless `activity` (normalised) speaks only for its actor."""
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
        _same_host("the object's id", inner.get("id"), actor)
    elif kind in OWN_ACTIVITY:
        if isinstance(inner, Mapping):
            if inner.get("actor") != actor:
                raise AttributionError(f"{actor} may only undo its own activities")
            _same_host("the undone activity's id", inner.get("id"), actor)
        elif isinstance(inner, str):
            _same_host("the undone activity's id", inner, actor)
    elif kind == "Announce" and isinstance(inner, Mapping) and "actor" in inner:
        check_attribution(inner)


def _same_host(what: str, uri: Any, actor: str) -> None:
    if not isinstance(uri, str):
        return
    try:
        same = host_of(uri) == host_of(actor)
    except ValueError:
        raise AttributionError(f"{what} is not an http(s) URL") from None
    if not same:
        raise AttributionError(f"{what} {uri} is not on the host of its actor {actor}")
