"""The space relay (FEP-1b12): a member's post addressed to a space is checked against the
member's role, then the space wraps the original activity, unchanged, in an Announce and
delivers it to every instance with a member (and, for an open space, to followers' instances).

Outside confidential spaces each Create carries an FEP-8b32 proof by its author's Ed25519 key,
so the members' instances accept the announced post without fetching it again. A confidential
space's carry none (deniability, see `posts.carries_proof`): members' instances fetch them,
signed, from the author's instance, which asks the space's instance who its members are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Apply
from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.policy import host_of
from jxfed.activitypub.proofs import (
    ProofError,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)
from jxfed.activitypub.shapes import ShapeError, check_limits, normalise
from jxfed.activitypub.transport import ACCEPT_AP, FetchError, NotAPeer
from jxfed.actors import activities
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Following, FollowState, LocalActor, OutboxActivity
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.spaces.audience import deliver, followers_inboxes
from jxfed.spaces.joining import space_of
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Space
from jxfed.spaces.posts import NO_OPTIONS, NoteOptions, build_create, reply_allowed, store_post
from jxfed.spaces.roles import Action, NotAllowed, may, require
from jxfed.spaces.visibility import Signer, may_see

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
    if document.get("discoverable") is False:
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
    fetched = normalise(
        await services.transport.fetch_json(note["id"], await services.instance_signer())
    )
    check_limits(fetched)
    if fetched.get("id") != note["id"] or fetched.get("attributedTo") != author_uri:
        raise BadRequest(f"{note['id']} does not match what its origin serves")
    return {**create, "object": fetched}


async def authentic_activity(services: Services, activity: Mapping[str, Any]) -> bool:
    """Whether an announced Like or Delete is its actor's: by its proof, else as the actor's
    instance serves it at its id, to a signed fetch (a confidential space's carry no proof)."""
    if await proof_holds(services, activity):
        return True
    served = await _served(services, activity.get("id"), activity.get("actor"))
    return (
        served is not None
        and all(served.get(key) == activity.get(key) for key in ("id", "type", "actor", "content"))
        and _id_of(served.get("object")) == _id_of(activity.get("object"))
    )


async def withdrawn(services: Services, undo: Mapping[str, Any]) -> bool:
    """Whether an announced Undo of a Like is its actor's: by its proof, else because the
    actor's instance no longer serves the Like (nobody keeps an Undo to be fetched)."""
    if await proof_holds(services, undo):
        return True
    like_id, actor = _id_of(undo.get("object")), undo.get("actor")
    if like_id is None or not _same_host(like_id, actor):
        return False
    try:
        answer = await services.transport.request(
            "GET", like_id, await services.instance_signer(), extra={"Accept": ACCEPT_AP}
        )
    except (aiohttp.ClientError, TimeoutError, NotAPeer):
        return False
    return answer.status in (404, 410)


async def _served(services: Services, uri: Any, actor: Any) -> dict[str, Any] | None:
    """The activity `uri` as its actor's instance serves it, signed-fetched; None if not."""
    if not isinstance(uri, str) or not _same_host(uri, actor):
        return None
    try:
        return normalise(await services.transport.fetch_json(uri, await services.instance_signer()))
    except (FetchError, NotAPeer, ShapeError):
        return None


def _same_host(uri: str, actor: Any) -> bool:
    try:
        return isinstance(actor, str) and host_of(uri) == host_of(actor)
    except ValueError:
        return False


def _id_of(value: Any) -> str | None:
    found = value.get("id") if isinstance(value, Mapping) else value
    return found if isinstance(found, str) else None


MEMBERS_FRESH_FOR = 60.0  # seconds a peer space's member list is trusted
MEMBERS_REFRESH_AFTER = 2.0  # ...but one without the signer is asked again after this long
MAX_MEMBER_PAGES = 50
_peer_space_members: dict[str, tuple[float, frozenset[str]]] = {}


async def may_fetch(services: Services, post: Post, signer: str) -> bool:
    """Whether `signer` may fetch a post here (or an activity about it): as `may_see`
    says, or, for a post in a peer's space that is not public, when that space's instance
    lists the signer as a member or as the instance actor of a member's instance: the space
    alone knows its members, and their instances fetch its unproved posts from here.

    The list is kept a minute (a removed member's instance may read for that long); a signer
    not on it has it fetched again, at most every few seconds, so that a new member's
    instance is not refused while its first posts arrive."""
    if await may_see(Signer(signer), post):
        return True
    if post.public or post.space_id is not None or not post.audience:  # type: ignore[attr-defined]
        return False
    try:
        if _listed(signer, await _members_of_peer_space(services, post.audience)):
            return True
        fresher = await _members_of_peer_space(services, post.audience, MEMBERS_REFRESH_AFTER)
    except (FetchError, NotAPeer, ValueError, BadRequest):
        return False
    return _listed(signer, fresher)


def _listed(signer: str, members: frozenset[str]) -> bool:
    """The signer is a member, or the instance actor of an instance hosting one."""
    if signer in members:
        return True
    if urlsplit(signer).path != "/actor":
        return False
    return _host_or_none(signer) in {_host_or_none(uri) for uri in members}


def _host_or_none(uri: str) -> str | None:
    try:
        return host_of(uri)
    except ValueError:
        return None


async def _members_of_peer_space(
    services: Services, space_uri: str, fresh_for: float = MEMBERS_FRESH_FOR
) -> frozenset[str]:
    """The members a peer's space lists (its `members` collection), fetched signed by this
    instance's actor (it hosts a member, so the space shows them to it), or as fetched less
    than `fresh_for` seconds ago."""
    seen = _peer_space_members.get(space_uri)
    if seen is not None and time.monotonic() - seen[0] < fresh_for:
        return seen[1]
    signer = await services.instance_signer()
    space = await remote_actor(services, space_uri)
    collection = space.document.get("members")
    if space.kind != "Group" or not isinstance(collection, str):
        return frozenset()
    host = host_of(space_uri)
    members: set[str] = set()
    page: Any = collection
    for _ in range(MAX_MEMBER_PAGES):
        if isinstance(page, str):
            if host_of(page) != host:
                break
            page = await services.transport.fetch_json(page, signer)
        if not isinstance(page, Mapping):
            break
        items = page.get("orderedItems", page.get("items")) or []
        members.update(item for item in items if isinstance(item, str))
        page = page.get("next") if "first" not in page else page["first"]
    found = frozenset(members)
    if len(_peer_space_members) > 1_000:
        _peer_space_members.clear()
    _peer_space_members[space_uri] = (time.monotonic(), found)
    return found


async def joined_here(space_uri: str) -> bool:
    """Whether a member here is in (or asked to join) a space of a peer that announces to us.

    A join still waiting for its Accept counts: the space sends its Accept and its next
    announces one after the other, and they may arrive in either order.
    """
    return await Following.filter(
        target_uri=space_uri, state__in=[FollowState.ACCEPTED, FollowState.PENDING]
    ).exists()


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
            allowed = not space.archived and may(membership.role if membership else None, needed)
            if allowed and await reply_allowed(note, space):
                if await store_post(activity, space, local=False, base_url=self.base):
                    await relay(self.services, space, activity)
                return
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
            await store_post(create, None, local=False, base_url=self.base)

        return apply
