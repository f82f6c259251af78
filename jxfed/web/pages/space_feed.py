"""What a space's page lists: its feed (a page of top-level posts, newest first, by cursor,
each with its latest comments), its members with their roles, and the pending join requests.

Every post comes through `visible_posts` (the one gate for lists); members and requests are
only asked for when the viewer's role lets them see them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from jxfed.spaces.models import Membership, MembershipState, Post, Role
from jxfed.spaces.visibility import visible_posts
from jxfed.web.pages.home import feed_page
from jxfed.web.pages.space_views import SpacePlace
from jxfed.web.pages.views import ActorLink, PostView, actor_links, post_views

LATEST_COMMENTS = 3
COMMENT_ROWS = 200  # at most this many comments read for one page of posts


@dataclass(slots=True)
class FeedEntry:
    post: PostView
    comments: list[PostView] = field(default_factory=list)  # the latest, oldest first


@dataclass(slots=True)
class Feed:
    entries: list[FeedEntry]
    older: int | None  # ?max_id= for the "older" link, when there are older posts
    newer: int | None  # ?min_id= for the "newer" link, when there are newer posts


@dataclass(frozen=True, slots=True)
class MemberRow:
    membership: int  # the Membership's id, what the managers' forms name
    actor: ActorLink
    role: Role


async def space_feed(place: SpacePlace) -> Feed:
    """The page of the space's top-level posts the request asks for (?max_id= / ?min_id=, as
    the home feed pages), those the viewer may see, with their latest comments."""
    posts = Post.filter(visible_posts(place.reader), in_reply_to__isnull=True)
    if place.space is not None:
        posts = posts.filter(space_id=place.space.id)
    else:
        posts = posts.filter(audience=place.uri)
    rows, cursors = await feed_page(posts)
    feed = Feed([], cursors.older, cursors.newer)
    if not rows:
        return feed
    replies = await (
        Post.filter(visible_posts(place.reader), in_reply_to__in=[p.uri for p in rows])
        .order_by("-id")
        .limit(COMMENT_ROWS)
    )
    kept: Counter[str] = Counter()
    latest: list[Post] = []
    for reply in replies:
        if reply.in_reply_to is not None and kept[reply.in_reply_to] < LATEST_COMMENTS:
            kept[reply.in_reply_to] += 1
            latest.append(reply)
    views = await post_views([*rows, *reversed(latest)])
    comments: dict[str, list[PostView]] = {}
    for view in views[len(rows) :]:
        comments.setdefault(view.in_reply_to or "", []).append(view)
    feed.entries = [FeedEntry(view, comments.get(view.uri, [])) for view in views[: len(rows)]]
    return feed


async def member_count(place: SpacePlace) -> int | None:
    """How many members a space here has (None for a peer's: not held here)."""
    if place.space is None:
        return None
    return await Membership.filter(space=place.space, state=MembershipState.ACCEPTED).count()


async def _rows(place: SpacePlace, state: MembershipState) -> list[MemberRow]:
    memberships = await Membership.filter(space=place.space, state=state).order_by("id")
    links = await actor_links(m.actor_uri for m in memberships)
    return [MemberRow(m.id, links[m.actor_uri], m.role) for m in memberships]


async def members(place: SpacePlace) -> list[MemberRow]:
    """The members of a space here, with their roles (asked only for those who may see them)."""
    return await _rows(place, MembershipState.ACCEPTED) if place.space is not None else []


async def join_requests(place: SpacePlace) -> list[MemberRow]:
    """The join requests waiting for a space manager of a space here."""
    return await _rows(place, MembershipState.PENDING) if place.space is not None else []
