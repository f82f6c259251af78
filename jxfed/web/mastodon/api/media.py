"""Media: uploads (POST /api/v2/media), their descriptions, and the files themselves.

A file is served to anyone while one of its uploads is unattached or attached to a post any
reader may see; a file only in a closed space's posts needs a member's bearer token, or a
request signed by a peer allowed to read one of those posts.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from quart import Blueprint, Request, Response, request
from werkzeug.datastructures import FileStorage

from jxfed.errors import NotFound
from jxfed.files import images
from jxfed.files.images import IMAGE_SIZE_LIMIT
from jxfed.files.models import MediaAttachment
from jxfed.spaces.models import Post
from jxfed.spaces.visibility import Reader, Signer, may_see, visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon import media_entities
from jxfed.web.mastodon.api.auth import Caller, authenticate, requires
from jxfed.web.mastodon.api.http import params, reader_for
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.server_info import IMAGE_TYPES
from jxfed.web.responses import json_response
from jxfed.web.signed import signed_by_peer

blueprint = Blueprint("mastodon_media", __name__)
UPLOAD_PATHS = ("/api/v2/media", "/api/v1/media")
UPLOAD_BODY_LIMIT = IMAGE_SIZE_LIMIT + 64 * 1024  # the image and the form around it
DECLARED_OK = (*IMAGE_TYPES, "application/octet-stream", "")
FILE_NAME = re.compile(r"^([0-9a-f]{64})\.(png|jpg|gif|webp)$")
PUBLIC_CACHE = "public, max-age=31536000, immutable"
PRIVATE_CACHE = "private, max-age=3600"


class UploadRequest(Request):
    """A request whose body may be as large as an image upload on the upload paths."""

    def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
        uploading = method == "POST" and path.rstrip("/") in UPLOAD_PATHS
        if uploading:
            kwargs["max_content_length"] = UPLOAD_BODY_LIMIT
        super().__init__(method, scheme, path, *args, **kwargs)
        if uploading:
            self.max_content_length = UPLOAD_BODY_LIMIT


async def _file() -> FileStorage:
    files = await request.files
    upload = files.get("file")
    if upload is None:
        raise ValidationFailed({"file": ("ERR_BLANK", "can't be blank (multipart field file)")})
    if (upload.mimetype or "") not in DECLARED_OK:
        problem = f"is declared as {upload.mimetype}: only PNG, JPEG, GIF and WebP images"
        raise ValidationFailed({"file": ("ERR_INVALID", problem)})
    return upload


@blueprint.post("/api/v2/media")
@blueprint.post("/api/v1/media")
@requires("write:media")
async def upload(caller: Caller) -> Response:
    """Stored at once: 200 with its URL (no processing to wait for)."""
    member = caller.acting_member()
    upload = await _file()
    values = await params()
    stored = await images.upload(
        services().settings,
        member,
        upload.read(),
        values.get("description"),
        values.get("focus"),
    )
    return json_response(media_entities.entity(services().settings, stored))


async def _own(caller: Caller, media_id: str) -> MediaAttachment:
    found = await images.owned(caller.acting_member(), media_id)
    if found is None:
        raise NotFound("Record not found")
    return found


@blueprint.get("/api/v1/media/<media_id>")
@requires("write:media")
async def show(caller: Caller, media_id: str) -> Response:
    return json_response(media_entities.entity(services().settings, await _own(caller, media_id)))


@blueprint.put("/api/v1/media/<media_id>")
@requires("write:media")
async def update(caller: Caller, media_id: str) -> Response:
    found = await _own(caller, media_id)
    values = await params()
    changes: dict[str, Any] = {}
    if values.get("description") is not None:
        changes["description"] = images.check_description(values.get("description"))
    if values.get("focus") is not None:
        focus = images.parse_focus(values.get("focus"))
        changes.update(focus_x=focus.x, focus_y=focus.y)
    if changes:
        await MediaAttachment.filter(id=found.id).update(**changes)
    updated = await MediaAttachment.get(id=found.id)
    return json_response(media_entities.entity(services().settings, updated))


@blueprint.get("/media/<file_name>")
async def serve_file(file_name: str) -> Response:
    match = FILE_NAME.match(file_name)
    if match is None:
        raise NotFound("no such file")
    sha256, extension = match.groups()
    uploads = await MediaAttachment.filter(sha256=sha256, extension=extension).values_list(
        "post_id", flat=True
    )
    post_ids = [int(str(post_id)) for post_id in uploads if post_id is not None]
    if not uploads:
        raise NotFound("no such file")
    public = len(post_ids) < len(uploads) or await _anyone_may_see(post_ids)
    if not public and not await _caller_may_see(post_ids):
        raise NotFound("no such file")
    path = images.media_path(services().settings, file_name)
    if not path.is_file():
        raise NotFound("no such file")
    data = await asyncio.to_thread(path.read_bytes)
    response = Response(data, content_type=images.MEDIA_TYPES[extension])
    response.headers["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not public:
        response.vary.update(("Authorization", "Signature"))
    return response


async def _anyone_may_see(post_ids: list[int]) -> bool:
    return await Post.filter(visible_posts(Reader()), id__in=post_ids).exists()


async def _caller_may_see(post_ids: list[int]) -> bool:
    """A member's bearer token, or a signature by a peer allowed to read one of the posts."""
    if request.headers.get("Authorization"):
        caller = await authenticate("read:statuses", required=True, user=True)
        reader = await reader_for(caller)
        return await Post.filter(visible_posts(reader), id__in=post_ids).exists()
    if request.headers.get("Signature") or request.headers.get("Signature-Input"):
        key = await signed_by_peer(request)
        for post in await Post.filter(id__in=post_ids, deleted=False):
            if await may_see(Signer(key.owner), post):
                return True
    return False
