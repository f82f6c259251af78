"""Deniability: what members write in a confidential space carries no author's proof.

A leaked copy of a confidential space's post, comment, edit, deletion or reaction must not
prove who wrote it; members' instances authenticate those by a signed fetch from the author's
instance instead. Open and on-request spaces keep their FEP-8b32 proofs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.activitypub.proofs import create_proof
from jxfed.activitypub.transport import Answer, FetchError
from jxfed.actors.models import OutboxActivity, RemoteActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces import authenticity
from jxfed.spaces.authenticity import authentic_activity, may_fetch, withdrawn
from jxfed.spaces.editing import delete_post, edit_post
from jxfed.spaces.models import Membership, MembershipState, Post, Role, Space
from jxfed.spaces.reactions import react, unreact
from jxfed.spaces.relay import post_in_space, post_to_remote_space
from tests.web.client import BASE, PEER, fetch_json, signed_get
from tests.web.conftest import Cast

BRUNO = f"https://{PEER}/users/bruno"
PEER_SPACE = f"https://{PEER}/spaces/cases"


class FakeTransport:
    """A peer's answers by URL (a JSON document, or a status with no document)."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[str] = []

    async def fetch_json(self, url: str, signer: object) -> dict[str, Any]:
        self.asked.append(url)
        answer = self.answers.get(url, 404)
        if isinstance(answer, int):
            raise FetchError(f"fetching {url} answered {answer}")
        return dict(answer)

    async def request(self, method: str, url: str, signer: object, **_: Any) -> Answer:
        self.asked.append(url)
        answer = self.answers.get(url, 404)
        return Answer(answer, b"") if isinstance(answer, int) else Answer(200, b"{}")

    async def close(self) -> None:
        return None


def services_with(instance: Settings, answers: dict[str, Any] | None = None) -> Services:
    services = Services(instance)
    services.transport = FakeTransport(answers)  # type: ignore[assignment]
    return services


async def everything_sent(services: Services, cast: Cast, slug: str) -> list[dict[str, Any]]:
    """amina posts in the space, comments, edits, reacts, takes it back and deletes: what she
    sent, as the space announced each of them to its members' instances."""
    space = await Space.get(actor__name=slug)
    post = await post_in_space(services, space, cast.amina, "Witness statement, draft 1")
    await post_in_space(services, space, cast.amina, "A note on page 2", in_reply_to=post.uri)
    await edit_post(services, cast.amina, post.uri, "Witness statement, draft 2")
    await react(services, cast.amina, post.uri, "👍")
    await unreact(services, cast.amina, post.uri, "👍")
    await delete_post(services, cast.amina, post.uri)
    space_actor = getattr(cast, slug)
    announces = await OutboxActivity.filter(actor=space_actor).order_by("id")
    sent = [row.document["object"] for row in announces]
    assert [activity["type"] for activity in sent] == [
        "Create",
        "Create",
        "Update",
        "Like",
        "Undo",
        "Delete",
    ]
    own = await OutboxActivity.filter(actor=cast.amina).values_list("document", flat=True)
    return [*sent, *own]


async def test_a_confidential_spaces_posts_edits_and_reactions_carry_no_proof(
    instance: Settings, cast: Cast
) -> None:
    sent = await everything_sent(services_with(instance), cast, "litigation")
    assert sent
    for activity in sent:
        assert "proof" not in activity, activity["type"]


@pytest.mark.parametrize("slug", ["sahel", "vigil"])
async def test_open_and_on_request_spaces_keep_their_authors_proofs(
    instance: Settings, cast: Cast, slug: str
) -> None:
    sent = await everything_sent(services_with(instance), cast, slug)
    for activity in sent:
        assert activity["proof"]["cryptosuite"] == "eddsa-jcs-2022", activity["type"]
        assert activity["proof"]["verificationMethod"] == f"{BASE}/users/amina#ed25519-key"


