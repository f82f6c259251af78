"""The counts an account shows, kept as posts are stored and deleted.

Counting at each read would cost a scan of a space's posts for every page that shows the space
(100,000 posts: tens of milliseconds a page). A member counts their public posts, comments
included; a space counts its posts without comments. `last_status_at` is the newest publication
counted (a deletion leaves it, as Mastodon does). Migration 0005 started the counts from what
the database held.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F, Q

from jxfed.actors.models import LocalActor
from jxfed.actors.paths import local_actor_by_uri
from jxfed.spaces.models import Post, Space


async def _counting(post: Post, base_url: str) -> list[int]:
    """The local actors whose counts include `post`."""
    ids: list[int] = []
    space_id = post.space_id  # type: ignore[attr-defined]
    if space_id is not None and post.in_reply_to is None:
        space = await Space.get_or_none(id=space_id)
        if space is not None:
            ids.append(space.actor_id)  # type: ignore[attr-defined]
    if post.public:
        author = await local_actor_by_uri(base_url, post.author_uri)
        if author is not None:
            ids.append(author.id)
    return ids


async def post_added(post: Post, base_url: str) -> None:
    for actor_id in await _counting(post, base_url):
        await LocalActor.filter(id=actor_id).update(statuses_count=F("statuses_count") + 1)
        await _newest(actor_id, post.published)


async def post_removed(post: Post, base_url: str) -> None:
    for actor_id in await _counting(post, base_url):
        await LocalActor.filter(id=actor_id, statuses_count__gt=0).update(
            statuses_count=F("statuses_count") - 1
        )


async def _newest(actor_id: int, published: datetime) -> None:
    older = Q(last_status_at__isnull=True) | Q(last_status_at__lt=published)
    await LocalActor.filter(older, id=actor_id).update(last_status_at=published)
