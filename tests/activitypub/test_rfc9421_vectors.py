"""RFC 9421 (HTTP Message Signatures) and RFC 9530 (Content-Digest) against the published vectors.

Every value comes from `../shared/vectors/rfc9421_vectors.md`, read at test time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import http_sf
import pytest

from jxfed.activitypub.digest import DigestError, make_content_digest, verify_content_digest
from jxfed.activitypub.signatures import (
    HttpRequest,
    PublicKey,
    SignatureError,
    parse_request_signature,
    parse_rfc9421_signature,
    rfc9421_signature_base,
    sign_rfc9421_request,
    verify_rfc9421_signature,
)
from jxfed.activitypub.signatures.algorithms import verify_with_algorithm

from .vectors import (
    RFC8792_NOTE,
    fenced_blocks,
    header_lines,
    parse_message,
    pem_blocks,
    private_key,
    public_key,
    read_vectors,
    rsa_private_key,
    section,
    unwrap_rfc8792,
)

TEXT = read_vectors("rfc9421_vectors.md")
CREATED = 1618884473  # the `created` of the B.2 test cases
PUBLIC_KEYS: dict[str, PublicKey] = {
    "test-key-rsa": public_key(
        pem_blocks(section(TEXT, "### Example Key RSA test"), "RSA PUBLIC KEY")[0]
    ),
    "test-key-rsa-pss": public_key(
        pem_blocks(section(TEXT, "### Example RSA PSS Key"), "PUBLIC KEY")[0]
    ),
    "test-key-ecc-p256": public_key(
        pem_blocks(section(TEXT, "### Example ECC P-256"), "PUBLIC KEY")[0]
    ),
    "test-key-ed25519": public_key(
        pem_blocks(section(TEXT, "### Example Ed25519"), "PUBLIC KEY")[0]
    ),
}
RSA_PRIVATE = rsa_private_key(
    pem_blocks(section(TEXT, "### Example Key RSA test"), "RSA PRIVATE KEY")[0]
)
ED25519_PRIVATE = private_key(pem_blocks(section(TEXT, "### Example Ed25519"), "PRIVATE KEY")[0])
TEST_REQUEST = parse_message(fenced_blocks(section(TEXT, "## Test Cases"))[0])

# B.2.1-B.2.6 whose algorithm we accept; each block pair is (signature base, added fields).
ACCEPTED_CASES = {
    "B.2.1": "### Minimal Signature Using rsa-pss-sha512",
    "B.2.2": "### Selective Covered Components using rsa-pss-sha512",
    "B.2.3": "### Full Coverage using rsa-pss-sha512",
    "B.2.6": "### Signing a Request using ed25519",
}


def _field(request: HttpRequest, name: str) -> str:
    value = request.header(name)
    assert value is not None, f"{name} missing"
    return value


def _test_case(heading: str) -> tuple[str, HttpRequest]:
    base, fields = fenced_blocks(section(TEXT, heading))
    return base, TEST_REQUEST.with_headers(header_lines(fields))


@pytest.mark.parametrize("case", sorted(ACCEPTED_CASES))
def test_b2_signature_base_matches_the_published_base(case: str) -> None:
    base, request = _test_case(ACCEPTED_CASES[case])
    parsed = parse_rfc9421_signature(request)
    assert rfc9421_signature_base(request, parsed.components, parsed.signature_params) == base


@pytest.mark.parametrize("case", sorted(ACCEPTED_CASES))
def test_b2_published_signature_verifies(case: str) -> None:
    _, request = _test_case(ACCEPTED_CASES[case])
    parsed = parse_rfc9421_signature(request)
    verified = verify_rfc9421_signature(
        request, PUBLIC_KEYS[parsed.key_id], now=CREATED + 60, enforce_profile=False
    )
    assert verified.key_id == parsed.key_id
    assert verified.created == CREATED


def test_b2_rsa_pss_without_alg_is_recognised_from_the_key() -> None:
    _, request = _test_case(ACCEPTED_CASES["B.2.3"])
    verified = verify_rfc9421_signature(
        request, PUBLIC_KEYS["test-key-rsa-pss"], now=CREATED, enforce_profile=False
    )
    assert verified.algorithm == "rsa-pss-sha512"


def test_b2_6_ed25519_resigns_byte_for_byte() -> None:
    _, request = _test_case(ACCEPTED_CASES["B.2.6"])
    unsigned = HttpRequest(request.method, request.url, TEST_REQUEST.header_items(), request.body)
    added = sign_rfc9421_request(
        unsigned,
        key_id="test-key-ed25519",
        private_key=ED25519_PRIVATE,
        algorithm="ed25519",
        covered=["date", "@method", "@path", "@authority", "content-type", "content-length"],
        created=CREATED,
        label="sig-b26",
        declare_algorithm=False,
    )
    assert added["Signature-Input"] == request.header("signature-input")
    assert added["Signature"] == request.header("signature")


def test_b2_4_ecdsa_signature_checks_but_response_components_are_refused() -> None:
    base, request = _test_case("### Signing a Response using ecdsa-p256-sha256")
    encoded = re.fullmatch(r"sig-b24=:(\S+):", _field(request, "signature"))
    assert encoded is not None
    value = base64.b64decode(encoded.group(1))
    assert verify_with_algorithm(
        "ecdsa-p256-sha256", PUBLIC_KEYS["test-key-ecc-p256"], base.encode(), value
    )
    # We only sign and check requests: a covered @status cannot apply to one.
    with pytest.raises(SignatureError, match="@status"):
        parse_rfc9421_signature(request)


def test_b2_5_hmac_base_is_right_but_hmac_is_refused() -> None:
    base, request = _test_case("### Signing a Request using hmac-sha256")
    secret = base64.b64decode(fenced_blocks(section(TEXT, "### Example Shared Secret"))[0])
    expected = hmac.new(secret, base.encode(), hashlib.sha256).digest()
    parsed = parse_rfc9421_signature(request)
    assert rfc9421_signature_base(request, parsed.components, parsed.signature_params) == base
    assert parsed.signature == expected
    # The vector names no alg; with any peer's public key it cannot verify.
    with pytest.raises(SignatureError, match="does not match"):
        verify_rfc9421_signature(
            request, PUBLIC_KEYS["test-key-rsa"], now=CREATED, enforce_profile=False
        )
    # Declared, hmac-sha256 is refused before any key is looked up: peers share no secret.
    declared = TEST_REQUEST.with_headers(
        {
            "Signature-Input": f'{_field(request, "signature-input")};alg="hmac-sha256"',
            "Signature": _field(request, "signature"),
        }
    )
    with pytest.raises(SignatureError, match="hmac-sha256 is refused"):
        parse_request_signature(declared)


def test_b3_proxy_signature_with_ecdsa_verifies() -> None:
    request = parse_message(fenced_blocks(section(TEXT, "## TLS-Terminating Proxies"))[4])
    verified = verify_rfc9421_signature(
        request, PUBLIC_KEYS["test-key-ecc-p256"], now=CREATED, enforce_profile=False
    )
    assert "client-cert" in verified.covered


def _transform_messages() -> list[tuple[str, bool]]:
    blocks = fenced_blocks(section(TEXT, "## HTTP Message Transformations"))
    messages = [blocks[0], *blocks[2:]]
    # As RFC 9421 B.4 says: the original, then three harmless changes, then method/authority
    # changed, then the two Accept fields swapped.
    return list(zip(messages, [True, True, True, True, False, False], strict=True))


@pytest.mark.parametrize(("message", "valid"), _transform_messages())
def test_b4_transformations_keep_or_break_the_signature_as_the_rfc_says(
    message: str, valid: bool
) -> None:
    request = parse_message(message)
    key = PUBLIC_KEYS["test-key-ed25519"]
    if valid:
        verify_rfc9421_signature(request, key, now=CREATED, enforce_profile=False)
    else:
        with pytest.raises(SignatureError, match="does not match"):
            verify_rfc9421_signature(request, key, now=CREATED, enforce_profile=False)


def test_b4_base_folds_repeated_accept_fields() -> None:
    blocks = fenced_blocks(section(TEXT, "## HTTP Message Transformations"))
    request = parse_message(blocks[0])
    parsed = parse_rfc9421_signature(request)
    # The RFC wraps this one base with a backslash but forgot the RFC 8792 note that says so.
    published = unwrap_rfc8792(f"{RFC8792_NOTE}\n\n{blocks[1]}")
    assert rfc9421_signature_base(request, parsed.components, parsed.signature_params) == published


def test_section_3_2_rsa_pss_example_verifies() -> None:
    request = parse_message(fenced_blocks(section(TEXT, "### From Section 2.5"))[3])
    verify_rfc9421_signature(
        request, PUBLIC_KEYS["test-key-rsa-pss"], now=CREATED, enforce_profile=False
    )


def test_section_4_3_proxy_rsa_v1_5_signature_verifies_and_resigns_byte_for_byte() -> None:
    blocks = fenced_blocks(section(TEXT, "### From Section 4.3"))
    signed = parse_message(blocks[4])
    parsed = parse_rfc9421_signature(signed, "proxy_sig")
    assert rfc9421_signature_base(signed, parsed.components, parsed.signature_params) == blocks[2]
    verify_rfc9421_signature(
        signed, PUBLIC_KEYS["test-key-rsa"], signature=parsed, now=1618884480, enforce_profile=False
    )
    added = sign_rfc9421_request(
        parse_message(blocks[1]),
        key_id="test-key-rsa",
        private_key=RSA_PRIVATE,
        covered=[name for name, _ in parsed.components],
        created=1618884480,
        expires=1618884540,
        label="proxy_sig",
    )
    assert http_sf.parse(added["Signature"].encode(), tltype="dictionary") == {
        "proxy_sig": (base64.b64decode(blocks[3]), {})
    }


def test_section_4_3_client_ecdsa_signature_verifies_only_before_the_proxy() -> None:
    blocks = fenced_blocks(section(TEXT, "### From Section 4.3"))
    key = PUBLIC_KEYS["test-key-ecc-p256"]
    verify_rfc9421_signature(parse_message(blocks[0]), key, now=CREATED, enforce_profile=False)
    with pytest.raises(SignatureError, match="does not match"):
        verify_rfc9421_signature(parse_message(blocks[4]), key, now=CREATED, enforce_profile=False)


def test_rfc9530_sample_digests_match_ours() -> None:
    block = fenced_blocks(section(TEXT, "### Appendix D"))[0]
    published = dict(re.findall(r"^(sha-(?:256|512))\s+-\s+:(\S+):", block, re.MULTILINE))
    assert make_content_digest(b'{"hello": "world"}', ["sha-256", "sha-512"]) == (
        f"sha-256=:{published['sha-256']}:, sha-512=:{published['sha-512']}:"
    )


def test_test_request_content_digest_verifies_and_catches_a_changed_body() -> None:
    published = _field(TEST_REQUEST, "content-digest")
    verify_content_digest(published, TEST_REQUEST.body)
    with pytest.raises(DigestError, match="does not match"):
        verify_content_digest(published, b'{"hello": "moon"}')


def test_content_digest_without_a_known_algorithm_is_rejected() -> None:
    with pytest.raises(DigestError, match="neither sha-256 nor sha-512"):
        verify_content_digest("md5=:Sd/dVLAcvNLSq16eXua5uQ==:", b'{"hello": "world"}')
    with pytest.raises(DigestError, match="structured dictionary"):
        verify_content_digest("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", b"")
