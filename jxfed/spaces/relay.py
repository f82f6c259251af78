"""The space relay (FEP-1b12): a member's post addressed to a space is checked against the
member's role, then the space wraps the original activity, unchanged, in an Announce and
delivers it to every instance with a member (and, for an open space, to followers' instances).

Outside confidential spaces each Create carries an FEP-8b32 proof by its author's Ed25519 key,
so the members' instances accept the announced post without fetching it again. A confidential
space's carry none (deniability, see `posts.carries_proof`): members' instances fetch them,
signed, from the author's instance, which asks the space's instance who its members are
(how an announced activity is proven, and who may fetch: `spaces/authenticity.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Apply
from jxfed.actors import activities
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Following, FollowState, LocalActor, OutboxActivity
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.spaces.audience import deliver, followers_inboxes
from jxfed.spaces.authenticity import authentic_create
from jxfed.spaces.joining import space_of
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Space
from jxfed.spaces.posts import (
    NO_OPTIONS,
    NoteOptions,
    OutsideThread,
    build_create,
    store_post,
    store_received,
)
from jxfed.spaces.roles import Action, NotAllowed, may, require
from jxfed.spaces.visibility import Signer, hides_itself, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
MAX_CHARACTERS = 20_000


def addressing(space_uri: str, access: Access) -> dict[str, list[str]]:
    """An open space's posts are public; others go to the space only (never public)."""
    if access == Access.OPEN:
        return {"to": [space_uri, AS_PUBLIC], "cc": []}
    return {"to": [space_uri], "cc": []}


async def space_create(
    services: Services,
    author: LocalActor,
    space_uri: str,
    access: Access,
    text: str,
    title: str | None = None,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
) -> dict[str, Any]:
    """A member's Create addressed to a space (its audience); mentions add recipients only
    in an open space."""
    return await build_create(
        services,
        author,
        text,
        **addressing(space_uri, access),
        audience=space_uri,
        title=title,
        in_reply_to=in_reply_to,
        mention_recipients=access == Access.OPEN,
        options=options,
        access=access,
    )


def remote_space_access(document: Mapping[str, Any]) -> Access:
    """A peer's space's access as its actor shows it: open when it takes followers at once,
    confidential when it also keeps out of directories (as a jxfed confidential space does),
    else on request."""
    if document.get("manuallyApprovesFollowers") is False:
        return Access.OPEN
    if hides_itself("Group", document):
        return Access.CONFIDENTIAL
    return Access.ON_REQUEST


async def access_of(services: Services, post: Post) -> Access | None:
    """The access of the space a post is in, here or on a peer (its `audience`); None when it
    is in no space."""
    space_id = post.space_id  # type: ignore[attr-defined]
    if space_id is not None:
        return (await Space.get(id=space_id)).access
    if not post.audience:
        return None
    if post.audience.startswith(services.settings.base_url + "/"):
        here = await space_of(services.settings.base_url, post.audience)
        return here.access if here is not None else None
    actor = await remote_actor(services, post.audience)
    return remote_space_access(actor.document) if actor.kind == "Group" else None


async def relay(services: Services, space: Space, create: Mapping[str, Any]) -> int:
    """The space announces `create`, unchanged, to its members' and followers' instances."""
    space_actor = space.actor if isinstance(space.actor, LocalActor) else await space.actor
    space_uri = services.actor_uri(space_actor)
    announce = activities.announce(
        services.settings.base_url,
        space_uri,
        create,
        {"audience": space_uri, **addressing(space_uri, space.access)},
    )
    await OutboxActivity.create(
        uri=announce["id"],
        actor=space_actor,
        type="Announce",
        document=announce,
        public=space.access == Access.OPEN,
    )
    members = Membership.filter(
        space=space, state=MembershipState.ACCEPTED, inbox__isnull=False
    ).values_list("inbox", flat=True)
    inboxes = [str(inbox) for inbox in await members]
    if space.access == Access.OPEN:
        inboxes += await followers_inboxes(services, space_actor)
    return await deliver(services, announce, space_actor, inboxes)


