"""Uploaded images: checked by their magic bytes (never by what the client declares), stored
once per SHA-256 under the instance folder, attached to posts as ActivityPub `Document`s."""

from __future__ import annotations

import asyncio
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jxfed.errors import Invalid
from jxfed.files.models import MediaAttachment
from jxfed.settings import Settings

if TYPE_CHECKING:
    from jxfed.actors.models import Member

MEDIA_FOLDER = "media"
URL_PREFIX = "/media/"
DESCRIPTION_LIMIT = 1500
IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
MAX_MEDIA_ATTACHMENTS = 4
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
MEDIA_TYPES = {extension: media_type for media_type, extension in EXTENSIONS.items()}


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are (PNG, JPEG, GIF, WebP), whatever was declared."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def dimensions(data: bytes, media_type: str) -> tuple[int, int] | None:
    """Width and height read from a PNG or GIF header (None for the others)."""
    if media_type == "image/png" and len(data) >= 24 and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if media_type == "image/gif" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    return None


@dataclass(frozen=True, slots=True)
class Focus:
    x: float = 0.0
    y: float = 0.0


def parse_focus(value: str | None) -> Focus:
    """`x,y`, each between -1.0 and 1.0 (Mastodon's focal point)."""
    if not value:
        return Focus()
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError:
        raise Invalid({"focus": ("ERR_INVALID", "must be x,y between -1 and 1")}) from None
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise Invalid({"focus": ("ERR_INVALID", "must be x,y between -1 and 1")})
    return Focus(x, y)


def check_description(value: str | None) -> str:
    description = (value or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        limit = f"is too long (at most {DESCRIPTION_LIMIT} characters)"
        raise Invalid({"description": ("ERR_TOO_LONG", limit)})
    return description


def media_path(settings: Settings, file_name: str) -> Path:
    return settings.directory / MEDIA_FOLDER / file_name


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return  # the same bytes are already there: content-addressed
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


async def upload(
    settings: Settings, member: Member, data: bytes, description: str | None, focus: str | None
) -> MediaAttachment:
    """Store an image the member uploaded; 422 for anything that is not one, or too large."""
    if not data:
        raise Invalid({"file": ("ERR_BLANK", "can't be blank")})
    if len(data) > IMAGE_SIZE_LIMIT:
        limit = f"is too large (at most {IMAGE_SIZE_LIMIT // (1024 * 1024)} MB)"
        raise Invalid({"file": ("ERR_TOO_LARGE", limit)})
    media_type = sniff(data)
    if media_type is None:
        problem = "is not a PNG, JPEG, GIF or WebP image"
        raise Invalid({"file": ("ERR_INVALID", problem)})
    checked_description, checked_focus = check_description(description), parse_focus(focus)
    sha256 = hashlib.sha256(data).hexdigest()
    extension = EXTENSIONS[media_type]
    await asyncio.to_thread(_write_once, media_path(settings, f"{sha256}.{extension}"), data)
    size = dimensions(data, media_type)
    return await MediaAttachment.create(
        member=member,
        sha256=sha256,
        media_type=media_type,
        extension=extension,
        size=len(data),
        width=size[0] if size else None,
        height=size[1] if size else None,
        description=checked_description,
        focus_x=checked_focus.x,
        focus_y=checked_focus.y,
    )


async def owned(member: Member, media_id: str) -> MediaAttachment | None:
    if not media_id.isascii() or not media_id.isdigit() or len(media_id) > 19:
        return None
    return await MediaAttachment.get_or_none(id=int(media_id), member=member)


async def to_attach(member: Member, media_ids: list[str]) -> list[MediaAttachment]:
    """The member's own, not yet attached uploads, in the order given; 422 for any other id."""
    if len(media_ids) > MAX_MEDIA_ATTACHMENTS:
        limit = f"can have at most {MAX_MEDIA_ATTACHMENTS} attachments"
        raise Invalid({"media_ids": ("ERR_TOO_MANY", limit)})
    found = []
    for media_id in dict.fromkeys(media_ids):
        media = await owned(member, media_id)
        if media is None or media.post_id is not None:  # type: ignore[attr-defined]
            problem = f"{media_id} is not one of your unattached uploads"
            raise Invalid({"media_ids": ("ERR_INVALID", problem)})
        found.append(media)
    return found


def url_of(settings: Settings, media: MediaAttachment) -> str:
    return settings.url(URL_PREFIX + media.file_name)


def document(settings: Settings, media: MediaAttachment) -> dict[str, Any]:
    """The ActivityPub `Document` peers see in a post's `attachment`."""
    found: dict[str, Any] = {
        "type": "Document",
        "mediaType": media.media_type,
        "url": url_of(settings, media),
        "name": media.description or None,
    }
    if media.width and media.height:
        found.update(width=media.width, height=media.height)
    return found
