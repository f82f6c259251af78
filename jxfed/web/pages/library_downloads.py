"""Downloading a revision of a library's file or note
(`GET /spaces/SLUG/library/-/download/ITEM/NUMBER`), streamed from the store.

What a browser could run (HTML, SVG, scripts) goes out as plain bytes, every content as an
attachment in a sandbox; the SHA-256 is its strong ETag (a repeated GET costs a 304), and a
single byte range resumes a broken download on a weak link.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from quart import Blueprint, Response, request

from jxfed.errors import NotFound
from jxfed.files.kinds import OCTETS
from jxfed.spaces.library import reading
from jxfed.spaces.library.paths import items_in, path_of
from jxfed.spaces.roles import Action
from jxfed.web.pages.library_views import open_library

blueprint = Blueprint("pages_library_downloads", __name__)
# Types a browser would render and could run: served as plain bytes whatever the content.
_RUNNABLE = ("html", "xml", "script", "svg", "flash", "x-httpd", "wasm")


def served_type(media_type: str | None) -> str:
    """The Content-Type a stored content goes out with."""
    kind = (media_type or "").lower()
    if not kind or any(word in kind for word in _RUNNABLE):
        return OCTETS
    return kind


def attachment(title: str) -> str:
    """Content-Disposition for `title`: an ASCII fallback and the exact name (RFC 5987)."""
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in title
    )
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(title, safe='')}"


def _headers(sha256: str, title: str, media_type: str | None) -> dict[str, str]:
    return {
        "Content-Type": served_type(media_type),
        "Content-Disposition": attachment(title),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "ETag": f'"{sha256}"',
        "Accept-Ranges": "bytes",
        "Cache-Control": "private",
        "Vary": "Cookie",
    }


def _wanted(size: int, etag: str) -> tuple[int, int] | bool | None:
    """The byte range asked for: (start, end), None for the whole content, False when it
    cannot be served (a 416). Several ranges, or an If-Range that no longer matches: whole."""
    asked = request.range
    if asked is None or asked.units != "bytes" or len(asked.ranges) != 1:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag:
        return None
    found = asked.range_for_length(size)
    return found if found is not None else False


@blueprint.get("/spaces/<slug>/library/-/download/<id:item_id>/<id(bits=32):number>")
async def download(slug: str, item_id: int, number: int) -> Response:
    """Revision `number` of the item, streamed (or the part of it asked for)."""
    shelf = await open_library(slug)
    await shelf.lib.require(Action.READ)
    item = await items_in(shelf.lib.library).get_or_none(id=item_id)
    if item is None:
        raise NotFound("no such item")
    found = await reading.download(shelf.lib, await path_of(item), number)
    if found.item.id != item.id:
        raise NotFound("no such item")
    size = found.revision.size or 0
    headers = _headers(found.sha256, found.revision.title, found.revision.media_type)
    if request.if_none_match.contains(found.sha256):
        return Response(
            b"",
            status=304,
            headers={"ETag": headers["ETag"], "Vary": "Cookie", "Cache-Control": "private"},
        )
    part = _wanted(size, headers["ETag"])
    if part is False:
        headers["Content-Range"] = f"bytes */{size}"
        del headers["Content-Disposition"]
        return Response(b"", status=416, headers=headers)
    start, end = part if isinstance(part, tuple) else (0, size)
    if isinstance(part, tuple):
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)

    async def body() -> AsyncIterator[bytes]:
        async for chunk in reading.chunks(shelf.lib, found, start, end):
            yield chunk

    response = Response(body(), status=206 if isinstance(part, tuple) else 200, headers=headers)
    response.timeout = None  # a large content on a weak link takes its time
    return response
