"""Body digests: cavage `Digest: SHA-256=` and RFC 9530 `Content-Digest`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Iterable

import http_sf

# RFC 9530 algorithms we make and check; the deprecated ones (md5, sha, ...) are ignored.
_CONTENT_DIGEST_ALGORITHMS: dict[str, Callable[[bytes], bytes]] = {
    "sha-256": lambda body: hashlib.sha256(body).digest(),
    "sha-512": lambda body: hashlib.sha512(body).digest(),
}


class DigestError(ValueError):
    """A digest header that is malformed, uses no supported algorithm, or does not match."""


def make_digest_header(body: bytes) -> str:
    """Return the cavage `Digest` header value for `body`: `SHA-256=<base64>`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def verify_digest_header(value: str, body: bytes) -> None:
    """Check a cavage `Digest` header against the raw `body`, as Mastodon does.

    The header is a comma-separated list of `algorithm=base64`; algorithm names are
    case-insensitive, only SHA-256 is accepted and every SHA-256 entry must match.
    """
    expected = hashlib.sha256(body).digest()
    found = False
    for entry in value.split(","):
        algorithm, separator, encoded = entry.strip().partition("=")
        if not separator:
            raise DigestError(f"malformed Digest entry {entry.strip()!r}")
        if algorithm.strip().lower() != "sha-256":
            continue
        found = True
        if not hmac.compare_digest(_b64decode(encoded.strip(), "Digest"), expected):
            raise DigestError("Digest SHA-256 does not match the body")
    if not found:
        raise DigestError("Digest has no SHA-256 value (the only algorithm accepted)")


def make_content_digest(body: bytes, algorithms: Iterable[str] = ("sha-256",)) -> str:
    """Return an RFC 9530 `Content-Digest` value for `body` (sha-256 and/or sha-512)."""
    members: http_sf.DictionaryType = {}
    for algorithm in algorithms:
        digest = _CONTENT_DIGEST_ALGORITHMS.get(algorithm)
        if digest is None:
            raise ValueError(f"unsupported Content-Digest algorithm {algorithm!r}")
        members[algorithm] = digest(body)
    return http_sf.ser(members)


def verify_content_digest(value: str, body: bytes) -> None:
    """Check an RFC 9530 `Content-Digest` value against `body`.

    At least one of sha-256 / sha-512 must be present, and each one present must match;
    other algorithms are ignored.
    """
    try:
        members = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (http_sf.StructuredFieldError, UnicodeEncodeError) as error:
        raise DigestError(f"Content-Digest is not a structured dictionary: {error}") from error
    if not isinstance(members, dict):
        raise DigestError("Content-Digest is not a structured dictionary")
    checked = 0
    for algorithm, member in members.items():
        digest = _CONTENT_DIGEST_ALGORITHMS.get(algorithm)
        if digest is None:
            continue
        received = member[0] if isinstance(member, tuple) else member
        if not isinstance(received, bytes):
            raise DigestError(f"Content-Digest {algorithm} is not a byte sequence")
        if not hmac.compare_digest(received, digest(body)):
            raise DigestError(f"Content-Digest {algorithm} does not match the body")
        checked += 1
    if not checked:
        raise DigestError("Content-Digest has neither sha-256 nor sha-512")


def _b64decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DigestError(f"{field} value is not valid base64") from error
