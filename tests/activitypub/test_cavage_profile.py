"""Mastodon's rules for draft-cavage signatures (vectors part 5), each one a negative case."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.digest import make_digest_header
from jxfed.activitypub.signatures import (
    HttpRequest,
    SignatureError,
    parse_cavage_signature,
    parse_request_signature,
    sign_cavage_request,
    verify_cavage_signature,
)
from tests.activitypub.test_cavage_vectors import (
    ALICE_KEY_ID,
    ALICE_PRIVATE,
    ALICE_PUBLIC,
    MASTODON_NOW,
    MASTODON_REQUEST,
    REQUEST,
    TEST_PUBLIC,
    _with_signature,
)

# --- Part 5: Mastodon's rules, each one a negative case ----------------------------------

INBOX = "https://b.example/users/bob/inbox"
NOW = 1618884475.0


def _sign(request: HttpRequest, **options: object) -> HttpRequest:
    added = sign_cavage_request(
        request,
        key_id=ALICE_KEY_ID,
        private_key=ALICE_PRIVATE,
        now=NOW,
        **options,  # type: ignore[arg-type]
    )
    return request.with_headers(added)


def _post(body: bytes = b'{"type":"Follow"}', url: str = INBOX) -> HttpRequest:
    return _sign(HttpRequest("POST", url, {"Content-Type": "application/activity+json"}, body))


def _replace(request: HttpRequest, **fields: str) -> HttpRequest:
    """`request` with some header fields given new values (matched case-insensitively)."""
    lowered = {name.lower(): value for name, value in fields.items()}
    headers = [(n, lowered.get(n.lower(), v)) for n, v in request.header_items()]
    return HttpRequest(request.method, request.url, headers, request.body)


def test_default_signatures_meet_the_profile() -> None:
    post = _post()
    assert parse_cavage_signature(post).headers == ("(request-target)", "host", "date", "digest")
    verify_cavage_signature(post, ALICE_PUBLIC, now=NOW)
    get = _sign(HttpRequest("GET", "https://b.example/spaces/1?page=2", {}))
    assert get.header("host") == "b.example"
    assert get.header("date") == "Tue, 20 Apr 2021 02:07:55 GMT"
    assert parse_cavage_signature(get).headers == ("(request-target)", "host", "date")
    verify_cavage_signature(get, ALICE_PUBLIC, now=NOW)


def test_post_without_signed_digest_is_rejected() -> None:
    unsigned_digest = _sign(
        HttpRequest("POST", INBOX, {}, b"{}"), headers=["(request-target)", "host", "date"]
    )
    assert unsigned_digest.header("digest") is not None
    with pytest.raises(SignatureError, match="must cover digest"):
        verify_cavage_signature(unsigned_digest, ALICE_PUBLIC, now=NOW)


def test_wrong_digest_is_rejected() -> None:
    signed = _post()
    tampered = HttpRequest("POST", INBOX, signed.header_items(), b'{"type":"Block"}')
    with pytest.raises(SignatureError, match="Digest SHA-256 does not match the body"):
        verify_cavage_signature(tampered, ALICE_PUBLIC, now=NOW)


def test_digest_without_sha256_is_rejected_and_algorithm_names_ignore_case() -> None:
    body = b'{"type":"Follow"}'
    sha256 = make_digest_header(body).partition("=")[2]
    lowercase = _sign(HttpRequest("POST", INBOX, {"Digest": f"sha-256={sha256}"}, body))
    verify_cavage_signature(lowercase, ALICE_PUBLIC, now=NOW)
    only_512 = _replace(lowercase, Digest="SHA-512=" + "A" * 86 + "==")
    with pytest.raises(SignatureError, match="no SHA-256"):
        verify_cavage_signature(only_512, ALICE_PUBLIC, now=NOW)


def test_stale_date_is_rejected_after_five_minutes_plus_the_clock_margin() -> None:
    request = _post()
    verify_cavage_signature(request, ALICE_PUBLIC, now=NOW + 300 + 3600)
    with pytest.raises(SignatureError, match="expired"):
        verify_cavage_signature(request, ALICE_PUBLIC, now=NOW + 300 + 3600 + 1)


def test_future_date_is_rejected_beyond_the_clock_margin() -> None:
    request = _post()
    verify_cavage_signature(request, ALICE_PUBLIC, now=NOW - 3600)
    with pytest.raises(SignatureError, match="future"):
        verify_cavage_signature(request, ALICE_PUBLIC, now=NOW - 3600 - 1)


def test_expires_is_capped_at_twelve_hours() -> None:
    covered = "(request-target) host date digest (created) (expires)"
    signature = str(MASTODON_REQUEST.header("signature"))
    header = re.sub(r'headers="[^"]*"', f'headers="{covered}"', signature)
    header = header.replace('algorithm="rsa-sha256"', f'algorithm="hs2019",created={int(NOW)}')
    parsed = parse_cavage_signature(_replace(MASTODON_REQUEST, Signature=header + ",expires=1"))
    assert parsed.expires == 1
    with pytest.raises(SignatureError, match="expires before"):
        verify_cavage_signature(
            _replace(MASTODON_REQUEST, Signature=header + ",expires=1"), ALICE_PUBLIC, now=NOW
        )
    far = _replace(MASTODON_REQUEST, Signature=header + f",expires={int(NOW) + 86400}")
    with pytest.raises(SignatureError, match="expired"):
        verify_cavage_signature(far, ALICE_PUBLIC, now=NOW + 12 * 3600 + 3600 + 1)


def test_hs2019_is_checked_as_rsa_sha256() -> None:
    header = str(MASTODON_REQUEST.header("signature")).replace("rsa-sha256", "hs2019")
    verify_cavage_signature(
        _replace(MASTODON_REQUEST, Signature=header), ALICE_PUBLIC, now=MASTODON_NOW
    )
    absent = header.replace('algorithm="hs2019",', "")
    assert (
        parse_cavage_signature(_replace(MASTODON_REQUEST, Signature=absent)).algorithm == "hs2019"
    )


def test_hs2019_without_headers_signs_created() -> None:
    request = _with_signature(REQUEST, 'keyId="k",created=1,signature="AA=="')
    assert parse_cavage_signature(request).headers == ("(created)",)


@pytest.mark.parametrize("algorithm", ["rsa-sha512", "hmac-sha256", "ecdsa-sha256", "ed25519"])
def test_unknown_algorithm_is_rejected(algorithm: str) -> None:
    header = str(MASTODON_REQUEST.header("signature")).replace("rsa-sha256", algorithm)
    with pytest.raises(SignatureError, match="unsupported algorithm"):
        parse_cavage_signature(_replace(MASTODON_REQUEST, Signature=header))


def test_cavage_with_an_ed25519_key_is_rejected() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(SignatureError, match="RSA keys only"):
        verify_cavage_signature(MASTODON_REQUEST, key, now=MASTODON_NOW)


@pytest.mark.parametrize(
    ("covered", "reason"),
    [
        (["host", "date", "digest"], r"must cover \(request-target\)"),
        (["(request-target)", "date", "digest"], "must cover host"),
        (["(request-target)", "host", "digest"], r"must cover date or \(created\)"),
    ],
)
def test_missing_required_headers_are_rejected(covered: list[str], reason: str) -> None:
    request = _sign(HttpRequest("POST", INBOX, {}, b"{}"), headers=covered)
    with pytest.raises(SignatureError, match=reason):
        verify_cavage_signature(request, ALICE_PUBLIC, now=NOW)


def test_signed_header_absent_from_the_request_is_rejected() -> None:
    headers = [(n, v) for n, v in MASTODON_REQUEST.header_items() if n != "Content-Type"]
    request = HttpRequest("POST", MASTODON_REQUEST.url, headers, MASTODON_REQUEST.body)
    with pytest.raises(SignatureError, match="content-type is missing"):
        verify_cavage_signature(request, ALICE_PUBLIC, now=MASTODON_NOW)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "malformed|empty|no Signature"),
        ("garbage", "malformed"),
        ('keyId="k",signature="AA==', "malformed"),
        ('keyId="k" signature="AA=="', "malformed"),
        ('keyId="k",signature="AA==",', "malformed"),
        ('keyId="k",keyId="j",signature="AA=="', "repeats the parameter keyId"),
        ('algorithm="rsa-sha256",signature="AA=="', "no keyId"),
        ('keyId="k",algorithm="rsa-sha256"', "no signature"),
        ('keyId="k",algorithm="rsa-sha256",signature="not base64!"', "not valid base64"),
        ('keyId="k",algorithm="rsa-sha256",headers="",signature="AA=="', "empty headers"),
        ('keyId="k",headers="(foo) date",signature="AA=="', "unknown pseudo-header"),
        ('keyId="k",headers="(created)",signature="AA=="', "created parameter is missing"),
        ('keyId="k",created=soon,signature="AA=="', "not an integer"),
    ],
)
def test_malformed_signature_header_is_rejected(value: str, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        parse_cavage_signature(_with_signature(REQUEST, value))


def test_unsigned_request_is_rejected() -> None:
    with pytest.raises(SignatureError, match="not signed"):
        parse_request_signature(REQUEST)


def test_query_string_is_tried_with_then_without() -> None:
    with_query = _post(url=INBOX + "?page=2")
    verify_cavage_signature(with_query, ALICE_PUBLIC, now=NOW)
    # Old Mastodon signed the path alone; the receiver still sees the query.
    signed_without = _post(url=INBOX)
    received = HttpRequest(
        "POST", INBOX + "?page=2", signed_without.header_items(), signed_without.body
    )
    verify_cavage_signature(received, ALICE_PUBLIC, now=NOW)
    other_query = HttpRequest("POST", INBOX + "?page=3", with_query.header_items(), with_query.body)
    with pytest.raises(SignatureError, match="does not match"):
        verify_cavage_signature(other_query, ALICE_PUBLIC, now=NOW)


def test_uppercase_header_names_are_matched_case_insensitively() -> None:
    headers = [(name.upper(), value) for name, value in MASTODON_REQUEST.header_items()]
    shouting = HttpRequest("POST", MASTODON_REQUEST.url, headers, MASTODON_REQUEST.body)
    verify_cavage_signature(shouting, ALICE_PUBLIC, now=MASTODON_NOW)
    header = str(MASTODON_REQUEST.header("signature")).replace(
        "(request-target) host date digest content-type",
        "(Request-Target) Host Date Digest Content-Type",
    )
    verify_cavage_signature(_replace(shouting, Signature=header), ALICE_PUBLIC, now=MASTODON_NOW)


def test_wrong_key_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        verify_cavage_signature(MASTODON_REQUEST, TEST_PUBLIC, now=MASTODON_NOW)
