"""Actor keys: generation, loading, and FEP-521a Multikey encoding against the FEP's vectors."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from jxfed.activitypub.keys import (
    KeyMaterial,
    decode_base58btc,
    ed25519_public_to_multibase,
    encode_base58btc,
    generate_key_material,
    load_keys,
    multibase_to_ed25519_public,
)

from .vectors import read_vectors

FEATURE = read_vectors("fep/fep-521a.feature")
TEST_CASE = read_vectors("fep/fep-521a-test-case.md")
# Multicodec "rsa-pub" (0x1205) as an unsigned varint, for the FEP's RSA scenario.
RSA_PUB_PREFIX = b"\x85\x24"


def _feature_scenarios() -> dict[str, tuple[bytes, str]]:
    """Scenario name -> (key bytes from the hex string, published publicKeyMultibase)."""
    scenarios: dict[str, tuple[bytes, str]] = {}
    for block in FEATURE.split("Scenario: ")[1:]:
        name = block.splitlines()[0].strip()
        key_hex = re.search(r'as a hex string "([0-9a-f]+)"', block)
        multibase = re.search(r'"publicKeyMultibase": "(\w+)"', block)
        assert key_hex and multibase
        scenarios[name] = (bytes.fromhex(key_hex.group(1)), multibase.group(1))
    return scenarios


SCENARIOS = _feature_scenarios()


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_generated_keys_load_and_match_their_public_forms() -> None:
    material = generate_key_material()
    keys = load_keys(material)
    assert keys.rsa_private.key_size == 2048
    assert keys.rsa_private.private_numbers().public_numbers.e == 65537
    assert material.rsa_private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert material.ed25519_private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    public = serialization.load_pem_public_key(material.rsa_public_pem.encode())
    assert isinstance(public, RSAPublicKey)
    assert public.public_numbers() == keys.rsa_private.public_key().public_numbers()
    assert material.ed25519_public_multibase.startswith("z6Mk")
    decoded = multibase_to_ed25519_public(material.ed25519_public_multibase)
    assert _raw(decoded) == _raw(keys.ed25519_private.public_key())


def test_generated_keys_sign_and_verify() -> None:
    keys = load_keys(generate_key_material())
    message = b"space post"
    keys.ed25519_private.public_key().verify(keys.ed25519_private.sign(message), message)


def test_two_generations_differ() -> None:
    first, second = generate_key_material(), generate_key_material()
    assert first.rsa_private_pem != second.rsa_private_pem
    assert first.ed25519_public_multibase != second.ed25519_public_multibase


def test_load_keys_refuses_swapped_pems() -> None:
    material = generate_key_material()
    swapped = KeyMaterial(
        rsa_private_pem=material.ed25519_private_pem,
        rsa_public_pem=material.rsa_public_pem,
        ed25519_private_pem=material.rsa_private_pem,
        ed25519_public_multibase=material.ed25519_public_multibase,
    )
    with pytest.raises(ValueError, match="RSA private key"):
        load_keys(swapped)


def test_fep_521a_ed25519_scenario_encodes_to_the_published_multibase() -> None:
    raw, published = SCENARIOS["Representing Ed25519 public key"]
    assert ed25519_public_to_multibase(Ed25519PublicKey.from_public_bytes(raw)) == published
    assert _raw(multibase_to_ed25519_public(published)) == raw


def test_fep_521a_rsa_scenario_encodes_to_the_published_multibase() -> None:
    der, published = SCENARIOS["Representing RSA public key"]
    assert "z" + encode_base58btc(RSA_PUB_PREFIX + der) == published
    assert decode_base58btc(published[1:]) == RSA_PUB_PREFIX + der


def test_fep_521a_rsa_multikey_is_not_taken_for_an_ed25519_key() -> None:
    _, published = SCENARIOS["Representing RSA public key"]
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        multibase_to_ed25519_public(published)


def test_fep_521a_test_case_valid_actor_key_decodes() -> None:
    valid = re.search(r'### Valid Actor.*?"publicKeyMultibase": "([^"]+)"', TEST_CASE, re.DOTALL)
    assert valid is not None
    key = multibase_to_ed25519_public(valid.group(1))
    assert ed25519_public_to_multibase(key) == valid.group(1)


def test_fep_521a_test_case_malformed_value_is_rejected() -> None:
    malformed = re.search(
        r'### Malformed publicKeyMultibase Value.*?"publicKeyMultibase": "([^"]+)"',
        TEST_CASE,
        re.DOTALL,
    )
    assert malformed is not None
    with pytest.raises(ValueError, match="must start with 'z'"):
        multibase_to_ed25519_public(malformed.group(1))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "must start with 'z'"),
        ("z", "empty"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do0", "invalid base58btc character '0'"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doI", "invalid base58btc character 'I'"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2dol", "invalid base58btc character 'l'"),
        ("z" + encode_base58btc(b"\xed\x01" + bytes(31)), "holds 31 key bytes"),
        ("z" + encode_base58btc(b"\xed\x01" + bytes(33)), "holds 33 key bytes"),
        ("z" + encode_base58btc(b"\xec\x01" + bytes(32)), "not an Ed25519 key"),
        ("u7QE" + "A" * 43, "must start with 'z'"),
    ],
)
def test_malformed_public_key_multibase_is_rejected(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        multibase_to_ed25519_public(value)


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x00\x01", b"\xff" * 40, bytes(range(256))])
def test_base58btc_round_trips_and_keeps_leading_zeros(data: bytes) -> None:
    encoded = encode_base58btc(data)
    assert encoded.startswith("1" * (len(data) - len(data.lstrip(b"\x00"))))
    assert decode_base58btc(encoded) == data
