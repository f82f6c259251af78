"""The space relay (FEP-1b12): a member's post addressed to a space is checked against the
member's role, then the space wraps the original activity, unchanged, in an Announce and
delivers it to every instance with a member (and, for an open space, to followers' instances).

Each Create carries an FEP-8b32 proof by its author's Ed25519 key, so the members' instances
accept the announced post without fetching it again; without a valid proof they fetch it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from tortoise.transactions import in_transaction

from jxfed.activitypub.delivery import enqueue
from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.proofs import (
    ProofError,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)
from jxfed.actors.activities import AS_CONTEXT, new_activity_id
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Follower, Following, FollowState, LocalActor, OutboxActivity
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.spaces.joining import space_of
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Space
from jxfed.spaces.posts import NO_OPTIONS, NoteOptions, PostHandlers, build_create, store_post
from jxfed.spaces.roles import Action, NotAllowed, may, require

if TYPE_CHECKING:
    from jxfed.services import Services

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
    )


async def relay(services: Services, space: Space, create: Mapping[str, Any]) -> int:
    """The space announces `create`, unchanged, to its members' and followers' instances."""
    space_actor = space.actor if isinstance(space.actor, LocalActor) else await space.actor
    space_uri = services.actor_uri(space_actor)
    announce = {
        "@context": AS_CONTEXT,
        "id": new_activity_id(services.settings.base_url),
        "type": "Announce",
        "actor": space_uri,
        "audience": space_uri,
        **addressing(space_uri, space.access),
        "object": dict(create),
    }
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
        followers = Follower.filter(followed=space_actor, state=FollowState.ACCEPTED).exclude(
            follower_uri__startswith=services.settings.base_url + "/"
        )
        inboxes += [str(inbox) for inbox in await followers.values_list("inbox", flat=True)]
    await services.peers.refresh()
    return await enqueue(announce, space_actor.id, inboxes, services.peers.known)


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
    if in_reply_to and not await Post.filter(uri=in_reply_to, space=space, deleted=False).exists():
        raise BadRequest("a comment answers a post of the same space")
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
    services.work_arrived.set()
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
    open_space = space.document.get("manuallyApprovesFollowers") is False
    access = Access.OPEN if open_space else Access.ON_REQUEST
    create = await space_create(
        services, author, space_uri, access, text, title, in_reply_to, options
    )
    async with in_transaction():
        await store_post(create, None, local=True, base_url=services.settings.base_url)
        await OutboxActivity.create(
            uri=create["id"], actor=author, type="Create", document=create, public=open_space
        )
        await services.peers.refresh()
        await enqueue(create, author.id, [space.delivery_inbox], services.peers.known)
    services.work_arrived.set()
    return await Post.get(uri=create["object"]["id"])


async def proof_holds(services: Services, activity: Mapping[str, Any]) -> bool:
    """True when the activity carries an FEP-8b32 proof by its own actor's Ed25519 key."""
    actor_uri = activity.get("actor")
    if "proof" not in activity or not isinstance(actor_uri, str):
        return False
    try:
        method = proof_verification_method(activity)
        if not proof_controller_matches(activity, actor_uri):
            return False
        actor = await remote_actor(services, actor_uri)
        verify_proof(activity, multikey_of(actor.document, method))
    except (ProofError, ValueError, KeyError):
        return False
    return True


async def authentic_create(services: Services, create: Mapping[str, Any]) -> Mapping[str, Any]:
    """An announced Create (or Update) as its author made it: by its proof, else fetched."""
    author_uri = create.get("actor")
    note = create.get("object")
    if not isinstance(author_uri, str) or not isinstance(note, Mapping):
        raise BadRequest("an announced Create needs an actor and an embedded object")
    if note.get("attributedTo") != author_uri or not isinstance(note.get("id"), str):
        raise BadRequest("the announced object is not attributed to the Create's actor")
    if await proof_holds(services, create):
        return create
    fetched = await services.transport.fetch_json(note["id"], await services.instance_signer())
    if fetched.get("id") != note["id"] or fetched.get("attributedTo") != author_uri:
        raise BadRequest(f"{note['id']} does not match what its origin serves")
    return {**create, "object": fetched}


def multikey_of(actor: Mapping[str, Any], method: str) -> Ed25519PublicKey:
    """The Ed25519 key an actor publishes as the Multikey `method` (FEP-521a)."""
    entries = actor.get("assertionMethod")
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, Mapping) and entry.get("id") == method:
            return multibase_to_ed25519_public(str(entry.get("publicKeyMultibase")))
    raise KeyError(method)


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

    async def on_create_in_space(self, activity: Mapping[str, Any], space: Space) -> Apply:
        """A member of a peer posts in a space here: checked against the role, then relayed."""
        note = activity["object"]
        author = activity["actor"]
        needed = Action.COMMENT if note.get("inReplyTo") else Action.POST

        async def apply() -> None:
            membership = await Membership.get_or_none(
                space=space, actor_uri=author, state=MembershipState.ACCEPTED
            )
            if space.archived or not may(membership.role if membership else None, needed):
                log.warning("%s may not %s in %s: not relayed", author, needed.value, space.id)
                return
            if await store_post(activity, space, local=False, base_url=self.base):
                await relay(self.services, space, activity)

        return apply

    async def on_announce(self, activity: Mapping[str, Any]) -> Apply | None:
        """A space of a peer announces a post to its members here."""
        space_uri = activity["actor"]
        if not await Following.filter(target_uri=space_uri, state=FollowState.ACCEPTED).exists():
            return None
        create = await authentic_create(self.services, activity["object"])
        if create["object"].get("audience") != space_uri:
            raise BadRequest("the announced post was not posted in the announcing space")

        async def apply() -> None:
            await store_post(create, None, local=False, base_url=self.base)

        return apply


def register(services: Services) -> None:
    """Creates go to the relay when they name a space here, else to the followed-notes path."""
    relay_handlers = RelayHandlers(services)
    notes = PostHandlers(services)

    async def on_create(activity: Activity) -> Apply | None:
        space = await relay_handlers.local_space_of(activity["object"])
        if space is not None:
            return await relay_handlers.on_create_in_space(activity, space)
        return await notes.on_create(activity)

    for kind in ("Note", "Article"):
        services.dispatcher.register("Create", kind, on_create)
    services.dispatcher.register("Announce", "Create", relay_handlers.on_announce)
