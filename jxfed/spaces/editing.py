"""Edits and deletions: an Update keeps the previous text as a revision; a Delete leaves a
Tombstone. In a space they go through the relay like posts: checked against the role where the
space lives (the author edits and deletes their own posts; a content manager deletes any),
then announced to the members' instances, which apply them once the author's proof holds
(or, in a confidential space, where none is sent, once the author's instance serves them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.shapes import id_of
from jxfed.actors import activities
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.actors.remote import remote_actor
from jxfed.errors import NotFound
from jxfed.spaces import stats
from jxfed.spaces.audience import deliver, followers_inboxes
from jxfed.spaces.authenticity import authentic_activity, authentic_create
from jxfed.spaces.models import Membership, MembershipState, Post, PostRevision, Role, Space
from jxfed.spaces.posts import authored, iso, sanitise, text_to_html
from jxfed.spaces.relay import access_of, joined_here, relay
from jxfed.spaces.roles import Action, NotAllowed, may, require

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def revise(post: Post, note: Mapping[str, Any]) -> None:
    """Keep the current text as a revision, then take the new one (sanitised)."""
    await PostRevision.create(post=post, title=post.title, content=post.content)
    content = sanitise(str(note.get("content") or ""))
    await Post.filter(id=post.id).update(
        content=content,
        title=str(note.get("name") or "")[:500],
        updated=datetime.now(UTC),
        document={**post.document, **note, "content": content},
    )


async def tombstone(post: Post, base_url: str) -> None:
    """The post becomes a Tombstone (once: a second deletion changes nothing)."""
    changed = await Post.filter(id=post.id, deleted=False).update(
        deleted=True,
        content="",
        title="",
        updated=datetime.now(UTC),
        document={
            "id": post.uri,
            "type": "Tombstone",
            "formerType": post.type,
            "deleted": iso(datetime.now(UTC)),
        },
    )
    if changed:
        await stats.post_removed(post, base_url)


async def _space_of(post: Post) -> Space | None:
    space_id = post.space_id  # type: ignore[attr-defined]
    return None if space_id is None else await Space.get(id=space_id)


async def _role_in(space: Space, actor_uri: str) -> Any:
    membership = await Membership.get_or_none(
        space=space, actor_uri=actor_uri, state=MembershipState.ACCEPTED
    )
    return membership.role if membership else None


def may_change(role: Role | None, *, own: bool, in_space: bool, deleting: bool) -> bool:
    """Whether someone with `role` in the post's space (None: not a member) may edit (or
    delete) it: outside a space its author only; in one the author as the role allows, and a
    content manager deletes any post."""
    if not in_space:
        return own
    needed = (Action.DELETE_OWN if own else Action.DELETE_ANY) if deleting else Action.EDIT_OWN
    return may(role, needed) and (own or deleting)


async def _editable(actor_uri: str, post_uri: str, *, deleting: bool) -> Post:
    """The post, if `actor_uri` may edit (author) or delete it (author, or a content manager)."""
    post = await Post.get_or_none(uri=post_uri, deleted=False).prefetch_related("space")
    if post is None:
        raise NotFound(f"no post {post_uri}")
    own = post.author_uri == actor_uri
    space = post.space
    if space is not None:
        role = await _role_in(space, actor_uri)
        needed = (Action.DELETE_OWN if own else Action.DELETE_ANY) if deleting else Action.EDIT_OWN
        require(role, needed)
    if not own and not (deleting and space is not None):
        raise NotAllowed("only the author may change this post")
    return post


async def _deliver(
    services: Services, actor: LocalActor, post: Post, activity: dict[str, Any]
) -> None:
    """Where a change goes: the space relay, the remote space's inbox, or the followers."""
    await OutboxActivity.create(
        uri=activity["id"],
        actor=actor,
        type=activity["type"],
        document=activity,
        public=post.public,
    )
    space = post.space
    if space is not None:
        await relay(services, space, activity)
        return
    if post.audience:
        inboxes = [(await remote_actor(services, post.audience)).delivery_inbox]
    else:
        inboxes = await followers_inboxes(services, actor)
    await deliver(services, activity, actor, inboxes)


