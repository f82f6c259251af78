"""The administrators' page of members: the list, a new member, a member's profile."""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.actors.local_actors import add_member, list_members, member_by_name, set_profile
from jxfed.actors.models import Profile
from jxfed.actors.passwords import MIN_LENGTH
from jxfed.errors import Conflict, JxfedError
from jxfed.web.pages.admin_pages import name_problem
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import administrator

blueprint = Blueprint("pages_admin_members", __name__)
PROFILES = tuple(profile.value for profile in Profile)


async def _members_page(
    form: Form | None = None, status: int = 200, profile_error: tuple[str, str] | None = None
) -> Response:
    """The list and the form; `profile_error` is (member's name, message) for a refused change."""
    return await page(
        "pages/admin_members.html",
        status,
        members=await list_members(),
        form=form or Form({"profile": Profile.MEMBER.value}),
        profiles=PROFILES,
        profile_error=profile_error,
        min_password=MIN_LENGTH,
    )


@blueprint.get("/admin/members")
async def members() -> Response:
    """Every member of the instance with their profile, and the form to add one."""
    await administrator()
    return await _members_page()


@blueprint.post("/admin/members")
async def add() -> Response:
    """Add a member, as `jxfed users add` does."""
    await administrator()
    form = await submitted()
    name = form.text("name", limit=64)
    password = form.text("password", limit=1000)
    profile = form.choice("profile", PROFILES)
    form.values.pop("password", None)  # never sent back into the page
    if name and (problem := name_problem(name)):
        form.problem("name", problem)
    if password and len(password) < MIN_LENGTH:
        form.problem("password", _("At least %(count)s characters.", count=MIN_LENGTH))
    if form.valid:
        try:
            await add_member(name, password=password, profile=Profile(profile))
        except Conflict:
            form.problem("name", _("This name is already taken by a member or a space."))
        except JxfedError as refused:
            form.problem("name", refused.message)
    if not form.valid:
        return await _members_page(form, 422)
    return see_other("/admin/members")


@blueprint.post("/admin/members/profile")
async def change_profile() -> Response:
    """Set a member's profile, as `jxfed users profile` does."""
    me = await administrator()
    form = await submitted()
    name = form.text("name", limit=64)
    profile = form.choice("profile", PROFILES)
    if not form.valid:
        return await _members_page(
            status=422, profile_error=(name, _("Choose one of the options."))
        )
    try:
        member = await member_by_name(name)
        await set_profile(member, Profile(profile))
    except Conflict:
        message = _("The last administrator cannot give up the administrator profile.")
        return await _members_page(status=422, profile_error=(name, message))
    if member.id == me.id and member.profile != Profile.ADMINISTRATOR:
        return see_other("/home")  # no longer an administrator: these pages are gone
    return see_other("/admin/members")
