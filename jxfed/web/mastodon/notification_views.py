"""Notifications as Mastodon entities: which jxfed kinds an app can show, and how.

new_post → `status`, reply and mention → `mention`, reaction → `favourite`, join request →
`follow_request`. Accepted joins and role changes have no Mastodon type: the instance's own
pages show them, the client API leaves them out.
"""

from __future__ import annotations

from typing import Any

from jxfed.spaces.models import Notification, NotificationKind, Post
from jxfed.spaces.visibility import visible_posts
from jxfed.web.mastodon.entities import iso
from jxfed.web.mastodon.status_views import StatusRenderer

TYPES: dict[NotificationKind, str] = {
    NotificationKind.NEW_POST: "status",
    NotificationKind.REPLY: "mention",
    NotificationKind.MENTION: "mention",
    NotificationKind.REACTION: "favourite",
    NotificationKind.JOIN_REQUEST: "follow_request",
}
WITH_STATUS = {"status", "mention", "favourite"}


def kinds_for(types: list[str], exclude: list[str]) -> list[NotificationKind]:
    """The jxfed kinds behind the Mastodon types asked for (all shown ones by default)."""
    return [
        kind for kind, name in TYPES.items() if (not types or name in types) and name not in exclude
    ]


async def entity(renderer: StatusRenderer, note: Notification) -> dict[str, Any] | None:
    """The notification as the reader may see it; None when its account or post is gone, or
    the post is no longer visible to them (a member removed from a confidential space)."""
    kind = TYPES.get(note.kind)
    account = await renderer.account(note.actor_uri, fetch=False)
    if kind is None or account is None:
        return None
    found: dict[str, Any] = {
        "id": str(note.id),
        "type": kind,
        "created_at": iso(note.created_at),
        "group_key": f"ungrouped-{note.id}",
        "account": account,
    }
    if kind in WITH_STATUS:
        post = await Post.filter(visible_posts(renderer.reader), uri=note.object_uri).first()
        statuses = await renderer.render([post]) if post is not None else []
        if not statuses:
            return None
        found["status"] = statuses[0]
    return found
