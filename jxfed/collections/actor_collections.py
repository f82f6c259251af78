"""The collections every local actor has: outbox, followers, following, and a space's members
and library (its live items as it serves each one, for a new member's instance to catch up)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from tortoise.queryset import QuerySet

from jxfed.actors.documents import actor_id
from jxfed.actors.models import Follower, Following, FollowState, LocalActor, OutboxActivity
from jxfed.collections.pages import Cursor, collection_page, collection_summary
from jxfed.errors import NotFound
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.library.relaying import current_document
from jxfed.spaces.models import Access, Membership, MembershipState, Space
from jxfed.spaces.posts import carries_proof
from jxfed.spaces.visibility import hidden_space_uris

if TYPE_CHECKING:
    from jxfed.runtime import Services

ACTOR_COLLECTIONS = ("outbox", "followers", "following")
SPACE_COLLECTIONS = (*ACTOR_COLLECTIONS, "members", "library")
Render = Callable[[Sequence[Any]], Awaitable[list[Any]]]


async def _items(
    services: Services, actor: LocalActor, space: Space | None, name: str
) -> tuple[QuerySet[Any], Render]:
    """The rows of a collection and how each becomes an item."""
    if name == "outbox":
        unproved = space is not None and not carries_proof(space.access)

        async def documents(rows: Sequence[OutboxActivity]) -> list[Any]:
            if unproved:  # deniability: no author's proof, not even one stored before
                return [_without_proofs(row.document) for row in rows]
            return [row.document for row in rows]

        activities = OutboxActivity.filter(actor=actor)
        if space is None or space.access != Access.CONFIDENTIAL:
            activities = activities.filter(public=True)
        # A confidential space's whole outbox: only its members and their instances get here.
        return activities, documents
    if name == "followers":

        async def follower_ids(rows: Sequence[Follower]) -> list[Any]:
            return [row.follower_uri for row in rows]

        return Follower.filter(followed=actor, state=FollowState.ACCEPTED), follower_ids
    if name == "following":

        async def target_ids(rows: Sequence[Following]) -> list[Any]:
            return [row.target_uri for row in rows]

        # Whoever asks, a member's follows never name a space that hides itself.
        hidden = await hidden_space_uris(services.settings.base_url)
        follows = Following.filter(follower=actor, state=FollowState.ACCEPTED)
        return follows.exclude(target_uri__in=hidden) if hidden else follows, target_ids

    if name == "library" and space is not None:
        # Served where the space is (a confidential one only to its members' signatures and
        # their instances' actors: web/actors.py), each item as `/library/<id>` serves it.

        async def item_documents(rows: Sequence[LibraryItem]) -> list[Any]:
            return [await current_document(services, row) for row in rows]

        return LibraryItem.filter(space=space, deleted=False), item_documents

    async def member_ids(rows: Sequence[Membership]) -> list[Any]:
        return [row.actor_uri for row in rows]

    return Membership.filter(space=space, state=MembershipState.ACCEPTED), member_ids


def _without_proofs(document: Any) -> Any:
    """An announce as served: neither it nor the activity it announces carries a `proof`."""
    if not isinstance(document, dict):
        return document
    return {
        key: _without_proofs(value) if key == "object" else value
        for key, value in document.items()
        if key != "proof"
    }


async def actor_collection(
    services: Services,
    actor: LocalActor,
    space: Space | None,
    name: str,
    cursor: Cursor | None,
) -> dict[str, Any]:
    """The named collection of a local actor (its summary, or one page of it)."""
    allowed = SPACE_COLLECTIONS if space is not None else ACTOR_COLLECTIONS
    if name not in allowed:
        raise NotFound(f"no collection {name!r} on this actor")
    collection_id = f"{actor_id(services.settings, actor)}/{name}"
    query, render = await _items(services, actor, space, name)
    if cursor is None:
        return collection_summary(collection_id, await query.count())
    return await collection_page(collection_id, query, cursor, render)
