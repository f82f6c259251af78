"""FEP-8b32 object integrity proofs (eddsa-jcs-2022) against the FEP's vectors, and their refusals.

The vectors are `../shared/vectors/fep/fep-8b32.feature` (signing and verifying an activity) and
`fep-c390.feature` (the same key signing a document without `@context`).
"""

from __future__ import annotations

import copy
import hashlib
import re
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.keys import (
    decode_base58btc,
    encode_base58btc,
    generate_key_material,
    load_keys,
    multibase_to_ed25519_public,
)
from jxfed.activitypub.proofs import (
    ProofError,
    VerifiedProof,
    create_proof,
    jcs_canonicalize,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)
from jxfed.errors import JxfedError

from .vectors import read_vectors

FEP_8B32 = read_vectors("fep/fep-8b32.feature")
FEP_C390 = read_vectors("fep/fep-c390.feature")
# Multicodec "ed25519-priv" (0x1300) as an unsigned varint, as in the features' secret key.
ED25519_PRIV_PREFIX = b"\x80\x26"
ALICE = "https://server.example/users/alice"
ALICE_KEY = f"{ALICE}#ed25519-key"
SPACE = "https://hub.example/spaces/detention"
SPACE_KEY = f"{SPACE}#ed25519-key"
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"]
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


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


def _note_activity() -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{ALICE}/activities/7",
        "type": "Create",
        "actor": ALICE,
        "to": [SPACE],
        "cc": [f"{ALICE}/followers"],
        "object": {
            "id": f"{ALICE}/notes/7",
            "type": "Note",
            "attributedTo": ALICE,
            "audience": SPACE,
            "content": "<p>Audience fixée au 12 mars — «urgent»</p>",
            "to": [SPACE],
        },
    }


@pytest.fixture(scope="module")
def alice_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed(alice_key: Ed25519PrivateKey) -> dict[str, Any]:
    return create_proof(_note_activity(), alice_key, ALICE_KEY, created=WHEN)


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
    original = _note_activity()
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
    signed = create_proof(_note_activity(), keys.ed25519_private, ALICE_KEY)

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


# --- refusals ----------------------------------------------------------------------------------


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for name in path[:-1]:
            target = target[name]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(_set(("object", "content"), "<p>Audience annulée</p>"), id="content"),
        pytest.param(_set(("to",), [SPACE, "https://elsewhere.example/users/eve"]), id="to"),
        pytest.param(
            _set(("object", "to"), ["https://www.w3.org/ns/activitystreams#Public"]), id="object-to"
        ),
        pytest.param(_set(("proof", "created"), "2024-05-01T09:30:01Z"), id="proof-created"),
        pytest.param(_set(("proof", "verificationMethod"), f"{ALICE}#other"), id="proof-method"),
        pytest.param(_set(("bcc",), ["https://elsewhere.example/users/eve"]), id="added-field"),
        pytest.param(lambda document: document.pop("cc"), id="removed-field"),
    ],
)
def test_a_tampered_document_is_refused(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any], tamper: Callable[[dict[str, Any]], Any]
) -> None:
    document = copy.deepcopy(signed)
    tamper(document)

    with pytest.raises(ProofError, match="does not verify"):
        verify_proof(document, alice_key.public_key())


def test_a_changed_context_is_refused(alice_key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    document = {**signed, "@context": "https://www.w3.org/ns/activitystreams"}

    with pytest.raises(ProofError, match="@context"):
        verify_proof(document, alice_key.public_key())


def test_a_proof_by_another_key_is_refused(signed: dict[str, Any]) -> None:
    with pytest.raises(ProofError, match="another key"):
        verify_proof(signed, Ed25519PrivateKey.generate().public_key())


def test_a_document_without_proof_is_refused(alice_key: Ed25519PrivateKey) -> None:
    with pytest.raises(ProofError, match="no proof") as raised:
        verify_proof(_note_activity(), alice_key.public_key())
    assert isinstance(raised.value, JxfedError)
    assert raised.value.status == 401
    with pytest.raises(ProofError, match="no proof"):
        proof_verification_method(_note_activity())


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("cryptosuite", "eddsa-rdfc-2022", "cryptosuite 'eddsa-rdfc-2022' is not supported"),
        ("cryptosuite", "ecdsa-jcs-2019", "cryptosuite 'ecdsa-jcs-2019' is not supported"),
        ("type", "Ed25519Signature2020", "proof type 'Ed25519Signature2020' is not supported"),
        ("proofPurpose", "authentication", "proofPurpose 'authentication'"),
        ("created", "2023-02-24 23:36:38", "not a date-time with a time zone"),
        ("created", "2023-02-24T23:36:38", "not a date-time with a time zone"),
        ("created", "2023-02-30T23:36:38Z", "not a valid date-time"),
    ],
)
def test_an_unsupported_or_malformed_proof_is_refused(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any], field: str, value: str, reason: str
) -> None:
    document = copy.deepcopy(signed)
    document["proof"][field] = value

    with pytest.raises(ProofError, match=re.escape(reason)):
        verify_proof(document, alice_key.public_key())


@pytest.mark.parametrize(
    ("proof_value", "reason"),
    [
        ("u" + "A" * 86, "start with 'z'"),
        ("z" + "0OIl" * 20, "not base58btc"),
        ("z", "not base58btc"),
        ("", "no proofValue"),
        (12345, "no proofValue"),
        ("z" + encode_base58btc(b"\x01" * 32), "holds 32 bytes"),
    ],
    ids=["base64url", "outside-alphabet", "empty-multibase", "empty", "not-a-string", "short"],
)
def test_a_proof_value_that_is_not_a_base58btc_signature_is_refused(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any], proof_value: Any, reason: str
) -> None:
    document = copy.deepcopy(signed)
    document["proof"]["proofValue"] = proof_value

    with pytest.raises(ProofError, match=re.escape(reason)):
        verify_proof(document, alice_key.public_key())


