"""Every term jxfed serves or sends is defined by its `@context` (issue 10).

JSON-LD peers read documents expanded: Fedify found no `assertionMethod` in jxfed's actors (so
no Ed25519 key), and bovine stored `proof` and `Hashtag` as blank terms. Here pyld expands, with
the published contexts kept in tests/jsonld/contexts and nothing from the network, everything
this instance queues for delivery after a story of service calls (the one of
tests/test_outgoing_shapes.py, with attachments and refusals added) and everything it serves
to a peer: actors, collections and their pages, posts, a Tombstone, activities at their ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from pprint import pformat

import pytest
from pyld.jsonld import JsonLdError

from jxfed.activitypub.dispatch import object_type
from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.proofs import verify_proof
from jxfed.activitypub.shapes import normalise
from jxfed.actors.models import OutboxActivity
from jxfed.settings import Settings
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import (
    Reaction,
)
from jxfed.web.app import create_app
from tests.databases import Templates
from tests.jsonld.expansion import (
    NotKept,
    dropped_terms,
    expand,
    keys_used,
    load_kept_context,
)
from tests.stories import DELTA, SENT_KINDS, Story, sent, tell
from tests.web.client import BASE, fetch_json, signed_get

AS = "https://www.w3.org/ns/activitystreams"
SEC = "https://w3id.org/security#"
# Terms the story below must send, so that the check cannot pass by sending less.
SENT_TERMS = {
    "proof",
    "cryptosuite",
    "proofValue",
    "proofPurpose",
    "verificationMethod",
    "tag",
    "attachment",
    "sensitive",
    "contentMap",
    "audience",
    "role",
    "digestMultibase",  # the library's items
    "size",
    "status",
    "revision",
    "formerType",
}


@pytest.fixture
def database_url(tmp_path: Path, templates: Templates) -> str:
    """SQLite only: what is sent and served does not depend on the database."""
    return templates.sqlite_copy(tmp_path / "test.sqlite3")


@pytest.fixture
async def story(instance: Settings) -> AsyncIterator[Story]:
    told = await tell(instance)
    try:
        yield told
    finally:
        await told.services.close()


def test_the_check_sees_every_kind_of_undefined_term() -> None:
    """A blank-node type, an undefined key, a key outside the context that defines it, a
    prefix no context declares, a term defined as nothing: each is named."""
    document = {
        "@context": [AS, {"sensitive": None, "role": "jxfed:role"}],
        "id": "https://a.example/objects/1",
        "type": "Note",
        "sensitive": True,
        "role": "reader",
        "summary": None,  # no value: nothing to define
        "tag": [{"type": "Hashtag", "name": "#x", "href": "https://a.example/tags/x"}],
        "proof": {"@context": [AS, "https://w3id.org/security/data-integrity/v2"]},
        "indexable": True,
    }

    assert dropped_terms(document) == {"sensitive", "jxfed:role", "Hashtag", "proof", "indexable"}


def test_contexts_come_from_the_repository_and_never_from_the_network() -> None:
    with pytest.raises(NotKept):
        load_kept_context("https://www.w3.org/ns/did/v1")
    with pytest.raises(JsonLdError):
        expand({"@context": [AS, "https://example.com/ns"], "type": "Note"})


async def test_every_activity_sent_defines_every_term_it_uses(story: Story) -> None:
    dropped = {}
    used: set[str] = set()
    kinds = set()
    for activity in await sent():
        assert normalise(activity) == activity, activity["type"]
        kind = (activity["type"], object_type(activity))
        kinds.add(kind)
        used |= keys_used(activity)
        if missing := dropped_terms(activity):
            dropped[kind] = missing
    assert not dropped, pformat(dropped)
    assert used >= SENT_TERMS, SENT_TERMS - used
    assert kinds >= SENT_KINDS, SENT_KINDS - kinds


async def test_every_document_served_to_a_peer_defines_every_term_it_uses(story: Story) -> None:
    client = create_app(story.services).test_client()
    paths = ["/users/amina", "/spaces/sahel", "/spaces/vigil", "/actor"]
    for actor in ["/users/amina", "/spaces/sahel", "/actor"]:
        for collection in ["outbox", "followers", "following"]:
            paths += [f"{actor}/{collection}", f"{actor}/{collection}?page=true"]
    paths += ["/spaces/sahel/members", "/spaces/sahel/members?page=true", story.note, story.post]
    edit = await OutboxActivity.filter(actor=story.amina, type="Update").first()
    assert edit is not None
    reaction = await Reaction.get(emoji="🔥")
    paths += [edit.uri, reaction.activity_id]  # served at their ids to who may see the post
    # amina's library items in delta, a space of the peer's: served to its instance
    items = await LibraryItem.filter(space_uri=DELTA, deleted=False)
    paths += [item.uri for item in items]
    paths.append("/spaces/sahel/library")

    served = {path: await fetch_json(client, path) for path in paths}
    tombstone = await signed_get(client, story.comment)
    assert tombstone.status_code == 410
    served[story.comment] = await tombstone.get_json()
    dropped = {}
    for path, document in served.items():
        if missing := dropped_terms(document):
            dropped[path] = missing
    assert not dropped, pformat(dropped)


async def test_an_actors_keys_are_what_a_json_ld_peer_reads(story: Story) -> None:
    """The Ed25519 key is an assertion method (FEP-521a), the RSA key a public key, as Fedify
    reads them after expansion."""
    client = create_app(story.services).test_client()
    document = await fetch_json(client, "/users/amina")

    [actor] = expand(document)
    [key] = actor[f"{SEC}assertionMethod"]
    assert key["@id"] == f"{BASE}/users/amina#ed25519-key"
    assert key["@type"] == [f"{SEC}Multikey"]
    assert key[f"{SEC}controller"] == [{"@id": f"{BASE}/users/amina"}]
    [multibase] = key[f"{SEC}publicKeyMultibase"]
    assert multibase["@value"] == story.amina.ed25519_public_multibase
    [rsa] = actor[f"{SEC}publicKey"]
    assert rsa[f"{SEC}publicKeyPem"] == [{"@value": story.amina.rsa_public_pem}]


async def test_a_sent_proof_is_a_data_integrity_proof_that_still_verifies(story: Story) -> None:
    create = next(
        a for a in await sent() if a["type"] == "Create" and a["object"]["id"] == story.note
    )

    [expanded] = expand(create)
    [proof] = expanded[f"{SEC}proof"]
    [node] = proof["@graph"]
    assert node["@type"] == [f"{SEC}DataIntegrityProof"]
    assert node[f"{SEC}cryptosuite"][0]["@value"] == "eddsa-jcs-2022"
    assert node[f"{SEC}proofPurpose"] == [{"@id": f"{SEC}assertionMethod"}]
    key = multibase_to_ed25519_public(story.amina.ed25519_public_multibase)
    verified = verify_proof(create, key)
    assert verified.verification_method == f"{BASE}/users/amina#ed25519-key"
    assert verified.created is not None and verified.created <= datetime.now(UTC)
