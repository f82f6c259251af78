"""A member's page, here or on a peer (`/users/NAME`, `/users/NAME@peer.host`)."""

from __future__ import annotations

from quart import Response

from jxfed.errors import NotFound


async def profile_page(handle: str) -> Response:
    raise NotFound("no such member")  # being written: profiles, follow and unfollow
