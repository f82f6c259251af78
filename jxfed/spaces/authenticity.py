"""Whether an activity a space announces is its author's, and who may fetch a post here.

An announced activity is taken as its author made it only on its author's FEP-8b32 proof, or
on a copy fetched (signed) from its author's host; a confidential space's carry no proof
(deniability, `posts.carries_proof`), so members' instances fetch them, and the author's
instance serves them only to the instances the space's own instance lists as its members'.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.policy import host_of, host_or_none
from jxfed.activitypub.proofs import (
    ProofError,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)
from jxfed.activitypub.shapes import ShapeError, check_limits, id_of, normalise
from jxfed.activitypub.transport import ACCEPT_AP, FetchError, NotAPeer
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import Post, Space
from jxfed.spaces.visibility import Signer, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services


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
    fetched = await _fetched(services, note["id"])
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
        and id_of(served.get("object")) == id_of(activity.get("object"))
    )


async def withdrawn(services: Services, undo: Mapping[str, Any]) -> bool:
    """Whether an announced Undo of a Like is its actor's: by its proof, else because the
    actor's instance no longer serves the Like (nobody keeps an Undo to be fetched)."""
    if await proof_holds(services, undo):
        return True
    like_id, actor = id_of(undo.get("object")), undo.get("actor")
    if like_id is None or not _same_host(like_id, actor):
        return False
    try:
        answer = await services.transport.request(
            "GET", like_id, await services.instance_signer(), extra={"Accept": ACCEPT_AP}
        )
    except (aiohttp.ClientError, TimeoutError, NotAPeer):
        return False
    return answer.status in (404, 410)


async def _fetched(services: Services, uri: str) -> dict[str, Any]:
    """A peer's document fetched signed, through the same shape step as the inbox's door."""
    fetched = normalise(await services.transport.fetch_json(uri, await services.instance_signer()))
    check_limits(fetched)
    return fetched


async def _served(services: Services, uri: Any, actor: Any) -> dict[str, Any] | None:
    """The activity `uri` as its actor's instance serves it, signed-fetched; None if not."""
    if not isinstance(uri, str) or not _same_host(uri, actor):
        return None
    try:
        return await _fetched(services, uri)
    except (FetchError, NotAPeer, ShapeError):
        return None


def _same_host(uri: str, actor: Any) -> bool:
    host = host_or_none(uri)
    return host is not None and host == host_or_none(actor)


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
    return await listed_by_peer_space(services, post.audience, signer)


async def may_fetch_item(services: Services, item: LibraryItem, signer: str) -> bool:
    """Whether `signer` may fetch a library item here (or its contents): as `may_see` says of
    its space here; for an item of a peer's space (one a member here added to it), the space's
    own instance and those the space lists, as for posts (`may_fetch`)."""
    if item.space_id is not None:  # type: ignore[attr-defined]
        return await may_see(Signer(signer), await Space.get(id=item.space_id))  # type: ignore[attr-defined]
    if not item.space_uri:
        return False
    if host_or_none(signer) == host_or_none(item.space_uri):
        return True
    return await listed_by_peer_space(services, item.space_uri, signer)


async def listed_by_peer_space(services: Services, space_uri: str, signer: str) -> bool:
    """Whether a peer's space lists `signer` as a member, or as the instance actor of a
    member's instance (see `may_fetch` for how long the list is kept)."""
    try:
        if _listed(signer, await _members_of_peer_space(services, space_uri)):
            return True
        fresher = await _members_of_peer_space(services, space_uri, MEMBERS_REFRESH_AFTER)
    except (FetchError, NotAPeer, ValueError, BadRequest):
        return False
    return _listed(signer, fresher)


def _listed(signer: str, members: frozenset[str]) -> bool:
    """The signer is a member, or the instance actor of an instance hosting one."""
    if signer in members:
        return True
    if urlsplit(signer).path != "/actor":
        return False
    return host_or_none(signer) in {host_or_none(uri) for uri in members}


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


def multikey_of(actor: Mapping[str, Any], method: str) -> Ed25519PublicKey:
    """The Ed25519 key an actor publishes as the Multikey `method` (FEP-521a)."""
    entries = actor.get("assertionMethod")
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, Mapping) and entry.get("id") == method:
            return multibase_to_ed25519_public(str(entry.get("publicKeyMultibase")))
    raise KeyError(method)
