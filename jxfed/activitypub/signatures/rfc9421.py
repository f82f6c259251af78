"""RFC 9421 HTTP Message Signatures on requests, with RFC 9530 `Content-Digest`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import http_sf
from http_sf.innerlist import ser_innerlist
from http_sf.item import ser_item

from jxfed.activitypub.digest import DigestError, make_content_digest, verify_content_digest
from jxfed.activitypub.signatures.algorithms import (
    ACCEPTED_ALGORITHMS,
    algorithms_for_key,
    sign_with_algorithm,
    verify_with_algorithm,
)
from jxfed.activitypub.signatures.components import Component, component_value, parse_component
from jxfed.activitypub.signatures.request import (
    HttpRequest,
    Instant,
    PrivateKey,
    PublicKey,
    SignatureError,
    VerifiedSignature,
    check_signed_host,
    check_signed_time,
    epoch_seconds,
)

DEFAULT_ALGORITHM = "rsa-v1_5-sha256"


@dataclass(frozen=True, slots=True)
class Rfc9421Signature:
    """One signature of a request: its label, covered components, parameters and value.

    `signature_params` is the serialised `@signature-params` value that closes the base.
    """

    label: str
    components: tuple[Component, ...]
    signature_params: str
    signature: bytes
    key_id: str
    created: int
    expires: int | None
    algorithm: str | None


def parse_rfc9421_signature(request: HttpRequest, label: str | None = None) -> Rfc9421Signature:
    """Parse `Signature-Input` and `Signature` without needing any key.

    Takes the signature labelled `label`, or the first label present in both fields. Raises
    `SignatureError` if they are absent or malformed, if `created` or `keyid` is missing, or if
    `alg` names an algorithm we refuse (hmac-sha256 among them).
    """
    inputs = _dictionary(request, "signature-input")
    values = _dictionary(request, "signature")
    if label is None:
        label = next((name for name in inputs if name in values), None)
        if label is None:
            raise SignatureError("no label appears in both Signature-Input and Signature")
    elif label not in inputs or label not in values:
        raise SignatureError(f"signature {label!r} is not in both Signature-Input and Signature")
    member = inputs[label]
    if not (isinstance(member, tuple) and isinstance(member[0], list)):
        raise SignatureError(f"Signature-Input {label} is not an inner list")
    items, params = member
    components = tuple(parse_component(item) for item in items)
    if len(set(map(repr, components))) != len(components):
        raise SignatureError(f"Signature-Input {label} covers a component twice")
    value = values[label]
    signature = value[0] if isinstance(value, tuple) else value
    if not isinstance(signature, bytes):
        raise SignatureError(f"Signature {label} is not a byte sequence")
    created = params.get("created")
    if type(created) is not int:
        raise SignatureError("Signature-Input has no integer created parameter")
    expires = params.get("expires")
    if expires is not None and type(expires) is not int:
        raise SignatureError("Signature-Input expires parameter is not an integer")
    key_id = params.get("keyid")
    if type(key_id) is not str or not key_id:
        raise SignatureError("Signature-Input has no keyid parameter")
    algorithm = params.get("alg")
    if algorithm is not None:
        if type(algorithm) is not str:
            raise SignatureError("Signature-Input alg parameter is not a string")
        _check_accepted(algorithm)
    signature_params = ser_innerlist((list(items), params))
    return Rfc9421Signature(
        label, components, signature_params, signature, key_id, created, expires, algorithm
    )


def rfc9421_signature_base(
    request: HttpRequest, components: Sequence[Component], signature_params: str
) -> str:
    """Build the signature base (RFC 9421 section 2.5) over `components` of `request`."""
    lines = [
        f"{ser_item(component)}: {component_value(request, component)}" for component in components
    ]
    lines.append(f'"@signature-params": {signature_params}')
    return "\n".join(lines)


def verify_rfc9421_signature(
    request: HttpRequest,
    public_key: PublicKey,
    *,
    now: Instant | None = None,
    signature: Rfc9421Signature | None = None,
    enforce_profile: bool = True,
    expected_host: str | None = None,
) -> VerifiedSignature:
    """Check an RFC 9421 signature with the signer's `public_key`; raise `SignatureError` if bad.

    `signature` is the result of `parse_rfc9421_signature` if the caller already has it. With
    `enforce_profile` (the default) the signature must cover `@method` and `@target-uri`, and
    `content-digest` on a request with a body; the time window (`created`, `expires`) and the
    `Content-Digest` check always apply. Without `alg`, the algorithm follows the key type.
    With `expected_host` (this instance's `host[:port]`; a server always passes it) the
    signature must cover `@target-uri` or `@authority` (or the `host` field), and each of those
    it covers must name that host.
    """
    parsed = signature or parse_rfc9421_signature(request)
    names = tuple(name for name, _ in parsed.components)
    if enforce_profile:
        _check_profile(request, names)
    if expected_host is not None:
        _check_bound(request, names, expected_host)
    # `created` is mandatory here, so a covered Date never decides (as with cavage's (created)).
    check_signed_time(
        created=parsed.created, date=None, expires=parsed.expires, now=epoch_seconds(now)
    )
    content_digest = request.header("content-digest")
    if content_digest is not None:
        try:
            verify_content_digest(content_digest, request.body)
        except DigestError as error:
            raise SignatureError(str(error)) from error
    base = rfc9421_signature_base(request, parsed.components, parsed.signature_params)
    candidates = [parsed.algorithm] if parsed.algorithm else algorithms_for_key(public_key)
    for algorithm in candidates:
        if verify_with_algorithm(algorithm, public_key, base.encode("utf-8"), parsed.signature):
            return VerifiedSignature(
                "rfc9421", parsed.key_id, algorithm, names, float(parsed.created)
            )
    raise SignatureError("signature does not match the request")


def sign_rfc9421_request(
    request: HttpRequest,
    *,
    key_id: str,
    private_key: PrivateKey,
    algorithm: str = DEFAULT_ALGORITHM,
    now: Instant | None = None,
    covered: Sequence[str] | None = None,
    created: int | None = None,
    expires: int | None = None,
    label: str = "sig1",
    declare_algorithm: bool = True,
) -> dict[str, str]:
    """Sign `request` and return the header fields to add to it.

    Covers `@method @target-uri`, plus `content-digest` on a request with a body, unless
    `covered` lists other components (a name, or an identifier with parameters such as
    `"@query-param";name="id"`). Adds `Content-Digest` (sha-256) when it is covered and absent,
    then `Signature-Input` and `Signature`. `created` defaults to `now`.
    """
    _check_accepted(algorithm)
    if covered is None:
        covered = ("@method", "@target-uri", *(["content-digest"] if _has_body(request) else []))
    components = tuple(_component_from_text(text) for text in covered)
    added: dict[str, str] = {}
    if any(name == "content-digest" for name, _ in components):
        existing = request.header("content-digest")
        if existing is None:
            added["Content-Digest"] = make_content_digest(request.body)
        else:
            verify_content_digest(existing, request.body)
    params: dict[str, http_sf.types.BareItemType] = {
        "created": int(epoch_seconds(now)) if created is None else created,
        "keyid": key_id,
    }
    if declare_algorithm:
        params["alg"] = algorithm
    if expires is not None:
        params["expires"] = expires
    inner: http_sf.InnerListType = (list[http_sf.ItemType](components), params)
    signature_params = ser_innerlist(inner)
    base = rfc9421_signature_base(request.with_headers(added), components, signature_params)
    value = sign_with_algorithm(algorithm, private_key, base.encode("utf-8"))
    added["Signature-Input"] = http_sf.ser({label: inner})
    added["Signature"] = http_sf.ser({label: value})
    return added


def _dictionary(request: HttpRequest, field: str) -> http_sf.DictionaryType:
    value = request.header(field)
    if value is None:
        raise SignatureError(f"request has no {field.title()} header")
    try:
        parsed = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (http_sf.StructuredFieldError, UnicodeEncodeError) as error:
        raise SignatureError(f"{field.title()} is not a structured dictionary: {error}") from error
    if not isinstance(parsed, dict):
        raise SignatureError(f"{field.title()} is not a structured dictionary")
    return parsed


def _component_from_text(text: str) -> Component:
    if not text.startswith('"'):
        return (text, {})
    try:
        item = http_sf.parse(text.encode("ascii"), tltype="item")
    except http_sf.StructuredFieldError as error:
        raise ValueError(f"bad component identifier {text!r}: {error}") from error
    return parse_component(item)


def _check_accepted(algorithm: str) -> None:
    if algorithm == "hmac-sha256":
        raise SignatureError("hmac-sha256 is refused: it needs a secret shared with the peer")
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise SignatureError(f"unsupported algorithm {algorithm!r}")


def _check_profile(request: HttpRequest, names: tuple[str, ...]) -> None:
    for required in ("@method", "@target-uri"):
        if required not in names:
            raise SignatureError(f"the signature must cover {required}")
    if _has_body(request) and "content-digest" not in names:
        raise SignatureError("the signature must cover content-digest on a request with a body")


def _check_bound(request: HttpRequest, names: tuple[str, ...], expected_host: str) -> None:
    bound = False
    for name in ("@target-uri", "@authority"):
        if name in names:
            check_signed_host(
                request.authority, expected_host, scheme=request.scheme, component=name
            )
            bound = True
    if "host" in names:
        signed = component_value(request, ("host", {}))
        check_signed_host(signed, expected_host, scheme=request.scheme, component="host")
        bound = True
    if not bound:
        raise SignatureError(
            "the signature must cover @target-uri or @authority, which bind it to this instance"
        )


def _has_body(request: HttpRequest) -> bool:
    return request.method.upper() == "POST" or bool(request.body)
