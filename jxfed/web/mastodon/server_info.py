"""The Instance entities (v1 and v2): what this server is, its limits, its real counts.

A confidential space is never named or counted here.
"""

from __future__ import annotations

from typing import Any

import jxfed
from jxfed.files.images import DESCRIPTION_LIMIT, IMAGE_SIZE_LIMIT, MAX_MEDIA_ATTACHMENTS
from jxfed.settings import Settings
from jxfed.spaces.directory import Usage
from jxfed.spaces.posts import MAX_CHARACTERS
from jxfed.web.mastodon.entities import HEADER_PATH

MASTODON_VERSION = "4.3.0"
LANGUAGES = ["fr", "en", "ar", "pt", "de"]
IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MEDIA_LIMITS = {
    "supported_mime_types": IMAGE_TYPES,  # what POST /api/v2/media accepts
    "image_size_limit": IMAGE_SIZE_LIMIT,
    "image_matrix_limit": 33_177_600,
    "video_size_limit": 0,
    "video_frame_rate_limit": 0,
    "video_matrix_limit": 0,
    "description_limit": DESCRIPTION_LIMIT,
}
POLLS = {
    "max_options": 4,
    "max_characters_per_option": 50,
    "min_expiration": 300,
    "max_expiration": 2_629_746,
}
STATUSES = {
    "max_characters": MAX_CHARACTERS,
    "max_media_attachments": MAX_MEDIA_ATTACHMENTS,
    "characters_reserved_per_url": 23,
}
DESCRIPTION = "A jxfed instance: collaborative spaces shared between trusted partner instances."


def version() -> str:
    return f"{MASTODON_VERSION} (compatible; jxfed {jxfed.__version__})"


def contact_email(settings: Settings) -> str:
    """No contact address is configured yet: the RFC 2142 postmaster of the instance's host."""
    return f"postmaster@{settings.host}"


def instance_v2(settings: Settings, usage: Usage) -> dict[str, Any]:
    return {
        "domain": settings.domain,
        "title": settings.domain,
        "version": version(),
        "source_url": "https://jxfed.org/",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": usage.users_active_month}},
        "thumbnail": {"url": settings.url(HEADER_PATH)},
        "icon": [],
        "languages": LANGUAGES,
        "configuration": {
            "urls": {"streaming": None, "status": None},
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
            "statuses": STATUSES,
            "media_attachments": MEDIA_LIMITS,
            "polls": POLLS,
            "translation": {"enabled": False},
        },
        "registrations": {"enabled": False, "approval_required": True, "message": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": contact_email(settings), "account": None},
        "rules": [],
    }


def instance_v1(settings: Settings, usage: Usage, peers: int) -> dict[str, Any]:
    return {
        "uri": settings.domain,
        "title": settings.domain,
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": contact_email(settings),
        "version": version(),
        # No streaming server yet; v1 needs a string: the address one would have (it refuses).
        "urls": {
            "streaming_api": f"{'wss' if settings.scheme == 'https' else 'ws'}://{settings.domain}"
        },
        "stats": {
            "user_count": usage.users_total,
            "status_count": usage.local_posts,
            "domain_count": peers,
        },
        "thumbnail": settings.url(HEADER_PATH),
        "languages": LANGUAGES,
        "registrations": False,
        "approval_required": True,
        "invites_enabled": False,
        "configuration": {
            "accounts": {"max_featured_tags": 0},
            "statuses": STATUSES,
            "media_attachments": MEDIA_LIMITS,
            "polls": POLLS,
        },
        "contact_account": None,
        "rules": [],
    }
