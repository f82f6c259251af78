"""RFC 9421 signature algorithms we accept, and the key type each one needs."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, PSS, PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.hashes import SHA256, SHA512

from jxfed.activitypub.signatures.request import PrivateKey, PublicKey, SignatureError

# hmac-sha256 is deliberately absent: it needs a secret shared with each peer.
ACCEPTED_ALGORITHMS = ("rsa-v1_5-sha256", "rsa-pss-sha512", "ecdsa-p256-sha256", "ed25519")
_P256_COORDINATE_BYTES = 32
# RFC 9421 section 3.3.1: RSASSA-PSS with SHA-512 and a 64-byte salt.
_PSS = PSS(mgf=MGF1(SHA512()), salt_length=64)


def algorithms_for_key(key: PublicKey) -> list[str]:
    """The algorithms a key may be used with when a signature does not name one."""
    if isinstance(key, RSAPublicKey):
        return ["rsa-v1_5-sha256", "rsa-pss-sha512"]
    if isinstance(key, Ed25519PublicKey):
        return ["ed25519"]
    if isinstance(key, EllipticCurvePublicKey) and isinstance(key.curve, SECP256R1):
        return ["ecdsa-p256-sha256"]
    raise SignatureError("the signer's key type is not supported")


def verify_with_algorithm(algorithm: str, key: PublicKey, message: bytes, signature: bytes) -> bool:
    """Whether `signature` over `message` is valid under `algorithm` and `key`.

    Raises `SignatureError` if the algorithm is not accepted or does not fit the key type.
    """
    if algorithm not in algorithms_for_key(key):
        raise SignatureError(f"algorithm {algorithm!r} does not fit the signer's key")
    try:
        if isinstance(key, RSAPublicKey):
            if algorithm == "rsa-v1_5-sha256":
                key.verify(signature, message, PKCS1v15(), SHA256())
            else:
                key.verify(signature, message, _PSS, SHA512())
        elif isinstance(key, Ed25519PublicKey):
            key.verify(signature, message)
        else:
            if len(signature) != 2 * _P256_COORDINATE_BYTES:
                return False
            r = int.from_bytes(signature[:_P256_COORDINATE_BYTES], "big")
            s = int.from_bytes(signature[_P256_COORDINATE_BYTES:], "big")
            key.verify(encode_dss_signature(r, s), message, ECDSA(SHA256()))
    except InvalidSignature:
        return False
    return True


def sign_with_algorithm(algorithm: str, key: PrivateKey, message: bytes) -> bytes:
    """Sign `message` with `key` under `algorithm`; `ValueError` if they do not fit."""
    if algorithm not in algorithms_for_key(key.public_key()):
        raise ValueError(f"algorithm {algorithm!r} does not fit the private key")
    if isinstance(key, RSAPrivateKey):
        if algorithm == "rsa-v1_5-sha256":
            return key.sign(message, PKCS1v15(), SHA256())
        return key.sign(message, _PSS, SHA512())
    if isinstance(key, Ed25519PrivateKey):
        return key.sign(message)
    r, s = decode_dss_signature(key.sign(message, ECDSA(SHA256())))
    return r.to_bytes(_P256_COORDINATE_BYTES, "big") + s.to_bytes(_P256_COORDINATE_BYTES, "big")
