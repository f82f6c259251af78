"""Joining spaces across instances: Join, Accept/Reject(Join), Leave, Invite, Accept(Invite).

An open space accepts a Join at once with its default role; an on_request space keeps it
pending until a space manager answers; a confidential space accepts only those it invited.
On the joiner's instance the membership is remembered as a Following of the space, so the
space's Announces are taken in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.actors import activities
from jxfed.actors.models import ActorKind, Following, FollowState, LocalActor, Member
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor, resolve_account
from jxfed.errors import BadRequest, Conflict, NotFound
from jxfed.spaces import notifying
from jxfed.spaces.follows import ask, send
from jxfed.spaces.library import walks
from jxfed.spaces.models import (
    Access,
    Membership,
    MembershipState,
    NotificationKind,
    Role,
    Space,
)
from jxfed.spaces.roles import (
    Action,
    NotAllowed,
    keeps_the_space_managed,
    require,
    roles_that_may,
)
from jxfed.spaces.visibility import Signer, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def space_of(base_url: str, uri: object) -> Space | None:
    """The local space an URI names, or None."""
    if not isinstance(uri, str):
        return None
    actor = await local_actor_by_uri(base_url, uri)
    if actor is None or actor.kind != ActorKind.GROUP:
        return None
    space = await Space.get(actor=actor)
    space.actor = actor
    return space


async def is_last_manager(membership: Membership) -> bool:
    if not keeps_the_space_managed(membership.role):
        return False
    managers = Membership.filter(
        space_id=membership.space_id,  # type: ignore[attr-defined]
        role__in=roles_that_may(Action.CHANGE_ROLE),
        state=MembershipState.ACCEPTED,
    )
    return await managers.count() <= 1


class JoinHandlers:
    """What the space's instance does with Join, Leave and Accept(Invite)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = services.settings.base_url

    async def on_join(self, activity: Activity) -> Apply | None:
        space = await space_of(self.base, activity.get("object"))
        if space is None or not await may_see(Signer(activity["actor"]), space):
            return None  # a confidential space is silent, as a name that does not exist
        joiner = await remote_actor(self.services, activity["actor"])
        space_uri = self.services.actor_uri(space.actor)

        async def apply() -> None:
            existing = await Membership.get_or_none(space=space, actor_uri=joiner.uri)
            if space.archived:
                state: MembershipState | None = None  # an archived space takes no new members
            elif (
                (existing is not None and existing.state == MembershipState.ACCEPTED)
                or (existing is not None and existing.state == MembershipState.INVITED)
                or space.access == Access.OPEN
            ):
                state = MembershipState.ACCEPTED
            elif space.access == Access.ON_REQUEST:
                state = MembershipState.PENDING
            else:
                state = None  # confidential: invitation only
            if state is None:
                reply = activities.respond(self.base, "Reject", space_uri, activity)
                await send(self.services, reply, space.actor, joiner.delivery_inbox)
                return
            if existing is None:
                await Membership.create(
                    space=space,
                    actor_uri=joiner.uri,
                    inbox=joiner.delivery_inbox,
                    role=space.default_role,
                    state=state,
                    activity_id=activity["id"],
                )
                if state == MembershipState.PENDING:
                    await notifying.join_requested(space, joiner.uri)
            else:
                await Membership.filter(id=existing.id).update(
                    state=state, inbox=joiner.delivery_inbox, activity_id=activity["id"]
                )
            if state == MembershipState.ACCEPTED:
                reply = activities.respond(self.base, "Accept", space_uri, activity)
                await send(self.services, reply, space.actor, joiner.delivery_inbox)

        return apply

    async def on_leave(self, activity: Activity) -> Apply | None:
        space = await space_of(self.base, activity.get("object"))
        if space is None:
            return None

        async def apply() -> None:
            membership = await Membership.get_or_none(space=space, actor_uri=activity["actor"])
            if membership is not None and not await is_last_manager(membership):
                await membership.delete()

        return apply

    async def on_accept_invite(self, activity: Activity) -> Apply | None:
        invite = activity.get("object")
        invite_id = id_of(invite)
        if invite_id is None:
            return None

        async def apply() -> None:
            await Membership.filter(
                activity_id=invite_id, actor_uri=activity["actor"], state=MembershipState.INVITED
            ).update(state=MembershipState.ACCEPTED)

        return apply


