"""Fixtures of the FEP-8b32 proof tests (tests/activitypub/proof_cast.py)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.proofs import create_proof
from tests.activitypub.proof_cast import ALICE_KEY, WHEN, note_activity


@pytest.fixture(scope="module")
def alice_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed(alice_key: Ed25519PrivateKey) -> dict[str, Any]:
    return create_proof(note_activity(), alice_key, ALICE_KEY, created=WHEN)
