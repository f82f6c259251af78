"""The instance, and the small per-member endpoints apps call at start-up (most empty for now)."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from functools import cache

from quart import Blueprint, Response, request
from tortoise.exceptions import IntegrityError

from jxfed.activitypub.models import Peer
from jxfed.spaces.directory import usage
from jxfed.web.context import services
from jxfed.web.mastodon.api.auth import Caller, requires
from jxfed.web.mastodon.api.http import params
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.entities import AVATAR_PATH, HEADER_PATH, iso
from jxfed.web.mastodon.models import Marker
from jxfed.web.mastodon.server_info import instance_v1, instance_v2
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_instance", __name__)
TIMELINES = ("home", "notifications")


@blueprint.get("/api/v1/instance", strict_slashes=False)
async def instance_one() -> Response:
    figures = await usage()
    return json_response(instance_v1(services().settings, figures, await Peer.all().count()))


@blueprint.get("/api/v2/instance", strict_slashes=False)
async def instance_two() -> Response:
    return json_response(instance_v2(services().settings, await usage()))


@blueprint.get("/api/v1/custom_emojis")
async def custom_emojis() -> Response:
    return json_response([])


@blueprint.get("/api/v1/lists")
@requires("read:lists")
async def lists(caller: Caller) -> Response:
    return json_response([])


@blueprint.get("/api/v2/filters")
@requires("read:filters")
async def filters(caller: Caller) -> Response:
    return json_response([])


@blueprint.get("/api/v1/preferences")
@requires("read:accounts")
async def preferences(caller: Caller) -> Response:
    return json_response(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": None,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


def _marker(marker: Marker) -> dict[str, object]:
    return {
        "last_read_id": marker.last_read_id,
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


@blueprint.get("/api/v1/markers")
@requires("read:statuses")
async def markers(caller: Caller) -> Response:
    asked = request.args.getlist("timeline[]") + request.args.getlist("timeline")
    wanted = [t for t in asked if t in TIMELINES] or list(TIMELINES)
    found = await Marker.filter(member=caller.acting_member(), timeline__in=wanted)
    return json_response({marker.timeline: _marker(marker) for marker in found})


@blueprint.post("/api/v1/markers")
@requires("write:statuses")
async def save_markers(caller: Caller) -> Response:
    """Save `home[last_read_id]` and/or `notifications[last_read_id]` (form or JSON)."""
    member = caller.acting_member()
    values = await params()
    saved = {}
    for timeline in TIMELINES:
        last_read_id = values.nested(timeline).get("last_read_id")
        if last_read_id is None:
            continue
        if not last_read_id.isascii() or not last_read_id.isdigit() or len(last_read_id) > 19:
            raise ValidationFailed({timeline: ("ERR_INVALID", "last_read_id must be an id")})
        saved[timeline] = await _save_marker(member.id, timeline, last_read_id)
    if not saved:
        raise ValidationFailed({"home": ("ERR_BLANK", "give home or notifications last_read_id")})
    return json_response({timeline: _marker(marker) for timeline, marker in saved.items()})


async def _save_marker(member_id: int, timeline: str, last_read_id: str) -> Marker:
    for _ in range(3):  # another request may create the row between the read and the insert
        marker = await Marker.get_or_none(member_id=member_id, timeline=timeline)
        if marker is None:
            try:
                return await Marker.create(
                    member_id=member_id, timeline=timeline, last_read_id=last_read_id
                )
            except IntegrityError:
                continue
        await Marker.filter(id=marker.id, version=marker.version).update(
            last_read_id=last_read_id, version=marker.version + 1, updated_at=datetime.now(UTC)
        )
        return await Marker.get(id=marker.id)
    raise ValidationFailed({timeline: ("ERR_TAKEN", "changed meanwhile: try again")})


@cache
def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-coloured PNG (placeholders for avatars and headers)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _image(data: bytes) -> Response:
    response = Response(data, content_type="image/png")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@blueprint.get(AVATAR_PATH)
async def avatar() -> Response:
    return _image(_png(120, 120, (0x8A, 0x93, 0x9B)))


@blueprint.get(HEADER_PATH)
async def header() -> Response:
    return _image(_png(150, 50, (0xD9, 0xE1, 0xE8)))
