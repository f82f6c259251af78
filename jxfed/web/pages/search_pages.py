"""Search: spaces, members (also `name@peer.host`, resolved on the peer) and posts, each only as
the visibility gate lets the member see them."""

from __future__ import annotations

from dataclasses import dataclass, field

from quart import Blueprint, Response, request
from tortoise.expressions import Q

from jxfed.spaces.models import Post
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon.finder import find_accounts
from jxfed.web.pages.directory import SpaceCard, space_directory
from jxfed.web.pages.forms import Form
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.readers import reader_for
from jxfed.web.pages.rendering import page
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.views import ActorLink, PostView, actor_links, post_views

blueprint = Blueprint("pages_search", __name__)
MAX_QUERY = 200
SHOWN = 20


@dataclass(slots=True)
class Found:
    spaces: list[SpaceCard] = field(default_factory=list)
    peer_spaces: list[ActorLink] = field(default_factory=list)
    members: list[ActorLink] = field(default_factory=list)
    posts: list[PostView] = field(default_factory=list)


async def _spaces_here(reader: Reader, term: str) -> list[SpaceCard]:
    """The reader's directory (the gate already asked) whose name or title holds `term`."""
    term = term.lower()
    cards = await space_directory(reader)
    return [c for c in cards if term in c.name.lower() or term in c.title.lower()][:SHOWN]


async def _accounts(reader: Reader, q: str) -> tuple[list[ActorLink], list[ActorLink]]:
    """Members (here and on peers) and peers' spaces, as the client API's search finds them."""
    entities = await find_accounts(services(), reader, q, resolve=True, limit=SHOWN * 2)
    wanted = [e for e in entities if not e["bot"]]
    links = await actor_links(e["uri"] for e in wanted)
    members = [links[e["uri"]] for e in wanted if not e["group"]]
    peer_spaces = [links[e["uri"]] for e in wanted if e["group"] and not links[e["uri"]].local]
    return members[:SHOWN], peer_spaces[:SHOWN]


async def _posts(reader: Reader, q: str) -> list[PostView]:
    posts = (
        await Post.filter(visible_posts(reader))
        .filter(Q(title__icontains=q) | Q(content__icontains=q))
        .order_by("-id")
        .limit(SHOWN)
    )
    return await post_views(posts)


async def find(reader: Reader, q: str) -> Found:
    """Everything `q` names that the reader may see."""
    members, peer_spaces = await _accounts(reader, q)
    term = q.lstrip("@").partition("@")[0]
    return Found(
        spaces=await _spaces_here(reader, term) if term else [],
        peer_spaces=peer_spaces,
        members=members,
        posts=await _posts(reader, q),
    )


@blueprint.get("/search")
async def search() -> Response:
    member = await member_or_sign_in()
    asked = request.args.get("q")
    form = Form({"q": (asked or "").strip()})
    if asked is None:
        return await page("pages/search.html", form=form, found=None)
    q = form.text("q", limit=MAX_QUERY)
    if not form.valid:
        status = 422 if q else 200
        if not q:
            form.errors["q"] = _("Type a name, a handle such as name@host, or words.")
        return await page("pages/search.html", status, form=form, found=None)
    return await page("pages/search.html", form=form, found=await find(await reader_for(member), q))
