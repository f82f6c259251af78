"""RFC 9421 as this instance signs and checks it: our profile, on requests signed here."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from jxfed.activitypub.keys import generate_key_material, load_keys
from jxfed.activitypub.signatures import (
    HttpRequest,
    SignatureError,
    parse_request_signature,
    parse_rfc9421_signature,
    sign_rfc9421_request,
    verify_request_signature,
    verify_rfc9421_signature,
)
from tests.activitypub.test_rfc9421_vectors import CREATED, PUBLIC_KEYS, RSA_PRIVATE

# --- our profile, on requests signed here -------------------------------------------------

INBOX = "https://b.example/users/bob/inbox"
BODY = b'{"type":"Follow","actor":"https://a.example/users/alice"}'


def _signed_post(**options: object) -> HttpRequest:
    request = HttpRequest("POST", INBOX, {"Content-Type": "application/activity+json"}, BODY)
    added = sign_rfc9421_request(
        request,
        key_id="https://a.example/users/alice#main-key",
        private_key=RSA_PRIVATE,
        now=CREATED,
        **options,  # type: ignore[arg-type]
    )
    return request.with_headers(added)


def test_default_post_signature_meets_the_profile() -> None:
    request = _signed_post()
    assert request.header("content-digest") is not None
    verified = verify_request_signature(request, PUBLIC_KEYS["test-key-rsa"], now=CREATED + 30)
    assert verified.scheme == "rfc9421"
    assert verified.algorithm == "rsa-v1_5-sha256"
    assert verified.covered == ("@method", "@target-uri", "content-digest")


def test_key_id_is_known_before_any_key() -> None:
    assert (
        parse_request_signature(_signed_post()).key_id == "https://a.example/users/alice#main-key"
    )


@pytest.mark.parametrize("algorithm", ["rsa-v1_5-sha256", "rsa-pss-sha512", "ed25519"])
def test_generated_keys_sign_and_verify_with_each_accepted_algorithm(algorithm: str) -> None:
    keys = load_keys(generate_key_material())
    private: RSAPrivateKey | Ed25519PrivateKey = (
        keys.ed25519_private if algorithm == "ed25519" else keys.rsa_private
    )
    request = HttpRequest("GET", "https://b.example/spaces/1?page=2", {"Accept": "*/*"})
    added = sign_rfc9421_request(
        request, key_id="k", private_key=private, algorithm=algorithm, now=CREATED
    )
    verified = verify_rfc9421_signature(
        request.with_headers(added), private.public_key(), now=CREATED
    )
    assert verified.algorithm == algorithm


def test_missing_created_is_rejected() -> None:
    request = HttpRequest(
        "GET",
        INBOX,
        {"Signature-Input": 'sig1=("@method" "@target-uri");keyid="k"', "Signature": "sig1=:AA==:"},
    )
    with pytest.raises(SignatureError, match="created"):
        parse_rfc9421_signature(request)


def test_expired_signature_is_rejected() -> None:
    request = _signed_post(expires=CREATED + 60)
    key = PUBLIC_KEYS["test-key-rsa"]
    verify_rfc9421_signature(request, key, now=CREATED + 60)
    with pytest.raises(SignatureError, match="expired"):
        verify_rfc9421_signature(request, key, now=CREATED + 60 + 3600 + 1)


def test_signature_without_expires_lives_five_minutes_plus_the_clock_margin() -> None:
    request = _signed_post()
    key = PUBLIC_KEYS["test-key-rsa"]
    verify_rfc9421_signature(request, key, now=CREATED + 300 + 3600)
    with pytest.raises(SignatureError, match="expired"):
        verify_rfc9421_signature(request, key, now=CREATED + 300 + 3600 + 1)


def test_signature_from_the_future_is_rejected() -> None:
    with pytest.raises(SignatureError, match="future"):
        verify_rfc9421_signature(_signed_post(), PUBLIC_KEYS["test-key-rsa"], now=CREATED - 3601)


def test_post_without_content_digest_covered_is_rejected() -> None:
    request = _signed_post(covered=["@method", "@target-uri"])
    with pytest.raises(SignatureError, match="content-digest"):
        verify_rfc9421_signature(request, PUBLIC_KEYS["test-key-rsa"], now=CREATED)


def test_signature_without_target_uri_is_rejected() -> None:
    request = _signed_post(covered=["@method", "@path", "content-digest"])
    with pytest.raises(SignatureError, match="@target-uri"):
        verify_rfc9421_signature(request, PUBLIC_KEYS["test-key-rsa"], now=CREATED)


def test_tampered_body_is_rejected() -> None:
    signed = _signed_post()
    tampered = HttpRequest(
        signed.method, signed.url, signed.header_items(), BODY.replace(b"Follow", b"Block")
    )
    with pytest.raises(SignatureError, match="Content-Digest sha-256 does not match"):
        verify_rfc9421_signature(tampered, PUBLIC_KEYS["test-key-rsa"], now=CREATED)


def test_tampered_target_is_rejected() -> None:
    signed = _signed_post()
    moved = HttpRequest(signed.method, INBOX + "?x=1", signed.header_items(), signed.body)
    with pytest.raises(SignatureError, match="does not match"):
        verify_rfc9421_signature(moved, PUBLIC_KEYS["test-key-rsa"], now=CREATED)


def test_wrong_key_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        verify_rfc9421_signature(_signed_post(), PUBLIC_KEYS["test-key-rsa-pss"], now=CREATED)


def test_declared_algorithm_must_fit_the_key() -> None:
    with pytest.raises(SignatureError, match="does not fit"):
        verify_rfc9421_signature(_signed_post(), PUBLIC_KEYS["test-key-ed25519"], now=CREATED)


@pytest.mark.parametrize(
    ("signature_input", "reason"),
    [
        ('sig1=("@method");created=1;keyid="k";alg="rsa-sha1"', "unsupported algorithm"),
        ('sig1=("@method" "@method");created=1;keyid="k"', "twice"),
        ('sig1=("@method");created=1', "keyid"),
        ('sig1=("@method");created="1";keyid="k"', "created"),
        ('sig1=("Date");created=1;keyid="k"', "lowercase"),
        ('sig1=("@method";req);created=1;keyid="k"', "unsupported parameter"),
        ('sig1=("@nonsense");created=1;keyid="k"', "unknown derived component"),
        ('sig1="@method";created=1;keyid="k"', "inner list"),
        ("sig1=(", "structured dictionary"),
        ('other=("@method");created=1;keyid="k"', "no label"),
    ],
)
def test_malformed_signature_input_is_rejected(signature_input: str, reason: str) -> None:
    request = HttpRequest(
        "GET", INBOX, {"Signature-Input": signature_input, "Signature": "sig1=:AA==:"}
    )
    with pytest.raises(SignatureError, match=reason):
        parse_rfc9421_signature(request)
