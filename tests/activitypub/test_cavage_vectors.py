"""draft-cavage-http-signatures against every vector of `../shared/vectors/cavage_vectors.md`.

Part 1/2/4 (Appendix C of drafts 10 and 12), Part 3 (signing-string canonicalisation), Part 6
(Mastodon-profile vector); Part 5's rules are the negative cases at the end.
"""

from __future__ import annotations

import email.utils
import json
import re
import textwrap

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.digest import make_digest_header
from jxfed.activitypub.signatures import (
    CavageSignature,
    HttpRequest,
    SignatureError,
    cavage_signing_string,
    parse_cavage_signature,
    parse_request_signature,
    sign_cavage_request,
    verify_cavage_signature,
    verify_request_signature,
)

from .vectors import (
    fenced_blocks,
    parse_message,
    pem_blocks,
    public_key,
    read_vectors,
    rsa_private_key,
)

TEXT = read_vectors("cavage_vectors.md")
RFC9421_TEXT = read_vectors("rfc9421_vectors.md")
PART3 = TEXT[TEXT.index("## PART 3") : TEXT.index("## PART 4")]
PART4 = TEXT[TEXT.index("## PART 4") : TEXT.index("## PART 5")]
PART6 = TEXT[TEXT.index("## PART 6") :]

TEST_PUBLIC = public_key(pem_blocks(TEXT, "PUBLIC KEY")[0])
TEST_PRIVATE = rsa_private_key(pem_blocks(TEXT, "RSA PRIVATE KEY")[0])
# Part 6 is signed with RFC 9421's `test-key-rsa` (PKCS#1 PEM), the first such key in that file.
ALICE_PUBLIC = public_key(pem_blocks(RFC9421_TEXT, "RSA PUBLIC KEY")[0])
ALICE_PRIVATE = rsa_private_key(pem_blocks(RFC9421_TEXT, "RSA PRIVATE KEY")[0])
ALICE_KEY_ID = "https://a.example/users/alice#main-key"


def _appendix_c_request() -> HttpRequest:
    start = PART4.index("Request (all examples):") + len("Request (all examples):")
    return parse_message(textwrap.dedent(PART4[start : PART4.index("C.1 Default")]))


def _appendix_c_cases() -> dict[str, dict[str, str]]:
    cases: dict[str, dict[str, str]] = {}
    pattern = re.compile(r"^(C\.\d'?) (.*?)(?=^C\.|\Z)", re.MULTILINE | re.DOTALL)
    for match in pattern.finditer(PART4):
        body = match.group(2)
        case: dict[str, str] = {}
        if headers := re.search(r'headers="([^"]*)"', body):
            case["headers"] = headers.group(1)
        if signing := re.search(r"signing string: (\".*\")", body):
            case["signing_string"] = json.loads(signing.group(1))
        if signature := re.search(r"signature=(\S+)", body):
            case["signature"] = signature.group(1)
        if times := re.search(r"created=(\d+), expires=(\d+)", body):
            case["created"], case["expires"] = times.groups()
        if recomputed := re.search(r"would be (\S+=)", body):
            case["recomputed"] = recomputed.group(1)
        cases[match.group(1)] = case
    return cases


REQUEST = _appendix_c_request()
CASES = _appendix_c_cases()
DATE_2014 = email.utils.parsedate_to_datetime(str(REQUEST.header("date"))).timestamp()


def _with_signature(request: HttpRequest, value: str, field: str = "Signature") -> HttpRequest:
    return request.with_headers({field: value})


def _c_header(case: str, algorithm: str = "rsa-sha256", signature: str | None = None) -> str:
    params = ['keyId="Test"', f'algorithm="{algorithm}"']
    if "created" in CASES[case]:
        params.append(f"created={CASES[case]['created']}, expires={CASES[case]['expires']}")
    if "headers" in CASES[case]:
        params.append(f'headers="{CASES[case]["headers"]}"')
    params.append(f'signature="{signature or CASES[case]["signature"]}"')
    return ",".join(params)


def test_vectors_file_holds_the_three_signed_cases_and_the_draft12_negative() -> None:
    assert sorted(CASES) == ["C.1", "C.2", "C.3", "C.3'"]
    assert REQUEST.body == b'{"hello": "world"}'
    assert REQUEST.header("digest") == make_digest_header(REQUEST.body)


@pytest.mark.parametrize("case", ["C.1", "C.2", "C.3"])
def test_cavage_signing_string_matches_the_published_one(case: str) -> None:
    parsed = parse_cavage_signature(_with_signature(REQUEST, _c_header(case)))
    assert cavage_signing_string(REQUEST, parsed.headers) == CASES[case]["signing_string"]


@pytest.mark.parametrize("case", ["C.1", "C.2", "C.3"])
def test_cavage_published_vector_verifies(case: str) -> None:
    request = _with_signature(REQUEST, _c_header(case))
    verified = verify_cavage_signature(request, TEST_PUBLIC, now=DATE_2014, enforce_profile=False)
    assert verified.key_id == "Test"
    assert verified.created == DATE_2014


@pytest.mark.parametrize("case", ["C.1", "C.2", "C.3"])
def test_cavage_vector_resigns_byte_for_byte(case: str) -> None:
    parsed = parse_cavage_signature(_with_signature(REQUEST, _c_header(case)))
    added = sign_cavage_request(
        REQUEST, key_id="Test", private_key=TEST_PRIVATE, headers=parsed.headers
    )
    assert added == {
        "Signature": f'keyId="Test",algorithm="rsa-sha256",headers="{" ".join(parsed.headers)}",'
        f'signature="{CASES[case]["signature"]}"'
    }