class MemberSideHandlers:
    """What a member's instance does with an Invite from a space of a peer."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = services.settings.base_url

    async def on_invite(self, activity: Activity) -> Apply | None:
        invitee = await local_actor_by_uri(self.base, str(activity.get("target")))
        space_uri = activity.get("object")
        if invitee is None or space_uri != activity["actor"]:
            return None

        async def apply() -> None:
            if not await Following.filter(follower=invitee, target_uri=space_uri).exists():
                await Following.create(
                    follower=invitee,
                    target_uri=space_uri,
                    follow_id=activity["id"],
                    state=FollowState.PENDING,
                )

        return apply

    async def on_membership_update(self, activity: Activity) -> Apply | None:
        """A space of a peer changed the role of one of our members in it."""
        member = activity.get("object")
        if not isinstance(member, Mapping) or member.get("object") != activity["actor"]:
            return None
        role = member.get("role")
        if role not in {r.value for r in Role}:
            raise BadRequest(f"unknown role {role!r}")
        local = await local_actor_by_uri(self.base, str(member.get("actor")))
        if local is None:
            return None
        space_uri = str(activity["actor"])

        async def apply() -> None:
            updated = await Following.filter(
                follower=local, target_uri=space_uri, state=FollowState.ACCEPTED
            ).update(role=role)
            if updated:
                await notifying.notify_actor(
                    local, NotificationKind.ROLE_CHANGED, space_uri, space_uri
                )

        return apply


async def join(services: Services, member: LocalActor, handle: str) -> Following:
    """A local member asks to join a space of a peer (`slug@host` or URL): sends Join."""
    return await ask(services, member, handle, "Join", group_only=True)


async def leave(services: Services, member: LocalActor, handle: str) -> None:
    uri = await resolve_account(services, handle)
    following = await Following.get_or_none(follower=member, target_uri=uri)
    if following is None:
        raise NotFound(f"{member.name} is not a member of {handle}")
    space = await remote_actor(services, uri)
    activity = activities.leave(services.settings.base_url, services.actor_uri(member), uri)
    async with in_transaction():
        await following.delete()
        await send(services, activity, member, space.delivery_inbox)


async def accept_invitation(services: Services, member: LocalActor, space_uri: str) -> None:
    """The invitee accepts a pending invitation: Accept(Invite) to the space."""
    invitation = await Following.get_or_none(
        follower=member, target_uri=space_uri, state=FollowState.PENDING
    )
    if invitation is None:
        raise NotFound(f"{member.name} has no pending invitation to {space_uri}")
    space = await remote_actor(services, space_uri)
    invite: dict[str, Any] = {"id": invitation.follow_id, "type": "Invite", "actor": space_uri}
    reply = activities.respond(
        services.settings.base_url, "Accept", services.actor_uri(member), invite
    )
    first = not await Following.filter(target_uri=space_uri, state=FollowState.ACCEPTED).exists()
    async with in_transaction():
        await Following.filter(id=invitation.id).update(state=FollowState.ACCEPTED)
        await send(services, reply, member, space.delivery_inbox)
        if first:  # this instance's first member: catch up with the space's library
            await walks.schedule(services, space_uri)


async def invite(
    services: Services, space: Space, manager: LocalActor, handle: str, role: Role | None = None
) -> Membership:
    """A space manager invites a member of this instance or an actor of a peer (the only way
    into a confidential space); the invitee joins by accepting."""
    manager_uri = services.actor_uri(manager)
    own = await Membership.get_or_none(space=space, actor_uri=manager_uri)
    require(own.role if own and own.state == MembershipState.ACCEPTED else None, Action.INVITE)
    local = await _member_here(services, handle)
    if local is not None:
        return await _invite_here(services, space, local, role)
    uri = await resolve_account(services, handle)
    invitee = await remote_actor(services, uri)
    if await Membership.filter(space=space, actor_uri=uri).exists():
        raise Conflict(f"{handle} is already a member of this space or invited")
    space_actor = await space.actor
    space_uri = services.actor_uri(space_actor)
    activity = activities.invite(services.settings.base_url, space_uri, uri)
    async with in_transaction():
        membership = await Membership.create(
            space=space,
            actor_uri=uri,
            inbox=invitee.delivery_inbox,
            role=role or space.default_role,
            state=MembershipState.INVITED,
            activity_id=activity["id"],
        )
        await send(services, activity, space_actor, invitee.delivery_inbox)
    return membership


async def _member_here(services: Services, handle: str) -> Member | None:
    """The member of this instance `handle` names (`name`, `@name`, `name@our.domain`), if any."""
    name, at, host = handle.strip().lstrip("@").partition("@")
    if at and host.lower() != services.settings.domain:
        return None
    return await Member.get_or_none(actor__name=name.lower()).select_related("actor")


async def _invite_here(
    services: Services, space: Space, member: Member, role: Role | None
) -> Membership:
    """An invitation to a member of this instance: nothing to send, the page offers it."""
    uri = services.actor_uri(member.actor)
    if await Membership.filter(space=space, actor_uri=uri).exists():
        raise Conflict(f"{member.actor.name} is already a member of this space or invited")
    return await Membership.create(
        space=space,
        member=member,
        actor_uri=uri,
        role=role or space.default_role,
        state=MembershipState.INVITED,
    )


async def answer_join_request(
    services: Services, space: Space, actor_uri: str, accept: bool, *, by: LocalActor | None = None
) -> None:
    """A space manager (`by`; None: the instance's administrator, on the command line) accepts
    or rejects a pending join request."""
    if by is not None:
        own = await Membership.get_or_none(
            space=space, actor_uri=services.actor_uri(by), state=MembershipState.ACCEPTED
        )
        require(own.role if own else None, Action.ACCEPT_JOIN)
    pending = await Membership.get_or_none(
        space=space, actor_uri=actor_uri, state=MembershipState.PENDING
    )
    if pending is None:
        raise NotFound(f"no pending join request from {actor_uri}")
    space_actor = await space.actor
    space_uri = services.actor_uri(space_actor)
    if pending.inbox is None:  # a member of this instance: nothing to send
        async with in_transaction():
            if accept:
                await Membership.filter(id=pending.id).update(state=MembershipState.ACCEPTED)
                local = await local_actor_by_uri(services.settings.base_url, actor_uri)
                if local is not None:
                    await notifying.join_accepted(local, space_uri)
            else:
                await Membership.filter(id=pending.id).delete()
        return
    request = activities.join(services.settings.base_url, actor_uri, space_uri)
    request["id"] = pending.activity_id or request["id"]
    reply = activities.respond(
        services.settings.base_url, "Accept" if accept else "Reject", space_uri, request
    )
    async with in_transaction():
        if accept:
            await Membership.filter(id=pending.id).update(state=MembershipState.ACCEPTED)
        else:
            await Membership.filter(id=pending.id).delete()
        await send(services, reply, space_actor, pending.inbox)


async def join_here(services: Services, space: Space, member: LocalActor) -> MembershipState:
    """A member of this instance joins one of its spaces: at once when it is open (or they
    were invited), pending for a manager's answer when on request; a confidential space
    admits only those it invited."""
    uri = services.actor_uri(member)
    existing = await Membership.get_or_none(space=space, actor_uri=uri)
    if existing is not None and existing.state in (
        MembershipState.ACCEPTED,
        MembershipState.PENDING,
    ):
        return existing.state
    if space.archived:
        raise NotAllowed("this space is archived: it takes no new members")
    if existing is not None:  # invited: joining accepts the invitation
        await Membership.filter(id=existing.id).update(state=MembershipState.ACCEPTED)
        return MembershipState.ACCEPTED
    if space.access == Access.CONFIDENTIAL:
        raise NotAllowed("this space admits only the members it invites")
    state = MembershipState.ACCEPTED if space.access == Access.OPEN else MembershipState.PENDING
    account = await Member.get(actor=member)
    async with in_transaction():
        await Membership.create(
            space=space,
            member=account,
            actor_uri=uri,
            role=space.default_role,
            state=state,
        )
        if state == MembershipState.PENDING:
            await notifying.join_requested(space, uri)
    return state


async def leave_here(services: Services, space: Space, member: LocalActor) -> None:
    """A member of this instance leaves one of its spaces (not the last manager)."""
    membership = await Membership.get_or_none(space=space, actor_uri=services.actor_uri(member))
    if membership is None:
        return
    if await is_last_manager(membership):
        raise Conflict("the last space manager cannot leave the space")
    await membership.delete()
