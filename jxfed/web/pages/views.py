"""What the pages show of the stored models: named view values, built here and nowhere else.

Lists reach here already filtered by the visibility gate (`visible_posts`, `may_see`); these
converters only shape what may be shown. Post content is the sanitised HTML stored (nh3);
everything else is text the templates escape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from jxfed.actors.models import ActorKind, LocalActor, RemoteActor
from jxfed.actors.paths import PREFIX, name_from_uri
from jxfed.spaces.models import Post, Reaction
from jxfed.web.context import services


@dataclass(frozen=True, slots=True)
class ActorLink:
    """A member or a space, here or on a peer: how a page names it and where it links."""

    uri: str
    name: str  # what to show: the display name, else the user name
    handle: str  # name@host
    url: str  # its page on this instance
    local: bool
    kind: str  # "person" or "group"


@dataclass(frozen=True, slots=True)
class Picture:
    """An image attached to a post: shown lazily, its box reserved by its width and height."""

    url: str
    description: str
    width: int | None
    height: int | None


@dataclass(slots=True)
class PostView:
    id: int
    uri: str
    url: str
    title: str
    content: str  # sanitised HTML
    author: ActorLink
    space: ActorLink | None
    published: datetime
    updated: datetime | None
    in_reply_to: str | None
    local: bool
    reactions: list[tuple[str, int]] = field(default_factory=list)
    comments: int = 0
    language: str = ""
    pictures: list[Picture] = field(default_factory=list)


def _host(uri: str) -> str:
    return urlsplit(uri).netloc


def _unknown(uri: str) -> ActorLink:
    path = urlsplit(uri).path.rstrip("/")
    name = path.rsplit("/", 1)[-1] or _host(uri)
    kind = "group" if "/spaces/" in path or "/groups/" in path else "person"
    handle = f"{name}@{_host(uri)}"
    prefix = PREFIX[ActorKind.GROUP] if kind == "group" else PREFIX[ActorKind.PERSON]
    return ActorLink(uri, name, handle, prefix + handle, False, kind)


async def actor_links(uris: Iterable[str]) -> dict[str, ActorLink]:
    """Every actor named by `uris`, looked up in two queries (local actors, cached peers)."""
    base_url = services().settings.base_url
    domain = services().settings.domain
    wanted = set(uris)
    local_names: dict[str, str] = {}
    for uri in wanted:
        found = name_from_uri(base_url, uri)
        if found is not None and found[0] != ActorKind.APPLICATION:
            local_names[found[1]] = uri
    links: dict[str, ActorLink] = {}
    for actor in await LocalActor.filter(name__in=list(local_names)):
        uri = local_names[actor.name]
        links[uri] = ActorLink(
            uri,
            actor.display_name or actor.name,
            f"{actor.name}@{domain}",
            PREFIX[actor.kind] + actor.name,
            True,
            actor.kind.value,
        )
    remote = [uri for uri in wanted if uri not in links]
    for cached in await RemoteActor.filter(uri__in=remote):
        links[cached.uri] = remote_link(cached)
    for uri in wanted - links.keys():
        links[uri] = _unknown(uri)
    return links


def remote_link(actor: RemoteActor) -> ActorLink:
    name = actor.preferred_username or urlsplit(actor.uri).path.rsplit("/", 1)[-1]
    handle = f"{name}@{_host(actor.uri)}"
    kind = "group" if actor.kind == "Group" else "person"
    prefix = PREFIX[ActorKind.GROUP] if kind == "group" else PREFIX[ActorKind.PERSON]
    return ActorLink(actor.uri, actor.name or name, handle, prefix + handle, False, kind)


def _size(value: object) -> int | None:
    return value if isinstance(value, int) and 0 < value <= 20_000 else None


def pictures_of(document: object) -> list[Picture]:
    """The images a post carries (its `attachment`), on http(s) only, at most four."""
    items = document.get("attachment") if isinstance(document, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        url, kind = item["url"], str(item.get("mediaType") or "")
        if url.startswith(("https://", "http://")) and kind.startswith("image/"):
            name = item.get("name")
            description = name[:1500] if isinstance(name, str) else ""
            found.append(
                Picture(url, description, _size(item.get("width")), _size(item.get("height")))
            )
    return found[:4]


def _language(document: object) -> str:
    """The language a post says it is written in (its `contentMap`), for `lang=` on it."""
    languages = document.get("contentMap") if isinstance(document, dict) else None
    return next(iter(languages), "")[:16] if isinstance(languages, dict) else ""


async def post_views(posts: Sequence[Post]) -> list[PostView]:
    """Views of visible posts, with authors, spaces, reaction counts and comment counts."""
    if not posts:
        return []
    space_uris = {p.audience for p in posts if p.audience}
    links = await actor_links({p.author_uri for p in posts} | space_uris)
    ids = [p.id for p in posts]
    reactions: dict[int, Counter[str]] = {}
    for post_id, emoji in await Reaction.filter(post_id__in=ids).values_list("post_id", "emoji"):
        reactions.setdefault(int(post_id), Counter())[emoji or "♥"] += 1
    replies = Post.filter(in_reply_to__in=[p.uri for p in posts], deleted=False)
    comments: Counter[str] = Counter(
        str(uri) for uri in await replies.values_list("in_reply_to", flat=True)
    )
    return [
        PostView(
            id=p.id,
            uri=p.uri,
            url=f"/posts/{p.id}",
            title=p.title,
            content=p.content,
            author=links[p.author_uri],
            space=links.get(p.audience) if p.audience else None,
            published=p.published,
            updated=p.updated,
            in_reply_to=p.in_reply_to,
            local=p.local,
            reactions=sorted(reactions.get(p.id, Counter()).items()),
            comments=comments.get(p.uri, 0),
            language=_language(p.document),
            pictures=pictures_of(p.document),
        )
        for p in posts
    ]
