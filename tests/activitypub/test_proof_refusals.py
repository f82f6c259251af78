"""FEP-8b32 proofs refused (tampered, another key, malformed, expired) and who controls one."""

from __future__ import annotations

import copy
import hashlib
import re
import struct
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.keys import (
    encode_base58btc,
)
from jxfed.activitypub.proofs import (
    ProofError,
    create_proof,
    jcs_canonicalize,
    proof_controller_matches,
    proof_verification_method,
    verify_proof,
)
from jxfed.errors import JxfedError
from tests.activitypub.proof_cast import ALICE, ALICE_KEY, CONTEXT, SPACE, WHEN, note_activity

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
        verify_proof(note_activity(), alice_key.public_key())
    assert isinstance(raised.value, JxfedError)
    assert raised.value.status == 401
    with pytest.raises(ProofError, match="no proof"):
        proof_verification_method(note_activity())


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
    expiring = _sign_with_options(note_activity(), proof_options, alice_key)

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
        create_proof(note_activity(), alice_key, ALICE_KEY, created=datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="not a JSON value"):
        create_proof({**note_activity(), "published": WHEN}, alice_key, ALICE_KEY)


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
    assert proof_controller_matches(note_activity(), ALICE) is False
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