async def post_in_space(
    services: Services,
    space: Space,
    author: LocalActor,
    text: str,
    title: str | None = None,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
) -> Post:
    """A local member posts (or comments) in a local space: role checked, stored, announced."""
    author_uri = services.actor_uri(author)
    membership = await Membership.get_or_none(
        space=space, actor_uri=author_uri, state=MembershipState.ACCEPTED
    )
    require(membership.role if membership else None, Action.COMMENT if in_reply_to else Action.POST)
    if in_reply_to and not (
        await Post.filter(uri=in_reply_to, space=space, deleted=False).exists()
        or await LibraryItem.filter(uri=in_reply_to, space=space, deleted=False).exists()
    ):
        raise BadRequest("a comment answers a post (or a library item) of the same space")
    if space.archived:
        raise NotAllowed("this space is archived: it takes no new posts")
    space_actor = await space.actor
    space_uri = services.actor_uri(space_actor)
    create = await space_create(
        services, author, space_uri, space.access, text, title, in_reply_to, options
    )
    async with in_transaction():
        await store_post(create, space, local=True, base_url=services.settings.base_url)
        await OutboxActivity.create(
            uri=create["id"],
            actor=author,
            type="Create",
            document=create,
            public=space.access == Access.OPEN,
        )
        await relay(services, space, create)
    return await Post.get(uri=create["object"]["id"])


async def post_to_remote_space(
    services: Services,
    author: LocalActor,
    space_uri: str,
    text: str,
    title: str | None = None,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
) -> Post:
    """A local member posts in a space of a peer: the Create goes to the space's inbox."""
    space = await remote_actor(services, space_uri)
    if space.kind != "Group":
        raise BadRequest(f"{space_uri} is not a space")
    access = remote_space_access(space.document)
    open_space = access == Access.OPEN
    create = await space_create(
        services, author, space_uri, access, text, title, in_reply_to, options
    )
    async with in_transaction():
        await store_post(create, None, local=True, base_url=services.settings.base_url)
        await OutboxActivity.create(
            uri=create["id"], actor=author, type="Create", document=create, public=open_space
        )
        await deliver(services, create, author, [space.delivery_inbox])
    return await Post.get(uri=create["object"]["id"])


async def joined_here(space_uri: str) -> bool:
    """Whether a member here is in (or asked to join) a space of a peer that announces to us.

    A join still waiting for its Accept counts: the space sends its Accept and its next
    announces one after the other, and they may arrive in either order.
    """
    return await Following.filter(
        target_uri=space_uri, state__in=[FollowState.ACCEPTED, FollowState.PENDING]
    ).exists()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class RelayHandlers:
    """Inbound: a member's Create to a space here, and a space's Announce to members here."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = services.settings.base_url

    async def local_space_of(self, note: Mapping[str, Any]) -> Space | None:
        """The space here that a post is addressed to: its audience, a recipient, or a
        mentioned space (how a Mastodon user posts into a space: `@space@host`)."""
        mentioned = [
            tag.get("href")
            for tag in note.get("tag", []) or []
            if isinstance(tag, Mapping) and tag.get("type") == "Mention"
        ]
        recipients = [*_as_list(note.get("to")), *_as_list(note.get("cc"))]
        for uri in [note.get("audience"), *recipients, *mentioned]:
            space = await space_of(self.base, uri)
            if space is not None:
                return space
        return None

    async def on_create_in_space(self, activity: Mapping[str, Any], space: Space) -> Apply | None:
        """A member of a peer posts in a space here: checked against the role, then relayed;
        refused with a Reject to the author's instance, which then stops showing it."""
        note = activity["object"]
        author = activity["actor"]
        if not await may_see(Signer(author), space):
            return None  # silence, as for a space that does not exist
        needed = Action.COMMENT if note.get("inReplyTo") else Action.POST
        known = await Membership.get_or_none(space=space, actor_uri=author)
        author_inbox = (
            known.inbox
            if known is not None and known.inbox
            else (await remote_actor(self.services, author)).delivery_inbox
        )  # where a refusal goes: the member's instance, as the space knows it

        async def apply() -> None:
            membership = await Membership.get_or_none(
                space=space, actor_uri=author, state=MembershipState.ACCEPTED
            )
            if not space.archived and may(membership.role if membership else None, needed):
                try:
                    if await store_post(activity, space, local=False, base_url=self.base):
                        await relay(self.services, space, activity)
                    return
                except OutsideThread as refused:
                    log.warning("refused: %s", refused.message)
            else:
                log.warning("%s may not %s in %s: refused", author, needed.value, space.id)
            space_actor = await space.actor
            refusal = activities.reject_post(
                self.base, self.services.actor_uri(space_actor), activity
            )
            await deliver(self.services, refusal, space_actor, [author_inbox])

        return apply

    async def on_announce(self, activity: Mapping[str, Any]) -> Apply | None:
        """A space of a peer announces a post to its members here."""
        space_uri = activity["actor"]
        if not await joined_here(space_uri):
            return None
        create = await authentic_create(self.services, activity["object"])
        if create["object"].get("audience") != space_uri:
            raise BadRequest("the announced post was not posted in the announcing space")

        async def apply() -> None:
            await store_received(create, self.base)

        return apply
