"""Every activity this instance sends passes the door of a jxfed peer as it is.

After the sending story (tests/stories.py), everything queued for delivery is read as a jxfed
peer's door reads it: already in the internal shape, within its limits, speaking only for its
actor, and routed to a handler (no 400 for a boost, an Undo...).
"""

from __future__ import annotations

from jxfed.activitypub.attribution import check_attribution
from jxfed.activitypub.dispatch import object_type
from jxfed.activitypub.shapes import check_limits, normalise
from jxfed.settings import Settings
from tests.stories import SENT_KINDS, sent, tell


async def test_every_activity_sent_is_taken_by_a_jxfed_peers_door(instance: Settings) -> None:
    story = await tell(instance)
    await story.services.close()
    kinds = set()
    for activity in await sent():
        assert normalise(activity) == activity, activity["type"]
        check_limits(activity)
        await check_attribution(activity)
        assert story.services.dispatcher.handler_for(activity) is not None, activity
        kinds.add((activity["type"], object_type(activity)))
    assert kinds >= SENT_KINDS, SENT_KINDS - kinds
