"""Who is acting on a library, with which role: every library action goes through here, so
that each permission is asked of the one role table and each refusal lands in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jxfed.actors.models import Following, FollowState, LocalActor
from jxfed.actors.paths import local_actor_by_uri
from jxfed.errors import BadRequest
from jxfed.spaces.library import audit
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.library.paths import Library
from jxfed.spaces.models import Membership, MembershipState, Role, Space
from jxfed.spaces.roles import Action, NotAllowed, may, require

if TYPE_CHECKING:
    from jxfed.runtime import Services


@dataclass(slots=True)
class Librarian:
    """An actor (a member here, or of a peer) acting on one space's library; or a member here
    acting on this instance's copy of a peer's space's library (`space` None)."""

    services: Services
    space: Space | None
    space_uri: str
    actor_uri: str
    role: Role | None

    @property
    def library(self) -> Library:
        """The space here, or the URI of the peer's space this instance holds a copy of."""
        return self.space if self.space is not None else self.space_uri

    @property
    def here(self) -> Space:
        """The space, which must be one of this instance's (BadRequest for a peer's)."""
        if self.space is None:
            raise BadRequest("this is done on the instance of the space")
        return self.space

    async def record(
        self, action: str, item: LibraryItem | None = None, sha256: str = "", detail: str = ""
    ) -> None:
        await audit.record(
            self.space,
            self.space_uri,
            self.actor_uri,
            action,
            item.uri if item else "",
            sha256,
            detail,
        )

    async def require(self, action: Action, item: LibraryItem | None = None) -> None:
        """NotAllowed (403) unless the role allows `action`; a refusal is audited first."""
        if not may(self.role, action):
            await self.record("refused", item, detail=action.value)
            require(self.role, action)

    async def require_own_or_any(self, own: Action, any_: Action, item: LibraryItem) -> None:
        """`own` on one's own item, `any_` on anybody's (a contributor edits their own)."""
        mine = item.author_uri == self.actor_uri
        if may(self.role, any_) or (mine and may(self.role, own)):
            return
        await self.record("refused", item, detail=(own if mine else any_).value)
        raise NotAllowed(
            f"{(own if mine else any_).value.replace('_', ' ')} is not allowed to your role"
        )

    @property
    def file_limit(self) -> int:
        return self.services.settings.library_file_mb * 1024 * 1024

    @property
    def space_limit(self) -> int:
        return self.services.settings.library_space_mb * 1024 * 1024


async def librarian(services: Services, space: Space, actor_uri: str) -> Librarian:
    """The librarian for `actor_uri` in `space`, with their role there (None: not a member)."""
    membership = await Membership.get_or_none(
        space=space, actor_uri=actor_uri, state=MembershipState.ACCEPTED
    )
    actor = await space.actor
    return Librarian(
        services,
        space,
        services.actor_uri(actor),
        actor_uri,
        membership.role if membership else None,
    )


async def peer_librarian(services: Services, space_uri: str, member: LocalActor) -> Librarian:
    """A member here acting on a peer's space's library, with the role the space last told
    (a contributor, the default, until it tells another): the space's instance checks every
    change again against the role it keeps, so this one only spares a doomed request."""
    following = await Following.get_or_none(
        follower=member, target_uri=space_uri, state=FollowState.ACCEPTED
    )
    role = None
    if following is not None:
        role = Role(following.role) if following.role in set(Role) else Role.CONTRIBUTOR
    return Librarian(services, None, space_uri, services.actor_uri(member), role)


async def member_here(base_url: str, space_uri: str, actor_uri: str) -> bool:
    """Whether `actor_uri` is an accepted member of the space of this instance at `space_uri`
    (the attribution gate asks it: such a space vouches for its members' library edits)."""
    actor = await local_actor_by_uri(base_url, space_uri)
    if actor is None:
        return False
    return await Membership.filter(
        space__actor=actor, actor_uri=actor_uri, state=MembershipState.ACCEPTED
    ).exists()
