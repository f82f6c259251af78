"""Search for the client API: accounts by handle (resolved on a peer with `resolve`) or by
name, statuses by URL or text, hashtags. Everything goes through the reader's visibility."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q

from jxfed.activitypub.transport import FetchError, NotAPeer
from jxfed.actors.models import ActorKind, LocalActor, RemoteActor
from jxfed.errors import JxfedError, NotFound
from jxfed.spaces.models import Post
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.mastodon.account_views import Target, _visible, account_entity, lookup, target_by_uri
from jxfed.web.mastodon.status_views import StatusRenderer

if TYPE_CHECKING:
    from jxfed.runtime import Services

HANDLE = re.compile(r"^@?[\w.-]+@[\w.-]+(:\d+)?$")
HASHTAG = re.compile(r"^#?(\w{1,64})$")


async def find_accounts(
    services: Services, reader: Reader, q: str, *, resolve: bool, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A handle or URL names one account (looked up on its peer only with `resolve`);
    anything else matches local members, visible spaces and known actors of peers by name."""
    q = q.strip()
    if HANDLE.match(q) or q.startswith(("https://", "http://")):
        try:
            if q.startswith("http"):
                found = await target_by_uri(services, q, fetch=resolve)
                target = await _visible(reader, found)
            elif resolve:
                target = await lookup(services, reader, q)
            else:
                target = await _cached(services, reader, q)
        except (JxfedError, FetchError, NotAPeer, ValueError):
            return []  # nobody there, not a peer, or not an actor
        return [await account_entity(services, target)]
    term = q.lstrip("@")
    if not term:
        return []
    targets: list[Target] = []
    local = LocalActor.filter(
        Q(name__icontains=term) | Q(display_name__icontains=term),
        kind__in=[ActorKind.PERSON, ActorKind.GROUP],
    ).order_by("name")
    for actor in await local:
        found = await target_by_uri(services, services.actor_uri(actor), fetch=False)
        try:
            targets.append(await _visible(reader, found))
        except NotFound:
            continue
    remote = RemoteActor.filter(
        Q(preferred_username__icontains=term) | Q(name__icontains=term),
        kind__in=["Person", "Group"],
    ).order_by("preferred_username")
    for cached in await remote:
        try:
            targets.append(await _visible(reader, Target(cached.uri, remote=cached)))
        except NotFound:
            continue
    return [await account_entity(services, t) for t in targets[offset : offset + limit]]


async def _cached(services: Services, reader: Reader, handle: str) -> Target:
    """A handle among the actors already known here (no request to the peer)."""
    name, _, host = handle.lstrip("@").lower().partition("@")
    if host == services.settings.domain:
        return await lookup(services, reader, name)
    for actor in await RemoteActor.filter(preferred_username__iexact=name):
        if actor.uri.lower().split("/")[2] == host:
            return await _visible(reader, Target(actor.uri, remote=actor))
    raise NotFound("Record not found")


async def find_statuses(
    services: Services, reader: Reader, q: str, *, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A post by its URL, or posts whose text holds `q` (members only), newest first."""
    q = q.strip()
    visible = Post.filter(visible_posts(reader))
    if q.startswith(("https://", "http://")):
        posts = await visible.filter(uri=q).limit(1)
    elif reader.uri is None:
        return []  # as Mastodon: full-text search is for signed-in members
    else:
        posts = (
            await visible.filter(content__icontains=q).order_by("-id").offset(offset).limit(limit)
        )
    return await StatusRenderer(services, reader).render(list(posts))


async def find_hashtags(
    services: Services, reader: Reader, q: str, *, limit: int
) -> list[dict[str, Any]]:
    """The hashtag `q` names, when a post the reader may see carries it."""
    matched = HASHTAG.match(q.strip())
    if matched is None or limit < 1:
        return []
    name = matched.group(1).lower()
    if not await Post.filter(visible_posts(reader), hashtags__name=name).exists():
        return []
    url = services.settings.url(f"/tags/{name}")
    return [{"id": name, "name": name, "url": url, "history": [], "following": False}]
