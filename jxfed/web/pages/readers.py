"""The visibility gate's reader for a page: the signed-in member, or nobody."""

from __future__ import annotations

from jxfed.actors.models import Member
from jxfed.spaces.visibility import Reader, reader_of
from jxfed.web.context import services


async def reader_for(member: Member | None) -> Reader:
    """The `Reader` the gate asks about: the member (their spaces and follows), or anonymous."""
    if member is None:
        return Reader()
    return await reader_of(member, services().actor_uri(member.actor))
