"""Outgoing: every change a member of this instance makes to a library leaves as their activity.

In a space here, the space announces the member's Create, Update or Delete, unchanged, to its
members' instances, as it relays posts (FEP-1b12, `spaces/relay.py`); from this instance's copy
of a peer's space, the activity goes to the space, whose instance checks the role and announces
it. Outside confidential spaces the activity carries its author's FEP-8b32 proof; a
confidential space's carry none, and members' instances fetch the item from here instead.

A move or a rename is an `Update` carrying the item's new `name` and `context` (its folder),
not an AS `Move`: the Update holds the whole new state, so a peer applies it the same way
whatever changed (and in any order, by revision number), where a `Move` names only an origin
and a target and Mastodon-family software reads it as an account's migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jxfed.actors import activities
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor
from jxfed.spaces.audience import deliver
from jxfed.spaces.library.documents import TYPES, item_document
from jxfed.spaces.library.librarian import Librarian
from jxfed.spaces.library.models import Change, LibraryItem, LibraryRevision
from jxfed.spaces.models import Access, Space
from jxfed.spaces.posts import authored, iso
from jxfed.spaces.relay import relay, remote_space_access

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def changed(lib: Librarian, item: LibraryItem, revision: LibraryRevision) -> None:
    """Send the member's change (`revision` of `item`) where it must go; a change a member of a
    peer made is relayed as it came, by the handler that applied it (`receiving.py`)."""
    services = lib.services
    author = await local_actor_by_uri(services.settings.base_url, lib.actor_uri)
    if author is None:
        return
    if lib.space is not None:
        access = lib.space.access
    else:
        space = await remote_actor(services, lib.space_uri)
        access = remote_space_access(space.document)
    activity = await member_activity(services, author, lib.space_uri, access, item, revision)
    await OutboxActivity.create(
        uri=activity["id"],
        actor=author,
        type=activity["type"],
        document=activity,
        public=access == Access.OPEN,
    )
    if lib.space is not None:
        await relay(services, lib.space, activity)
    else:
        await deliver(services, activity, author, [space.delivery_inbox])


async def member_activity(
    services: Services,
    author: LocalActor,
    space_uri: str,
    access: Access,
    item: LibraryItem,
    revision: LibraryRevision,
) -> dict[str, Any]:
    """The author's Create, Update or Delete of the item as `revision` left it (proved
    unless the space is confidential: `posts.carries_proof`)."""
    base = services.settings.base_url
    actor = services.actor_uri(author)
    parent = await LibraryItem.get_or_none(id=item.parent_id)  # type: ignore[attr-defined]
    document = item_document(
        item, space_uri, access, parent.uri if parent else None, actor, revision.number
    )
    activity: dict[str, Any]
    if revision.change == Change.CREATE:
        activity = activities.create(actor, document, iso(datetime.now(UTC)))
    elif revision.change == Change.DELETE:
        activity = activities.delete(base, actor, document, TYPES[item.kind])
    else:
        activity = activities.update(base, actor, document)
    return authored(services, author, activity, access)


async def current_document(services: Services, item: LibraryItem) -> dict[str, Any]:
    """The item as this instance serves it to peers: its newest revision, by whoever made it."""
    newest = await LibraryRevision.filter(item=item).order_by("-number").first()
    parent = await LibraryItem.get_or_none(id=item.parent_id)  # type: ignore[attr-defined]
    if item.space_id is not None:  # type: ignore[attr-defined]
        space = await Space.get(id=item.space_id).select_related("actor")  # type: ignore[attr-defined]
        space_uri, access = services.actor_uri(space.actor), space.access
    else:
        space_uri = str(item.space_uri)
        access = remote_space_access((await remote_actor(services, space_uri)).document)
    return item_document(
        item,
        space_uri,
        access,
        parent.uri if parent else None,
        newest.author_uri if newest else item.author_uri,
        item.revision,
    )
