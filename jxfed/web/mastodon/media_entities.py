"""Uploaded images as the client API shows them: MediaAttachment entities."""

from __future__ import annotations

from typing import Any

from jxfed.files.images import MAX_MEDIA_ATTACHMENTS, url_of
from jxfed.files.models import MediaAttachment
from jxfed.settings import Settings
from jxfed.spaces.models import Post


def _meta(media: MediaAttachment) -> dict[str, Any]:
    meta: dict[str, Any] = {"focus": {"x": media.focus_x, "y": media.focus_y}}
    if media.width and media.height:
        meta["original"] = {
            "width": media.width,
            "height": media.height,
            "size": f"{media.width}x{media.height}",
            "aspect": media.width / media.height,
        }
    return meta


def entity(settings: Settings, media: MediaAttachment) -> dict[str, Any]:
    """A MediaAttachment entity (the original serves as its own preview)."""
    url = url_of(settings, media)
    return {
        "id": str(media.id),
        "type": "image",
        "url": url,
        "preview_url": url,
        "remote_url": None,
        "meta": _meta(media),
        "description": media.description or None,
        "blurhash": None,
    }


def remote_entities(post: Post) -> list[dict[str, Any]]:
    """The images of a peer's post, from its `attachment` (shown from where the peer serves
    them; ids derived from the post's, as they are not stored separately)."""
    found = []
    attachments = post.document.get("attachment") or []
    for index, item in enumerate(attachments if isinstance(attachments, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        url = item["url"]
        if not url.startswith(("https://", "http://")):
            continue
        kind = str(item.get("mediaType") or "")
        found.append(
            {
                "id": str(post.id * 10 + index),
                "type": "image" if kind.startswith("image/") else "unknown",
                "url": url,
                "preview_url": url,
                "remote_url": url,
                "meta": None,
                "description": str(item["name"]) if isinstance(item.get("name"), str) else None,
                "blurhash": None,
            }
        )
    return found[:MAX_MEDIA_ATTACHMENTS]
