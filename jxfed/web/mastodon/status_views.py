"""Rendering a page of posts as statuses, with a handful of queries for the whole page.

A post made in a space shows as the space's boost of it (its Announce) where `boosts` is
asked for: in home timelines and on the space's account.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.transport import FetchError, NotAPeer
from jxfed.errors import JxfedError
from jxfed.files.models import MediaAttachment
from jxfed.spaces.models import Boost, Post, Reaction, Space
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.mastodon.account_views import (
    account_entities,
    account_entity,
    may_see_target,
    target_by_uri,
)
from jxfed.web.mastodon.entities import StatusFacts, reblog_by_space, status
from jxfed.web.mastodon.ids import status_id
from jxfed.web.mastodon.media_entities import entity as media_entity
from jxfed.web.mastodon.media_entities import remote_entities
from jxfed.web.mastodon.models import Bookmark

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)


class StatusRenderer:
    """Statuses for one reader; accounts are built once per request."""

    def __init__(self, services: Services, reader: Reader) -> None:
        self.services = services
        self.reader = reader
        self._accounts: dict[str, dict[str, Any] | None] = {}

    async def account(self, uri: str, *, fetch: bool = True) -> dict[str, Any] | None:
        """The account entity of an actor URI, or None when it cannot be had."""
        if uri not in self._accounts:
            try:
                target = await target_by_uri(self.services, uri, fetch=fetch)
                if target is not None and not await may_see_target(self.reader, target):
                    target = None  # a confidential space of a peer, to someone outside it
            except (FetchError, NotAPeer, JxfedError) as exc:
                log.info("no account for %s: %s", uri, exc)
                target = None
            self._accounts[uri] = (
                await account_entity(self.services, target) if target is not None else None
            )
        return self._accounts[uri]

    async def render(self, posts: list[Post], *, boosts: bool = False) -> list[dict[str, Any]]:
        """The statuses of `posts`, in order; a post whose author is unknown is left out."""
        if not posts:
            return []
        ids = [post.id for post in posts]
        spaces = {
            space.id: space
            for space in await Space.filter(
                id__in={p.space_id for p in posts if p.space_id is not None}  # type: ignore[attr-defined]
            ).select_related("actor")
        }
        likes = await Reaction.filter(post_id__in=ids, emoji="").values_list("post_id", "actor_uri")
        favourites = Counter(int(post_id) for post_id, _ in likes)
        mine = {int(post_id) for post_id, actor in likes if actor == self.reader.uri}
        boosted = await Boost.filter(post_id__in=ids).values_list("post_id", "member_id")
        reblogs = Counter(int(post_id) for post_id, _ in boosted)
        reblogged = {int(post_id) for post_id, member in boosted if member == self.reader.member_id}
        marks = Bookmark.filter(post_id__in=ids, member_id=self.reader.member_id)
        bookmarked = {
            int(str(post_id)) for post_id in await marks.values_list("post_id", flat=True)
        }
        media: dict[int, list[dict[str, Any]]] = {}
        for attached in await MediaAttachment.filter(post_id__in=ids).order_by("id"):
            media.setdefault(attached.post_id, []).append(  # type: ignore[attr-defined]
                media_entity(self.services.settings, attached)
            )
        # Counts and parents as the reader may see them (the visibility gate decides).
        visible = Post.filter(visible_posts(self.reader))
        replies = Counter(
            str(uri)
            for uri in await visible.filter(in_reply_to__in=[p.uri for p in posts]).values_list(
                "in_reply_to", flat=True
            )
        )
        parents = {
            str(uri): (int(pid), str(author))
            for pid, uri, author in await visible.filter(
                uri__in=[p.in_reply_to for p in posts if p.in_reply_to]
            ).values_list("id", "uri", "author_uri")
        }
        await self._preload(posts, parents.values())
        rendered = []
        for post in posts:
            space = spaces.get(post.space_id)  # type: ignore[attr-defined]
            account = await self.account(post.author_uri)
            if account is None:
                continue
            parent = None
            if post.in_reply_to in parents:
                parent_id, parent_author = parents[post.in_reply_to]
                parent_account = await self.account(parent_author, fetch=False)
                parent = (status_id(parent_id), parent_account["id"] if parent_account else None)
            facts = StatusFacts(
                favourites=favourites[post.id],
                replies=replies[post.uri],
                reblogs=reblogs[post.id],
                favourited=post.id in mine,
                reblogged=post.id in reblogged,
                bookmarked=post.id in bookmarked,
                media=tuple(media.get(post.id) or ([] if post.local else remote_entities(post))),
            )
            entity = status(
                post,
                account,
                space=space,
                parent=parent,  # type: ignore[arg-type]
                mentions=await self._mentions(post),
                facts=facts,
            )
            rendered.append(await self._boosted(post, entity) if boosts else entity)
        return rendered

    async def _preload(self, posts: list[Post], parents: Iterable[tuple[int, str]]) -> None:
        """Build at once the accounts the page shows: authors, spaces, parents' authors, and
        the mentioned."""
        uris = {post.author_uri for post in posts}
        uris |= {post.audience for post in posts if post.audience}
        uris |= {author for _, author in parents}
        for post in posts:
            for tag in post.document.get("tag", []) or []:
                if isinstance(tag, dict) and tag.get("type") == "Mention":
                    uris.add(str(tag.get("href")))
        missing = [uri for uri in uris if uri not in self._accounts]
        if missing:
            self._accounts.update(await account_entities(self.services, self.reader, missing))

    async def _boosted(self, post: Post, entity: dict[str, Any]) -> dict[str, Any]:
        """The status as its space's boost, when it was posted in a space."""
        if post.in_reply_to:
            return entity
        space_uri = post.audience
        if space_uri is None or space_uri == post.author_uri:
            return entity
        space_account = await self.account(space_uri, fetch=False)
        if space_account is None or not space_account["group"]:
            return entity
        return reblog_by_space(entity, space_account)

    async def _mentions(self, post: Post) -> list[dict[str, Any]]:
        found = []
        for tag in post.document.get("tag", []) or []:
            if not isinstance(tag, dict) or tag.get("type") != "Mention":
                continue
            account = await self.account(str(tag.get("href")), fetch=False)
            if account is not None:
                found.append(
                    {
                        "id": account["id"],
                        "username": account["username"],
                        "acct": account["acct"],
                        "url": account["url"],
                    }
                )
        return found
