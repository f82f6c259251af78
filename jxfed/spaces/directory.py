"""What the public may see of this instance: actors, public spaces, NodeInfo figures.

A confidential space never appears here: not in WebFinger, counts, or any public collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jxfed.actors.models import ActorKind, LocalActor, Member, OutboxActivity
from jxfed.errors import NotFound
from jxfed.spaces.models import Access, Space
from jxfed.spaces.visibility import Signer, may_see


@dataclass(frozen=True, slots=True)
class PublicActor:
    """A local actor as the public may see it; `space` is set for Group actors."""

    actor: LocalActor
    space: Space | None = None


async def public_actor(kind: ActorKind, name: str) -> PublicActor:
    """The member, public space or instance actor of that kind and name, else NotFound."""
    actor = await LocalActor.get_or_none(kind=kind, name=name)
    if actor is None:
        raise NotFound(f"no {_WORD[kind]} named {name!r} here")
    if kind != ActorKind.GROUP:
        return PublicActor(actor)
    space = await Space.get(actor=actor)
    if space.access == Access.CONFIDENTIAL:
        raise NotFound(f"no {_WORD[kind]} named {name!r} here")
    space.actor = actor
    return PublicActor(actor, space)


async def confidential_space_for(name: str, signer: str) -> PublicActor:
    """A confidential space, for a signer who is one of its members (or invited), or the
    instance actor of an instance hosting one; NotFound for anybody else, as if it did not exist.
    """
    space = await Space.get_or_none(actor__name=name, access=Access.CONFIDENTIAL).select_related(
        "actor"
    )
    if space is None or not await may_see(Signer(signer), space):
        raise NotFound(f"no space named {name!r} here")
    return PublicActor(space.actor, space)


async def public_actor_by_name(name: str) -> PublicActor:
    """Look a name up across members, spaces and the instance actor (WebFinger's view)."""
    actor = await LocalActor.get_or_none(name=name)
    try:
        if actor is None:
            raise NotFound(name)
        return await public_actor(actor.kind, name)
    except NotFound:
        # The same words for a confidential space as for a free name: existence must not leak.
        raise NotFound(f"no account named {name!r} here") from None


_WORD = {ActorKind.PERSON: "member", ActorKind.GROUP: "space", ActorKind.APPLICATION: "actor"}


@dataclass(frozen=True, slots=True)
class Usage:
    """NodeInfo usage figures."""

    users_total: int
    users_active_month: int
    users_active_halfyear: int
    local_posts: int
    public_spaces: int


async def _active_since(days: int) -> int:
    since = datetime.now(UTC) - timedelta(days=days)
    rows = (
        await OutboxActivity.filter(actor__kind=ActorKind.PERSON, published__gte=since)
        .distinct()
        .values_list("actor_id", flat=True)
    )
    return len(set(rows))


async def usage() -> Usage:
    """Real counts; confidential spaces and what is posted in them are left out."""
    return Usage(
        users_total=await Member.all().count(),
        users_active_month=await _active_since(30),
        users_active_halfyear=await _active_since(180),
        local_posts=await OutboxActivity.filter(
            actor__kind=ActorKind.PERSON, type="Create", public=True
        ).count(),
        public_spaces=await Space.exclude(access=Access.CONFIDENTIAL).count(),
    )
