"""The hostile corpus: every request in `requests/` is sent as written, and answered as expected.

Each file is one request a hostile peer or a curious stranger might send, and the answer the
instance owes it (a status, words of the error). Add one whenever a defect is found. For each:
nothing refused is queued, stored or relayed. A case may instead name a second request
(`same_as`, asking for the free name `no-such-space` where the first asks for `name`) whose
answer must be identical, status and body but for the name asked: a confidential space must
be indistinguishable from a free name.

Placeholders: {BASE} this instance (https://jxfed.test), {PEER} the peer (https://peer.example).
Signers: "mallory" and "alice" (members of the peer; mallory is a contributor of sahel),
"peer" (its instance actor), "stranger" (a host not on the allowlist), "none" (unsigned).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from jxfed.activitypub.inbox import process_due
from jxfed.activitypub.keyfetch import FetchedKey, KeyFetchError
from jxfed.activitypub.models import Delivery, InboxItem
from jxfed.activitypub.peers import allow_peer
from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request
from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Membership, Post, Role, Space
from jxfed.spaces.registry import add_space
from jxfed.spaces.relay import post_in_space
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.web.client import BASE, PEER, peer_key, peer_private_key

FREE_NAME = "no-such-space"  # the name a `same_as` request asks for
CASES = sorted((Path(__file__).parent / "requests").glob("*.json"))
PEER_URL = f"https://{PEER}"


def _expand(value: Any) -> Any:
    text = json.dumps(value).replace("{BASE}", BASE).replace("{PEER}", PEER_URL)
    return json.loads(text)


async def fetch_key(key_id: str) -> FetchedKey:
    """Any actor of the peer answers with the peer's one test key; nobody else answers."""
    if not key_id.startswith(f"{PEER_URL}/"):
        raise KeyFetchError(f"{key_id} does not answer")
    return peer_key(key_id, "Person")


KEY_IDS = {
    "mallory": f"{PEER_URL}/users/mallory#main-key",
    "alice": f"{PEER_URL}/users/alice#main-key",
    "peer": f"{PEER_URL}/actor#main-key",
    "stranger": "https://stranger.example/users/s#main-key",
}


@pytest.fixture
async def services(instance: Settings) -> Services:
    await allow_peer(PEER)
    amina = await add_member("amina", password="correct-horse-battery")
    for slug, access in [("sahel", Access.OPEN), ("litigation", Access.CONFIDENTIAL)]:
        await add_space(instance, slug, name=slug.title(), access=access, owner=amina.actor.name)
    await Membership.create(
        space=await Space.get(actor__name="sahel"),
        actor_uri=f"{PEER_URL}/users/mallory",
        inbox=f"{PEER_URL}/inbox",
        role=Role.CONTRIBUTOR,
    )
    return start_services(instance, key_fetcher=fetch_key)


@pytest.fixture
def app(services: Services) -> Quart:
    return create_app(services)


async def send(client: Client, request: dict[str, Any]) -> tuple[int, Any]:
    method = request.get("method", "POST")
    path = request["path"]
    body = orjson.dumps(request["body"]) if "body" in request else request.get("raw", "").encode()
    body += b" " * max(0, request.get("pad_to_bytes", 0) - len(body))
    headers = {"Accept": "application/activity+json"}
    if method == "POST":
        headers["Content-Type"] = "application/activity+json"
    signer = request.get("signer", "mallory")
    if signer != "none":
        headers.update(
            sign_cavage_request(
                HttpRequest(method, BASE + path, headers, body),
                key_id=KEY_IDS[signer],
                private_key=peer_private_key(),
            )
        )
    response = await client.open(path, method=method, headers=headers, data=body)
    text = await response.get_data(as_text=True)
    try:
        return response.status_code, json.loads(text)
    except ValueError:
        return response.status_code, text


@pytest.mark.parametrize("case", CASES, ids=[path.stem for path in CASES])
async def test_a_hostile_request_gets_the_answer_it_is_owed(
    case: Path, client: Client, services: Services
) -> None:
    spec = _expand(json.loads(case.read_text()))
    status, body = await send(client, spec["request"])
    if "same_as" in spec:
        other_status, other_body = await send(client, spec["same_as"])
        # The answers may differ only by the name that was asked for.
        renamed = json.loads(json.dumps(other_body).replace(FREE_NAME, spec["name"]))
        assert (status, body) == (other_status, renamed), spec["about"]
        return
    expected = spec["expect"]
    assert status == expected["status"], (spec["about"], body)
    if status >= 400:
        assert isinstance(body, dict) and expected["error"] in body.get("error", ""), body
        assert await InboxItem.all().count() == 0, "a refused activity was queued"
    await process_due(services.dispatcher)
    for text in expected.get("stored_as_by_signer", []):
        post = await Post.get(content__contains=text)
        assert (
            post.author_uri == KEY_IDS[spec["request"].get("signer", "mallory")].partition("#")[0]
        )
    for text in expected.get("never_stored", []):
        assert not await Post.filter(content__contains=text).exists(), text
        assert not await Delivery.filter(body__contains=text).exists(), text


async def test_a_reply_cannot_carry_a_post_into_another_space(
    client: Client, services: Services
) -> None:
    # The door cannot know where a parent lives; the one path that stores posts refuses.
    amina = await LocalActor.get(name="amina")
    litigation = await Space.get(actor__name="litigation")
    secret = await post_in_space(services, litigation, amina, "Witness W-17, draft")
    sahel = f"{BASE}/spaces/sahel"
    reply = {
        "id": f"{PEER_URL}/activities/r1",
        "type": "Create",
        "actor": f"{PEER_URL}/users/mallory",
        "to": [sahel],
        "object": {
            "id": f"{PEER_URL}/objects/r1",
            "type": "Note",
            "attributedTo": f"{PEER_URL}/users/mallory",
            "inReplyTo": secret.uri,
            "content": "<p>LEAK-1</p>",
            "to": [sahel],
            "audience": sahel,
        },
    }
    status, _ = await send(client, {"path": "/inbox", "body": reply})
    assert status == 202
    await process_due(services.dispatcher)
    assert not await Post.filter(content__contains="LEAK-1").exists()
    sent = [orjson.loads(body) for body in await Delivery.all().values_list("body", flat=True)]
    assert not [a for a in sent if a["type"] == "Announce" and "LEAK-1" in orjson.dumps(a).decode()]
    [refusal] = [a for a in sent if a["type"] == "Reject"]
    assert refusal["object"]["id"] == reply["id"] and refusal["actor"] == sahel
