"""A space manager's forms on the space's page: join requests, invitations, roles, removal,
archiving. Each calls the service the command line calls (`joining`, `managing`, `registry`),
which checks the manager's role; a refusal shows the page again with its message.
"""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.errors import JxfedError, NotFound
from jxfed.spaces import joining, managing
from jxfed.spaces.models import Membership, Role
from jxfed.spaces.registry import set_archived
from jxfed.spaces.roles import Action, require
from jxfed.web.context import services
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.rendering import see_other
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.space_pages import refused, show_space
from jxfed.web.pages.space_views import SpacePlace, find_space

blueprint = Blueprint("pages_space_managing", __name__)
HANDLE_LIMIT = 300


async def _managed(slug: str) -> tuple[SpacePlace, Form]:
    """The space here as the signed-in member sees it (404 as for a free name otherwise), and
    the submitted form (403 without its token)."""
    member = await member_or_sign_in()
    form = await submitted()
    place = await find_space(slug, member)
    if place.space is None:  # a peer's space is managed on its own instance
        raise NotFound("no such space")
    return place, form


async def _membership(place: SpacePlace, form: Form) -> Membership:
    """The membership of this space that the form names."""
    value = form.values.get("membership", "")
    found = None
    if value.isascii() and value.isdigit() and len(value) < 10:
        found = await Membership.get_or_none(id=int(value), space=place.space)
    if found is None:
        raise NotFound("no such member in this space")
    return found


@blueprint.post("/spaces/<slug>/requests")
async def answer_request(slug: str) -> Response:
    place, form = await _managed(slug)
    decision = form.choice("decision", ("accept", "reject"))
    try:
        if not form.valid:
            raise JxfedError(form.errors["decision"], 422)
        membership = await _membership(place, form)
        assert place.space is not None and place.member is not None
        await joining.answer_join_request(
            services(),
            place.space,
            membership.actor_uri,
            decision == "accept",
            by=place.member.actor,
        )
    except JxfedError as error:
        return await refused(place, form, "manage", error)
    return see_other(place.url + "#requests")


@blueprint.post("/spaces/<slug>/invite")
async def invite(slug: str) -> Response:
    place, form = await _managed(slug)
    handle = form.text("handle", limit=HANDLE_LIMIT)
    if not form.valid:
        return await show_space(place, 422, form)
    assert place.space is not None and place.member is not None
    try:
        await joining.invite(services(), place.space, place.member.actor, handle)
    except JxfedError as error:
        return await refused(place, form, "handle", error)
    return see_other(place.url + "#members")


@blueprint.post("/spaces/<slug>/roles")
async def change_role(slug: str) -> Response:
    place, form = await _managed(slug)
    role = form.choice("role", [r.value for r in Role])
    try:
        if not form.valid:
            raise JxfedError(form.errors["role"], 422)
        membership = await _membership(place, form)
        assert place.space is not None and place.member is not None
        await managing.change_role(
            services(), place.space, place.member.actor, membership.actor_uri, Role(role)
        )
    except JxfedError as error:
        return await refused(place, form, "manage", error)
    return see_other(place.url + "#members")


@blueprint.post("/spaces/<slug>/remove")
async def remove(slug: str) -> Response:
    place, form = await _managed(slug)
    try:
        membership = await _membership(place, form)
        assert place.space is not None and place.member is not None
        await managing.remove_member(
            services(), place.space, place.member.actor, membership.actor_uri
        )
    except JxfedError as error:
        return await refused(place, form, "manage", error)
    return see_other(place.url + "#members")


@blueprint.post("/spaces/<slug>/archive")
async def archive(slug: str) -> Response:
    place, form = await _managed(slug)
    archived = form.choice("archived", ("yes", "no"))
    try:
        if not form.valid:
            raise JxfedError(form.errors["archived"], 422)
        require(place.role, Action.EDIT_SPACE)  # the permission table: space managers only
        assert place.space is not None
        await set_archived(place.space, archived == "yes")
    except JxfedError as error:
        return await refused(place, form, "manage", error)
    return see_other(place.url)
