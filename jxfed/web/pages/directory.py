"""The front page's directory: the spaces anyone may see, with member counts and latest posts.

Each space is asked of the visibility gate as an anonymous reader would be: a confidential space
is never named, counted or hinted at here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from jxfed.spaces.models import Membership, MembershipState, Space
from jxfed.spaces.visibility import Reader, may_see


@dataclass(frozen=True, slots=True)
class SpaceCard:
    name: str  # the slug
    title: str
    description: str  # sanitised HTML
    access: str
    members: int
    latest: datetime | None
    url: str


async def space_directory(reader: Reader | None = None) -> list[SpaceCard]:
    """Spaces not archived that `reader` (anonymous by default) may see, latest activity first."""
    reader = reader or Reader()
    spaces = await Space.filter(archived=False).select_related("actor")
    shown = [space for space in spaces if await may_see(reader, space)]
    members = Membership.filter(space_id__in=[s.id for s in shown], state=MembershipState.ACCEPTED)
    counts: Counter[int] = Counter(
        int(str(i)) for i in await members.values_list("space_id", flat=True)
    )
    cards = [
        SpaceCard(
            name=space.actor.name,
            title=space.actor.display_name or space.actor.name,
            description=space.description,
            access=space.access.value,
            members=counts.get(space.id, 0),
            latest=space.actor.last_status_at,
            url=f"/spaces/{space.actor.name}",
        )
        for space in shown
    ]
    return sorted(cards, key=lambda c: (c.latest is not None, c.latest or 0, c.name), reverse=True)
