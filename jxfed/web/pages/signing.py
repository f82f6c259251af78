"""Pages that need a member: who is signed in, or a way to the sign-in page and back."""

from __future__ import annotations

from urllib.parse import quote

from quart import request

from jxfed.actors.models import Member, Profile
from jxfed.errors import JxfedError, NotFound
from jxfed.web.pages import sessions


class SignInFirst(JxfedError):
    """A page for members, asked by a browser that is not signed in: it goes to sign in."""

    status = 401

    def __init__(self) -> None:
        super().__init__("sign in to see this page")
        self.location = "/sign-in?next=" + quote(request.full_path.rstrip("?"), safe="/")


def local_path(value: str | None) -> str | None:
    """`value` if it is a path on this site (never `//elsewhere` or `https://elsewhere`)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


async def member_or_sign_in() -> Member:
    member = await sessions.signed_in_member()
    if member is None:
        raise SignInFirst()
    return member


async def administrator() -> Member:
    """The signed-in administrator; anyone else gets the 404 of a page that does not exist."""
    member = await member_or_sign_in()
    if member.profile != Profile.ADMINISTRATOR:
        raise NotFound("no such page")
    return member
