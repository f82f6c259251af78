"""Key documents: which key a fetched actor or key document yields, and which are refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from jxfed.activitypub.keyfetch import (
    KeyFetchError,
    parse_key_document,
)
from jxfed.activitypub.keys import ed25519_public_to_multibase
from tests.activitypub.test_keyfetch import ACTOR, KEY_ID, NOW

# --- key documents ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: RSAPrivateKey, fmt: serialization.PublicFormat | None = None) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, fmt or serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode("ascii")
    )


def _mastodon_actor(rsa_key: RSAPrivateKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": ACTOR,
        "type": "Person",
        "inbox": f"{ACTOR}/inbox",
        "publicKey": {"id": KEY_ID, "owner": ACTOR, "publicKeyPem": _pem(rsa_key)},
    }


def _rsa_numbers(key: Any) -> Any:
    assert isinstance(key, RSAPublicKey)
    return key.public_numbers()


def test_a_mastodon_actor_document_yields_its_main_key(rsa_key: RSAPrivateKey) -> None:
    fetched = parse_key_document(KEY_ID, _mastodon_actor(rsa_key), NOW)
    assert (fetched.key_id, fetched.owner, fetched.fetched_at) == (KEY_ID, ACTOR, NOW)
    assert _rsa_numbers(fetched.public_key) == rsa_key.public_key().public_numbers()


def test_the_key_whose_id_matches_is_picked_from_a_list(rsa_key: RSAPrivateKey) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_id = f"{ACTOR}/main-key"  # GoToSocial's form: a path, the actor answering for it
    document = _mastodon_actor(rsa_key)
    document["publicKey"] = [
        f"{ACTOR}#unrelated",
        {"id": f"{ACTOR}#other-key", "owner": ACTOR, "publicKeyPem": _pem(other)},
        {"id": key_id, "owner": ACTOR, "publicKeyPem": _pem(rsa_key)},
    ]
    fetched = parse_key_document(key_id, document, NOW)
    assert _rsa_numbers(fetched.public_key) == rsa_key.public_key().public_numbers()


def test_a_bare_key_document_is_accepted(rsa_key: RSAPrivateKey) -> None:
    key_id = "https://peer.example/keys/alice"
    document = {"id": key_id, "owner": ACTOR, "publicKeyPem": _pem(rsa_key)}
    fetched = parse_key_document(key_id, document, NOW)
    assert fetched.owner == ACTOR


def test_a_pkcs1_rsa_public_key_pem_is_accepted(rsa_key: RSAPrivateKey) -> None:
    document = _mastodon_actor(rsa_key)
    document["publicKey"]["publicKeyPem"] = _pem(rsa_key, serialization.PublicFormat.PKCS1)
    fetched = parse_key_document(KEY_ID, document, NOW)
    assert _rsa_numbers(fetched.public_key) == rsa_key.public_key().public_numbers()


def test_an_ed25519_multikey_in_assertion_method_is_accepted(rsa_key: RSAPrivateKey) -> None:
    ed_key = Ed25519PrivateKey.generate().public_key()
    key_id = f"{ACTOR}#ed25519-key"
    document = _mastodon_actor(rsa_key)
    document["assertionMethod"] = [
        {
            "id": key_id,
            "type": "Multikey",
            "controller": ACTOR,
            "publicKeyMultibase": ed25519_public_to_multibase(ed_key),
        }
    ]
    fetched = parse_key_document(key_id, document, NOW)
    assert isinstance(fetched.public_key, Ed25519PublicKey)
    assert fetched.public_key.public_bytes_raw() == ed_key.public_bytes_raw()
    assert fetched.owner == ACTOR


def test_a_bare_multikey_document_is_accepted() -> None:
    ed_key = Ed25519PrivateKey.generate().public_key()
    key_id = f"{ACTOR}#ed25519-key"
    document = {
        "id": key_id,
        "type": "Multikey",
        "controller": ACTOR,
        "publicKeyMultibase": ed25519_public_to_multibase(ed_key),
    }
    assert isinstance(parse_key_document(key_id, document, NOW).public_key, Ed25519PublicKey)


def _refusals(rsa_key: RSAPrivateKey) -> dict[str, tuple[str, Mapping[str, Any], str]]:
    """Case -> (key id, document answered for it, what the refusal says)."""
    pem = _pem(rsa_key)
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    actor = _mastodon_actor(rsa_key)
    main_key = actor["publicKey"]
    bare_id = "https://peer.example/keys/1"
    no_such_key = "publishes no key with that id"
    return {
        "no key with that id": (
            KEY_ID,
            {**actor, "publicKey": {**main_key, "id": ""}},
            no_such_key,
        ),
        "a key without id": (
            KEY_ID,
            {**actor, "publicKey": {"owner": ACTOR, "publicKeyPem": pem}},
            no_such_key,
        ),
        "no key at all": (KEY_ID, {"id": ACTOR, "type": "Person"}, no_such_key),
        "an unreadable PEM": (
            KEY_ID,
            {**actor, "publicKey": {**main_key, "publicKeyPem": "-----BEGIN junk"}},
            "not a readable key",
        ),
        "an EC key": (
            KEY_ID,
            {**actor, "publicKey": {**main_key, "publicKeyPem": ec_pem}},
            "neither RSA nor Ed25519",
        ),
        "a bad multibase": (
            KEY_ID,
            {**actor, "publicKey": {"id": KEY_ID, "owner": ACTOR, "publicKeyMultibase": "zzz"}},
            "publicKeyMultibase of key",
        ),
        "no key material": (
            KEY_ID,
            {**actor, "publicKey": {"id": KEY_ID, "owner": ACTOR}},
            "neither publicKeyPem nor publicKeyMultibase",
        ),
        "no owner": (
            KEY_ID,
            {**actor, "publicKey": {"id": KEY_ID, "publicKeyPem": pem}},
            "names no owner",
        ),
        "an owner on another host": (
            bare_id,
            {"id": bare_id, "owner": "https://evil.example/users/a", "publicKeyPem": pem},
            "which is not on peer.example",
        ),
        "a document on another host": (
            KEY_ID,
            {**actor, "id": "https://evil.example/users/a"},
            "id on another host",
        ),
        "an actor publishing someone else's key": (
            KEY_ID,
            {**actor, "id": "https://peer.example/users/bob"},
            "publishes key",
        ),
        "two different owners": (
            bare_id,
            {
                "id": bare_id,
                "owner": ACTOR,
                "controller": "https://peer.example/users/bob",
                "publicKeyPem": pem,
            },
            "two owners",
        ),
        "a key id that is not a URL": (
            "main-key",
            {"id": "main-key", "owner": ACTOR, "publicKeyPem": pem},
            "not an http",
        ),
    }


REFUSALS = [
    "no key with that id",
    "a key without id",
    "no key at all",
    "an unreadable PEM",
    "an EC key",
    "a bad multibase",
    "no key material",
    "no owner",
    "an owner on another host",
    "a document on another host",
    "an actor publishing someone else's key",
    "two different owners",
    "a key id that is not a URL",
]


@pytest.mark.parametrize("case", REFUSALS)
def test_an_unacceptable_key_document_is_refused(rsa_key: RSAPrivateKey, case: str) -> None:
    key_id, document, reason = _refusals(rsa_key)[case]
    with pytest.raises(KeyFetchError, match=reason) as refused:
        parse_key_document(key_id, document, NOW)
    assert refused.value.status == 401


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(KeyFetchError, match="not a JSON object"):
        parse_key_document(KEY_ID, ["not", "an", "object"], NOW)  # type: ignore[arg-type]
