"""Following from an app: a space is joined (Join), a person followed (Follow), through the
spaces' own services; and the Relationship entity that says where the member stands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jxfed.actors.models import Follower, Following, FollowState, LocalActor
from jxfed.errors import NotFound
from jxfed.mastodon.accounts import Target
from jxfed.mastodon.errors import ValidationFailed
from jxfed.spaces import follows, joining
from jxfed.spaces.models import Membership, MembershipState

if TYPE_CHECKING:
    from jxfed.services import Services


async def relationship(services: Services, me: LocalActor, target: Target) -> dict[str, Any]:
    """How the member `me` stands towards `target`."""
    my_uri = services.actor_uri(me)
    following = requested = followed_by = requested_by = False
    if target.space is not None:
        membership = await Membership.get_or_none(space=target.space, actor_uri=my_uri)
        state = membership.state if membership is not None else None
        following = state == MembershipState.ACCEPTED
        requested = state == MembershipState.PENDING
    elif target.local is None:
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


def _not_yet(target: Target) -> ValidationFailed:
    what = "space" if target.space is not None else "member"
    return ValidationFailed(
        {
            "id": (
                "ERR_UNSUPPORTED",
                f"following a {what} of this instance from an app is not supported yet",
            )
        }
    )


async def follow(services: Services, me: LocalActor, target: Target) -> None:
    """Join a space of a peer, or follow a person of a peer (each waits for the peer's Accept)."""
    if target.local is not None:
        raise _not_yet(target)
    if target.is_space:
        await joining.join(services, me, target.uri)
    else:
        await follows.follow(services, me, target.uri)


async def unfollow(services: Services, me: LocalActor, target: Target) -> None:
    """Leave a space of a peer, or stop following a person; nothing to undo is not an error."""
    if target.local is not None:
        raise _not_yet(target)
    try:
        if target.is_space:
            await joining.leave(services, me, target.uri)
        else:
            await follows.unfollow(services, me, target.uri)
    except NotFound:
        return
