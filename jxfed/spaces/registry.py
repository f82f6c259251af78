"""Creating and listing spaces and their memberships."""

from __future__ import annotations

import nh3
from tortoise.transactions import in_transaction

from jxfed.actors.documents import actor_id
from jxfed.actors.local_actors import member_by_name, new_actor
from jxfed.actors.models import ActorKind, Member, Profile
from jxfed.actors.names import validate_name
from jxfed.errors import BadRequest
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Membership, Role, Space
from jxfed.spaces.roles import NotAllowed

# The network's languages (DESIGN.md); the HTML pages are written right to left for Arabic.
LANGUAGES = ("en", "fr", "ar", "pt", "de")


def parse_access(value: str) -> Access:
    try:
        return Access(value)
    except ValueError:
        choices = ", ".join(a.value for a in Access)
        raise BadRequest(f"access {value!r} is not one of {choices}") from None


async def add_space(
    settings: Settings,
    slug: str,
    *,
    name: str,
    access: Access,
    owner: str,
    description: str = "",
    language: str = "en",
    default_role: Role = Role.CONTRIBUTOR,
    parent: str | None = None,
    created_by: Member | None = None,
) -> Space:
    """Create a space (a Group actor) whose owner becomes its first space manager.

    `created_by` is the member asking, through a client; only a trusted member or an
    administrator may create spaces. The operator's command line passes no one.
    """
    if created_by is not None and not may_create_spaces(created_by):
        raise NotAllowed("only trusted members and administrators may create spaces")
    validate_name(slug, "space slug")
    if not name.strip():
        raise BadRequest("a space needs a non-empty --name")
    if language not in LANGUAGES:
        raise BadRequest(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    owner_member = await member_by_name(owner)
    parent_space = None
    if parent is not None:
        parent_space = await Space.get_or_none(actor__name=parent)
        if parent_space is None:
            raise BadRequest(f"no parent space named {parent!r}")
    async with in_transaction():
        actor = await new_actor(ActorKind.GROUP, slug, display_name=name.strip())
        space = await Space.create(
            actor=actor,
            access=access,
            description=nh3.clean(description),
            language=language,
            default_role=default_role,
            parent=parent_space,
        )
        await Membership.create(
            space=space,
            member=owner_member,
            actor_uri=actor_id(settings, owner_member.actor),
            role=Role.SPACE_MANAGER,
        )
    return space


def may_create_spaces(member: Member) -> bool:
    return member.profile in (Profile.TRUSTED, Profile.ADMINISTRATOR)


async def set_archived(space: Space, archived: bool) -> None:
    """An archived space keeps its content readable but takes no new posts or members."""
    await Space.filter(id=space.id).update(archived=archived)


async def list_spaces() -> list[Space]:
    return await Space.all().select_related("actor").order_by("actor__name")
