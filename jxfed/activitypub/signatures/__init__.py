"""HTTP signatures, both schemes: draft-cavage-12 (as Mastodon) and RFC 9421.

A server first calls `parse_request_signature` (no key needed) to learn the `key_id`, checks
its host against the allowlist, resolves the key, then calls `verify_request_signature` with its
own domain as `expected_host`, so that a signature made for another instance never verifies.
"""

from __future__ import annotations

from jxfed.activitypub.signatures.cavage import (
    CavageSignature,
    cavage_signing_string,
    parse_cavage_signature,
    sign_cavage_request,
    verify_cavage_signature,
)
from jxfed.activitypub.signatures.request import (
    HttpRequest,
    Instant,
    PrivateKey,
    PublicKey,
    SignatureError,
    VerifiedSignature,
)
from jxfed.activitypub.signatures.rfc9421 import (
    Rfc9421Signature,
    parse_rfc9421_signature,
    rfc9421_signature_base,
    sign_rfc9421_request,
    verify_rfc9421_signature,
)

__all__ = [
    "CavageSignature",
    "HttpRequest",
    "Instant",
    "PrivateKey",
    "PublicKey",
    "Rfc9421Signature",
    "SignatureError",
    "VerifiedSignature",
    "cavage_signing_string",
    "parse_cavage_signature",
    "parse_request_signature",
    "parse_rfc9421_signature",
    "rfc9421_signature_base",
    "sign_cavage_request",
    "sign_rfc9421_request",
    "verify_cavage_signature",
    "verify_request_signature",
    "verify_rfc9421_signature",
]


def parse_request_signature(request: HttpRequest) -> CavageSignature | Rfc9421Signature:
    """Parse whichever signature the request carries (RFC 9421 if it has `Signature-Input`).

    Needs no key, so the caller can check `key_id` against the allowlist before fetching one.
    Raises `SignatureError` if the request is unsigned or the signature is malformed.
    """
    if request.header("signature-input") is not None:
        return parse_rfc9421_signature(request)
    authorization = request.header("authorization") or ""
    if request.header("signature") is None and authorization[:10].lower() != "signature ":
        raise SignatureError("request is not signed")
    return parse_cavage_signature(request)


def verify_request_signature(
    request: HttpRequest,
    public_key: PublicKey,
    *,
    signature: CavageSignature | Rfc9421Signature | None = None,
    now: Instant | None = None,
    expected_host: str | None = None,
) -> VerifiedSignature:
    """Verify the request's signature under the federation profile; raise `SignatureError`.

    `expected_host` is this instance's `host[:port]`: the signed `host` (cavage) or
    `@authority` / `@target-uri` (RFC 9421) must name it. A server always passes it; None
    (not checked) is for checking published vectors, which are signed for their own hosts.
    """
    parsed = signature or parse_request_signature(request)
    if isinstance(parsed, Rfc9421Signature):
        return verify_rfc9421_signature(
            request, public_key, now=now, signature=parsed, expected_host=expected_host
        )
    return verify_cavage_signature(
        request, public_key, now=now, signature=parsed, expected_host=expected_host
    )
