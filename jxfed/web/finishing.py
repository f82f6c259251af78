"""The last step of every answer: ETag and 304, then gzip for clients that accept it.

Many members pay for every byte: a repeated GET costs a 304, a JSON page travels compressed.
"""

from __future__ import annotations

import gzip
import hashlib

from quart import Quart, Response, request
from quart.wrappers.response import IOBody, IterableBody

MIN_GZIP_SIZE = 512
_COMPRESSIBLE = ("application/", "text/")


async def finish(response: Response) -> Response:
    """Add a weak ETag to successful GETs, answer 304 on a match, compress large bodies;
    a streamed body goes out as it is (its route sets its own ETag and answers ranges)."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if isinstance(response.response, (IterableBody, IOBody)):
        return response  # streamed (a library download): never read whole, never re-encoded
    body = await response.get_data()
    if not isinstance(body, bytes):
        return response
    etag = hashlib.sha256(body).hexdigest()[:32]
    response.set_etag(etag, weak=True)
    if request.if_none_match.contains_weak(etag):
        not_modified = Response(b"", status=304)
        not_modified.set_etag(etag, weak=True)
        not_modified.vary.update(response.vary)
        return not_modified
    response.vary.add("Accept-Encoding")
    content_type = response.mimetype or ""
    if (
        len(body) >= MIN_GZIP_SIZE
        and content_type.startswith(_COMPRESSIBLE)
        and request.accept_encodings.quality("gzip") > 0
        and "Content-Encoding" not in response.headers
    ):
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
    return response


def register_finishing(app: Quart) -> None:
    app.after_request(finish)