async def _peer_space(discoverable: bool) -> None:
    """peer.example's space `cases`, locked; a confidential one keeps out of directories."""
    await RemoteActor.create(
        uri=PEER_SPACE,
        kind="Group",
        inbox=f"{PEER_SPACE}/inbox",
        fetched_at=datetime.now(UTC),
        document={
            "id": PEER_SPACE,
            "type": "Group",
            "inbox": f"{PEER_SPACE}/inbox",
            "manuallyApprovesFollowers": True,
            "discoverable": discoverable,
            "members": f"{PEER_SPACE}/members",
        },
    )


@pytest.mark.parametrize("confidential", [True, False])
async def test_a_post_in_a_peers_space_is_proved_unless_the_space_is_confidential(
    instance: Settings, cast: Cast, confidential: bool
) -> None:
    await _peer_space(discoverable=not confidential)
    services = services_with(instance)
    post = await post_to_remote_space(services, cast.amina, PEER_SPACE, "Hearing notes")
    await edit_post(services, cast.amina, post.uri, "Hearing notes, corrected")
    sent = await OutboxActivity.filter(actor=cast.amina).values_list("document", flat=True)
    assert [activity["type"] for activity in sent] == ["Create", "Update"]
    assert all(("proof" in activity) is not confidential for activity in sent)


async def _bruno_in_litigation() -> None:
    await Membership.create(
        space=await Space.get(actor__name="litigation"),
        actor_uri=BRUNO,
        role=Role.CONTRIBUTOR,
        state=MembershipState.ACCEPTED,
    )


async def test_a_confidential_spaces_outbox_serves_no_proof_even_one_stored_before(
    client: Client, instance: Settings, cast: Cast
) -> None:
    await _bruno_in_litigation()
    services = services_with(instance)
    space = f"{BASE}/spaces/litigation"
    old = create_proof(
        {"id": f"{BASE}/activities/old", "type": "Create", "actor": f"{BASE}/users/amina"},
        services.keyring.keys_of(cast.amina).ed25519_private,
        f"{BASE}/users/amina#ed25519-key",
    )
    await OutboxActivity.create(
        uri=f"{BASE}/activities/old-announce",
        actor=cast.litigation,
        type="Announce",
        document={"id": f"{BASE}/activities/old-announce", "type": "Announce", "object": old},
    )
    page = await fetch_json(client, f"{space}/outbox?page=true")
    [announce] = page["orderedItems"]
    assert announce["object"]["id"] == f"{BASE}/activities/old"
    assert "proof" not in announce["object"] and "proof" not in announce


async def test_a_reaction_and_a_deletion_are_served_at_their_ids_to_members_instances_only(
    client: Client, instance: Settings, cast: Cast
) -> None:
    services = services_with(instance)
    space = await Space.get(actor__name="litigation")
    post = await post_in_space(services, space, cast.amina, "Draft pleading")
    await react(services, cast.amina, post.uri, "👍")
    await delete_post(services, cast.amina, post.uri)
    like, delete = (
        row.document["object"]
        for row in await OutboxActivity.filter(actor=cast.litigation, type="Announce")
        .order_by("id")
        .offset(1)
    )
    for activity in (like, delete):  # peer.example hosts no member yet: nothing to see
        assert (await signed_get(client, activity["id"])).status_code == 404
    await _bruno_in_litigation()
    for activity in (like, delete):
        served = await fetch_json(client, activity["id"])
        assert "proof" not in served
        assert {key: served[key] for key in ("id", "type", "actor")} == {
            key: activity[key] for key in ("id", "type", "actor")
        }
    assert (await fetch_json(client, like["id"]))["content"] == "👍"
    assert (await signed_get(client, f"{BASE}/activities/no-such-thing")).status_code == 404


def _like(**changes: Any) -> dict[str, Any]:
    like = {
        "id": f"https://{PEER}/activities/like-1",
        "type": "Like",
        "actor": BRUNO,
        "object": f"{BASE}/objects/1",
        "content": "👍",
    }
    return {**like, **changes}


