"""Who may see what: confidential content only to its space's members, whoever asks.

The one place that decides, for a member reading through an app or a page (a `Reader`) and
for a peer asking with a signature (its key's owner): every renderer asks here.

A post is visible when it is public (and not in a confidential space), when it is in a local
space the reader belongs to, when it came from a space of a peer that the reader is in, or
when the reader wrote it. A confidential space's account is shown only to its members; to
everyone else it is indistinguishable from a name that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tortoise.expressions import Q

from jxfed.activitypub.policy import host_or_none
from jxfed.actors.models import ActorKind, Following, FollowState, LocalActor, Member, RemoteActor
from jxfed.actors.paths import INSTANCE_ACTOR_PATH, PREFIX
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Space


@dataclass(frozen=True, slots=True)
class Reader:
    """A member reading (their actor URI, their spaces here, the actors they follow), or nobody."""

    uri: str | None = None
    space_ids: frozenset[int] = frozenset()
    followed: frozenset[str] = frozenset()
    asked: frozenset[str] = field(default_factory=frozenset)  # pending follows and joins
    member_id: int | None = None


async def reader_of(member: Member | None, actor_uri: str | None) -> Reader:
    if member is None or actor_uri is None:
        return Reader()
    spaces = await Membership.filter(
        member_id=member.id, state__in=[MembershipState.ACCEPTED, MembershipState.INVITED]
    ).values_list("space_id", "state")
    followings = await Following.filter(follower_id=member.actor_id).values_list(  # type: ignore[attr-defined]
        "target_uri", "state"
    )
    return Reader(
        uri=actor_uri,
        space_ids=frozenset(int(s) for s, state in spaces if state == MembershipState.ACCEPTED),
        followed=frozenset(str(u) for u, state in followings if state == FollowState.ACCEPTED),
        asked=frozenset(str(u) for u, state in followings if state == FollowState.PENDING),
        member_id=member.id,
    )


def visible_posts(reader: Reader) -> Q:
    """The posts a reader may see (deleted ones excluded), as a filter."""
    public = Q(public=True) & (Q(space_id__isnull=True) | ~Q(space__access=Access.CONFIDENTIAL))
    allowed = public
    if reader.space_ids:
        allowed |= Q(space_id__in=list(reader.space_ids))
    if reader.followed:
        allowed |= Q(space_id__isnull=True, audience__in=list(reader.followed))
    if reader.uri:
        allowed |= Q(author_uri=reader.uri)
    return Q(allowed, deleted=False)


async def _reader_sees_space(reader: Reader, space: Space) -> bool:
    if space.access != Access.CONFIDENTIAL or space.id in reader.space_ids:
        return True
    if reader.uri is None:
        return False
    return await Membership.filter(
        space=space, actor_uri=reader.uri, state=MembershipState.INVITED
    ).exists()


def hides_itself(kind: str, document: Any) -> bool:
    """A peer's space that keeps out of directories (`discoverable: false`, as a jxfed
    confidential space does): shown only to those who are in it."""
    return kind == "Group" and isinstance(document, dict) and document.get("discoverable") is False


def _reader_sees_remote(reader: Reader, actor: RemoteActor) -> bool:
    if not hides_itself(actor.kind, actor.document):
        return True
    return actor.uri in reader.followed or actor.uri in reader.asked


async def _signer_sees_space(space: Space, signer: str) -> bool:
    """Any space but a confidential one; a confidential space only to a signer who is one of
    its members (or invited) or the instance actor of an instance hosting one."""
    if space.access != Access.CONFIDENTIAL:
        return True
    members = Membership.filter(
        space=space, state__in=[MembershipState.ACCEPTED, MembershipState.INVITED]
    )
    if await members.filter(actor_uri=signer).exists():
        return True
    if urlsplit(signer).path != INSTANCE_ACTOR_PATH:
        return False
    signer_host = host_or_none(signer)
    uris = await members.values_list("actor_uri", flat=True)
    return any(host_or_none(uri) == signer_host for uri in uris)


async def _signer_reads_post(post: Post, signer: str) -> bool:
    """Public posts to any peer; a confidential space's (or a private) post only to members.

    A member's post in a space of a peer is readable by its author and by the space's own
    instance, which checks it and relays it to the members it alone knows.
    """
    if post.public or signer == post.author_uri:
        return True
    if post.space_id is None:  # type: ignore[attr-defined]
        return bool(post.audience) and host_or_none(signer) == host_or_none(post.audience)
    space = await Space.get(id=post.space_id)  # type: ignore[attr-defined]
    return await _signer_sees_space(space, signer)


async def _signer_sees_actor(actor: LocalActor, signer: str) -> bool:
    """Members and the instance actor to any peer; a space as `_signer_sees_space` says."""
    if actor.kind != ActorKind.GROUP:
        return True
    space = await Space.get_or_none(actor=actor)
    return space is not None and await _signer_sees_space(space, signer)


async def hidden_space_uris(base_url: str) -> list[str]:
    """The spaces no outsider may learn of: the confidential ones here, and the spaces of peers
    that hide themselves (`discoverable: false`). A list that names memberships leaves them out."""
    confidential = Space.filter(access=Access.CONFIDENTIAL)
    hidden = [
        base_url + PREFIX[ActorKind.GROUP] + str(name)
        for name in await confidential.values_list("actor__name", flat=True)
    ]
    groups = await RemoteActor.filter(kind="Group").values_list("uri", "document")
    return hidden + [str(uri) for uri, document in groups if hides_itself("Group", document)]


@dataclass(frozen=True, slots=True)
class Signer:
    """A viewer known by an actor URI only: a peer's signature (its key's owner), or a member of
    this instance naming something (a mention)."""

    uri: str


Viewer = Reader | Signer
Seen = Space | LocalActor | RemoteActor | Post


async def may_see(viewer: Viewer, thing: Seen) -> bool:
    """The one question every renderer asks: may this viewer see this space, actor or post, or
    learn that it exists? (Lists ask the same of the database: `visible_posts`.)"""
    if isinstance(viewer, Reader):
        if isinstance(thing, Space):
            return await _reader_sees_space(viewer, thing)
        if isinstance(thing, RemoteActor):
            return _reader_sees_remote(viewer, thing)
        if isinstance(thing, Post):
            return await Post.filter(visible_posts(viewer), id=thing.id).exists()
        space = await Space.get_or_none(actor=thing) if thing.kind == ActorKind.GROUP else None
        return space is None or await _reader_sees_space(viewer, space)
    if isinstance(thing, Space):
        return await _signer_sees_space(thing, viewer.uri)
    if isinstance(thing, Post):
        return await _signer_reads_post(thing, viewer.uri)
    if isinstance(thing, LocalActor):
        return await _signer_sees_actor(thing, viewer.uri)
    return True  # a peer's actor, to a peer: theirs to decide