async def _authored(
    services: Services, actor: LocalActor, post: Post, activity: dict[str, Any]
) -> dict[str, Any]:
    """The change as its actor sends it: with their proof, unless the post's space forbids."""
    return authored(services, actor, activity, await access_of(services, post))


async def edit_post(
    services: Services, author: LocalActor, post_uri: str, text: str, title: str | None = None
) -> Post:
    """The author edits their post: Update sent where the post went, the old text kept."""
    author_uri = services.actor_uri(author)
    post = await _editable(author_uri, post_uri, deleting=False)
    note = {**post.document, "content": text_to_html(text), "updated": iso(datetime.now(UTC))}
    if title:
        note["name"] = title.strip()
    update = await _authored(
        services, author, post, activities.update(services.settings.base_url, author_uri, note)
    )
    async with in_transaction():
        await revise(post, note)
        await _deliver(services, author, post, update)
    return await Post.get(id=post.id)


async def delete_post(services: Services, actor: LocalActor, post_uri: str) -> None:
    """The author (or a content manager of its space) deletes a post: a Tombstone remains."""
    actor_uri = services.actor_uri(actor)
    post = await _editable(actor_uri, post_uri, deleting=True)
    deletion = activities.delete(
        services.settings.base_url, actor_uri, {**post.document, "id": post.uri}
    )
    delete = await _authored(services, actor, post, deletion)
    async with in_transaction():
        await tombstone(post, services.settings.base_url)
        await _deliver(services, actor, post, delete)


class EditHandlers:
    """Inbound Update and Delete, directly from their actor or announced by a space."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def _allowed(self, activity: Activity, post: Post, deleting: bool) -> bool:
        actor = activity["actor"]
        own: bool = post.author_uri == actor
        space = await _space_of(post)
        role = None if space is None else await _role_in(space, actor)
        return may_change(role, own=own, in_space=space is not None, deleting=deleting)

    async def on_rejected_post(self, activity: Activity) -> Apply | None:
        """A space of a peer refused a member's post: it stops showing here as posted."""
        create = activity["object"]
        note_id = create.get("object")
        post = await Post.get_or_none(
            uri=str(note_id), local=True, audience=activity["actor"], deleted=False
        )
        if post is None:
            return None
        base_url = self.services.settings.base_url

        async def apply() -> None:
            await tombstone(post, base_url)

        return apply

    async def on_update(self, activity: Activity) -> Apply | None:
        note = activity["object"]
        post = await Post.get_or_none(uri=str(note.get("id")), deleted=False)
        if post is None or note.get("attributedTo") != activity["actor"]:
            return None
        if not await self._allowed(activity, post, deleting=False):
            return None
        return await self._apply(activity, post, deleting=False)

    async def on_delete(self, activity: Activity) -> Apply | None:
        post = await Post.get_or_none(uri=str(id_of(activity.get("object"))), deleted=False)
        if post is None or not await self._allowed(activity, post, deleting=True):
            return None
        return await self._apply(activity, post, deleting=True)

    async def _apply(self, activity: Activity, post: Post, deleting: bool) -> Apply:
        async def apply() -> None:
            if deleting:
                await tombstone(post, self.services.settings.base_url)
            else:
                await revise(post, activity["object"])
            space = await _space_of(post)
            if space is not None:
                await relay(self.services, space, activity)

        return apply

    async def on_announced(self, announce: Activity) -> Apply | None:
        """A space of a peer announces an edit or a deletion of one of its posts."""
        space_uri = announce["actor"]
        inner = announce["object"]
        if not await joined_here(space_uri):
            return None
        post = await Post.get_or_none(uri=str(id_of(inner.get("object"))), audience=space_uri)
        if post is None or post.deleted:
            return None
        if inner["type"] == "Update":
            inner = await authentic_create(self.services, inner)
        elif not await authentic_activity(self.services, inner):
            return None  # a deletion is its actor's (proof or fetch); the space checked the role
        deleting = inner["type"] == "Delete"

        async def apply() -> None:
            if deleting:
                await tombstone(post, self.services.settings.base_url)
            else:
                await revise(post, inner["object"])

        return apply
