"""Following across instances: Follow, Accept, Reject, Undo, both ways.

Members and open spaces accept a follow at once; an on_request space keeps it pending until a
space manager accepts it; a confidential space and the instance actor refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.actors import activities
from jxfed.actors.models import ActorKind, Follower, Following, FollowState, LocalActor
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor, resolve_account
from jxfed.errors import BadRequest, NotFound
from jxfed.spaces import notifying
from jxfed.spaces.audience import deliver
from jxfed.spaces.library import walks
from jxfed.spaces.models import Access, Space
from jxfed.spaces.visibility import Signer, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def follow_decision(actor: LocalActor) -> FollowState | None:
    """ACCEPTED at once, PENDING for approval, or None: refused."""
    if actor.kind == ActorKind.PERSON:
        return FollowState.ACCEPTED
    if actor.kind == ActorKind.GROUP:
        space = await Space.get(actor=actor)
        if space.access == Access.OPEN:
            return FollowState.ACCEPTED
        if space.access == Access.ON_REQUEST:
            return FollowState.PENDING
    return None


async def send(
    services: Services, activity: Mapping[str, Any], sender: LocalActor, inbox: str
) -> None:
    await deliver(services, activity, sender, [inbox])


class FollowHandlers:
    """Inbound Follow, Undo(Follow), Accept(Follow), Reject(Follow)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = services.settings.base_url

    async def on_follow(self, activity: Activity) -> Apply | None:
        target = activity.get("object")
        if not isinstance(target, str):
            return None
        followed = await local_actor_by_uri(self.base, target)
        if followed is None or not await may_see(Signer(activity["actor"]), followed):
            return None  # a confidential space is silent, as a name that does not exist
        follower = await remote_actor(self.services, activity["actor"])
        decision = await follow_decision(followed)
        followed_uri = self.services.actor_uri(followed)

        async def apply() -> None:
            if decision is None:
                reply = activities.respond(self.base, "Reject", followed_uri, activity)
                await send(self.services, reply, followed, follower.delivery_inbox)
                return
            await Follower.filter(followed=followed, follower_uri=follower.uri).delete()
            await Follower.create(
                followed=followed,
                follower_uri=follower.uri,
                inbox=follower.delivery_inbox,
                follow_id=activity["id"],
                state=decision,
            )
            if decision == FollowState.ACCEPTED:
                reply = activities.respond(self.base, "Accept", followed_uri, activity)
                await send(self.services, reply, followed, follower.delivery_inbox)

        return apply

    async def on_undo_follow(self, activity: Activity) -> Apply | None:
        follow = activity["object"]
        if follow.get("actor") != activity["actor"] or not isinstance(follow.get("object"), str):
            return None
        followed = await local_actor_by_uri(self.base, follow["object"])
        if followed is None:
            return None

        async def apply() -> None:
            await Follower.filter(followed=followed, follower_uri=activity["actor"]).delete()

        return apply

    async def on_response(self, activity: Activity) -> Apply | None:
        """Accept or Reject of one of our members' follows (object: the Follow or its id)."""
        answered = activity.get("object")
        follow_id = id_of(answered)
        if follow_id is None:
            return None
        accepted = activity["type"] == "Accept"

        answered_join = isinstance(answered, Mapping) and answered.get("type") == "Join"

        async def apply() -> None:
            following = Following.filter(follow_id=follow_id, target_uri=activity["actor"])
            if not accepted:
                await following.delete()
                return
            pending = await following.filter(state=FollowState.PENDING).select_related("follower")
            first = not await Following.filter(
                target_uri=activity["actor"], state=FollowState.ACCEPTED
            ).exists()
            await following.update(state=FollowState.ACCEPTED)
            if answered_join:
                for row in pending:
                    await notifying.join_accepted(row.follower, activity["actor"])
                if pending and first:  # this instance's first member: catch up with its library
                    await walks.schedule(self.services, str(activity["actor"]))

        return apply


