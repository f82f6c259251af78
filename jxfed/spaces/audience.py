"""Where an outgoing activity goes: queued once per distinct inbox of a peer, worker woken.

Every service that sends calls `deliver`, inside the transaction that records the change, so a
change and its deliveries are written together; `followers_inboxes` is the one reading of an
actor's followers on peers (followers here are served from the database, never sent to).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.delivery import enqueue
from jxfed.actors.models import Follower, FollowState, LocalActor

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def followers_inboxes(services: Services, actor: LocalActor) -> list[str]:
    """The inboxes of the actor's accepted followers on peers (local followers excluded)."""
    rows = Follower.filter(followed=actor, state=FollowState.ACCEPTED).exclude(
        follower_uri__startswith=services.settings.base_url + "/"
    )
    return [str(inbox) for inbox in await rows.values_list("inbox", flat=True)]


async def deliver(
    services: Services, activity: Mapping[str, Any], sender: LocalActor, inboxes: Iterable[str]
) -> int:
    """Queue `activity`, signed later by `sender`, for each distinct inbox on a peer; wake the
    delivery worker. Returns how many deliveries were queued."""
    await services.peers.refresh()
    queued = await enqueue(activity, sender.id, list(inboxes), services.peers.known)
    services.work_arrived.set()
    return queued
