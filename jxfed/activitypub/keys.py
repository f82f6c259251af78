"""Actor key material: RSA-2048 for HTTP signatures, Ed25519 Multikey (FEP-521a) for proofs."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

# base58btc written here (a dozen lines) rather than taken from `based58`, which is only a
# transitive dependency of bovine and could disappear with it.
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(_BASE58_ALPHABET)}
_MULTIBASE_BASE58BTC = "z"
# Multicodec "ed25519-pub" (0xed) as an unsigned varint.
_ED25519_PUB_PREFIX = b"\xed\x01"
_ED25519_RAW_LENGTH = 32


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """An actor's keys as stored: PEM texts and the Multikey string published in its document."""

    rsa_private_pem: str
    rsa_public_pem: str
    ed25519_private_pem: str
    ed25519_public_multibase: str


@dataclass(slots=True)
class LoadedKeys:
    """Parsed private keys, ready to sign; build once per process and cache."""

    rsa_private: RSAPrivateKey
    ed25519_private: Ed25519PrivateKey


def generate_key_material() -> KeyMaterial:
    """Create a fresh RSA-2048 key pair and a fresh Ed25519 key pair."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return KeyMaterial(
        rsa_private_pem=_private_pem(rsa_key),
        rsa_public_pem=rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii"),
        ed25519_private_pem=_private_pem(ed_key),
        ed25519_public_multibase=ed25519_public_to_multibase(ed_key.public_key()),
    )


def load_keys(material: KeyMaterial) -> LoadedKeys:
    """Parse the private keys of `material`; `ValueError` if one is not of the expected type."""
    rsa_key = serialization.load_pem_private_key(material.rsa_private_pem.encode("ascii"), None)
    if not isinstance(rsa_key, RSAPrivateKey):
        raise ValueError("rsa_private_pem does not hold an RSA private key")
    ed_key = serialization.load_pem_private_key(material.ed25519_private_pem.encode("ascii"), None)
    if not isinstance(ed_key, Ed25519PrivateKey):
        raise ValueError("ed25519_private_pem does not hold an Ed25519 private key")
    return LoadedKeys(rsa_private=rsa_key, ed25519_private=ed_key)


def ed25519_public_to_multibase(key: Ed25519PublicKey) -> str:
    """Encode `key` as an FEP-521a `publicKeyMultibase` value (`z6Mk...`)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _MULTIBASE_BASE58BTC + encode_base58btc(_ED25519_PUB_PREFIX + raw)


def multibase_to_ed25519_public(value: str) -> Ed25519PublicKey:
    """Decode an FEP-521a `publicKeyMultibase` value; raise `ValueError` if it is not Ed25519."""
    if not value.startswith(_MULTIBASE_BASE58BTC):
        raise ValueError("publicKeyMultibase must start with 'z' (base58btc)")
    decoded = decode_base58btc(value[1:])
    if not decoded.startswith(_ED25519_PUB_PREFIX):
        raise ValueError(
            "publicKeyMultibase is not an Ed25519 key (multicodec prefix is not 0xed01)"
        )
    raw = decoded[len(_ED25519_PUB_PREFIX) :]
    if len(raw) != _ED25519_RAW_LENGTH:
        raise ValueError(
            f"publicKeyMultibase holds {len(raw)} key bytes; an Ed25519 key has "
            f"{_ED25519_RAW_LENGTH}"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def encode_base58btc(data: bytes) -> str:
    """Encode bytes in base58 with the Bitcoin alphabet (leading zero bytes become '1')."""
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading_zeros + "".join(reversed(digits))


def decode_base58btc(text: str) -> bytes:
    """Decode base58btc text; raise `ValueError` on an empty value or a character outside it."""
    if not text:
        raise ValueError("base58btc value is empty")
    number = 0
    for position, char in enumerate(text):
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            raise ValueError(f"invalid base58btc character {char!r} at position {position}")
        number = number * 58 + digit
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * leading_zeros + body


def _private_pem(key: RSAPrivateKey | Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
