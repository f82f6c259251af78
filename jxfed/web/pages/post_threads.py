"""A post's page as the viewer may see it: the post, the posts it answers, its comments nested
by what they answer (oldest first), its earlier versions, and what the viewer may do with each.

Every post shown passes the visibility gate (`may_see`, `visible_posts`); what the viewer may
do follows the roles' table (`roles.may`, `editing.may_change`), as the services will check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jxfed.actors.models import Member
from jxfed.errors import NotFound
from jxfed.spaces import threads
from jxfed.spaces.editing import may_change
from jxfed.spaces.models import Membership, MembershipState, Post, PostRevision, Reaction, Role
from jxfed.spaces.roles import Action, may
from jxfed.spaces.visibility import Reader, may_see, reader_of
from jxfed.web.context import services
from jxfed.web.pages import sessions
from jxfed.web.pages.views import PostView, post_views

MAX_ANCESTORS = 20
MAX_COMMENTS = 200
MAX_DEPTH = 6  # deeper replies are shown at this depth, still after what they answer


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: a signed-in member (their actor URI and reader), or an anonymous visitor."""

    member: Member | None
    uri: str | None
    reader: Reader


async def viewer() -> Viewer:
    """The request's viewer, as the visibility gate knows them."""
    member = await sessions.signed_in_member()
    uri = services().actor_uri(member.actor) if member is not None else None
    return Viewer(member, uri, await reader_of(member, uri))


async def visible_post(looking: Viewer, post_id: int) -> Post:
    """The post, if the viewer may see it; otherwise the 404 of an id that names nothing."""
    post = await Post.get_or_none(id=post_id)  # the route's <id:…> keeps it within the column
    if post is None or not await may_see(looking.reader, post):
        raise NotFound("no such post")
    return post


@dataclass(frozen=True, slots=True)
class Powers:
    """What the viewer may do, by the roles they hold in the spaces of the posts shown."""

    uri: str | None
    roles: dict[int, Role]

    def _role(self, post: Post) -> Role | None:
        space_id = post.space_id  # type: ignore[attr-defined]
        return None if space_id is None else self.roles.get(space_id)

    def comment(self, post: Post) -> bool:
        """Comment on or react to `post` (a space of a peer decides for itself)."""
        if self.uri is None:
            return False
        return post.space_id is None or may(self._role(post), Action.COMMENT)  # type: ignore[attr-defined]

    def change(self, post: Post, *, deleting: bool) -> bool:
        """Edit (or delete) `post`."""
        if self.uri is None:
            return False
        own = post.author_uri == self.uri
        in_space = post.space_id is not None  # type: ignore[attr-defined]
        return may_change(self._role(post), own=own, in_space=in_space, deleting=deleting)


async def powers_of(looking: Viewer) -> Powers:
    """The viewer's roles in the spaces here they belong to."""
    if looking.uri is None:
        return Powers(None, {})
    held = await Membership.filter(
        actor_uri=looking.uri, state=MembershipState.ACCEPTED
    ).values_list("space_id", "role")
    return Powers(looking.uri, {int(space): Role(role) for space, role in held})


@dataclass(slots=True)
class Comment:
    """A comment in the thread, with the viewer's possible actions and its replies."""

    view: PostView
    may_comment: bool
    may_edit: bool
    may_delete: bool
    mine: frozenset[str]  # the viewer's own reactions ("": a like)
    replies: list[Comment] = field(default_factory=list)


@dataclass(slots=True)
class Thread:
    """All a post's page shows."""

    post: Comment
    ancestors: list[PostView]
    comments: list[Comment]
    count: int
    revisions: list[PostRevision]


def _nest(top: str, comments: list[Comment]) -> list[Comment]:
    """Each comment under the one it answers (oldest first), at most MAX_DEPTH deep; those
    that answer `top` (a post's or an item's URI) or nothing shown, returned."""
    shown: list[Comment] = []
    by_uri: dict[str, tuple[Comment | None, int]] = {top: (None, 0)}
    for comment in comments:  # oldest first: what a comment answers is already placed
        parent, depth = by_uri.get(comment.view.in_reply_to or "", (None, 0))
        while depth >= MAX_DEPTH and parent is not None:
            parent, depth = by_uri.get(parent.view.in_reply_to or "", (None, 0))
        (shown if parent is None else parent.replies).append(comment)
        by_uri[comment.view.uri] = (comment, depth + 1)
    return shown


async def _entries(looking: Viewer, shown: list[Post], views: list[PostView]) -> list[Comment]:
    """The posts as the thread shows them, with what the viewer may do with each."""
    by_id = {view.id: view for view in views}
    powers = await powers_of(looking)
    mine: set[tuple[int, str]] = set()
    if looking.uri is not None:
        given = Reaction.filter(post_id__in=[p.id for p in shown], actor_uri=looking.uri)
        mine = {(int(i), str(e)) for i, e in await given.values_list("post_id", "emoji")}
    return [
        Comment(
            view=by_id[p.id],
            may_comment=powers.comment(p),
            may_edit=powers.change(p, deleting=False),
            may_delete=powers.change(p, deleting=True),
            mine=frozenset(emoji for i, emoji in mine if i == p.id),
        )
        for p in shown
    ]


async def thread_of(looking: Viewer, post: Post) -> Thread:
    """The post's page: its thread as the viewer may see it and what they may do in it."""
    ancestors = await threads.ancestors(looking.reader, post, MAX_ANCESTORS)
    descendants = await threads.descendants(looking.reader, post, MAX_COMMENTS)
    shown = [post, *descendants]
    views = await post_views([*ancestors, *shown])
    by_id = {view.id: view for view in views}
    entries = await _entries(looking, shown, views)
    root, comments = entries[0], entries[1:]
    root.replies.extend(_nest(post.uri, comments))
    revisions = await PostRevision.filter(post_id=post.id).order_by("-id")
    return Thread(
        post=root,
        ancestors=[by_id[p.id] for p in ancestors],
        comments=root.replies,
        count=len(comments),
        revisions=list(revisions),
    )


async def comments_on(looking: Viewer, uri: str) -> tuple[list[Comment], int]:
    """The comments on a library item (its URI) the viewer may see, nested as a post's are,
    and how many they are."""
    found = await threads.replies_to(looking.reader, uri, MAX_COMMENTS)
    entries = await _entries(looking, found, await post_views(found))
    return _nest(uri, entries), len(entries)
