"""Following from an app: a space is joined (Join), a person followed (Follow), through the
spaces' own services; and the Relationship entity that says where the member stands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jxfed.actors.models import Follower, Following, FollowState, LocalActor
from jxfed.errors import NotFound
from jxfed.spaces import follows, joining
from jxfed.spaces.models import Membership, MembershipState
from jxfed.web.mastodon.account_views import Target

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def relationship(services: Services, me: LocalActor, target: Target) -> dict[str, Any]:
    """How the member `me` stands towards `target`."""
    my_uri = services.actor_uri(me)
    following = requested = followed_by = requested_by = False
    if target.space is not None:
        membership = await Membership.get_or_none(space=target.space, actor_uri=my_uri)
        state = membership.state if membership is not None else None
        following = state == MembershipState.ACCEPTED
        requested = state == MembershipState.PENDING
    else:
        row = await Following.get_or_none(follower=me, target_uri=target.uri)
        following = row is not None and row.state == FollowState.ACCEPTED
        requested = row is not None and row.state == FollowState.PENDING
    if target.local is None or target.space is None:
        back = await Follower.get_or_none(followed=me, follower_uri=target.uri)
        followed_by = back is not None and back.state == FollowState.ACCEPTED
        requested_by = back is not None and back.state == FollowState.PENDING
    return {
        "id": target.id,
        "following": following,
        "showing_reblogs": True,
        "notifying": False,
        "languages": None,
        "followed_by": followed_by,
        "blocking": False,
        "blocked_by": False,
        "muting": False,
        "muting_notifications": False,
        "requested": requested,
        "requested_by": requested_by,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


async def follow(services: Services, me: LocalActor, target: Target) -> None:
    """Join a space, or follow a person (on a peer, each waits for the peer's Accept)."""
    if target.space is not None:
        await joining.join_here(services, target.space, me)
    elif target.local is not None:
        await follows.follow_here(services, me, target.local)
    elif target.is_space:
        await joining.join(services, me, target.uri)
    else:
        await follows.follow(services, me, target.uri)


async def unfollow(services: Services, me: LocalActor, target: Target) -> None:
    """Leave a space, or stop following a person; nothing to undo is not an error."""
    if target.space is not None:
        await joining.leave_here(services, target.space, me)
        return
    if target.local is not None:
        await follows.unfollow_here(services, me, target.local)
        return
    try:
        if target.is_space:
            await joining.leave(services, me, target.uri)
        else:
            await follows.unfollow(services, me, target.uri)
    except NotFound:
        return
