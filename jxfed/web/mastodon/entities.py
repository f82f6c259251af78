"""Mastodon entities built from jxfed's models: accounts (members, spaces, actors of peers) and
statuses (posts), each in one function. Counts and relations are looked up by the callers."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jxfed.activitypub.policy import host_of
from jxfed.actors.documents import actor_id
from jxfed.actors.models import ActorKind, LocalActor, RemoteActor
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Post, Space
from jxfed.spaces.posts import html_to_text, sanitise
from jxfed.web.mastodon.ids import local_account_id, remote_account_id, status_id

AVATAR_PATH = "/static/mastodon/avatar.png"
HEADER_PATH = "/static/mastodon/header.png"


def iso(moment: datetime) -> str:
    """Mastodon's timestamps: UTC with milliseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class AccountCounts:
    followers: int = 0
    following: int = 0
    statuses: int = 0
    last_status_at: datetime | None = None


def _images(settings: Settings) -> dict[str, str]:
    avatar, header = settings.url(AVATAR_PATH), settings.url(HEADER_PATH)
    return {"avatar": avatar, "avatar_static": avatar, "header": header, "header_static": header}


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT00:00:00.000Z")


def local_account(
    settings: Settings, actor: LocalActor, space: Space | None, counts: AccountCounts
) -> dict[str, Any]:
    """A member, or a space (`group: true`, `locked` unless it is open)."""
    uri = actor_id(settings, actor)
    note = space.description if space is not None else html.escape(actor.summary)
    return {
        "id": local_account_id(actor.id),
        "username": actor.name,
        "acct": actor.name,
        "display_name": actor.display_name or actor.name,
        "locked": space is not None and space.access != Access.OPEN,
        "bot": actor.kind == ActorKind.APPLICATION,
        "discoverable": space is None or space.access != Access.CONFIDENTIAL,
        "indexable": False,
        "group": actor.kind == ActorKind.GROUP,
        "created_at": _day(actor.created_at),
        "note": note,
        "url": uri,
        "uri": uri,
        **_images(settings),
        "followers_count": counts.followers,
        "following_count": counts.following,
        "statuses_count": counts.statuses,
        "last_status_at": counts.last_status_at.strftime("%Y-%m-%d")
        if counts.last_status_at
        else None,
        "hide_collections": False,
        "noindex": True,
        "emojis": [],
        "fields": [],
    }


def remote_account(settings: Settings, actor: RemoteActor) -> dict[str, Any]:
    """An actor of a peer, from its cached document (counts are not known here: 0)."""
    document = actor.document
    uri = actor.uri
    username = actor.preferred_username or actor.uri.rstrip("/").rsplit("/", 1)[-1]
    url = document.get("url")
    published = document.get("published")
    created = published[:10] + "T00:00:00.000Z" if isinstance(published, str) else None
    return {
        "id": remote_account_id(actor.id),
        "username": username,
        "acct": f"{username}@{host_of(actor.uri)}",
        "display_name": actor.name or username,
        "locked": bool(document.get("manuallyApprovesFollowers")),
        "bot": actor.kind in ("Application", "Service"),
        "discoverable": bool(document.get("discoverable", False)),
        "indexable": False,
        "group": actor.kind == "Group",
        "created_at": created or _day(actor.fetched_at),
        "note": sanitise(str(document.get("summary") or "")),
        "url": url if isinstance(url, str) and url.startswith(("https://", "http://")) else uri,
        "uri": actor.uri,
        **_images(settings),
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


def visibility(post: Post, space: Space | None) -> str:
    """public for a public post; private otherwise, and always for a confidential space."""
    if space is not None and space.access == Access.CONFIDENTIAL:
        return "private"
    return "public" if post.public else "private"


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """What a status shows besides its post: counts, the reader's flags, its media."""

    favourites: int = 0
    replies: int = 0
    reblogs: int = 0
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    media: tuple[dict[str, Any], ...] = ()


def status(
    post: Post,
    account: dict[str, Any],
    *,
    space: Space | None,
    parent: tuple[str, str] | None,
    mentions: list[dict[str, Any]],
    facts: StatusFacts,
) -> dict[str, Any]:
    """A post as a status; `parent` is (status id, account id) of the post it answers."""
    content = post.content
    if post.title:
        content = f"<p><strong>{html.escape(post.title)}</strong></p>{content}"
    tags = [
        {"name": str(tag.get("name", "")).lstrip("#"), "url": str(tag.get("href", ""))}
        for tag in post.document.get("tag", []) or []
        if isinstance(tag, dict) and tag.get("type") == "Hashtag" and tag.get("name")
    ]
    summary = post.document.get("summary")
    spoiler = html_to_text(summary) if isinstance(summary, str) else ""
    return {
        "id": status_id(post.id),
        "uri": post.uri,
        "url": post.uri,
        "created_at": iso(post.published),
        "edited_at": iso(post.updated) if post.updated else None,
        "account": account,
        "content": content,
        "visibility": visibility(post, space),
        "sensitive": bool(spoiler) or post.document.get("sensitive") is True,
        "spoiler_text": spoiler,
        "media_attachments": list(facts.media),
        "application": None,
        "mentions": mentions,
        "tags": tags,
        "emojis": [],
        "reblogs_count": facts.reblogs,
        "favourites_count": facts.favourites,
        "replies_count": facts.replies,
        "in_reply_to_id": parent[0] if parent else None,
        "in_reply_to_account_id": parent[1] if parent else None,
        "reblog": None,
        "poll": None,
        "card": None,
        "language": _language(post, space),
        "favourited": facts.favourited,
        "reblogged": facts.reblogged,
        "muted": False,
        "bookmarked": facts.bookmarked,
        "pinned": False,
        "filtered": [],
    }


def reblog_by_space(original: dict[str, Any], space_account: dict[str, Any]) -> dict[str, Any]:
    """A space's post as the space's boost of it (the Announce the space sent).

    The boost takes the original's id: posts and boosts share one id sequence this way, so a
    timeline of both stays ordered and pages with the same max_id/min_id.
    """
    return reblog(original, space_account)


def reblog(original: dict[str, Any], booster: dict[str, Any]) -> dict[str, Any]:
    """`booster`'s boost of `original`, under the original's id (see reblog_by_space)."""
    return {
        **original,
        "account": booster,
        "content": "",
        "mentions": [],
        "tags": [],
        "favourites_count": 0,
        "replies_count": 0,
        "reblogs_count": 0,
        "media_attachments": [],
        "spoiler_text": "",
        "sensitive": False,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "language": None,
        "edited_at": None,
        "reblog": original,
    }


def _language(post: Post, space: Space | None) -> str | None:
    content_map = post.document.get("contentMap")
    if isinstance(content_map, dict) and content_map:
        return str(next(iter(content_map)))[:2] or None
    return space.language if space is not None else None
