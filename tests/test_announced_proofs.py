"""A member's instance trusts an announced post by its proof, and fetches it otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from jxfed.activitypub.keys import generate_key_material, load_keys
from jxfed.activitypub.proofs import create_proof
from jxfed.actors.models import RemoteActor
from jxfed.errors import BadRequest
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.authenticity import authentic_create

AUTHOR = "https://peer.example/users/bruno"
SPACE = "https://jxfed.test/spaces/sahel"


@pytest.fixture
async def author_keys(instance: Settings) -> Any:
    """bruno on peer.example, his actor (with his Multikey) already cached here."""
    material = generate_key_material()
    await RemoteActor.create(
        uri=AUTHOR,
        kind="Person",
        inbox=f"{AUTHOR}/inbox",
        fetched_at=datetime.now(UTC),
        document={
            "id": AUTHOR,
            "type": "Person",
            "assertionMethod": [
                {
                    "id": f"{AUTHOR}#ed25519-key",
                    "type": "Multikey",
                    "controller": AUTHOR,
                    "publicKeyMultibase": material.ed25519_public_multibase,
                }
            ],
        },
    )
    return load_keys(material)


class RecordingTransport:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.fetched: list[str] = []
        self.answer = answer

    async def fetch_json(self, url: str, signer: object) -> dict[str, Any]:
        self.fetched.append(url)
        return self.answer

    async def close(self) -> None:
        return None


def create(content: str) -> dict[str, Any]:
    note = {
        "id": "https://peer.example/objects/1",
        "type": "Note",
        "attributedTo": AUTHOR,
        "content": content,
        "audience": SPACE,
        "to": [SPACE],
    }
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://peer.example/objects/1/activity",
        "type": "Create",
        "actor": AUTHOR,
        "object": note,
    }


async def services_with(
    instance: Settings, answer: dict[str, Any]
) -> tuple[Services, RecordingTransport]:
    services = Services(instance)
    transport = RecordingTransport(answer)
    services.transport = transport  # type: ignore[assignment]
    return services, transport


async def test_a_post_whose_proof_verifies_is_taken_without_fetching(instance, author_keys) -> None:
    signed = create_proof(
        create("<p>hello</p>"), author_keys.ed25519_private, f"{AUTHOR}#ed25519-key"
    )
    services, transport = await services_with(instance, {})
    assert await authentic_create(services, signed) == signed
    assert transport.fetched == []


async def test_a_post_with_a_broken_proof_is_fetched_from_its_origin(instance, author_keys) -> None:
    signed = create_proof(
        create("<p>hello</p>"), author_keys.ed25519_private, f"{AUTHOR}#ed25519-key"
    )
    signed["object"]["content"] = "<p>forged</p>"
    origin = {**create("<p>hello</p>")["object"]}
    services, transport = await services_with(instance, origin)
    taken = await authentic_create(services, signed)
    assert transport.fetched == ["https://peer.example/objects/1"]
    assert taken["object"]["content"] == "<p>hello</p>"


async def test_a_post_whose_origin_disagrees_is_refused(instance, author_keys) -> None:
    services, _ = await services_with(
        instance,
        {"id": "https://peer.example/objects/1", "attributedTo": "https://peer.example/users/x"},
    )
    with pytest.raises(BadRequest):
        await authentic_create(services, create("<p>no proof</p>"))
