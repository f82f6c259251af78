"""The administrators' page of spaces: every space of the instance, a new space, archiving.

The administrator runs the instance, so this page lists confidential spaces too; it is the one
page that does, and no one else reaches it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from quart import Blueprint, Response

from jxfed.errors import BadRequest, Conflict, JxfedError, NotFound
from jxfed.spaces.models import Access, Membership, MembershipState, Space
from jxfed.spaces.registry import LANGUAGES, add_space, list_spaces, set_archived
from jxfed.web.context import services
from jxfed.web.pages.admin_pages import name_problem
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import administrator

blueprint = Blueprint("pages_admin_spaces", __name__)
ACCESSES = tuple(access.value for access in Access)


@dataclass(frozen=True, slots=True)
class SpaceRow:
    """A space as the administrators' list shows it."""

    slug: str
    title: str
    access: str
    members: int
    archived: bool


async def space_rows() -> list[SpaceRow]:
    """Every space of this instance with its accepted members counted."""
    spaces = await list_spaces()
    accepted = Membership.filter(state=MembershipState.ACCEPTED)
    counts: Counter[int] = Counter(await accepted.values_list("space_id", flat=True))  # type: ignore[arg-type]
    return [
        SpaceRow(
            slug=space.actor.name,
            title=space.actor.display_name or space.actor.name,
            access=space.access.value,
            members=counts.get(space.id, 0),
            archived=space.archived,
        )
        for space in spaces
    ]


async def _spaces_page(form: Form, status: int = 200) -> Response:
    return await page(
        "pages/admin_spaces.html",
        status,
        spaces=await space_rows(),
        form=form,
        accesses=ACCESSES,
    )


@blueprint.get("/admin/spaces")
async def spaces() -> Response:
    """Every space of the instance, and the form to create one."""
    me = await administrator()
    language = services().settings.language
    defaults = {"access": Access.OPEN.value, "owner": me.actor.name, "language": language}
    return await _spaces_page(Form(defaults))


@blueprint.post("/admin/spaces")
async def create() -> Response:
    """Create a space, as `jxfed spaces add` does."""
    await administrator()
    form = await submitted()
    slug = form.text("slug", limit=64)
    name = form.text("name", limit=200)
    access = form.choice("access", ACCESSES)
    language = form.choice("language", LANGUAGES)
    owner = form.text("owner", limit=64)
    description = form.text("description", required=False, limit=5000)
    if slug and (problem := name_problem(slug)):
        form.problem("slug", problem)
    if form.valid:
        try:
            await add_space(
                services().settings,
                slug,
                name=name,
                access=Access(access),
                owner=owner,
                description=description,
                language=language,
            )
        except NotFound:  # the owner is the one name add_space looks up
            form.problem("owner", _("No member has this name."))
        except Conflict:
            form.problem("slug", _("This name is already taken by a member or a space."))
        except JxfedError as refused:
            form.problem("slug", refused.message)
    if not form.valid:
        return await _spaces_page(form, 422)
    return see_other("/admin/spaces")


@blueprint.post("/admin/spaces/archive")
async def archive() -> Response:
    """Archive a space (archived=1) or restore it (archived=0)."""
    await administrator()
    form = await submitted()
    slug = form.text("slug", limit=64)
    archived = form.choice("archived", ("1", "0"))
    if not form.valid:
        raise BadRequest("archived is 1 or 0")
    space = await Space.get_or_none(actor__name=slug)
    if space is None:
        raise NotFound("no such space")
    await set_archived(space, archived == "1")
    return see_other("/admin/spaces")
