"""A member's page, here or on a peer (`/users/NAME`, `/users/NAME@peer.host`), and following.

The member is found as the client API finds an account (`lookup`: the cache, else WebFinger on
the peer) and through the same visibility gate; a space, the instance actor or a name nobody
holds is the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from quart import Blueprint, Response

from jxfed.actors.models import ActorKind, Member
from jxfed.errors import JxfedError, NotFound
from jxfed.spaces import follows
from jxfed.spaces.models import Post
from jxfed.spaces.posts import html_to_text
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon.account_views import Target, lookup
from jxfed.web.mastodon.relationships import relationship
from jxfed.web.pages.forms import submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.readers import reader_for
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.sessions import signed_in_member
from jxfed.web.pages.signing import SignInFirst, member_or_sign_in
from jxfed.web.pages.views import ActorLink, actor_links, post_views

blueprint = Blueprint("pages_profiles", __name__)
MAX_HANDLE = 300
SHOWN_POSTS = 20


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the viewer stands towards the member shown."""

    own: bool = False
    following: bool = False
    requested: bool = False  # a follow the peer has not answered yet
    followed_by: bool = False


async def _person(handle: str, reader: Reader, member: Member | None) -> Target:
    """The member `handle` names, if the reader may see it; a peer's member for members only."""
    if not handle or len(handle) > MAX_HANDLE:
        raise NotFound("no such member")
    _name, at, host = handle.partition("@")
    if at and host.lower() != services().settings.domain and member is None:
        raise SignInFirst()  # never makes this instance ask a peer for a stranger
    target = await lookup(services(), reader, handle)
    person = (target.local is not None and target.local.kind == ActorKind.PERSON) or (
        target.remote is not None and target.remote.kind not in ("Group", "Application")
    )
    if not person:
        raise NotFound("no such member")
    return target


async def _standing(member: Member | None, target: Target) -> Standing:
    if member is None:
        return Standing()
    if target.local is not None and target.local.id == member.actor.id:
        return Standing(own=True)
    found = await relationship(services(), member.actor, target)
    return Standing(
        following=found["following"],
        requested=found["requested"],
        followed_by=found["followed_by"],
    )


def _summary(target: Target) -> str:
    """The member's presentation as plain text (escaped by the template)."""
    if target.local is not None:
        return target.local.summary
    assert target.remote is not None
    return html_to_text(str(target.remote.document.get("summary") or ""))


async def _show(
    target: Target, member: Member | None, reader: Reader, status: int = 200, problem: str = ""
) -> Response:
    link: ActorLink = (await actor_links([target.uri]))[target.uri]
    posts = (
        await Post.filter(visible_posts(reader), author_uri=target.uri, in_reply_to__isnull=True)
        .order_by("-id")
        .limit(SHOWN_POSTS)
    )
    return await page(
        "pages/profile.html",
        status,
        person=link,
        summary=_summary(target),
        standing=await _standing(member, target),
        posts=await post_views(posts),
        problem=problem,
    )


async def profile_page(handle: str) -> Response:
    """A browser's `/users/HANDLE`: the member's page, or the 404 of a name nobody holds."""
    member = await signed_in_member()
    reader = await reader_for(member)
    return await _show(await _person(handle, reader, member), member, reader)


async def _change(handle: str, follow: bool) -> Response:
    await submitted()
    member = await member_or_sign_in()
    reader = await reader_for(member)
    target = await _person(handle, reader, member)
    me = member.actor
    try:
        if target.local is not None:
            change = follows.follow_here if follow else follows.unfollow_here
            await change(services(), me, target.local)
        elif follow:
            await follows.follow(services(), me, target.uri)
        else:
            await follows.unfollow(services(), me, target.uri)
    except NotFound:
        if follow:
            raise
    except JxfedError as error:
        status = error.status if 400 <= error.status < 500 else 422
        problem = _("This could not be done: %(reason)s", reason=error.message)
        return await _show(target, member, reader, status, problem)
    return see_other((await actor_links([target.uri]))[target.uri].url)


@blueprint.post("/users/<handle>/follow")
async def follow(handle: str) -> Response:
    return await _change(handle, follow=True)


@blueprint.post("/users/<handle>/unfollow")
async def unfollow(handle: str) -> Response:
    return await _change(handle, follow=False)
