"""A signature is bound to the instance it was made for, and to one time window (issue 10).

A request alice@a.example signed for b.example, replayed to c.example, must not verify there:
the signed `host` (cavage) and `@authority` / `@target-uri` (RFC 9421) must name this instance.
Every time a signature carries (Date, `(created)`/`(expires)`, RFC 9421 `created`/`expires`)
is held to the same window.
"""

from __future__ import annotations

import base64
import email.utils
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from quart.typing import TestClientProtocol as Client

from jxfed.activitypub.digest import make_digest_header
from jxfed.activitypub.inbox import Gate
from jxfed.activitypub.keyfetch import FetchedKey, KeyCache, KeyFetchError
from jxfed.activitypub.peers import PeerSet, allow_peer
from jxfed.activitypub.signatures import (
    HttpRequest,
    SignatureError,
    cavage_signing_string,
    sign_cavage_request,
    sign_rfc9421_request,
    verify_cavage_signature,
    verify_request_signature,
    verify_rfc9421_signature,
)
from jxfed.settings import Settings
from jxfed.web.app import create_app
from jxfed.workers import start_services

ALICE = "https://a.example/users/alice"
KEY_ID = f"{ALICE}#main-key"
NOW = 1_700_000_000.0
BODY = b'{"type":"Follow"}'
ANOTHER_HOST = "the signature is for another host"


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cavage(url: str, key: RSAPrivateKey, **options: object) -> HttpRequest:
    """A POST to `url` signed as Mastodon signs it (Host is the URL's authority)."""
    request = HttpRequest("POST", url, {"Content-Type": "application/activity+json"}, BODY)
    added = sign_cavage_request(
        request,
        key_id=KEY_ID,
        private_key=key,
        now=options.pop("now", NOW),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    return request.with_headers(added)


def rfc9421(url: str, key: RSAPrivateKey, **options: object) -> HttpRequest:
    request = HttpRequest("POST", url, {"Content-Type": "application/activity+json"}, BODY)
    added = sign_rfc9421_request(
        request,
        key_id=KEY_ID,
        private_key=key,
        created=options.pop("created", int(NOW)),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    return request.with_headers(added)


def received_at(request: HttpRequest, url: str) -> HttpRequest:
    """The same request (fields and body) as a server at `url` sees it."""
    return HttpRequest(request.method, url, request.header_items(), request.body)


# --- cavage: the signed host --------------------------------------------------------------


def test_cavage_signed_for_this_instance_verifies(key) -> None:
    request = cavage("https://c.example/inbox", key)
    verified = verify_request_signature(
        request, key.public_key(), now=NOW, expected_host="c.example"
    )
    assert verified.key_id == KEY_ID


def test_cavage_signed_for_another_instance_is_refused_when_replayed_here(key) -> None:
    replayed = received_at(cavage("https://b.example/inbox", key), "https://c.example/inbox")
    # Without the host check the replay verifies: that is what the check is for.
    verify_request_signature(replayed, key.public_key(), now=NOW)
    with pytest.raises(SignatureError, match=ANOTHER_HOST) as refused:
        verify_request_signature(replayed, key.public_key(), now=NOW, expected_host="c.example")
    assert refused.value.status == 401
    assert "'b.example'" in refused.value.reason and "c.example" in refused.value.reason


def test_cavage_host_with_a_port_must_match_the_port_too(key) -> None:
    request = cavage("http://127.0.0.1:8123/inbox", key)
    assert request.header("host") == "127.0.0.1:8123"
    verify_cavage_signature(request, key.public_key(), now=NOW, expected_host="127.0.0.1:8123")
    with pytest.raises(SignatureError, match=ANOTHER_HOST):
        verify_cavage_signature(request, key.public_key(), now=NOW, expected_host="127.0.0.1:8124")
    with pytest.raises(SignatureError, match=ANOTHER_HOST):
        verify_cavage_signature(request, key.public_key(), now=NOW, expected_host="127.0.0.1")


def test_cavage_host_is_compared_without_case_or_the_default_port(key) -> None:
    headers = {"Host": "C.Example:443", "Content-Type": "application/activity+json"}
    request = HttpRequest("POST", "https://c.example/inbox", headers, BODY)
    signed = request.with_headers(
        sign_cavage_request(request, key_id=KEY_ID, private_key=key, now=NOW)
    )
    verify_cavage_signature(signed, key.public_key(), now=NOW, expected_host="c.example")


def test_cavage_that_does_not_sign_host_cannot_be_bound_to_this_instance(key) -> None:
    request = cavage("https://c.example/inbox", key, headers=["(request-target)", "date", "digest"])
    verify_cavage_signature(request, key.public_key(), now=NOW, enforce_profile=False)
    with pytest.raises(SignatureError, match="must cover host"):
        verify_cavage_signature(
            request, key.public_key(), now=NOW, enforce_profile=False, expected_host="c.example"
        )


# --- RFC 9421: @target-uri, @authority and a signed host field ----------------------------


def test_rfc9421_signed_for_this_instance_verifies(key) -> None:
    request = rfc9421("https://c.example/inbox", key)
    verified = verify_request_signature(
        request, key.public_key(), now=NOW, expected_host="c.example"
    )
    assert verified.scheme == "rfc9421"


def test_rfc9421_target_uri_of_another_instance_is_refused(key) -> None:
    request = rfc9421("https://b.example/inbox", key)
    verify_request_signature(request, key.public_key(), now=NOW)
    with pytest.raises(SignatureError, match=f"{ANOTHER_HOST} .@target-uri is 'b.example'"):
        verify_request_signature(request, key.public_key(), now=NOW, expected_host="c.example")


def test_rfc9421_replayed_to_this_instance_does_not_verify(key) -> None:
    # A server builds the URL from its own domain, so the signed @target-uri no longer matches.
    replayed = received_at(rfc9421("https://b.example/inbox", key), "https://c.example/inbox")
    with pytest.raises(SignatureError, match="does not match"):
        verify_request_signature(replayed, key.public_key(), now=NOW, expected_host="c.example")


@pytest.mark.parametrize(
    ("covered", "component"),
    [
        (["@method", "@authority", "@path", "content-digest"], "@authority"),
        (["@method", "host", "@path", "content-digest"], "host"),
    ],
)
def test_rfc9421_authority_or_host_field_must_name_this_instance(
    key, covered: list[str], component: str
) -> None:
    url = "http://127.0.0.1:8123/inbox"
    request = HttpRequest("POST", url, {"Host": "127.0.0.1:8123"}, BODY)
    signed = request.with_headers(
        sign_rfc9421_request(
            request, key_id=KEY_ID, private_key=key, covered=covered, created=int(NOW)
        )
    )
    verify_rfc9421_signature(
        signed, key.public_key(), now=NOW, enforce_profile=False, expected_host="127.0.0.1:8123"
    )
    with pytest.raises(SignatureError, match=f"{ANOTHER_HOST} .{component} is"):
        verify_rfc9421_signature(
            signed, key.public_key(), now=NOW, enforce_profile=False, expected_host="c.example"
        )


def test_rfc9421_that_covers_no_host_cannot_be_bound_to_this_instance(key) -> None:
    request = rfc9421("https://c.example/inbox", key, covered=["@method", "@path"])
    verify_rfc9421_signature(request, key.public_key(), now=NOW, enforce_profile=False)
    with pytest.raises(SignatureError, match="must cover @target-uri or @authority"):
        verify_rfc9421_signature(
            request, key.public_key(), now=NOW, enforce_profile=False, expected_host="c.example"
        )


# --- One time window for every time a signature carries -----------------------------------


def hs2019(
    url: str, key: RSAPrivateKey, covered: list[str], created: int, expires: int | None = None
) -> HttpRequest:
    """A cavage hs2019 POST that signs `(created)` (and `(expires)`) with the given times."""
    request = HttpRequest(
        "POST",
        url,
        {
            "Host": "c.example",
            "Date": email.utils.formatdate(NOW, usegmt=True),
            "Digest": make_digest_header(BODY),
        },
        BODY,
    )
    text = cavage_signing_string(request, covered, created=created, expires=expires)
    value = base64.b64encode(key.sign(text.encode(), PKCS1v15(), SHA256())).decode()
    times = f"created={created}" + (f",expires={expires}" if expires is not None else "")
    return request.with_headers(
        {
            "Signature": f'keyId="{KEY_ID}",algorithm="hs2019",{times},'
            f'headers="{" ".join(covered)}",signature="{value}"'
        }
    )


def signed_at(kind: str, key: RSAPrivateKey, expires: int | None) -> HttpRequest:
    """A request that says it was made at NOW, by each of the ways a signature can say it."""
    url = "https://c.example/inbox"
    if kind == "cavage Date":
        assert expires is None
        return cavage(url, key)
    if kind == "cavage (created)":
        covered = ["(request-target)", "host", "digest", "(created)"]
        if expires is not None:
            covered.append("(expires)")
        return hs2019(url, key, covered, int(NOW), expires)
    return rfc9421(url, key, expires=expires)


def verifies_at(request: HttpRequest, key: RSAPrivateKey, now: float) -> str:
    try:
        verify_request_signature(request, key.public_key(), now=now, expected_host="c.example")
    except SignatureError as error:
        return error.reason
    return "ok"


@pytest.mark.parametrize("kind", ["cavage Date", "cavage (created)", "RFC 9421 created"])
def test_every_creation_time_lives_five_minutes_and_an_hour_of_clock_skew(kind: str, key) -> None:
    request = signed_at(kind, key, None)
    assert verifies_at(request, key, NOW - 3600) == "ok"
    assert "future" in verifies_at(request, key, NOW - 3600 - 1)
    assert verifies_at(request, key, NOW + 300 + 3600) == "ok"
    assert "expired" in verifies_at(request, key, NOW + 300 + 3600 + 1)


@pytest.mark.parametrize("kind", ["cavage (created)", "RFC 9421 created"])
def test_every_expiry_is_honoured_with_the_same_margin_and_capped_at_twelve_hours(
    kind: str, key
) -> None:
    soon = signed_at(kind, key, int(NOW) + 60)
    assert verifies_at(soon, key, NOW + 60 + 3600) == "ok"
    assert "expired" in verifies_at(soon, key, NOW + 60 + 3600 + 1)
    far = signed_at(kind, key, int(NOW) + 86400)
    assert verifies_at(far, key, NOW + 12 * 3600 + 3600) == "ok"
    assert "expired" in verifies_at(far, key, NOW + 12 * 3600 + 3600 + 1)
    before = signed_at(kind, key, int(NOW) - 1)
    assert "expires before it was created" in verifies_at(before, key, NOW)


def test_an_unsigned_date_does_not_make_an_old_signature_fresh(key) -> None:
    old = cavage("https://c.example/inbox", key, headers=["(request-target)", "host", "digest"])
    fresh_date = email.utils.formatdate(NOW + 86400, usegmt=True)
    replayed = HttpRequest(
        "POST",
        old.url,
        [(n, fresh_date if n == "Date" else v) for n, v in old.header_items()],
        old.body,
    )
    with pytest.raises(SignatureError, match="neither a Date header nor a created time"):
        verify_cavage_signature(replayed, key.public_key(), now=NOW + 86400, enforce_profile=False)


def test_a_signed_date_that_is_not_a_date_is_a_clear_refusal(key) -> None:
    request = cavage("https://c.example/inbox", key)
    headers = [(n, "yesterday" if n == "Date" else v) for n, v in request.header_items()]
    garbled = HttpRequest("POST", request.url, headers, request.body)
    with pytest.raises(SignatureError, match="'yesterday' is not an HTTP date"):
        verify_request_signature(garbled, key.public_key(), now=NOW, expected_host="c.example")


# --- The gate: every inbound request is checked against this instance's domain ------------


class AllowA(PeerSet):
    """The allowlist of c.example: a.example only, without a database."""

    async def contains(self, host: str) -> bool:
        return host == "a.example"


def gate_of(key: RSAPrivateKey) -> Gate:
    async def fetch(key_id: str) -> FetchedKey:
        if key_id != KEY_ID:
            raise KeyFetchError(f"{key_id} does not answer")
        return FetchedKey(KEY_ID, ALICE, key.public_key(), time.time())

    return Gate(AllowA("c.example"), KeyCache(fetch), own_domain="c.example")


async def test_the_gate_refuses_a_cavage_post_replayed_from_another_instance(key) -> None:
    gate = gate_of(key)
    replayed = received_at(
        cavage("https://b.example/inbox", key, now=None), "https://c.example/inbox"
    )

    with pytest.raises(SignatureError, match=ANOTHER_HOST):
        await gate.signer_of(replayed)

    own = cavage("https://c.example/inbox", key, now=None)
    assert (await gate.signer_of(own)).key_id == KEY_ID


async def test_the_gate_refuses_an_rfc9421_post_signed_for_another_instance(key) -> None:
    gate = gate_of(key)
    now = int(time.time())
    for url in ("https://b.example/inbox", "https://c.example/inbox"):
        signed_elsewhere = rfc9421("https://b.example/inbox", key, created=now)
        with pytest.raises(SignatureError):
            await gate.signer_of(received_at(signed_elsewhere, url))
    own = rfc9421("https://c.example/inbox", key, created=now)
    assert (await gate.signer_of(own)).key_id == KEY_ID


# --- Over HTTP: the refusal is a 401 with its reason, never a 500 -------------------------


@pytest.fixture
async def client(instance: Settings, key: RSAPrivateKey) -> Client:
    async def fetch(key_id: str) -> FetchedKey:
        return FetchedKey(KEY_ID, ALICE, key.public_key(), time.time())

    await allow_peer("a.example")
    return create_app(start_services(instance, key_fetcher=fetch)).test_client()


async def test_an_inbox_post_signed_for_another_instance_is_answered_401(client, key) -> None:
    # The test instance is jxfed.test; alice signed this one for b.example.
    signed = cavage("https://b.example/inbox", key, now=None)
    headers = dict(signed.header_items())

    response = await client.post("/inbox", data=BODY, headers=headers)

    assert response.status_code == 401, await response.get_data(as_text=True)
    error = (await response.get_json())["error"]
    assert ANOTHER_HOST in error and "jxfed.test" in error