async def ask(
    services: Services, member: LocalActor, handle: str, kind: str, *, group_only: bool = False
) -> Following:
    """A local member sends Follow or Join to an actor of a peer (`name@host` or URL); the
    request is remembered as a pending Following until the peer answers."""
    uri = await resolve_account(services, handle)
    if await local_actor_by_uri(services.settings.base_url, uri) is not None:
        raise BadRequest("following or joining local actors is not supported yet")
    target = await remote_actor(services, uri)
    if group_only and target.kind != "Group":
        raise BadRequest(f"{handle} is not a space")
    existing = await Following.get_or_none(follower=member, target_uri=uri)
    if existing is not None:
        return existing
    build = activities.join if kind == "Join" else activities.follow
    activity = build(services.settings.base_url, services.actor_uri(member), uri)
    async with in_transaction():
        following = await Following.create(
            follower=member, target_uri=uri, follow_id=activity["id"], state=FollowState.PENDING
        )
        await send(services, activity, member, target.delivery_inbox)
    return following


async def follow(services: Services, member: LocalActor, handle: str) -> Following:
    """A local member follows an actor of a peer: sends Follow."""
    return await ask(services, member, handle, "Follow")


async def follow_here(services: Services, member: LocalActor, person: LocalActor) -> None:
    """A member follows another member of this instance: nothing leaves the instance."""
    if person.id == member.id or person.kind != ActorKind.PERSON:
        raise BadRequest("a member follows another member")
    uri, target = services.actor_uri(member), services.actor_uri(person)
    follow_id = activities.new_activity_id(services.settings.base_url)
    async with in_transaction():
        await Following.get_or_create(
            follower=member,
            target_uri=target,
            defaults={"follow_id": follow_id, "state": FollowState.ACCEPTED},
        )
        await Follower.get_or_create(
            followed=person,
            follower_uri=uri,
            defaults={
                "inbox": f"{uri}/inbox",
                "follow_id": follow_id,
                "state": FollowState.ACCEPTED,
            },
        )


async def unfollow_here(services: Services, member: LocalActor, person: LocalActor) -> None:
    async with in_transaction():
        await Following.filter(follower=member, target_uri=services.actor_uri(person)).delete()
        await Follower.filter(followed=person, follower_uri=services.actor_uri(member)).delete()


async def unfollow(services: Services, member: LocalActor, handle: str) -> None:
    uri = await resolve_account(services, handle)
    following = await Following.get_or_none(follower=member, target_uri=uri)
    if following is None:
        raise NotFound(f"{member.name} does not follow {handle}")
    target = await remote_actor(services, uri)
    original = activities.follow(services.settings.base_url, services.actor_uri(member), uri)
    original["id"] = following.follow_id
    activity = activities.undo(services.settings.base_url, services.actor_uri(member), original)
    async with in_transaction():
        await following.delete()
        await send(services, activity, member, target.delivery_inbox)


async def answer_follow_request(
    services: Services, space: Space, follower_uri: str, accept: bool
) -> None:
    """A space manager accepts or rejects a pending follow of an on_request space."""
    actor = await space.actor
    pending = await Follower.get_or_none(
        followed=actor, follower_uri=follower_uri, state=FollowState.PENDING
    )
    if pending is None:
        raise NotFound(f"no pending follow request from {follower_uri}")
    request = {
        "@context": activities.AS_CONTEXT,
        "id": pending.follow_id,
        "type": "Follow",
        "actor": follower_uri,
        "object": services.actor_uri(actor),
    }
    reply = activities.respond(
        services.settings.base_url,
        "Accept" if accept else "Reject",
        services.actor_uri(actor),
        request,
    )
    async with in_transaction():
        if accept:
            await Follower.filter(id=pending.id).update(state=FollowState.ACCEPTED)
        else:
            await Follower.filter(id=pending.id).delete()
        await send(services, reply, actor, pending.inbox)
