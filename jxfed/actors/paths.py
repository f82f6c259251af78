"""Where each local actor lives on the instance."""

from __future__ import annotations

from jxfed.actors.models import ActorKind, LocalActor

PREFIX = {ActorKind.PERSON: "/users/", ActorKind.GROUP: "/spaces/"}
INSTANCE_ACTOR_PATH = "/actor"


def actor_path(actor: LocalActor) -> str:
    """`/users/NAME` for members, `/spaces/SLUG` for spaces, `/actor` for the instance."""
    if actor.kind == ActorKind.APPLICATION:
        return INSTANCE_ACTOR_PATH
    return PREFIX[actor.kind] + actor.name
