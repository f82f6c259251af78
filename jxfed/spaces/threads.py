"""A post's thread as a reader may see it: what it answers, and the comments under it (a
library item's comments too: `replies_to` its URI).

Both the client API's context and the post's page read threads here, through the visibility
gate (`visible_posts`): a thread stops at the first post the reader may not see.
"""

from __future__ import annotations

from jxfed.spaces.models import Post
from jxfed.spaces.visibility import Reader, visible_posts


async def ancestors(reader: Reader, post: Post, limit: int) -> list[Post]:
    """The posts it answers, oldest first, up to the first one the reader may not see."""
    found: list[Post] = []
    parent_uri = post.in_reply_to
    while parent_uri and len(found) < limit:
        parent = await Post.filter(visible_posts(reader), uri=parent_uri).first()
        if parent is None:
            break
        found.append(parent)
        parent_uri = parent.in_reply_to
    return list(reversed(found))


async def descendants(reader: Reader, post: Post, limit: int) -> list[Post]:
    """The replies, and their replies, the reader may see, oldest first (level by level)."""
    return await replies_to(reader, post.uri, limit)


async def replies_to(reader: Reader, uri: str, limit: int) -> list[Post]:
    """The comments on `uri` (a post, or an item of a library) and their replies, as
    `descendants` finds them: those the reader may see, oldest first."""
    found: list[Post] = []
    level = [uri]
    while level and len(found) < limit:
        replies = await Post.filter(visible_posts(reader), in_reply_to__in=level).order_by("id")
        replies = replies[: limit - len(found)]
        found.extend(replies)
        level = [reply.uri for reply in replies]
    return sorted(found, key=lambda reply: reply.id)