def test_cavage_c1_without_headers_signs_only_date() -> None:
    parsed = parse_cavage_signature(_with_signature(REQUEST, _c_header("C.1")))
    assert parsed.headers == ("date",)


def test_cavage_c1_authorization_header_form_verifies() -> None:
    request = _with_signature(REQUEST, "Signature " + _c_header("C.1"), field="Authorization")
    verify_cavage_signature(request, TEST_PUBLIC, now=DATE_2014, enforce_profile=False)


def test_cavage_c1_and_c2_fall_short_of_the_mastodon_profile() -> None:
    c1 = _with_signature(REQUEST, _c_header("C.1"))
    with pytest.raises(SignatureError, match=r"\(request-target\)"):
        verify_cavage_signature(c1, TEST_PUBLIC, now=DATE_2014)
    c2 = _with_signature(REQUEST, _c_header("C.2"))
    with pytest.raises(SignatureError, match="digest"):
        verify_cavage_signature(c2, TEST_PUBLIC, now=DATE_2014)


def test_cavage_c3_meets_the_mastodon_profile() -> None:
    request = _with_signature(REQUEST, _c_header("C.3"))
    verify_request_signature(request, TEST_PUBLIC, now=DATE_2014)


def test_published_c3_with_draft12_headers_is_rejected() -> None:
    request = _with_signature(REQUEST, _c_header("C.3'", signature=CASES["C.3"]["signature"]))
    with pytest.raises(
        SignatureError, match=r"\(created\) may only be signed with algorithm hs2019"
    ):
        verify_cavage_signature(request, TEST_PUBLIC, now=DATE_2014, enforce_profile=False)


def test_published_c3_value_does_not_match_the_draft12_signing_string() -> None:
    # Even read as hs2019 (where (created) is allowed) the published value fails: draft 12
    # changed the example's headers without signing again.
    created = int(CASES["C.3'"]["created"])
    published = _c_header("C.3'", algorithm="hs2019", signature=CASES["C.3"]["signature"])
    with pytest.raises(SignatureError, match="does not match"):
        verify_cavage_signature(
            _with_signature(REQUEST, published), TEST_PUBLIC, now=created, enforce_profile=False
        )
    recomputed = _c_header("C.3'", algorithm="hs2019", signature=CASES["C.3'"]["recomputed"])
    verify_cavage_signature(
        _with_signature(REQUEST, recomputed), TEST_PUBLIC, now=created, enforce_profile=False
    )


def test_part3_canonicalisation_folds_lines_joins_repeats_and_keeps_empty_headers() -> None:
    message, expected = (
        block.rstrip() for block in re.findall(r"<artwork>\n(.*?)</artwork>", PART3, re.DOTALL)
    )
    headers = re.search(r"`(\(request-target\).*?)`", PART3, re.DOTALL)
    assert headers is not None
    # 1402170695 is the (created) value the example's output shows.
    ours = cavage_signing_string(
        parse_message(message), headers.group(1).split(), created=1402170695
    )
    # The draft's text says an empty value gives "name: " (colon, space); its rendered example
    # lost the trailing space. We follow the text, as Mastodon does.
    assert "x-emptyheader: \n" in ours
    assert ours.replace("x-emptyheader: \n", "x-emptyheader:\n") == expected


# --- Part 6: the Mastodon-profile vector ----------------------------------------------------


def _part6() -> tuple[HttpRequest, str]:
    block = fenced_blocks(PART6)[0]
    message, signing_string = block.split("\n\nsigning string:\n")
    return parse_message(message.split("\n", 1)[1]), signing_string


MASTODON_REQUEST, MASTODON_SIGNING_STRING = _part6()
MASTODON_NOW = email.utils.parsedate_to_datetime(str(MASTODON_REQUEST.header("date")))
MASTODON_COVERED = ("(request-target)", "host", "date", "digest", "content-type")


def test_part6_mastodon_vector_verifies_under_the_profile() -> None:
    verified = verify_request_signature(MASTODON_REQUEST, ALICE_PUBLIC, now=MASTODON_NOW)
    assert verified.scheme == "cavage"
    assert verified.key_id == ALICE_KEY_ID
    assert verified.covered == MASTODON_COVERED


def test_part6_signing_string_and_digest_match() -> None:
    assert cavage_signing_string(MASTODON_REQUEST, MASTODON_COVERED) == MASTODON_SIGNING_STRING
    assert MASTODON_REQUEST.header("digest") == make_digest_header(MASTODON_REQUEST.body)


def test_part6_mastodon_vector_resigns_byte_for_byte() -> None:
    unsigned = HttpRequest(
        "POST",
        MASTODON_REQUEST.url,
        [(n, v) for n, v in MASTODON_REQUEST.header_items() if n != "Signature"],
        MASTODON_REQUEST.body,
    )
    added = sign_cavage_request(
        unsigned, key_id=ALICE_KEY_ID, private_key=ALICE_PRIVATE, headers=MASTODON_COVERED
    )
    assert added == {"Signature": MASTODON_REQUEST.header("signature")}


def test_key_id_is_read_before_any_key_is_needed() -> None:
    parsed = parse_request_signature(MASTODON_REQUEST)
    assert isinstance(parsed, CavageSignature)
    assert parsed.key_id == ALICE_KEY_ID


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
