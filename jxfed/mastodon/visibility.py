"""Who may see what through the client API: confidential content only to its space's members.

A post is visible when it is public (and not in a confidential space), when it is in a local
space the reader belongs to, when it came from a space of a peer that the reader is in, or
when the reader wrote it. A confidential space's account is shown only to its members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q

from jxfed.actors.models import Following, FollowState, Member, RemoteActor
from jxfed.spaces.models import Access, Membership, MembershipState, Space


@dataclass(frozen=True, slots=True)
class Reader:
    """A member reading (their actor URI, their spaces here, the actors they follow), or nobody."""

    uri: str | None = None
    space_ids: frozenset[int] = frozenset()
    followed: frozenset[str] = frozenset()
    asked: frozenset[str] = field(default_factory=frozenset)  # pending follows and joins
    member_id: int | None = None


async def reader_of(member: Member | None, actor_uri: str | None) -> Reader:
    if member is None or actor_uri is None:
        return Reader()
    spaces = await Membership.filter(
        member_id=member.id, state__in=[MembershipState.ACCEPTED, MembershipState.INVITED]
    ).values_list("space_id", "state")
    followings = await Following.filter(follower_id=member.actor_id).values_list(  # type: ignore[attr-defined]
        "target_uri", "state"
    )
    return Reader(
        uri=actor_uri,
        space_ids=frozenset(int(s) for s, state in spaces if state == MembershipState.ACCEPTED),
        followed=frozenset(str(u) for u, state in followings if state == FollowState.ACCEPTED),
        asked=frozenset(str(u) for u, state in followings if state == FollowState.PENDING),
        member_id=member.id,
    )


def visible_posts(reader: Reader) -> Q:
    """The posts a reader may see (deleted ones excluded), as a filter."""
    public = Q(public=True) & (Q(space_id__isnull=True) | ~Q(space__access=Access.CONFIDENTIAL))
    allowed = public
    if reader.space_ids:
        allowed |= Q(space_id__in=list(reader.space_ids))
    if reader.followed:
        allowed |= Q(space_id__isnull=True, audience__in=list(reader.followed))
    if reader.uri:
        allowed |= Q(author_uri=reader.uri)
    return Q(allowed, deleted=False)


async def may_see_space(reader: Reader, space: Space) -> bool:
    if space.access != Access.CONFIDENTIAL or space.id in reader.space_ids:
        return True
    if reader.uri is None:
        return False
    return await Membership.filter(
        space=space, actor_uri=reader.uri, state=MembershipState.INVITED
    ).exists()


def may_see_remote(reader: Reader, actor: RemoteActor) -> bool:
    """A peer's space that hides itself (not discoverable) only to those who are in it."""
    if actor.kind != "Group" or actor.document.get("discoverable", True) is not False:
        return True
    return actor.uri in reader.followed or actor.uri in reader.asked