async def test_an_unproved_like_is_taken_as_its_actors_instance_serves_it(
    instance: Settings,
) -> None:
    like = _like()
    served = services_with(instance, {like["id"]: like})
    assert await authentic_activity(served, like)
    forged = services_with(instance, {like["id"]: _like(content="👎")})
    assert not await authentic_activity(forged, like)
    assert not await authentic_activity(services_with(instance), like)  # not served: 404
    elsewhere = _like(id="https://space.example/activities/like-1")
    asked = services_with(instance, {elsewhere["id"]: elsewhere})
    assert not await authentic_activity(asked, elsewhere)  # not on its actor's host
    assert asked.transport.asked == []  # type: ignore[attr-defined]


async def test_an_unproved_undo_is_taken_once_the_like_is_gone_from_its_actors_instance(
    instance: Settings,
) -> None:
    undo = {"id": f"https://{PEER}/activities/undo-1", "type": "Undo", "actor": BRUNO}
    undo["object"] = _like()
    assert await withdrawn(services_with(instance, {_like()["id"]: 410}), undo)
    assert await withdrawn(services_with(instance), undo)  # 404
    assert not await withdrawn(services_with(instance, {_like()["id"]: _like()}), undo)


async def test_a_post_in_a_peers_space_is_fetched_by_the_instances_its_space_lists(
    instance: Settings, cast: Cast
) -> None:
    await _peer_space(discoverable=False)
    services = services_with(instance)
    post = await post_to_remote_space(services, cast.amina, PEER_SPACE, "Hearing notes")
    members = f"{PEER_SPACE}/members"
    services = services_with(
        instance,
        {
            members: {"id": members, "type": "OrderedCollection", "first": f"{members}?page=1"},
            f"{members}?page=1": {
                "orderedItems": [f"{BASE}/users/amina", BRUNO],
                "next": f"{members}?page=2",
            },
            f"{members}?page=2": {"orderedItems": ["https://third.example/users/dora"]},
        },
    )
    authenticity._peer_space_members.clear()  # what another test's peer listed is forgotten
    reader = await Post.get(id=post.id)
    assert await may_fetch(services, reader, "https://third.example/actor")
    assert await may_fetch(services, reader, "https://third.example/users/dora")
    assert await may_fetch(services, reader, f"https://{PEER}/actor")  # the space's instance
    assert not await may_fetch(services, reader, "https://third.example/users/eve")
    assert not await may_fetch(services, reader, "https://fourth.example/actor")


async def test_a_new_members_instance_is_let_in_once_the_space_lists_it(
    instance: Settings, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _peer_space(discoverable=False)
    post = await post_to_remote_space(services_with(instance), cast.amina, PEER_SPACE, "Notes")
    members = f"{PEER_SPACE}/members"
    answers: dict[str, Any] = {
        members: {"id": members, "type": "OrderedCollection", "first": f"{members}?page=1"},
        f"{members}?page=1": {"orderedItems": [f"{BASE}/users/amina"]},
    }
    services = services_with(instance, answers)
    now = [1000.0]
    monkeypatch.setattr(authenticity.time, "monotonic", lambda: now[0])
    authenticity._peer_space_members.clear()
    assert not await may_fetch(services, post, "https://third.example/actor")
    answers[f"{members}?page=1"] = {
        "orderedItems": [f"{BASE}/users/amina", "https://third.example/users/dora"]
    }
    now[0] += 1  # asked again at most every few seconds
    assert not await may_fetch(services, post, "https://third.example/actor")
    now[0] += 5
    assert await may_fetch(services, post, "https://third.example/actor")
    asked = len(services.transport.asked)  # type: ignore[attr-defined]
    now[0] += 30  # a listed instance is let in from what was fetched, for a minute
    assert await may_fetch(services, post, "https://third.example/actor")
    assert len(services.transport.asked) == asked  # type: ignore[attr-defined]
