"""Notifications as the page says them: one sentence each, in the member's language, linking to
what it is about. A notification about something the member may no longer see is left out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from jxfed.activitypub.policy import host_or_none
from jxfed.actors.models import ActorKind, Following, Member, RemoteActor
from jxfed.actors.paths import PREFIX, name_from_uri
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.library.paths import path_of
from jxfed.spaces.models import Membership, Notification, NotificationKind, Post, Role, Space
from jxfed.spaces.visibility import Reader, may_see, visible_posts
from jxfed.web.context import services
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.views import ActorLink, actor_links

ABOUT_A_POST = frozenset(
    {
        NotificationKind.NEW_POST,
        NotificationKind.REPLY,
        NotificationKind.MENTION,
        NotificationKind.REACTION,
    }
)


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    sentence: str
    url: str
    unread: bool
    created_at: datetime


def role_name(role: str | None) -> str:
    """A role as members read it."""
    names = {
        Role.READER: _("reader"),
        Role.CONTRIBUTOR: _("contributor"),
        Role.CONTENT_MANAGER: _("content manager"),
        Role.SPACE_MANAGER: _("space manager"),
    }
    return names.get(Role(role), role) if role in set(Role) else _("unknown")


def _space_uri(note: Notification, base_url: str) -> str | None:
    """The space a notification names (a join request keeps the local space's slug)."""
    if note.kind in ABOUT_A_POST:
        return None
    if note.kind == NotificationKind.JOIN_REQUEST:
        return base_url + PREFIX[ActorKind.GROUP] + note.object_uri
    return note.object_uri


async def _space_seen(reader: Reader, uri: str) -> bool:
    """Whether the space at `uri` (here or on a peer) is known here and the reader may see it."""
    here = name_from_uri(services().settings.base_url, uri)
    if here is not None:
        space = await Space.get_or_none(actor__name=here[1])
        return here[0] == ActorKind.GROUP and space is not None and await may_see(reader, space)
    cached = await RemoteActor.get_or_none(uri=uri)
    return cached is not None and await may_see(reader, cached)


async def _role_in(member: Member, space_uri: str) -> str | None:
    """The member's role now in the space (a notification does not keep it)."""
    here = name_from_uri(services().settings.base_url, space_uri)
    if here is not None:
        mine = services().actor_uri(member.actor)
        found = await Membership.get_or_none(space__actor__name=here[1], actor_uri=mine)
        return None if found is None else found.role.value
    following = await Following.get_or_none(follower_id=member.actor.id, target_uri=space_uri)
    return None if following is None else following.role


def _about_post(kind: NotificationKind, name: str, space: ActorLink | None) -> str:
    if kind == NotificationKind.REPLY:
        return _("%(name)s commented on your post", name=name)
    if kind == NotificationKind.MENTION:
        return _("%(name)s mentioned you", name=name)
    if kind == NotificationKind.REACTION:
        return _("%(name)s reacted to your post", name=name)
    if space is not None:
        return _("%(name)s posted in %(space)s", name=name, space=space.name)
    return _("%(name)s published a post", name=name)


async def _about_space(member: Member, note: Notification, name: str, space: ActorLink) -> str:
    if note.kind == NotificationKind.JOIN_REQUEST:
        return _("%(name)s asked to join %(space)s", name=name, space=space.name)
    if note.kind == NotificationKind.JOIN_ACCEPTED:
        return _("You were accepted in %(space)s", space=space.name)
    role = role_name(await _role_in(member, space.uri))
    return _("Your role in %(space)s is now %(role)s", space=space.name, role=role)


async def _commented_items(posts: Iterable[Post]) -> dict[str, tuple[str, str]]:
    """The library items these posts comment on: each one's title and page (`/spaces/HANDLE/
    library/PATH`, HANDLE a slug here or `slug@host` for a peer's space's copy)."""
    uris = [post.in_reply_to for post in posts if post.in_reply_to]
    found: dict[str, tuple[str, str]] = {}
    for item in await LibraryItem.filter(uri__in=uris).select_related("space__actor"):
        if item.space is not None:
            handle = item.space.actor.name
        else:
            space = await RemoteActor.get_or_none(uri=item.space_uri)
            if space is None or not space.preferred_username:
                continue
            handle = f"{space.preferred_username}@{host_or_none(space.uri)}"
        page = f"/spaces/{handle}/library" + quote(await path_of(item), safe="/")
        found[item.uri] = (item.title, page)
    return found


async def notices(member: Member, reader: Reader, notes: Sequence[Notification]) -> list[Notice]:
    """The sentences of `notes` the member may still see, in the order given."""
    base_url = services().settings.base_url
    about_posts = [n.object_uri for n in notes if n.kind in ABOUT_A_POST]
    posts = {p.uri: p for p in await Post.filter(visible_posts(reader), uri__in=about_posts)}
    spaces = {n.id: uri for n in notes if (uri := _space_uri(n, base_url)) is not None}
    audiences = {p.audience for p in posts.values() if p.audience}
    links = await actor_links({n.actor_uri for n in notes} | set(spaces.values()) | audiences)
    replied = [posts[n.object_uri] for n in notes if n.kind == NotificationKind.REPLY]
    items = await _commented_items(p for p in replied if p is not None)
    shown: list[Notice] = []
    for note in notes:
        name = links[note.actor_uri].name
        post = posts.get(note.object_uri) if note.kind in ABOUT_A_POST else None
        if post is not None:
            space = links.get(post.audience) if post.audience else None
            sentence, url = _about_post(note.kind, name, space), f"/posts/{post.id}"
            if note.kind == NotificationKind.REPLY and post.in_reply_to in items:
                title, page = items[post.in_reply_to]
                sentence = _("%(name)s commented on %(title)s", name=name, title=title)
                url = f"{page}#post-{post.id}"
        elif note.id in spaces and await _space_seen(reader, spaces[note.id]):
            space = links[spaces[note.id]]
            sentence, url = await _about_space(member, note, name, space), space.url
        else:
            continue  # gone, or no longer the member's to see
        shown.append(Notice(note.id, sentence, url, not note.read, note.created_at))
    return shown
