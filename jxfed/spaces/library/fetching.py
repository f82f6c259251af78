"""A library content from a peer: fetched signed, from its author's instance only, streamed into
the store and kept only when its size and SHA-256 are those its author published.

A content already in the store under that digest was verified when it came (the store names
contents by their hash): it is not fetched again, whatever item or space names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from jxfed.activitypub.policy import host_or_none
from jxfed.activitypub.transport import FetchError
from jxfed.errors import BadRequest
from jxfed.files.store import CHUNK, DigestMismatch, Stored, TooLarge
from jxfed.spaces.library.documents import Described

if TYPE_CHECKING:
    from jxfed.runtime import Services


async def fetch_content(services: Services, seen: Described, author_uri: str) -> Stored:
    """The content `seen` names, verified and in the store. DigestMismatch when the bytes are
    not the ones announced (nothing kept); FetchError when the author's instance did not
    serve them (worth another try later); BadRequest for a content URL on another host."""
    assert seen.sha256 is not None and seen.size is not None and seen.url is not None
    if services.store.has(seen.sha256):  # verified when it came (a rename names it again)
        return Stored(seen.sha256, seen.size, seen.media_type or "application/octet-stream")
    if host_or_none(seen.url) != host_or_none(author_uri):
        raise BadRequest("a library content is fetched from its author's instance only")
    signer = await services.instance_signer()
    try:
        async with services.transport.stream(seen.url, signer) as response:
            if response.status != 200:
                raise FetchError(f"{seen.url} answered {response.status}")
            stored = await services.store.put(
                response.content.iter_chunked(CHUNK), seen.size, seen.title, expect=seen.sha256
            )
    except TooLarge:
        raise DigestMismatch(f"{seen.url} sent more than the {seen.size} bytes announced") from None
    except (aiohttp.ClientError, TimeoutError) as error:
        raise FetchError(f"fetching {seen.url} failed: {error.__class__.__name__}") from None
    if stored.size != seen.size:  # the right bytes, but not the size announced
        raise DigestMismatch(f"{seen.url} is {stored.size} bytes, not {seen.size}")
    return stored
