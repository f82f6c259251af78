"""/spaces: the member's spaces (here and on peers), then the directory as they may see it."""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.actors.models import Following, FollowState, RemoteActor
from jxfed.spaces.models import Membership, MembershipState
from jxfed.web.context import services
from jxfed.web.pages import sessions
from jxfed.web.pages.directory import space_directory
from jxfed.web.pages.readers import reader_for
from jxfed.web.pages.rendering import page
from jxfed.web.pages.views import ActorLink, remote_link

blueprint = Blueprint("pages_space_list", __name__)


async def my_spaces(actor_id: int, member_id: int) -> list[ActorLink]:
    """The spaces a member belongs to: accepted memberships here, accepted joins of peers'."""
    domain = services().settings.domain
    here = await Membership.filter(
        member_id=member_id, state=MembershipState.ACCEPTED
    ).select_related("space__actor")
    links = [
        ActorLink(
            uri=services().actor_uri(m.space.actor),
            name=m.space.actor.display_name or m.space.actor.name,
            handle=f"{m.space.actor.name}@{domain}",
            url=f"/spaces/{m.space.actor.name}",
            local=True,
            kind="group",
        )
        for m in here
    ]
    joined = await Following.filter(follower_id=actor_id, state=FollowState.ACCEPTED).values_list(
        "target_uri", flat=True
    )
    peers = await RemoteActor.filter(uri__in=[str(u) for u in joined], kind="Group")
    links += [remote_link(actor) for actor in peers]
    return sorted(links, key=lambda link: link.name.casefold())


@blueprint.get("/spaces")
async def spaces() -> Response:
    member = await sessions.signed_in_member()
    reader = await reader_for(member)
    mine = await my_spaces(member.actor_id, member.id) if member else []  # type: ignore[attr-defined]
    return await page("pages/spaces.html", mine=mine, spaces=await space_directory(reader))
