"""draft-cavage-http-signatures-12, as Mastodon signs and checks it (`rsa-sha256`, `hs2019`)."""

from __future__ import annotations

import base64
import binascii
import email.utils
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256

from jxfed.activitypub.digest import DigestError, make_digest_header, verify_digest_header
from jxfed.activitypub.signatures.request import (
    HttpRequest,
    Instant,
    PublicKey,
    SignatureError,
    VerifiedSignature,
    check_signed_host,
    check_signed_time,
    epoch_seconds,
)

ACCEPTED_ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
_PSEUDO_HEADERS = frozenset({"(request-target)", "(created)", "(expires)"})
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(,|$)')
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class CavageSignature:
    """The parameters of a `Signature` header; `headers` are the covered names, lowercase."""

    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def parse_cavage_signature(request: HttpRequest) -> CavageSignature:
    """Parse the `Signature` (or `Authorization: Signature`) header without needing any key.

    Raises `SignatureError` if the header is absent or malformed, names an algorithm other than
    rsa-sha256 / hs2019, or signs `(created)` / `(expires)` with rsa-sha256.
    """
    value = request.header("signature")
    if value is None:
        authorization = request.header("authorization") or ""
        if authorization[:10].lower() == "signature ":
            value = authorization[10:]
    if value is None:
        raise SignatureError("request has no Signature header")
    params = _parse_params(value)
    key_id = params.get("keyId")
    if not key_id:
        raise SignatureError("Signature header has no keyId")
    encoded = params.get("signature")
    if not encoded:
        raise SignatureError("Signature header has no signature")
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureError("signature is not valid base64") from error
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise SignatureError(f"unsupported algorithm {algorithm!r}: use rsa-sha256 or hs2019")
    headers = _covered_headers(params.get("headers"), algorithm)
    created = _integer_param(params, "created")
    expires = _integer_param(params, "expires")
    if "(created)" in headers and created is None:
        raise SignatureError("(created) is signed but the created parameter is missing")
    if "(expires)" in headers and expires is None:
        raise SignatureError("(expires) is signed but the expires parameter is missing")
    return CavageSignature(key_id, algorithm, headers, signature, created, expires)


def cavage_signing_string(
    request: HttpRequest,
    headers: Sequence[str],
    *,
    created: int | None = None,
    expires: int | None = None,
    with_query: bool = True,
) -> str:
    """Build the string that is signed over `headers` (lowercase names, pseudo-headers included).

    `with_query=False` drops the query string from `(request-target)`, as old Mastodon did.
    """
    lines: list[str] = []
    for name in headers:
        if name == "(request-target)":
            target = request.target if with_query else request.path
            value: str | None = f"{request.method.lower()} {target}"
        elif name == "(created)":
            value = None if created is None else str(created)
        elif name == "(expires)":
            value = None if expires is None else str(expires)
        elif name.startswith("("):
            raise SignatureError(f"unknown pseudo-header {name}")
        else:
            value = request.header(name)
            if value is None and name == "host":
                value = request.authority
        if value is None:
            raise SignatureError(f"signed header {name} is missing from the request")
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def verify_cavage_signature(
    request: HttpRequest,
    public_key: PublicKey,
    *,
    now: Instant | None = None,
    signature: CavageSignature | None = None,
    enforce_profile: bool = True,
    expected_host: str | None = None,
) -> VerifiedSignature:
    """Check a cavage signature with the signer's RSA `public_key`; raise `SignatureError` if bad.

    `signature` is the result of `parse_cavage_signature` if the caller already has it. With
    `enforce_profile` (the default) the signature must cover `(request-target)`, `host`, `date`
    or `(created)`, and `digest` on a request with a body; the time window, the body digest and
    the query-string fallback always apply. With `expected_host` (this instance's `host[:port]`;
    a server always passes it) the signature must cover `host` and name that host.
    """
    parsed = signature or parse_cavage_signature(request)
    if enforce_profile:
        _check_profile(request, parsed.headers)
    if expected_host is not None:
        _check_bound(request, parsed.headers, expected_host)
    # Parameters count only when signed; parse_cavage_signature made sure the signed ones exist.
    created = check_signed_time(
        created=parsed.created if "(created)" in parsed.headers else None,
        date=_signed_value(request, parsed.headers, "date"),
        expires=parsed.expires if "(expires)" in parsed.headers else None,
        now=epoch_seconds(now),
    )
    digest = request.header("digest")
    if digest is not None:
        try:
            verify_digest_header(digest, request.body)
        except DigestError as error:
            raise SignatureError(str(error)) from error
    if not isinstance(public_key, RSAPublicKey):
        raise SignatureError("cavage signatures are accepted with RSA keys only")
    variants = [True]
    if request.query and "(request-target)" in parsed.headers:
        variants.append(False)
    for with_query in variants:
        signed = cavage_signing_string(
            request,
            parsed.headers,
            created=parsed.created,
            expires=parsed.expires,
            with_query=with_query,
        )
        try:
            public_key.verify(parsed.signature, signed.encode("utf-8"), PKCS1v15(), SHA256())
        except InvalidSignature:
            continue
        return VerifiedSignature("cavage", parsed.key_id, parsed.algorithm, parsed.headers, created)
    raise SignatureError("signature does not match the request")


