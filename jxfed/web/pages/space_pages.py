"""A space's page, here or on a peer (`/spaces/SLUG`, `/spaces/SLUG@peer.host`): its feed,
the post form, joining and leaving; and the forms behind them.

Every action goes through the same services as the command line and the client API
(`publishing.publish`, `joining`); a refusal from them shows the page again with its message.
"""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.errors import JxfedError
from jxfed.spaces import joining
from jxfed.spaces.models import Access, MembershipState, Role
from jxfed.spaces.posts import MAX_CHARACTERS
from jxfed.spaces.publishing import publish
from jxfed.spaces.roles import Action
from jxfed.web.context import services
from jxfed.web.pages import sessions
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.notices import role_name
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.space_feed import join_requests, member_count, members, space_feed
from jxfed.web.pages.space_views import SpacePlace, find_space

blueprint = Blueprint("pages_spaces", __name__)
TITLE_LIMIT = 500


def role_names() -> dict[str, str]:
    """Each role as the page names it, in the reader's language."""
    return {
        Role.READER: _("Reader"),
        Role.CONTRIBUTOR: _("Contributor"),
        Role.CONTENT_MANAGER: _("Content manager"),
        Role.SPACE_MANAGER: _("Space manager"),
    }


def access_names() -> dict[str, str]:
    return {
        Access.OPEN: _("Open space"),
        Access.ON_REQUEST: _("Space on request"),
        Access.CONFIDENTIAL: _("Confidential space"),
    }


async def show_space(place: SpacePlace, status: int = 200, form: Form | None = None) -> Response:
    """The space's page as `place`'s viewer may see it; `form` brings back a refused form."""
    managing = place.may(Action.ACCEPT_JOIN) or place.may(Action.CHANGE_ROLE)
    return await page(
        "pages/space.html",
        status,
        place=place,
        form=form or Form(),
        feed=await space_feed(place),
        count=await member_count(place),
        members=await members(place) if place.may(Action.SEE_MEMBERS) else [],
        requests=await join_requests(place) if managing else [],
        roles=role_names(),
        role_word=role_name,  # a role inside a sentence, lower-case
        access=access_names(),
        post_limit=MAX_CHARACTERS,
    )


async def space_page(handle: str) -> Response:
    """GET /spaces/<handle> for a browser (jxfed/web/actors.py sends browsers here)."""
    return await show_space(await find_space(handle, await sessions.signed_in_member()))


async def refused(place: SpacePlace, form: Form, at: str, error: JxfedError) -> Response:
    """The page again, the service's refusal next to the form it came from (a 4xx)."""
    form.problem(at, error.message)
    return await show_space(place, error.status if 400 <= error.status < 500 else 422, form)


@blueprint.post("/spaces/<handle>/posts")
async def post_in_space(handle: str) -> Response:
    member = await member_or_sign_in()
    form = await submitted()
    place = await find_space(handle, member)
    title = form.text("title", required=False, limit=TITLE_LIMIT)
    text = form.text("text", limit=MAX_CHARACTERS)
    if not form.valid:
        return await show_space(place, 422, form)
    try:
        await publish(
            services(),
            member.actor,
            text,
            space=place.handle if place.local else place.uri,
            title=title or None,
        )
    except JxfedError as error:
        return await refused(place, form, "text", error)
    return see_other(place.url)


@blueprint.post("/spaces/<handle>/join")
async def join(handle: str) -> Response:
    member = await member_or_sign_in()
    form = await submitted()
    place = await find_space(handle, member)
    try:
        if place.space is not None:
            await joining.join_here(services(), place.space, member.actor)
        elif place.state == MembershipState.INVITED:
            await joining.accept_invitation(services(), member.actor, place.uri)
        else:
            await joining.join(services(), member.actor, place.uri)
    except JxfedError as error:
        return await refused(place, form, "membership", error)
    return see_other(place.url)


@blueprint.post("/spaces/<handle>/leave")
async def leave(handle: str) -> Response:
    member = await member_or_sign_in()
    form = await submitted()
    place = await find_space(handle, member)
    try:
        if place.space is not None:
            await joining.leave_here(services(), place.space, member.actor)
        elif place.state is not None:
            await joining.leave(services(), member.actor, place.uri)
    except JxfedError as error:
        return await refused(place, form, "membership", error)
    return see_other(place.url)
