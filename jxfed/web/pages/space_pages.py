"""A space's page, here or on a peer (`/spaces/SLUG`, `/spaces/SLUG@peer.host`)."""

from __future__ import annotations

from quart import Response

from jxfed.errors import NotFound


async def space_page(handle: str) -> Response:
    raise NotFound("no such space")  # being written: feed, posting, joining, managing
