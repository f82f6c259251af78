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


def name_from_uri(base_url: str, uri: str) -> tuple[ActorKind, str] | None:
    """The (kind, name) a local actor URI names, or None when it is not one of ours."""
    if not uri.startswith(base_url + "/"):
        return None
    path = uri[len(base_url) :]
    if path == INSTANCE_ACTOR_PATH:
        return ActorKind.APPLICATION, ""
    for kind, prefix in PREFIX.items():
        name = path.removeprefix(prefix)
        if path.startswith(prefix) and name and "/" not in name and "#" not in name:
            return kind, name
    return None


async def local_actor_by_uri(base_url: str, uri: str) -> LocalActor | None:
    found = name_from_uri(base_url, uri)
    if found is None:
        return None
    kind, name = found
    if kind == ActorKind.APPLICATION:
        return await LocalActor.get_or_none(kind=kind)
    return await LocalActor.get_or_none(kind=kind, name=name)
