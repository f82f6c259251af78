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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from pprint import pformat

import orjson
import pytest
from pyld.jsonld import JsonLdError

from jxfed.activitypub.dispatch import object_type
from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.activitypub.proofs import verify_proof
from jxfed.activitypub.shapes import normalise
from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Follower, FollowState, LocalActor, OutboxActivity
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.boosts import boost, unboost
from jxfed.spaces.editing import delete_post, edit_post
from jxfed.spaces.follows import answer_follow_request, follow, unfollow
from jxfed.spaces.joining import answer_join_request, invite, join, leave
from jxfed.spaces.managing import change_role, remove_member
from jxfed.spaces.models import (
    Access,
    Membership,
    MembershipState,
    Post,
    Reaction,
    Role,
    Space,
)
from jxfed.spaces.posts import NoteOptions, publish_note
from jxfed.spaces.reactions import react, unreact
from jxfed.spaces.registry import add_space
from jxfed.spaces.relay import post_in_space, post_to_remote_space
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.databases import Templates
from tests.jsonld.expansion import (
    NotKept,
    dropped_terms,
    expand,
    keys_used,
    load_kept_context,
)
from tests.test_outgoing_shapes import BRUNO, CLARA, DELTA, PEER, _peer_actors
from tests.web.client import BASE, fetch_json, fetch_peer_key, signed_get

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
}


@pytest.fixture
def database_url(tmp_path: Path, templates: Templates) -> str:
    """SQLite only: what is sent and served does not depend on the database."""
    return templates.sqlite_copy(tmp_path / "test.sqlite3")


@dataclass(slots=True)
class Story:
    services: Services
    amina: LocalActor
    note: str  # a public note with a mention, a hashtag, an image and a content warning
    post: str  # an Article in the open space, edited and liked
    comment: str  # deleted: a Tombstone


@pytest.fixture
async def story(instance: Settings) -> AsyncIterator[Story]:
    """amina publishes, posts in spaces here and on the peer, edits, reacts, boosts, deletes,
    follows, joins and leaves; her spaces invite, accept, refuse, change a role and remove."""
    services = start_services(instance, key_fetcher=fetch_peer_key)
    await allow_peer(PEER.removeprefix("https://"))
    await _peer_actors()
    member = await add_member("amina")
    amina = member.actor
    for slug, access in [("sahel", Access.OPEN), ("vigil", Access.ON_REQUEST)]:
        await add_space(instance, slug, name=slug, access=access, owner="amina")
    sahel, vigil = await Space.get(actor__name="sahel"), await Space.get(actor__name="vigil")
    peer_inbox = f"{PEER}/inbox"
    await Membership.create(space=sahel, actor_uri=BRUNO, inbox=peer_inbox, role=Role.CONTRIBUTOR)
    await Follower.create(
        followed=amina,
        follower_uri=BRUNO,
        inbox=peer_inbox,
        follow_id=f"{BRUNO}#follow",
        state=FollowState.ACCEPTED,
    )

    image = {
        "type": "Document",
        "mediaType": "image/png",
        "url": f"{BASE}/media/0123.png",
        "name": "A map of the region",
        "width": 640,
        "height": 480,
    }
    options = NoteOptions(attachments=(image,), summary="Field report", language="fr")
    note = await publish_note(services, amina, "Rapport @bruno@peer.example #Sahel", None, options)
    await boost(services, member, note)
    await unboost(services, member, note)
    post = await post_in_space(services, sahel, amina, "Weekly brief #Sahel", title="Brief")
    comment = await post_in_space(services, sahel, amina, "A comment", in_reply_to=post.uri)
    await edit_post(services, amina, post.uri, "Weekly brief, corrected", title="Brief")
    await react(services, amina, post.uri)
    await unreact(services, amina, post.uri)
    await react(services, amina, post.uri, "🔥")
    await delete_post(services, amina, comment.uri)
    abroad = await post_to_remote_space(services, amina, DELTA, "Field notes", title="Notes")
    await edit_post(services, amina, abroad.uri, "Field notes, corrected", title="Notes")
    await delete_post(services, amina, abroad.uri)
    theirs = f"{PEER}/objects/1"  # bruno's post in delta, as delta announced it here
    await Post.create(
        uri=theirs,
        author_uri=BRUNO,
        audience=DELTA,
        public=True,
        content="<p>theirs</p>",
        published=datetime.now(UTC),
        document={"id": theirs, "type": "Note", "attributedTo": BRUNO, "audience": DELTA},
    )
    await react(services, amina, theirs)
    await unreact(services, amina, theirs)
    await follow(services, amina, BRUNO)
    await unfollow(services, amina, BRUNO)
    await join(services, amina, DELTA)
    await leave(services, amina, DELTA)
    await invite(services, vigil, amina, CLARA)
    for name, accept in [("dora", True), ("emil", False)]:
        await Membership.create(
            space=vigil,
            actor_uri=f"{PEER}/users/{name}",
            inbox=peer_inbox,
            role=Role.READER,
            state=MembershipState.PENDING,
            activity_id=f"{PEER}/users/{name}#join",
        )
        await answer_join_request(services, vigil, f"{PEER}/users/{name}", accept=accept)
    await Follower.create(
        followed=await vigil.actor,
        follower_uri=f"{PEER}/users/fatou",
        inbox=peer_inbox,
        follow_id=f"{PEER}/users/fatou#follow",
        state=FollowState.PENDING,
    )
    await answer_follow_request(services, vigil, f"{PEER}/users/fatou", accept=False)
    await change_role(services, sahel, amina, BRUNO, Role.READER)
    await remove_member(services, sahel, amina, BRUNO)
    try:
        yield Story(services, amina, note.uri, post.uri, comment.uri)
    finally:
        await services.close()


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
    sent = [orjson.loads(body) for body in await Delivery.all().values_list("body", flat=True)]

    dropped = {}
    used: set[str] = set()
    kinds = set()
    for activity in sent:
        assert normalise(activity) == activity, activity["type"]
        kind = (activity["type"], object_type(activity))
        kinds.add(kind)
        used |= keys_used(activity)
        if missing := dropped_terms(activity):
            dropped[kind] = missing
    assert not dropped, pformat(dropped)
    assert used >= SENT_TERMS, SENT_TERMS - used
    assert kinds >= {
        ("Create", "Note"),
        ("Create", "Article"),
        ("Announce", "Create"),
        ("Announce", None),  # a member's boost
        ("Undo", "Announce"),
        ("Update", "Article"),
        ("Announce", "Update"),
        ("Like", None),
        ("Undo", "Like"),
        ("Announce", "Like"),
        ("Delete", "Tombstone"),
        ("Announce", "Delete"),
        ("Follow", None),
        ("Undo", "Follow"),
        ("Join", None),
        ("Leave", None),
        ("Invite", None),
        ("Accept", "Join"),
        ("Reject", "Join"),
        ("Reject", "Follow"),
        ("Update", "Member"),
        ("Remove", None),
    }, kinds


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
    sent = [orjson.loads(body) for body in await Delivery.all().values_list("body", flat=True)]
    create = next(a for a in sent if a["type"] == "Create" and a["object"]["id"] == story.note)

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
