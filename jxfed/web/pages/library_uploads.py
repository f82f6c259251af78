"""Uploading a file to a library (`POST /spaces/SLUG/library/-/upload`, multipart): a new file,
or the next revision of the file of the same title in that folder.

The app takes bodies of 1 MB at most; this route alone takes the instance's file limit (and a
little room for the form around the file), with a long time to arrive. The file reaches the
store a chunk at a time: it is never held whole in memory.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

from quart import Blueprint, Response, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from jxfed.errors import JxfedError
from jxfed.files.store import CHUNK, TooLarge
from jxfed.spaces.library import changes
from jxfed.spaces.library.paths import MAX_TITLE, path_of
from jxfed.web.mastodon.api.media import UploadRequest
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.library_browsing import clean_path, show
from jxfed.web.pages.library_changes import MAX_MESSAGE
from jxfed.web.pages.library_views import Shelf, open_library
from jxfed.web.pages.post_pages import refusal
from jxfed.web.pages.rendering import see_other

blueprint = Blueprint("pages_library_uploads", __name__)
UPLOAD_PATH = re.compile(r"^/spaces/[^/]+/library/-/upload$")
FORM_ROOM = 64 * 1024  # the form's other fields and the multipart boundaries
UPLOAD_SECONDS = 6 * 3600  # a large file on a weak link


class LibraryUploadRequest(UploadRequest):
    """A request whose body is not cut at the app's 1 MB on the library's upload route: the
    route sets the instance's own limit before it reads a byte."""

    def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
        if method == "POST" and UPLOAD_PATH.match(path):
            kwargs["max_content_length"] = None
        super().__init__(method, scheme, path, *args, **kwargs)


def _too_large(shelf: Shelf) -> TooLarge:
    limit = shelf.lib.services.settings.library_file_mb
    return TooLarge(_("This file is larger than the limit of %(limit)s MB.", limit=limit))


async def _chunks(upload: FileStorage) -> AsyncIterator[bytes]:
    """The uploaded file (spooled to disk by the form parser), a chunk at a time."""
    while chunk := await asyncio.to_thread(upload.stream.read, CHUNK):
        yield chunk


async def _form_and_file(shelf: Shelf) -> tuple[Form, FileStorage | None]:
    """The form (its token checked) and its file, read under this route's own body limit."""
    limit = shelf.lib.file_limit + FORM_ROOM
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(shelf)  # refused before a byte of the body is read
    request.max_content_length = limit
    request.body_timeout = UPLOAD_SECONDS
    try:
        form = await submitted()
        upload = (await request.files).get("file")
    except RequestEntityTooLarge:
        raise _too_large(shelf) from None
    return form, upload if upload is not None and upload.filename else None


@blueprint.post("/spaces/<slug>/library/-/upload")
async def upload(slug: str) -> Response:
    """Store the file, then show its page (or the page it came from, with the problem)."""
    shelf = await open_library(slug)
    form, upload = await _form_and_file(shelf)
    back = form.values.get("path", "/")
    title = form.text("file_title", required=False, limit=MAX_TITLE)
    message = form.text("message", required=False, limit=MAX_MESSAGE)
    if upload is None:
        form.problem("file", _("Choose a file."))
    if not form.valid or upload is None:
        return await show(shelf, back, form, 422)
    try:
        folder = clean_path(form.values.get("folder", "/"))
        item = await changes.upload(
            shelf.lib,
            folder,
            upload.filename or "",
            _chunks(upload),
            title=title or None,
            message=message,
        )
    except TooLarge as error:
        full = "full" in error.message
        words = _("This space's library is full: ask an administrator for more room.")
        form.problem("file", words if full else str(_too_large(shelf).message))
        return await show(shelf, back, form, 413)
    except JxfedError as error:
        text, status = refusal(error)
        form.problem("file", text)
        return await show(shelf, back, form, status)
    finally:
        upload.close()
    return see_other(shelf.url_of(await path_of(item)))
