"""FEP-8b32 object integrity proofs, cryptosuite `eddsa-jcs-2022` (W3C Data Integrity EdDSA).

A receiver first calls `proof_verification_method` (no key needed) to learn which key signed,
checks with `proof_controller_matches` that the key belongs to the object's owner (its `actor` or
`attributedTo`), resolves that actor's FEP-521a Multikey, then calls `verify_proof`.

The signed bytes are SHA-256(JCS(proof options)) || SHA-256(JCS(document without its proof)),
where JCS is RFC 8785 canonicalisation and the proof options are the proof without `proofValue`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jcs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jxfed.activitypub.keys import decode_base58btc, encode_base58btc
from jxfed.errors import JxfedError

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"
_MULTIBASE_BASE58BTC = "z"
_ED25519_SIGNATURE_LENGTH = 64
# XML Schema dateTimeStamp, which Data Integrity requires for `created` and `expires`.
_DATE_TIME_STAMP = re.compile(
    r"\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})", re.ASCII
)


class ProofError(JxfedError):
    """A missing, malformed or failing integrity proof; `reason` says which, for the peer."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    """What a valid proof shows: which key signed, when (UTC, if stated), for which purpose."""

    verification_method: str
    created: datetime | None
    purpose: str


def create_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | None = None,
    purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Return a copy of `document` carrying an `eddsa-jcs-2022` DataIntegrityProof.

    `created` defaults to now and is written to the second, in UTC (`...Z`). Raises
    `ValueError` if `created` is naive, if `document` already carries a `proof` (or a linked
    data `signature`, which FEP-8b32 says comes after the proof), or if it holds a value JSON
    cannot carry.
    """
    unsecured = _plain_object(document)
    for name in ("proof", "signature"):
        if name in unsecured:
            raise ValueError(f"document already carries a {name!r}; sign an unsigned copy")
    if created is None:
        created = datetime.now(UTC)
    elif created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    proof: dict[str, Any] = {}
    if "@context" in unsecured:
        proof["@context"] = _plain_json(unsecured["@context"])
    proof.update(
        {
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "verificationMethod": verification_method,
            "proofPurpose": purpose,
            "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    signature = private_key.sign(_hash_data(proof, unsecured))
    proof["proofValue"] = _MULTIBASE_BASE58BTC + encode_base58btc(signature)
    unsecured["proof"] = proof
    return unsecured


def verify_proof(
    document: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    *,
    purpose: str = ASSERTION_METHOD,
    now: datetime | None = None,
) -> VerifiedProof:
    """Check the `eddsa-jcs-2022` proof of `document` against `public_key`.

    The caller must already have resolved `public_key` from the proof's verification method and
    checked that method's owner. A linked data `signature` beside the proof is ignored, as
    FEP-8b32 says. Raises `ProofError` for a missing or malformed proof, another type,
    cryptosuite or purpose, an expired proof, a changed document or another key.
    """
    proof = _proof_object(document)
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(f"proof type {proof.get('type')!r} is not supported: use {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"cryptosuite {proof.get('cryptosuite')!r} is not supported: use {CRYPTOSUITE}"
        )
    method = _verification_method(proof)
    if proof.get("proofPurpose") != purpose:
        raise ProofError(f"proofPurpose {proof.get('proofPurpose')!r} is not {purpose!r}")
    created = _optional_time(proof, "created")
    expires = _optional_time(proof, "expires")
    if expires is not None and expires <= (now or datetime.now(UTC)):
        raise ProofError(f"proof expired at {proof['expires']}")
    signature = _proof_value(proof)

    try:
        unsecured = _plain_object(document)
        options = _plain_object(proof)
    except ValueError as error:
        raise ProofError(f"document cannot be canonicalised: {error}") from error
    del unsecured["proof"]
    unsecured.pop("signature", None)
    del options["proofValue"]
    if "@context" in options:
        # Data Integrity: the document's @context must begin with the proof's, which is then
        # the one hashed (a relay may append contexts without breaking the proof).
        proof_context = _as_list(options["@context"])
        document_context = _as_list(unsecured.get("@context", []))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofError("document @context does not start with the proof's @context")
        unsecured["@context"] = options["@context"]

    try:
        hash_data = _hash_data(options, unsecured)
    except ValueError as error:
        raise ProofError(f"document cannot be canonicalised: {error}") from error
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature as error:
        raise ProofError(
            "proof signature does not verify: the document was changed or another key signed it"
        ) from error
    return VerifiedProof(verification_method=method, created=created, purpose=purpose)


def proof_verification_method(document: Mapping[str, Any]) -> str:
    """The `verificationMethod` of `document`'s proof, read without verifying anything.

    Raises `ProofError` if there is no proof object or it names no verification method.
    """
    return _verification_method(_proof_object(document))


def proof_controller_matches(document: Mapping[str, Any], controller_id: str) -> bool:
    """Whether the proof's verification method is a key of `controller_id` (`<id>#<fragment>`).

    FEP-521a keys live in the actor document under a fragment of the actor's id, so a key
    `https://a.example/users/alice#ed25519-key` may sign only for `https://a.example/users/alice`.
    False when there is no well-formed proof.
    """
    if not controller_id:
        return False
    try:
        method = proof_verification_method(document)
    except ProofError:
        return False
    prefix = controller_id + "#"
    return method.startswith(prefix) and len(method) > len(prefix)


def jcs_canonicalize(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical UTF-8 bytes of a JSON value.

    Raises `ValueError` for what JSON cannot carry: non-string keys, non-finite or out-of-range
    numbers, lone surrogates, other Python types.
    """
    try:
        canonical: bytes = jcs.canonicalize(_plain_json(value))
    except (OverflowError, RecursionError) as error:
        raise ValueError(f"not canonicalisable JSON: {error}") from error
    except UnicodeEncodeError as error:
        raise ValueError("not canonicalisable JSON: a string holds a lone surrogate") from error
    return canonical


def _hash_data(proof_options: Mapping[str, Any], unsecured: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(jcs_canonicalize(proof_options)).digest()
        + hashlib.sha256(jcs_canonicalize(unsecured)).digest()
    )


def _proof_object(document: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise ProofError("document is not a JSON object")
    proof = document.get("proof")
    if proof is None:
        raise ProofError("document has no proof")
    if not isinstance(proof, Mapping):
        # Proof sets and chains (a list) are not used in the fediverse (FEP-8b32: one proof).
        raise ProofError("proof must be a single JSON object")
    return proof


def _verification_method(proof: Mapping[str, Any]) -> str:
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise ProofError("proof has no verificationMethod")
    return method


def _proof_value(proof: Mapping[str, Any]) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value:
        raise ProofError("proof has no proofValue")
    if not value.startswith(_MULTIBASE_BASE58BTC):
        raise ProofError("proofValue must be multibase base58btc (start with 'z')")
    try:
        signature = decode_base58btc(value[1:])
    except ValueError as error:
        raise ProofError(f"proofValue is not base58btc: {error}") from error
    if len(signature) != _ED25519_SIGNATURE_LENGTH:
        raise ProofError(
            f"proofValue holds {len(signature)} bytes; an Ed25519 signature has "
            f"{_ED25519_SIGNATURE_LENGTH}"
        )
    return signature


def _optional_time(proof: Mapping[str, Any], name: str) -> datetime | None:
    value = proof.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_TIME_STAMP.fullmatch(value):
        raise ProofError(f"proof {name} is not a date-time with a time zone: {value!r}")
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError as error:
        raise ProofError(f"proof {name} is not a valid date-time: {value!r}") from error


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _plain_object(value: Mapping[str, Any]) -> dict[str, Any]:
    try:
        plain = _plain_json(value)
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error
    if not isinstance(plain, dict):
        raise ValueError("expected a JSON object")
    return plain


def _plain_json(value: Any) -> Any:
    """A deep copy made of dict, list, str, int, float, bool and None; `ValueError` otherwise."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a JSON number")
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"object key {key!r} is not a string")
            plain[key] = _plain_json(item)
        return plain
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [_plain_json(item) for item in value]
    raise ValueError(f"{type(value).__name__} is not a JSON value")
