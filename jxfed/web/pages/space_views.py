"""A space as a viewer finds it, here or on a peer: through the visibility gate, with the
viewer's place in it (role, state) and what that place lets them do.

A space the viewer may not see is a `NotFound`, worded as for a free name: a confidential
space and a name that does not exist give the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jxfed.activitypub.policy import host_or_none
from jxfed.actors.models import Following, FollowState, Member, RemoteActor
from jxfed.errors import NotFound
from jxfed.spaces.models import Access, Membership, MembershipState, Role, Space
from jxfed.spaces.posts import sanitise
from jxfed.spaces.relay import remote_space_access
from jxfed.spaces.roles import Action, may
from jxfed.spaces.visibility import Reader, may_see
from jxfed.web.context import services
from jxfed.web.pages.readers import reader_for


@dataclass(slots=True)
class SpacePlace:
    """A space and the viewer's place in it; `space` is set for a space here, `remote` for a
    space of a peer (read from the cache: nothing is fetched to show a page)."""

    handle: str  # what the URLs name: the slug here, slug@host for a peer's
    uri: str
    title: str
    address: str  # slug@host, how a member of any instance names it
    description: str  # sanitised HTML
    access: Access
    archived: bool
    reader: Reader
    member: Member | None
    space: Space | None = None
    remote: RemoteActor | None = None
    role: Role | None = None  # None: not a member (or not yet)
    state: str | None = None  # accepted, pending, invited (a peer's invitation is "invited")
    allowed: set[Action] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"/spaces/{self.handle}"

    @property
    def local(self) -> bool:
        return self.space is not None

    def may(self, action: str) -> bool:
        """Whether the viewer may do `action` (an `Action` value) here, as their role allows."""
        return Action(action) in self.allowed


def _missing() -> NotFound:
    return NotFound("no such space")  # the same words whatever the cause


async def find_space(handle: str, member: Member | None) -> SpacePlace:
    """The space `handle` names, as `member` (None: anonymous) may see it, else NotFound."""
    settings = services().settings
    reader = await reader_for(member)
    slug, at, host = handle.partition("@")
    if not slug or (at and not host):
        raise _missing()
    if not at or host.lower() == settings.domain.lower():
        return await _local_place(slug, reader, member)
    return await _remote_place(slug, host.lower(), reader, member)


async def _local_place(slug: str, reader: Reader, member: Member | None) -> SpacePlace:
    space = await Space.get_or_none(actor__name=slug).select_related("actor")
    if space is None or not await may_see(reader, space):
        raise _missing()
    uri = services().actor_uri(space.actor)
    place = SpacePlace(
        handle=slug,
        uri=uri,
        title=space.actor.display_name or slug,
        address=f"{slug}@{services().settings.domain}",
        description=space.description,
        access=space.access,
        archived=space.archived,
        reader=reader,
        member=member,
        space=space,
    )
    if member is not None:
        own = await Membership.get_or_none(space=space, actor_uri=reader.uri)
        if own is not None:
            place.state = own.state.value
            place.role = own.role if own.state == MembershipState.ACCEPTED else None
    place.allowed = {action for action in Action if may(place.role, action)}
    if space.archived:  # readable, but it takes no new posts or members
        place.allowed -= {Action.POST, Action.COMMENT, Action.INVITE, Action.ACCEPT_JOIN}
    return place


async def _remote_place(slug: str, host: str, reader: Reader, member: Member | None) -> SpacePlace:
    candidates = await RemoteActor.filter(kind="Group", preferred_username=slug)
    actor = next((a for a in candidates if host_or_none(a.uri) == host), None)
    if actor is None or not await may_see(reader, actor):
        raise _missing()
    summary = actor.document.get("summary") if isinstance(actor.document, dict) else None
    place = SpacePlace(
        handle=f"{slug}@{host}",
        uri=actor.uri,
        title=actor.name or slug,
        address=f"{slug}@{host}",
        description=sanitise(summary) if isinstance(summary, str) else "",
        access=remote_space_access(actor.document if isinstance(actor.document, dict) else {}),
        archived=False,
        reader=reader,
        member=member,
        remote=actor,
    )
    if member is not None:
        following = await Following.get_or_none(follower_id=member.actor_id, target_uri=actor.uri)  # type: ignore[attr-defined]
        if following is not None and following.state == FollowState.ACCEPTED:
            place.state = MembershipState.ACCEPTED.value
            # The peer enforces the role; until it names one, the member may try as a contributor.
            place.role = Role(following.role) if following.role in set(Role) else Role.CONTRIBUTOR
        elif following is not None:
            ours = following.follow_id.startswith(services().settings.base_url + "/")
            place.state = MembershipState.PENDING.value if ours else MembershipState.INVITED.value
    # What the peer decides (members, requests, roles) is not held here: reading, posting only.
    place.allowed = {
        action for action in (Action.READ, Action.POST, Action.COMMENT) if may(place.role, action)
    }
    return place