@pytest.mark.parametrize("proof", [[{"type": "DataIntegrityProof"}], "zabc", 7])
def test_a_proof_that_is_not_one_object_is_refused(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any], proof: Any
) -> None:
    with pytest.raises(ProofError, match="single JSON object"):
        verify_proof({**signed, "proof": proof}, alice_key.public_key())


def test_an_expired_proof_is_refused(alice_key: Ed25519PrivateKey) -> None:
    # `expires` is one of the signed proof options; `create_proof` never writes it.
    proof_options = {
        "@context": CONTEXT,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": ALICE_KEY,
        "proofPurpose": "assertionMethod",
        "created": "2024-05-01T09:30:00Z",
        "expires": "2024-05-02T09:30:00Z",
    }
    expiring = _sign_with_options(_note_activity(), proof_options, alice_key)

    assert verify_proof(expiring, alice_key.public_key(), now=WHEN).created == WHEN
    with pytest.raises(ProofError, match="expired"):
        verify_proof(expiring, alice_key.public_key(), now=WHEN + timedelta(days=2))


def _sign_with_options(
    document: dict[str, Any], options: dict[str, Any], key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Sign by the eddsa-jcs-2022 steps directly, for proof options `create_proof` never writes."""
    hash_data = (
        hashlib.sha256(jcs_canonicalize(options)).digest()
        + hashlib.sha256(jcs_canonicalize(document)).digest()
    )
    proof_value = "z" + encode_base58btc(key.sign(hash_data))
    return {**document, "proof": {**options, "proofValue": proof_value}}


def test_create_proof_refuses_an_already_signed_or_naive_input(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="already carries a 'proof'"):
        create_proof(signed, alice_key, ALICE_KEY)
    with pytest.raises(ValueError, match="timezone-aware"):
        create_proof(_note_activity(), alice_key, ALICE_KEY, created=datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="not a JSON value"):
        create_proof({**_note_activity(), "published": WHEN}, alice_key, ALICE_KEY)


# --- who may sign --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("controller", "matches"),
    [
        (ALICE, True),
        (f"{ALICE}2", False),
        ("https://server.example/users", False),
        ("https://server.example/users/bob", False),
        ("https://evil.example/users/alice", False),
        ("", False),
    ],
)
def test_only_the_keys_own_actor_controls_the_proof(
    signed: dict[str, Any], controller: str, matches: bool
) -> None:
    assert proof_controller_matches(signed, controller) is matches


def test_a_document_without_proof_has_no_controller() -> None:
    assert proof_controller_matches(_note_activity(), ALICE) is False
    assert proof_controller_matches({"proof": {"verificationMethod": f"{ALICE}#"}}, ALICE) is False


# --- RFC 8785 canonicalisation (the cyberphone reference inputs and Appendix B numbers) ----------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ('[56, {"d": true, "10": null, "1": [ ]}]', '[56,{"1":[],"10":null,"d":true}]'),
        (
            '{"peach": "a", "p\\u00e9ch\\u00e9": "b", "p\\u00eache": "c", "sin": "d"}',
            '{"peach":"a","p\u00e9ch\u00e9":"b","p\u00eache":"c","sin":"d"}',
        ),
        (
            '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { },'
            ' "111": [ {"e": "yes","E": "no" } ], "A": { }}',
            '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],'
            '"A":{},"a":{}}',
        ),
        ('{"Unnormalized Unicode":"A\\u030a"}', '{"Unnormalized Unicode":"A\u030a"}'),
        (
            '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
            ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
            ' "literals": [null, true, false]}',
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
        ),
        (
            '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\u000a": "Newline", "1": "One",'
            ' "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley",'
            ' "\\u00f6": "Latin Small Letter O With Diaeresis",'
            ' "\\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}',
            '{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge",'
            '"\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",'
            '"\u20ac":"Euro Sign","\U0001f602":"Smiley",'
            '"\ufb33":"Hebrew Letter Dalet With Dagesh"}',
        ),
    ],
    ids=["arrays", "french", "structures", "unicode", "values", "weird"],
)
def test_canonical_json_matches_the_rfc_8785_examples(text: str, canonical: str) -> None:
    assert jcs_canonicalize(orjson.loads(text)) == canonical.encode("utf-8")


@pytest.mark.parametrize(
    ("ieee_hex", "canonical"),
    [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ],
)
def test_canonical_numbers_match_rfc_8785_appendix_b(ieee_hex: str, canonical: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(ieee_hex))
    assert jcs_canonicalize(number) == canonical.encode("ascii")


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), "\ud800", {"\udc00": 1}, {1: "one"}, 10**400, b"bytes", {1, 2}],
    ids=[
        "nan",
        "infinity",
        "lone-surrogate",
        "lone-surrogate-key",
        "int-key",
        "huge",
        "bytes",
        "set",
    ],
)
def test_values_json_cannot_carry_are_not_canonicalised(value: Any) -> None:
    with pytest.raises(ValueError):
        jcs_canonicalize(value)


def test_a_received_document_that_cannot_be_canonicalised_is_refused(
    alice_key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    document = copy.deepcopy(signed)
    document["object"]["content"] = "\ud800"  # json.loads lets a lone surrogate through

    with pytest.raises(ProofError, match="cannot be canonicalised"):
        verify_proof(document, alice_key.public_key())