def sign_cavage_request(
    request: HttpRequest,
    *,
    key_id: str,
    private_key: RSAPrivateKey,
    now: Instant | None = None,
    headers: Sequence[str] | None = None,
) -> dict[str, str]:
    """Sign `request` with rsa-sha256 and return the header fields to add to it.

    Adds `Host` and `Date` when the request lacks them, `Digest` on a request with a body, and
    `Signature`. By default it signs `(request-target) host date`, plus `digest` with a body.
    """
    if '"' in key_id or "\\" in key_id:
        raise ValueError("key_id must not contain quotes or backslashes")
    added: dict[str, str] = {}
    if request.header("host") is None:
        added["Host"] = request.authority
    if request.header("date") is None:
        added["Date"] = email.utils.formatdate(epoch_seconds(now), usegmt=True)
    has_body = _has_body(request)
    if has_body:
        existing = request.header("digest")
        if existing is None:
            added["Digest"] = make_digest_header(request.body)
        else:
            verify_digest_header(existing, request.body)
    covered = tuple(
        headers or ("(request-target)", "host", "date", *(["digest"] if has_body else []))
    )
    signed = cavage_signing_string(request.with_headers(added), covered)
    value = private_key.sign(signed.encode("utf-8"), PKCS1v15(), SHA256())
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(covered)}",'
        f'signature="{base64.b64encode(value).decode("ascii")}"'
    )
    return added


def _parse_params(value: str) -> dict[str, str]:
    text = value.strip()
    params: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _PARAM.match(text, position)
        if match is None or (match.group(4) == "," and match.end() == len(text)):
            raise SignatureError(f"malformed Signature header at character {position}")
        name, quoted, bare = match.group(1, 2, 3)
        if name in params:
            raise SignatureError(f"Signature header repeats the parameter {name}")
        params[name] = _ESCAPE.sub(r"\1", quoted) if quoted is not None else bare
        position = match.end()
    if not params:
        raise SignatureError("Signature header is empty")
    return params


def _covered_headers(value: str | None, algorithm: str) -> tuple[str, ...]:
    if value is None:
        return ("(created)",) if algorithm == "hs2019" else ("date",)
    headers = tuple(name.lower() for name in value.split())
    if not headers:
        raise SignatureError("Signature header has an empty headers parameter")
    for name in headers:
        if name.startswith("(") and name not in _PSEUDO_HEADERS:
            raise SignatureError(f"unknown pseudo-header {name}")
        if name in ("(created)", "(expires)") and algorithm != "hs2019":
            raise SignatureError(f"{name} may only be signed with algorithm hs2019")
    return headers


def _integer_param(params: dict[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit():
        raise SignatureError(f"Signature parameter {name} is not an integer")
    return int(value)


def _check_profile(request: HttpRequest, covered: tuple[str, ...]) -> None:
    for required in ("(request-target)", "host"):
        if required not in covered:
            raise SignatureError(f"the signature must cover {required}")
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("the signature must cover date or (created)")
    if _has_body(request) and "digest" not in covered:
        raise SignatureError("the signature must cover digest on a request with a body")


def _check_bound(request: HttpRequest, covered: tuple[str, ...], expected_host: str) -> None:
    signed = _signed_value(request, covered, "host")
    if signed is None:
        raise SignatureError("the signature must cover host, which binds it to this instance")
    check_signed_host(signed, expected_host, scheme=request.scheme, component="host")


def _signed_value(request: HttpRequest, covered: tuple[str, ...], name: str) -> str | None:
    """The value the signing string holds for the header `name`, or None if it is not covered."""
    if name not in covered:
        return None
    value = request.header(name)
    if value is None and name == "host":
        value = request.authority
    if value is None:
        raise SignatureError(f"signed header {name} is missing from the request")
    return value


def _has_body(request: HttpRequest) -> bool:
    return request.method.upper() == "POST" or bool(request.body)
