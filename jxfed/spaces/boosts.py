"""A member's boost of a public post: an Announce by the member, sent to their followers'
instances (and to the post's author when on a peer); its Undo takes it back.

Only public posts outside confidential spaces may be boosted: a boost must never carry a
closed space's post further than the space sent it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from jxfed.actors import activities
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Member, OutboxActivity
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor
from jxfed.spaces.audience import deliver, followers_inboxes
from jxfed.spaces.models import Access, Boost, Post, Space
from jxfed.spaces.posts import iso
from jxfed.spaces.roles import NotAllowed

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def boostable(post: Post) -> bool:
    if not post.public or post.deleted:
        return False
    space_id = post.space_id  # type: ignore[attr-defined]
    return (
        space_id is None or not await Space.filter(id=space_id, access=Access.CONFIDENTIAL).exists()
    )


async def _send(services: Services, member: Member, post: Post, activity: dict[str, Any]) -> None:
    """Stored in the member's outbox; delivered to followers and to a remote author."""
    actor = member.actor
    await OutboxActivity.create(
        uri=activity["id"], actor=actor, type=activity["type"], document=activity, public=True
    )
    inboxes = await followers_inboxes(services, actor)
    if await local_actor_by_uri(services.settings.base_url, post.author_uri) is None:
        inboxes.append((await remote_actor(services, post.author_uri)).delivery_inbox)
    await deliver(services, activity, actor, inboxes)


def _addressing(services: Services, member: Member, post: Post) -> dict[str, Any]:
    actor_uri = services.actor_uri(member.actor)
    return {"to": [AS_PUBLIC], "cc": [post.author_uri, f"{actor_uri}/followers"]}


async def boost(services: Services, member: Member, post: Post) -> None:
    """The member boosts `post` (once); 403 for a post that is not public."""
    if not await boostable(post):
        raise NotAllowed("Only public posts outside confidential spaces can be boosted")
    if await Boost.filter(member=member, post=post).exists():
        return
    actor_uri = services.actor_uri(member.actor)
    announce = activities.announce(
        services.settings.base_url,
        actor_uri,
        post.uri,
        _addressing(services, member, post),
        published=iso(datetime.now(UTC)),
    )
    try:
        async with in_transaction():
            await Boost.create(member=member, post=post, activity_id=announce["id"])
            await _send(services, member, post, announce)
    except IntegrityError:
        return  # boosted meanwhile by a concurrent request


async def unboost(services: Services, member: Member, post: Post) -> None:
    """The member takes their boost back: an Undo of the Announce."""
    found = await Boost.get_or_none(member=member, post=post)
    if found is None:
        return
    actor_uri = services.actor_uri(member.actor)
    boosted = {"id": found.activity_id, "type": "Announce", "actor": actor_uri, "object": post.uri}
    undo = activities.undo(
        services.settings.base_url, actor_uri, boosted, _addressing(services, member, post)
    )
    async with in_transaction():
        await Boost.filter(id=found.id).delete()
        await _send(services, member, post, undo)
