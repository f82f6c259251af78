"""The inbox routing table: every (activity type, object type) accepted, each naming one handler.

`None` as object type matches an object given by id; `*` any embedded type. The door refuses
with 400 any activity that no row accepts, so this list is also the list of what jxfed takes
from peers. Workers and the door read it through the dispatcher that `routes` fills at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.dispatch import Activity, Apply, Handler
from jxfed.activitypub.policy import host_or_none
from jxfed.actors.models import Follower
from jxfed.spaces.editing import EditHandlers
from jxfed.spaces.follows import FollowHandlers
from jxfed.spaces.joining import JoinHandlers, MemberSideHandlers
from jxfed.spaces.library.receiving import LibraryHandlers, is_library_object
from jxfed.spaces.library.replicating import Replication
from jxfed.spaces.library.space_side import SpaceSideHandlers, library_item_here
from jxfed.spaces.library.walks import REPLICATE
from jxfed.spaces.managing import RemovalHandler
from jxfed.spaces.models import Reaction
from jxfed.spaces.posts import PostHandlers
from jxfed.spaces.reactions import ReactionHandlers
from jxfed.spaces.relay import RelayHandlers

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
LIBRARY_KINDS = ("Document", "Page", "OrderedCollection")


@dataclass(frozen=True, slots=True)
class Route:
    activity: str
    object: str | None
    handler: Handler


def routes(services: Services) -> list[Route]:
    """The table, with handlers bound to the instance's services."""
    follows = FollowHandlers(services)
    joins, member_side = JoinHandlers(services), MemberSideHandlers(services)
    relay, notes = RelayHandlers(services), PostHandlers(services)
    edits, reactions = EditHandlers(services), ReactionHandlers(services)
    removals, library = RemovalHandler(services), LibraryHandlers(services)
    space_side = SpaceSideHandlers(services)

    async def on_create(activity: Activity) -> Apply | None:
        """A post in a space here goes to the relay; any other to the followed-notes path."""
        space = await relay.local_space_of(activity["object"])
        if space is not None:
            return await relay.on_create_in_space(activity, space)
        return await notes.on_create(activity)

    async def on_library_create(activity: Activity) -> Apply | None:
        """A member of a peer adds a file, note or folder to a space here; elsewhere: not ours."""
        space = await relay.local_space_of(activity["object"])
        return None if space is None else await space_side.on_create_in_space(activity, space)

    async def on_library_update(activity: Activity) -> Apply | None:
        """A member of a peer revises an item of a space here; elsewhere: not ours."""
        space = await relay.local_space_of(activity["object"])
        return None if space is None else await space_side.on_update_in_space(activity, space)

    async def on_delete(activity: Activity) -> Apply | None:
        """A member of a peer deletes an item of a space's library here, or a post."""
        item = await library_item_here(services, activity)
        if item is not None:
            return await space_side.on_delete_in_space(activity, item)
        return await edits.on_delete(activity)

    def or_library(handler: Handler) -> Handler:
        """An announced activity about a library item goes to the library, any other on."""

        async def handle(activity: Activity) -> Apply | None:
            inner = activity["object"]
            if is_library_object(inner.get("object")):
                return await library.on_announced(activity)
            return await handler(activity)

        return handle

    async def on_rejected(activity: Activity) -> Apply | None:
        """A space refused a member's item from here (the library's), or their post."""
        return await library.on_rejected(activity) or await edits.on_rejected_post(activity)

    async def on_undo_by_id(activity: Activity) -> Apply | None:
        """An Undo naming its activity by id (as bovine sends it): the activity is looked up
        here, among the ones this instance recorded, then handled as if it had come embedded."""
        undone = await recorded_activity(services, str(activity["object"]), str(activity["actor"]))
        if undone is None:
            log.info("Undo of %s: nothing recorded here by that actor", activity["object"])
            return None
        return await services.dispatcher.prepare({**activity, "object": undone})

    async def on_boost(activity: Activity) -> Apply | None:
        """A member of a peer boosts a post (Announce of its id), or takes the boost back.

        Accepted so that a peer's boosts are not refused; they have no effect here yet (a
        boost of a member's post will notify them when notifications of boosts come)."""
        log.info("%s by %s accepted (no effect)", activity["type"], activity["actor"])
        return None

    return [
        Route("Follow", None, follows.on_follow),
        Route("Undo", "Follow", follows.on_undo_follow),
        *(
            Route(answer, answered, follows.on_response)  # a Join is remembered like a Follow
            for answer in ("Accept", "Reject")
            for answered in ("Follow", "Join", None)
        ),
        Route("Join", None, joins.on_join),
        Route("Leave", None, joins.on_leave),
        Route("Accept", "Invite", joins.on_accept_invite),
        Route("Invite", None, member_side.on_invite),
        Route("Update", "Member", member_side.on_membership_update),
        Route("Remove", None, removals.on_remove),
        Route("Create", "Note", on_create),
        Route("Create", "Article", on_create),
        Route("Announce", "Create", or_library(relay.on_announce)),
        Route("Create", "Document", on_library_create),
        Route("Create", "Page", on_library_create),
        Route("Create", "OrderedCollection", on_library_create),
        *(Route("Update", kind, on_library_update) for kind in LIBRARY_KINDS),
        Route("Update", "Note", edits.on_update),
        Route("Update", "Article", edits.on_update),
        Route("Delete", None, on_delete),
        Route("Delete", "Tombstone", on_delete),
        Route("Announce", "Update", or_library(edits.on_announced)),
        Route("Announce", "Delete", or_library(edits.on_announced)),
        Route("Reject", "Create", on_rejected),
        Route("Reject", "Update", library.on_rejected),
        Route("Reject", "Delete", library.on_rejected),
        Route("Like", None, reactions.on_like),
        Route("Announce", "Like", reactions.on_announced),
        Route("Undo", "Like", reactions.on_undo),
        Route("Announce", "Undo", reactions.on_announced_undo),
        Route("Announce", None, on_boost),
        Route("Undo", "Announce", on_boost),
        Route("Undo", None, on_undo_by_id),
    ]


async def recorded_activity(
    services: Services, activity_id: str, actor: str
) -> Mapping[str, Any] | None:
    """An activity of `actor` that this instance recorded, rebuilt from what it keeps."""
    follower = await Follower.get_or_none(follow_id=activity_id, follower_uri=actor)
    if follower is not None:
        followed = services.actor_uri(await follower.followed)
        return {"id": activity_id, "type": "Follow", "actor": actor, "object": followed}
    reaction = await Reaction.get_or_none(activity_id=activity_id, actor_uri=actor)
    if reaction is not None:
        post = await reaction.post
        return {"id": activity_id, "type": "Like", "actor": actor, "object": post.uri}
    return None


def register_routes(services: Services) -> None:
    for route in routes(services):
        handler = route.handler
        if route.activity == "Announce" and route.object is not None:
            handler = _unless_ours(services, handler)
        services.dispatcher.register(route.activity, route.object, handler)
    # This instance's own work kept in the inbox's rows (no peer's activity reaches it).
    services.dispatcher.register_internal(REPLICATE, Replication(services).on_step)


def _unless_ours(services: Services, handler: Handler) -> Handler:
    """A space of a peer announces to every member's instance, the author's too: what one of
    our own members did is already applied here (and a confidential post, without a proof,
    would be fetched from ourselves)."""
    own = services.settings.domain

    async def handle(activity: Activity) -> Apply | None:
        inner = activity.get("object")
        author = inner.get("actor") if isinstance(inner, Mapping) else None
        if host_or_none(author) == own:
            return None
        return await handler(activity)

    return handle
