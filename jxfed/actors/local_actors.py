"""Creating and listing local actors: members and the instance actor."""

from __future__ import annotations

import asyncio

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from jxfed.activitypub.keys import generate_key_material
from jxfed.actors.models import ActorKind, LocalActor, Member, Profile
from jxfed.actors.names import validate_name
from jxfed.actors.passwords import MIN_LENGTH, hash_password
from jxfed.errors import BadRequest, Conflict, NotFound


async def new_actor(kind: ActorKind, name: str, display_name: str = "") -> LocalActor:
    """Create a local actor with fresh RSA-2048 and Ed25519 keys; its name must be free."""
    if await LocalActor.filter(name=name).exists():
        raise Conflict(f"the name {name!r} is already taken by a member or a space")
    keys = generate_key_material()
    try:
        return await LocalActor.create(
            kind=kind,
            name=name,
            display_name=display_name or name,
            rsa_private_pem=keys.rsa_private_pem,
            rsa_public_pem=keys.rsa_public_pem,
            ed25519_private_pem=keys.ed25519_private_pem,
            ed25519_public_multibase=keys.ed25519_public_multibase,
        )
    except IntegrityError:  # another process took the name between the check and the insert
        raise Conflict(f"the name {name!r} is already taken by a member or a space") from None


async def ensure_instance_actor(host: str) -> LocalActor:
    """The instance actor (an Application named after the host, as Mastodon names it)."""
    existing = await LocalActor.get_or_none(kind=ActorKind.APPLICATION)
    if existing is not None:
        return existing
    return await new_actor(ActorKind.APPLICATION, host, display_name=host)


async def instance_actor() -> LocalActor:
    actor = await LocalActor.get_or_none(kind=ActorKind.APPLICATION)
    if actor is None:
        raise NotFound("this instance has no instance actor: run 'jxfed migrate'")
    return actor


async def add_member(
    name: str, *, password: str | None = None, profile: Profile = Profile.MEMBER
) -> Member:
    """Create a member account (a Person actor)."""
    validate_name(name, "user name")
    if password is not None and len(password) < MIN_LENGTH:
        raise BadRequest(f"the password must have at least {MIN_LENGTH} characters")
    # scrypt is slow on purpose: off the event loop, so a page adding a member blocks nobody.
    password_hash = await asyncio.to_thread(hash_password, password) if password else None
    async with in_transaction():
        actor = await new_actor(ActorKind.PERSON, name)
        return await Member.create(actor=actor, password_hash=password_hash, profile=profile)


async def list_members() -> list[Member]:
    return await Member.all().select_related("actor").order_by("actor__name")


async def member_by_name(name: str) -> Member:
    member = await Member.get_or_none(actor__name=name).select_related("actor")
    if member is None:
        raise NotFound(f"no member named {name!r}")
    return member


async def set_profile(member: Member, profile: Profile) -> None:
    """Give `member` a profile; the instance never loses its last administrator."""
    async with in_transaction():
        # The administrators' rows locked: two of them demoting each other must not leave none.
        administrators = await Member.filter(profile=Profile.ADMINISTRATOR).select_for_update()
        if profile != Profile.ADMINISTRATOR and [a.id for a in administrators] == [member.id]:
            raise Conflict("the last administrator keeps the administrator profile")
        member.profile = profile
        await member.save(update_fields=["profile"])
