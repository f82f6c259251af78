"""The cast of the FEP-8b32 proof tests: alice, a member, posting in a space."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

ALICE = "https://server.example/users/alice"
ALICE_KEY = f"{ALICE}#ed25519-key"
SPACE = "https://hub.example/spaces/detention"
SPACE_KEY = f"{SPACE}#ed25519-key"
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"]
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def note_activity() -> dict[str, Any]:
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
