"""Likes and emoji reactions (`Like`, with the emoji as `content`, as Misskey and Pleroma do),
and taking them back (`Undo` of the `Like`, sent and relayed the same way).

In a space a reaction is role-checked where the space lives (contributors and up: readers
only read) and announced to the members' instances; the post's local author is notified. In a
confidential space it carries no proof of who reacted: members' instances fetch the Like from
the reactor's instance (and take an Undo once that instance no longer serves the Like).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.actors import activities
from jxfed.actors.activities import new_activity_id
from jxfed.actors.models import LocalActor
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest, NotFound
from jxfed.spaces import notifying
from jxfed.spaces.audience import deliver
from jxfed.spaces.authenticity import authentic_activity, withdrawn
from jxfed.spaces.models import Membership, MembershipState, NotificationKind, Post, Reaction, Space
from jxfed.spaces.posts import authored
from jxfed.spaces.relay import access_of, joined_here, relay
from jxfed.spaces.roles import Action, may, require

if TYPE_CHECKING:
    from jxfed.runtime import Services

MAX_EMOJI = 16


async def _space_of(post: Post) -> Space | None:
    space_id = post.space_id  # type: ignore[attr-defined]
    return None if space_id is None else await Space.get(id=space_id)


async def _record(post: Post, actor_uri: str, emoji: str, activity_id: str, base_url: str) -> bool:
    """Store the reaction once and tell the post's local author; False if already there."""
    if await Reaction.filter(post=post, actor_uri=actor_uri, emoji=emoji).exists():
        return False
    try:
        await Reaction.create(post=post, actor_uri=actor_uri, emoji=emoji, activity_id=activity_id)
    except IntegrityError:
        return False
    author = await local_actor_by_uri(base_url, post.author_uri)
    if author is not None and post.author_uri != actor_uri:
        await notifying.notify_actor(author, NotificationKind.REACTION, actor_uri, post.uri)
    return True


async def react(services: Services, member: LocalActor, post_uri: str, emoji: str = "") -> None:
    """A local member likes (no emoji) or reacts to a post."""
    emoji = emoji.strip()
    if len(emoji) > MAX_EMOJI or any(ch.isspace() for ch in emoji):
        raise BadRequest("an emoji reaction is one short emoji or :shortcode:")
    post = await Post.get_or_none(uri=post_uri, deleted=False)
    if post is None:
        raise NotFound(f"no post {post_uri}")
    actor_uri = services.actor_uri(member)
    space = await _space_of(post)
    if space is not None:
        membership = await Membership.get_or_none(
            space=space, actor_uri=actor_uri, state=MembershipState.ACCEPTED
        )
        require(membership.role if membership else None, Action.COMMENT)
    like = like_of(new_activity_id(services.settings.base_url), actor_uri, post, emoji)
    like = authored(services, member, like, await access_of(services, post))
    async with in_transaction():
        await _record(post, actor_uri, emoji, like["id"], services.settings.base_url)
        await _send(services, member, post, space, like)


def like_of(activity_id: str, actor_uri: str, post: Post, emoji: str) -> dict[str, Any]:
    """The Like (a reaction when `emoji` is given) as it is sent, and served at its id."""
    return activities.like(activity_id, actor_uri, {**post.document, "id": post.uri}, emoji)


async def unreact(services: Services, member: LocalActor, post_uri: str, emoji: str = "") -> None:
    """A local member takes a like (or reaction) back: an Undo sent where the Like went.

    No role is needed: a member who became a reader may still take back an earlier like.
    """
    post = await Post.get_or_none(uri=post_uri, deleted=False)
    if post is None:
        raise NotFound(f"no post {post_uri}")
    actor_uri = services.actor_uri(member)
    reaction = await Reaction.get_or_none(post=post, actor_uri=actor_uri, emoji=emoji.strip())
    if reaction is None:
        return
    like = {"id": reaction.activity_id, "type": "Like", "actor": actor_uri, "object": post.uri}
    undo = activities.undo(
        services.settings.base_url,
        actor_uri,
        {**like, **({"content": reaction.emoji} if reaction.emoji else {})},
        activities.addressing_of(post.document),
    )
    undo = authored(services, member, undo, await access_of(services, post))
    async with in_transaction():
        await Reaction.filter(id=reaction.id).delete()
        await _send(services, member, post, await _space_of(post), undo)


