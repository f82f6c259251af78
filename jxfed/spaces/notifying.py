"""Notifications for local members: new posts in their spaces, replies, join requests, joins.

They are written in the same transaction as what caused them, listed newest first, and
marked read one by one or all at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from jxfed.actors.models import Following, FollowState, LocalActor, Member
from jxfed.actors.paths import local_actor_by_uri
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import (
    Membership,
    MembershipState,
    Notification,
    NotificationKind,
    Post,
    Space,
)
from jxfed.spaces.roles import Action, roles_that_may


async def _ids(query: Any, field: str) -> list[int]:
    """One integer column of a query (values_list is typed loosely)."""
    return [int(value) for value in cast(list[Any], await query.values_list(field, flat=True))]


async def _notify(
    members: Iterable[int], kind: NotificationKind, actor_uri: str, object_uri: str
) -> None:
    rows = [
        Notification(member_id=member_id, kind=kind, actor_uri=actor_uri, object_uri=object_uri)
        for member_id in dict.fromkeys(members)
    ]
    if rows:
        await Notification.bulk_create(rows)


async def post_stored(post: Post, space: Space | None, base_url: str) -> None:
    """A post was stored: tell the author of the post (or library item) it replies to (if
    local), the local members it mentions, and the space's other local members (or, for a
    space of a peer, the local members in it). Each member hears of a post once, by the most
    personal kind."""
    author = post.author_uri
    told: set[int] = set()
    if post.in_reply_to:
        parent = await Post.get_or_none(uri=post.in_reply_to, local=True)
        parent_author = None if parent is None else parent.author_uri
        if parent is None:  # a comment on an item of a library: its author hears of it
            item = await LibraryItem.get_or_none(uri=post.in_reply_to)
            parent_author = None if item is None else item.author_uri
        local = await local_actor_by_uri(base_url, parent_author) if parent_author else None
        if local is not None and parent_author != author:
            replied = await _ids(Member.filter(actor=local), "id")
            await _notify(replied, NotificationKind.REPLY, author, post.uri)
            told.update(replied)
    for tag in post.document.get("tag", []) or []:
        if isinstance(tag, dict) and tag.get("type") == "Mention" and tag.get("href") != author:
            mentioned = await local_actor_by_uri(base_url, str(tag.get("href")))
            if mentioned is not None:
                ids = [i for i in await _ids(Member.filter(actor=mentioned), "id") if i not in told]
                await _notify(ids, NotificationKind.MENTION, author, post.uri)
                told.update(ids)
    if space is not None:
        members = Membership.filter(
            space=space, state=MembershipState.ACCEPTED, member_id__isnull=False
        ).exclude(actor_uri=author)
        member_ids = await _ids(members, "member_id")
    elif post.audience:
        followers = Following.filter(target_uri=post.audience, state=FollowState.ACCEPTED)
        actor_ids = await _ids(followers, "follower_id")
        member_ids = await _ids(Member.filter(actor_id__in=actor_ids), "id")
    else:
        member_ids = []
    await _notify(
        [i for i in member_ids if i not in told], NotificationKind.NEW_POST, author, post.uri
    )


async def join_requested(space: Space, requester: str) -> None:
    """Tell the space's local managers that someone asks to join."""
    managers = Membership.filter(
        space=space,
        role__in=roles_that_may(Action.ACCEPT_JOIN),
        state=MembershipState.ACCEPTED,
        member_id__isnull=False,
    )
    space_actor = await space.actor
    ids = await _ids(managers, "member_id")
    await _notify(ids, NotificationKind.JOIN_REQUEST, requester, space_actor.name)


async def join_accepted(member: LocalActor, space_uri: str) -> None:
    ids = await _ids(Member.filter(actor=member), "id")
    await _notify(ids, NotificationKind.JOIN_ACCEPTED, space_uri, space_uri)


async def notify_actor(
    actor: LocalActor, kind: NotificationKind, from_uri: str, object_uri: str
) -> None:
    """Notify the member behind a local actor."""
    await _notify(await _ids(Member.filter(actor=actor), "id"), kind, from_uri, object_uri)


async def list_notifications(member: Member, unread_only: bool = False) -> list[Notification]:
    query = Notification.filter(member=member)
    if unread_only:
        query = query.filter(read=False)
    return list(await query.order_by("-id").limit(40))


async def mark_read(member: Member, ids: Iterable[int] | None = None) -> int:
    """Mark some (or, with None, all) of a member's notifications read; return how many."""
    query = Notification.filter(member=member, read=False)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    return await query.update(read=True)
