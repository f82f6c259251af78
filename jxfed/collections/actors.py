"""The collections every local actor has: outbox, followers, following, and a space's members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jxfed.actors.documents import actor_id
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.collections.pages import Cursor, collection_page, collection_summary, empty_page
from jxfed.errors import NotFound
from jxfed.settings import Settings
from jxfed.spaces.models import Membership, Space

ACTOR_COLLECTIONS = ("outbox", "followers", "following")
SPACE_COLLECTIONS = (*ACTOR_COLLECTIONS, "members")


async def actor_collection(
    settings: Settings,
    actor: LocalActor,
    space: Space | None,
    name: str,
    cursor: Cursor | None,
) -> dict[str, Any]:
    """The named collection of a local actor (its summary, or one page of it)."""
    allowed = SPACE_COLLECTIONS if space is not None else ACTOR_COLLECTIONS
    if name not in allowed:
        raise NotFound(f"no collection {name!r} on this actor")
    collection_id = f"{actor_id(settings, actor)}/{name}"
    if name == "outbox":
        outbox = OutboxActivity.filter(actor=actor, public=True)

        async def documents(rows: Sequence[OutboxActivity]) -> list[Any]:
            return [row.document for row in rows]

        if cursor is None:
            return collection_summary(collection_id, await outbox.count())
        return await collection_page(collection_id, outbox, cursor, documents)
    if name == "members" and space is not None:
        members = Membership.filter(space=space).select_related("member__actor")

        async def member_ids(rows: Sequence[Membership]) -> list[Any]:
            return [actor_id(settings, row.member.actor) for row in rows]

        if cursor is None:
            return collection_summary(collection_id, await members.count())
        return await collection_page(collection_id, members, cursor, member_ids)
    # followers and following are filled by the federation layer; nobody follows yet
    if cursor is None:
        return collection_summary(collection_id, 0)
    return empty_page(collection_id)
