"""The content-addressed store: each content once, at a path made of its SHA-256.

Contents arrive as a stream of chunks and are hashed as they are written to a temporary file in
the store's own folder, then renamed into place: memory stays at one chunk whatever the size, a
half-written content is never visible under a digest, and the same bytes uploaded twice (or used
by many revisions and spaces) are stored once. No name from outside ever reaches a path: a path
is built from a digest that is checked to be 64 hexadecimal characters.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from jxfed.errors import BadRequest, JxfedError
from jxfed.files.kinds import media_type_of

STORE_FOLDER = "store"
CHUNK = 256 * 1024
HEAD = 8192  # what the media type is read from
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class TooLarge(JxfedError):
    status = 413


class DigestMismatch(JxfedError):
    """A content whose bytes are not the ones its digest names: nothing is kept."""

    status = 422


@dataclass(frozen=True, slots=True)
class Stored:
    """A content in the store: its SHA-256 (hex), size in bytes, and media type as sniffed."""

    sha256: str
    size: int
    media_type: str


def check_digest(sha256: str) -> str:
    if not _DIGEST.match(sha256):
        raise BadRequest("a content digest is 64 lower-case hexadecimal characters")
    return sha256


class ContentStore:
    """The store under an instance folder (`DIR/store/ab/cd/abcd…`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        digest = check_digest(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    async def put(
        self, chunks: AsyncIterable[bytes], limit: int, name: str = "", expect: str | None = None
    ) -> Stored:
        """Store a stream; TooLarge (413) once it passes `limit` bytes (nothing kept). With
        `expect` (a SHA-256), DigestMismatch unless the bytes hash to it (nothing kept)."""
        temporary = self.root / "incoming" / secrets.token_hex(16)
        temporary.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        head = b""
        size = 0
        try:
            with temporary.open("wb") as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"this file is larger than the limit of {limit:,} bytes")
                    if len(head) < HEAD:
                        head += chunk[: HEAD - len(head)]
                    digest.update(chunk)
                    await asyncio.to_thread(handle.write, chunk)
            stored = Stored(digest.hexdigest(), size, media_type_of(head, name))
            if expect is not None and stored.sha256 != expect:
                raise DigestMismatch(f"the content's SHA-256 is {stored.sha256}, not {expect}")
            final = self.path(stored.sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)  # atomic: the digest names complete contents only
            return stored
        finally:
            temporary.unlink(missing_ok=True)

    async def put_bytes(self, data: bytes, limit: int, name: str = "") -> Stored:
        async def once() -> AsyncIterator[bytes]:
            yield data

        return await self.put(once(), limit, name)

    async def read(
        self, sha256: str, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        """The content's bytes from `start` to `end` (exclusive), a chunk at a time."""
        path = self.path(sha256)
        with path.open("rb") as handle:
            handle.seek(start)
            remaining = (path.stat().st_size if end is None else end) - start
            while remaining > 0:
                chunk = await asyncio.to_thread(handle.read, min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk

    async def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of what is stored under `sha256` now (None when it is missing)."""
        path = self.path(sha256)
        if not path.is_file():
            return None

        def digest() -> str:
            found = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    found.update(chunk)
            return found.hexdigest()

        return await asyncio.to_thread(digest)
