"""Accounts as the client API sees them: which actor an id or handle names, whether the reader
may see it, its entity with real counts, and the reader's relationship to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.functions import Count

from jxfed.activitypub.policy import host_of
from jxfed.activitypub.transport import FetchError, NotAPeer
from jxfed.actors.documents import actor_id
from jxfed.actors.models import ActorKind, Follower, Following, FollowState, LocalActor, RemoteActor
from jxfed.actors.paths import name_from_uri
from jxfed.actors.remote import remote_actor, resolve_account
from jxfed.errors import BadRequest, ConfigError, NotFound
from jxfed.settings import parse_domain
from jxfed.spaces.models import Membership, MembershipState, Space
from jxfed.spaces.roles import Action, roles_that_may
from jxfed.spaces.visibility import Reader, may_see
from jxfed.web.mastodon.entities import AccountCounts, local_account, remote_account
from jxfed.web.mastodon.ids import local_account_id, parse_account_id, remote_account_id

if TYPE_CHECKING:
    from jxfed.runtime import Services

NOT_FOUND = "Record not found"


@dataclass(frozen=True, slots=True)
class Target:
    """An account: a local member or space (`local`, with `space` for a space), or an actor
    of a peer (`remote`)."""

    uri: str
    local: LocalActor | None = None
    space: Space | None = None
    remote: RemoteActor | None = None

    @property
    def id(self) -> str:
        if self.local is not None:
            return local_account_id(self.local.id)
        assert self.remote is not None
        return remote_account_id(self.remote.id)

    @property
    def is_space(self) -> bool:
        return self.space is not None or (self.remote is not None and self.remote.kind == "Group")


async def _local_target(services: Services, actor: LocalActor | None) -> Target | None:
    if actor is None or actor.kind == ActorKind.APPLICATION:
        return None
    space = None
    if actor.kind == ActorKind.GROUP:
        space = await Space.get(actor=actor)
        space.actor = actor
    return Target(actor_id(services.settings, actor), local=actor, space=space)


async def may_see_target(reader: Reader, target: Target) -> bool:
    """Whether the reader may see this account at all (spaces.visibility decides)."""
    if target.space is not None and not await may_see(reader, target.space):
        return False
    return target.remote is None or await may_see(reader, target.remote)


async def _visible(reader: Reader, target: Target | None) -> Target:
    if target is None or not await may_see_target(reader, target):
        raise NotFound(NOT_FOUND)
    return target


async def target_by_id(services: Services, reader: Reader, account_id: str) -> Target:
    """The account an id names, if the reader may see it; NotFound otherwise."""
    key = parse_account_id(account_id)
    if key.table == "local":
        found = await _local_target(services, await LocalActor.get_or_none(id=key.id))
        return await _visible(reader, found)
    remote = await RemoteActor.get_or_none(id=key.id)
    return await _visible(reader, Target(remote.uri, remote=remote) if remote else None)


async def target_by_uri(services: Services, uri: str, *, fetch: bool = True) -> Target | None:
    """The account of an actor URI: local, cached, or (with `fetch`) fetched from its peer."""
    found = name_from_uri(services.settings.base_url, uri)
    if found is not None:
        kind, name = found
        return await _local_target(services, await LocalActor.get_or_none(kind=kind, name=name))
    cached = await RemoteActor.get_or_none(uri=uri)
    if cached is None and fetch:
        cached = await remote_actor(services, uri)
    return Target(uri, remote=cached) if cached is not None else None


async def lookup(services: Services, reader: Reader, acct: str) -> Target:
    """`name`, `name@our-domain` or `name@peer` (resolved by WebFinger when not cached)."""
    name, at, host = acct.strip().lstrip("@").lower().partition("@")
    if not name:
        raise NotFound(NOT_FOUND)
    if not at or host == services.settings.domain:
        return await _visible(reader, await _local_target(services, await _local_named(name)))
    cached = await RemoteActor.filter(preferred_username__iexact=name).all()
    for actor in cached:
        if host_of(actor.uri) == host:
            return await _visible(reader, Target(actor.uri, remote=actor))
    try:
        parse_domain(host)
        uri = await resolve_account(services, f"{name}@{host}")
        found = await target_by_uri(services, uri)
    except (FetchError, NotAPeer, BadRequest, ConfigError, ValueError):
        raise NotFound(NOT_FOUND) from None  # not a peer, or nobody there
    return await _visible(reader, found)


async def _local_named(name: str) -> LocalActor | None:
    return await LocalActor.get_or_none(name=name)


async def counts(services: Services, target: Target) -> AccountCounts:
    """Counts for a local account (posts as kept by jxfed.spaces.stats); a peer's actors show 0
    (not fetched for this)."""
    if target.local is None:
        return AccountCounts()
    actor = target.local
    followers = await Follower.filter(followed=actor, state=FollowState.ACCEPTED).count()
    if target.space is not None:
        members = Membership.filter(space=target.space, state=MembershipState.ACCEPTED)
        return AccountCounts(
            followers=followers + await members.count(),
            statuses=actor.statuses_count,
            last_status_at=actor.last_status_at,
        )
    following = await Following.filter(follower=actor, state=FollowState.ACCEPTED).count()
    return AccountCounts(
        followers=followers,
        following=following,
        statuses=actor.statuses_count,
        last_status_at=actor.last_status_at,
    )


async def _grouped(query: Any, key: str) -> dict[int, int]:
    rows = await query.annotate(n=Count("id")).group_by(key).values_list(key, "n")
    return {int(k): int(n) for k, n in rows}


async def account_entities(
    services: Services, reader: Reader, uris: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The entities of the local actors and cached peers' actors among `uris` that the reader
    may see, with six queries for all of them (a page of statuses shows up to a few dozen
    accounts). The counts are those `counts` gives one at a time."""
    base_url = services.settings.base_url
    wanted: dict[tuple[ActorKind, str], str] = {}
    others: list[str] = []
    for uri in set(uris):
        found = name_from_uri(base_url, uri)
        if found is None:
            others.append(uri)
        elif found[0] != ActorKind.APPLICATION:
            wanted[found] = uri
    entities: dict[str, dict[str, Any]] = {}
    for remote in await RemoteActor.filter(uri__in=others) if others else []:
        if await may_see(reader, remote):
            entities[remote.uri] = remote_account(services.settings, remote)
    if not wanted:
        return entities
    names = [name for _, name in wanted]
    actors = [a for a in await LocalActor.filter(name__in=names) if (a.kind, a.name) in wanted]
    ids = [actor.id for actor in actors]
    spaces = {space.actor_id: space for space in await Space.filter(actor_id__in=ids)}  # type: ignore[attr-defined]
    accepted = FollowState.ACCEPTED
    followers = await _grouped(Follower.filter(followed_id__in=ids, state=accepted), "followed_id")
    following = await _grouped(Following.filter(follower_id__in=ids, state=accepted), "follower_id")
    members = await _grouped(
        Membership.filter(
            space_id__in=[s.id for s in spaces.values()], state=MembershipState.ACCEPTED
        ),
        "space_id",
    )
    for actor in actors:
        space = spaces.get(actor.id)
        if space is not None:
            if not await may_see(reader, space):
                continue
            space.actor = actor
        counts = AccountCounts(
            followers=followers.get(actor.id, 0) + (members.get(space.id, 0) if space else 0),
            following=0 if space else following.get(actor.id, 0),
            statuses=actor.statuses_count,
            last_status_at=actor.last_status_at,
        )
        entities[wanted[(actor.kind, actor.name)]] = local_account(
            services.settings, actor, space, counts
        )
    return entities


async def account_entity(services: Services, target: Target) -> dict[str, Any]:
    if target.local is not None:
        return local_account(
            services.settings, target.local, target.space, await counts(services, target)
        )
    assert target.remote is not None
    return remote_account(services.settings, target.remote)


async def follow_requests_count(services: Services, actor: LocalActor) -> int:
    """Pending joins and follows of the spaces this member manages."""
    managed = await Membership.filter(
        actor_uri=actor_id(services.settings, actor),
        state=MembershipState.ACCEPTED,
        role__in=roles_that_may(Action.ACCEPT_JOIN),
    ).values_list("space_id", flat=True)
    if not managed:
        return 0
    joins = await Membership.filter(space_id__in=managed, state=MembershipState.PENDING).count()
    space_actors = await Space.filter(id__in=managed).values_list("actor_id", flat=True)
    follows = await Follower.filter(followed_id__in=space_actors, state=FollowState.PENDING).count()
    return joins + follows
