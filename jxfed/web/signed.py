"""The signature check that guards ActivityPub documents and inboxes, as one dependency."""

from __future__ import annotations

from quart import Request

from jxfed.activitypub.keyfetch import FetchedKey
from jxfed.activitypub.signatures import HttpRequest
from jxfed.web.context import services


def as_http_request(request: Request, body: bytes = b"") -> HttpRequest:
    """The request as it was signed: the public URL of this instance, the received headers."""
    query = request.query_string.decode("latin-1")
    url = services().settings.url(request.path) + (f"?{query}" if query else "")
    return HttpRequest(request.method, url, list(request.headers.items()), body)


async def signed_by_peer(request: Request, body: bytes = b"") -> FetchedKey:
    """The verified key of a peer that signed this request (401 unsigned or bad, 403 not a peer)."""
    return await services().gate.signer_of(as_http_request(request, body))