async def _send(
    services: Services,
    member: LocalActor,
    post: Post,
    space: Space | None,
    activity: dict[str, Any],
) -> None:
    """A Like or its Undo: relayed by a space here, else to the peer the post came from."""
    if space is not None:
        await relay(services, space, activity)
    elif not post.local:
        target = await remote_actor(services, post.audience or post.author_uri)
        await deliver(services, activity, member, [target.delivery_inbox])


async def summary(post: Post) -> str:
    """`♥ 2 · 👍 1`: how many liked and reacted with each emoji."""
    counts = Counter(await Reaction.filter(post=post).values_list("emoji", flat=True))
    return " · ".join(f"{emoji or '♥'} {count}" for emoji, count in sorted(counts.items()))


def _emoji(activity: Mapping[str, Any]) -> str:
    content = activity.get("content")
    return content.strip()[:MAX_EMOJI] if isinstance(content, str) else ""


class ReactionHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = services.settings.base_url

    async def on_like(self, activity: Activity) -> Apply | None:
        post = await Post.get_or_none(uri=str(activity.get("object")), deleted=False)
        if post is None:
            return None
        space = await _space_of(post)
        actor = activity["actor"]
        if space is not None:
            membership = await Membership.get_or_none(
                space=space, actor_uri=actor, state=MembershipState.ACCEPTED
            )
            if not may(membership.role if membership else None, Action.COMMENT):
                return None

        async def apply() -> None:
            stored = await _record(post, actor, _emoji(activity), activity["id"], self.base)
            if stored and space is not None:
                await relay(self.services, space, activity)

        return apply

    async def on_announced(self, announce: Activity) -> Apply | None:
        like = announce["object"]
        space_uri = announce["actor"]
        if not await joined_here(space_uri):
            return None
        post = await Post.get_or_none(uri=str(like.get("object")), audience=space_uri)
        if post is None or not await authentic_activity(self.services, like):
            return None

        async def apply() -> None:
            await _record(post, like["actor"], _emoji(like), like["id"], self.base)

        return apply

    async def on_undo(self, undo: Activity) -> Apply | None:
        """An actor takes back their like; a space here relays the Undo to its members."""
        reaction = await _undone(undo)
        if reaction is None:
            return None
        post = await Post.get(id=reaction.post_id)  # type: ignore[attr-defined]
        space = await _space_of(post)

        async def apply() -> None:
            await Reaction.filter(id=reaction.id).delete()
            if space is not None:
                await relay(self.services, space, undo)

        return apply

    async def on_announced_undo(self, announce: Activity) -> Apply | None:
        """A space of a peer announces that a member took back a like of one of its posts."""
        undo = announce["object"]
        space_uri = announce["actor"]
        if not await joined_here(space_uri):
            return None
        reaction = await _undone(undo)
        if reaction is None or not await withdrawn(self.services, undo):
            return None
        if not await Post.filter(id=reaction.post_id, audience=space_uri).exists():  # type: ignore[attr-defined]
            return None

        async def apply() -> None:
            await Reaction.filter(id=reaction.id).delete()

        return apply


async def _undone(undo: Mapping[str, Any]) -> Reaction | None:
    """The reaction an Undo takes back, when the Undo's actor made it."""
    like_id = id_of(undo.get("object"))
    if like_id is None:
        return None
    return await Reaction.get_or_none(activity_id=like_id, actor_uri=str(undo.get("actor")))
