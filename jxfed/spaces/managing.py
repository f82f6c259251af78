"""A space manager's acts on memberships: removing a member and changing a role, enforced
where the space lives; and, on a member's instance, hearing that a space removed them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.actors import activities
from jxfed.actors.models import Following, LocalActor
from jxfed.actors.paths import local_actor_by_uri
from jxfed.errors import Conflict, NotFound
from jxfed.spaces import notifying
from jxfed.spaces.follows import send
from jxfed.spaces.joining import is_last_manager
from jxfed.spaces.models import Membership, MembershipState, NotificationKind, Role, Space
from jxfed.spaces.roles import Action, keeps_the_space_managed, require

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def manager_membership(services: Services, space: Space, manager: LocalActor) -> Membership:
    own = await Membership.get_or_none(
        space=space, actor_uri=services.actor_uri(manager), state=MembershipState.ACCEPTED
    )
    if own is None:
        raise NotFound(f"{manager.name} is not a member of this space")
    return own


async def remove_member(
    services: Services, space: Space, manager: LocalActor, actor_uri: str
) -> None:
    """A space manager removes a member: from now on nothing of the space is sent to them."""
    require((await manager_membership(services, space, manager)).role, Action.REMOVE_MEMBER)
    membership = await Membership.get_or_none(space=space, actor_uri=actor_uri)
    if membership is None:
        raise NotFound(f"{actor_uri} is not a member of this space")
    if await is_last_manager(membership):
        raise Conflict("the last space manager cannot be removed")
    space_actor = await space.actor
    space_uri = services.actor_uri(space_actor)
    async with in_transaction():
        await membership.delete()
        if membership.inbox is not None:
            removal = activities.remove(
                services.settings.base_url, space_uri, actor_uri, f"{space_uri}/members"
            )
            await send(services, removal, space_actor, membership.inbox)


async def change_role(
    services: Services, space: Space, manager: LocalActor, actor_uri: str, role: Role
) -> None:
    """A space manager changes a member's role (enforced here, where the space lives)."""
    require((await manager_membership(services, space, manager)).role, Action.CHANGE_ROLE)
    membership = await Membership.get_or_none(
        space=space, actor_uri=actor_uri, state=MembershipState.ACCEPTED
    )
    if membership is None:
        raise NotFound(f"{actor_uri} is not a member of this space")
    if not keeps_the_space_managed(role) and await is_last_manager(membership):
        raise Conflict("the last space manager cannot be demoted")
    space_actor = await space.actor
    space_uri = services.actor_uri(space_actor)
    async with in_transaction():
        await Membership.filter(id=membership.id).update(role=role)
        if membership.inbox is not None:  # the member's instance hears it
            update = activities.update_membership(
                services.settings.base_url, space_uri, actor_uri, role.value
            )
            await send(services, update, space_actor, membership.inbox)
        else:
            local = await local_actor_by_uri(services.settings.base_url, actor_uri)
            if local is not None:
                await notifying.notify_actor(
                    local, NotificationKind.ROLE_CHANGED, space_uri, space_uri
                )


class RemovalHandler:
    """A member's instance hears that a space removed one of its members."""

    def __init__(self, services: Services) -> None:
        self.base = services.settings.base_url

    async def on_remove(self, activity: Activity) -> Apply | None:
        member = await local_actor_by_uri(self.base, str(activity.get("object")))
        if member is None or activity.get("target") != f"{activity['actor']}/members":
            return None

        async def apply() -> None:
            await Following.filter(follower=member, target_uri=activity["actor"]).delete()

        return apply
