"""FEP-8b32 object integrity proofs (eddsa-jcs-2022) against the FEP's vectors, and their refusals.

The vectors are `../shared/vectors/fep/fep-8b32.feature` (signing and verifying an activity) and
`fep-c390.feature` (the same key signing a document without `@context`).
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.keys import (
    decode_base58btc,
    generate_key_material,
    load_keys,
    multibase_to_ed25519_public,
)
from jxfed.activitypub.proofs import (
    VerifiedProof,
    create_proof,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)

from .proof_cast import ALICE, ALICE_KEY, CONTEXT, SPACE, SPACE_KEY, note_activity
from .vectors import read_vectors

FEP_8B32 = read_vectors("fep/fep-8b32.feature")
FEP_C390 = read_vectors("fep/fep-c390.feature")
# Multicodec "ed25519-priv" (0x1300) as an unsigned varint, as in the features' secret key.
ED25519_PRIV_PREFIX = b"\x80\x26"


def _scenarios(feature: str) -> dict[str, str]:
    """Scenario title -> its text."""
    blocks = feature.split("Scenario: ")[1:]
    return {block.splitlines()[0].strip(): block for block in blocks}


def _doc_strings(scenario: str) -> list[Any]:
    """The JSON documents between the scenario's triple quotes, in order."""
    return [orjson.loads(text) for text in re.findall(r'"""\n(.*?)\n\s*"""', scenario, re.DOTALL)]


def _quoted(scenario: str, words: str) -> str:
    match = re.search(re.escape(words) + r' "([^"]+)"', scenario)
    assert match, f"no {words!r} in scenario"
    return match.group(1)


def _secret_key(multibase: str) -> Ed25519PrivateKey:
    decoded = decode_base58btc(multibase.removeprefix("z"))
    assert decoded.startswith(ED25519_PRIV_PREFIX)
    return Ed25519PrivateKey.from_private_bytes(decoded[len(ED25519_PRIV_PREFIX) :])


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


SIGNING = _scenarios(FEP_8B32)["Signing document"]
VERIFYING = _scenarios(FEP_8B32)["Verifying a signature"]


# --- the published vectors ---------------------------------------------------------------------


def test_signing_the_fep_8b32_document_gives_the_published_signed_document() -> None:
    document, expected = _doc_strings(SIGNING)
    key = _secret_key(_quoted(SIGNING, "Ed25519 secret key"))

    signed = create_proof(
        document,
        key,
        _quoted(SIGNING, "Signing the document for key"),
        created=_time(_quoted(SIGNING, "current time")),
    )

    assert signed == expected
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]


def test_the_published_signed_document_verifies_with_the_actors_multikey() -> None:
    signed, actor = _doc_strings(VERIFYING)
    method = proof_verification_method(signed)
    multikey = next(entry for entry in actor["assertionMethod"] if entry["id"] == method)
    assert multikey["controller"] == actor["id"]
    assert proof_controller_matches(signed, signed["actor"])

    verified = verify_proof(signed, multibase_to_ed25519_public(multikey["publicKeyMultibase"]))

    assert verified == VerifiedProof(
        verification_method="https://server.example/users/alice#ed25519-key",
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        purpose="assertionMethod",
    )


def test_a_document_without_context_signs_as_the_fep_c390_vector_says() -> None:
    scenario = _scenarios(FEP_C390)["Creating the identity proof"]
    claim, expected = _doc_strings(scenario)
    did = _quoted(scenario, "the decentralized identifier")

    signed = create_proof(
        claim,
        _secret_key(_quoted(scenario, "private Key")),
        did,
        created=_time(_quoted(scenario, "current time")),
    )

    assert signed == expected
    assert "@context" not in signed["proof"]
    public_key = multibase_to_ed25519_public(did.removeprefix("did:key:"))
    assert verify_proof(expected, public_key).verification_method == did


# --- round trip --------------------------------------------------------------------------------


def test_a_proof_made_with_a_fresh_key_verifies_and_leaves_the_original_untouched(
    alice_key: Ed25519PrivateKey,
) -> None:
    original = note_activity()
    before = copy.deepcopy(original)

    signed = create_proof(original, alice_key, ALICE_KEY)

    assert original == before
    assert signed["proof"]["@context"] == CONTEXT
    assert signed["proof"]["proofValue"].startswith("z")
    verified = verify_proof(signed, alice_key.public_key())
    assert verified.verification_method == ALICE_KEY
    assert verified.purpose == "assertionMethod"
    assert verified.created is not None
    assert abs(datetime.now(UTC) - verified.created) < timedelta(seconds=5)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signed["proof"]["created"])


def test_the_key_published_as_a_multikey_verifies_the_members_proof() -> None:
    material = generate_key_material()
    keys = load_keys(material)
    actor: dict[str, Any] = {
        "id": ALICE,
        "assertionMethod": [
            {
                "id": ALICE_KEY,
                "type": "Multikey",
                "controller": ALICE,
                "publicKeyMultibase": material.ed25519_public_multibase,
            }
        ],
    }
    signed = create_proof(note_activity(), keys.ed25519_private, ALICE_KEY)

    entry = next(
        m for m in actor["assertionMethod"] if m["id"] == proof_verification_method(signed)
    )
    public_key = multibase_to_ed25519_public(entry["publicKeyMultibase"])

    assert verify_proof(signed, public_key).verification_method == ALICE_KEY


def test_a_space_announce_wrapping_a_signed_create_verifies_outside_and_inside(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    space_key = Ed25519PrivateKey.generate()
    announce = {
        "@context": [*CONTEXT, {"fep": "https://w3id.org/fep#", "audience": "as:audience"}],
        "id": f"{SPACE}/announces/7",
        "type": "Announce",
        "actor": SPACE,
        "to": [f"{SPACE}/members"],
        "object": signed,
    }

    relayed = orjson.loads(orjson.dumps(create_proof(announce, space_key, SPACE_KEY)))

    assert verify_proof(relayed, space_key.public_key()).verification_method == SPACE_KEY
    assert proof_controller_matches(relayed, relayed["actor"])
    inner = relayed["object"]
    assert inner == signed
    assert verify_proof(inner, alice_key.public_key()).verification_method == ALICE_KEY
    assert proof_controller_matches(inner, inner["object"]["attributedTo"])


def test_a_linked_data_signature_beside_the_proof_is_ignored(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    with_ld_signature = {**signed, "signature": {"type": "RsaSignature2017", "signatureValue": "x"}}

    assert verify_proof(with_ld_signature, alice_key.public_key()).verification_method == ALICE_KEY


def test_a_relay_may_append_a_context_after_the_proofs_own(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    extended = {**signed, "@context": [*CONTEXT, "https://w3id.org/security/multikey/v1"]}

    assert verify_proof(extended, alice_key.public_key()).verification_method == ALICE_KEY
