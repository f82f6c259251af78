"""Given members and spaces, when an app posts, reads and deletes statuses, then each lands
where it was addressed, with the visibility of its place, and bad requests are clear 4xx."""

from __future__ import annotations

from datetime import UTC, datetime

from quart.typing import TestClientProtocol as Client

from jxfed.spaces.models import Post, Space
from jxfed.spaces.posts import MAX_CHARACTERS
from jxfed.spaces.registry import set_archived
from tests.mastodon.conftest import World, assert_entity, bearer, post_status, status_of


async def test_a_status_without_a_space_is_a_public_note_anyone_can_read(
    client: Client, world: World
) -> None:
    posted = await status_of(client, world.amina, "Hello #Sahel\n\nsecond paragraph")
    assert posted["visibility"] == "public"
    assert posted["account"]["acct"] == "amina"
    assert "<p>second paragraph</p>" in posted["content"]
    assert [tag["name"] for tag in posted["tags"]] == ["sahel"]
    anonymous = await client.get(f"/api/v1/statuses/{posted['id']}")
    assert anonymous.status_code == 200
    assert_entity("Status", await anonymous.get_json())


async def test_a_status_sent_as_json_takes_spoiler_and_language(
    client: Client, world: World
) -> None:
    response = await client.post(
        "/api/v1/statuses",
        json={"status": "Rapport annuel", "spoiler_text": "long", "language": "fr"},
        headers=bearer(world.amina),
    )
    assert response.status_code == 200
    posted = await response.get_json()
    assert_entity("Status", posted)
    assert (posted["spoiler_text"], posted["sensitive"], posted["language"]) == ("long", True, "fr")


async def test_the_same_idempotency_key_returns_the_first_status(
    client: Client, world: World
) -> None:
    headers = {**bearer(world.amina), "Idempotency-Key": "retry-1"}
    first = await client.post("/api/v1/statuses", form={"status": "once"}, headers=headers)
    again = await client.post("/api/v1/statuses", form={"status": "once"}, headers=headers)
    assert (await first.get_json())["id"] == (await again.get_json())["id"]
    assert await Post.filter(content__contains="once").count() == 1
    other = await client.post(
        "/api/v1/statuses",
        form={"status": "once"},
        headers={**bearer(world.bruno), "Idempotency-Key": "retry-1"},
    )
    assert (await other.get_json())["id"] != (await first.get_json())["id"]


async def test_mentioning_a_space_posts_in_it_with_its_visibility(
    client: Client, world: World
) -> None:
    open_post = await status_of(client, world.amina, "@sahel field report")
    assert open_post["visibility"] == "public"
    assert await Post.filter(id=int(open_post["id"]), space__actor__name="sahel").exists()
    response = await post_status(
        client, world.amina, status="@litigation strategy", visibility="public"
    )
    closed = await response.get_json()
    assert_entity("Status", closed)
    assert closed["visibility"] == "private"  # never public, whatever the app asked
    assert await Post.filter(id=int(closed["id"]), space__actor__name="litigation").exists()


async def test_a_reader_or_an_archived_space_is_a_clear_refusal(
    client: Client, world: World
) -> None:
    reader = await post_status(client, world.chidi, status="@sahel may I?")
    assert reader.status_code == 403
    assert "contributor" in (await reader.get_json())["error"]
    await set_archived(await Space.get(actor__name="vigil"), True)
    archived = await post_status(client, world.amina, status="@vigil still here?")
    assert archived.status_code == 403
    assert_entity("Error", await archived.get_json())
    assert "archived" in (await archived.get_json())["error"]


async def test_bad_statuses_are_422_naming_the_field(client: Client, world: World) -> None:
    cases = [
        ({"status": "  "}, "status"),
        ({"status": "x" * (MAX_CHARACTERS + 1)}, "status"),
        ({"status": "hi", "visibility": "direct"}, "visibility"),
        ({"status": "hi", "visibility": "private"}, "visibility"),
        ({"status": "hi", "visibility": "secret"}, "visibility"),
        ({"status": "hi", "in_reply_to_id": "999999"}, "in_reply_to_id"),
        ({"status": "hi", "in_reply_to_id": "abc"}, "in_reply_to_id"),
        ({"status": "hi", "language": "french"}, "language"),
        ({"status": "@sahel and @vigil"}, "status"),
        ({"status": "hi", "media_ids[]": "12345"}, "media_ids"),
    ]
    for fields, field in cases:
        response = await post_status(client, world.amina, **fields)
        assert response.status_code == 422, fields
        body = await response.get_json()
        assert_entity("ValidationError", body)
        assert field in body["details"], fields
    assert await Post.all().count() == 0


async def test_a_reply_lands_in_its_parents_space_and_shows_in_the_context(
    client: Client, world: World
) -> None:
    parent = await status_of(client, world.amina, "@litigation the brief")
    response = await post_status(
        client, world.amina, status="a comment", in_reply_to_id=parent["id"]
    )
    reply = await response.get_json()
    assert_entity("Status", reply)
    assert (reply["in_reply_to_id"], reply["visibility"]) == (parent["id"], "private")
    assert await Post.filter(id=int(reply["id"]), space__actor__name="litigation").exists()
    context = await (
        await client.get(f"/api/v1/statuses/{reply['id']}/context", headers=bearer(world.amina))
    ).get_json()
    assert_entity("Context", context)
    assert [s["id"] for s in context["ancestors"]] == [parent["id"]]
    below = await client.get(
        f"/api/v1/statuses/{parent['id']}/context", headers=bearer(world.amina)
    )
    assert [s["id"] for s in (await below.get_json())["descendants"]] == [reply["id"]]


async def test_a_confidential_status_is_not_found_for_anyone_else(
    client: Client, world: World
) -> None:
    secret = await status_of(client, world.amina, "@litigation witness list")
    for headers in ({}, bearer(world.bruno)):
        for path in ("", "/context", "/favourited_by", "/reblogged_by"):
            response = await client.get(f"/api/v1/statuses/{secret['id']}{path}", headers=headers)
            assert response.status_code == 404, (path, headers)
            assert_entity("Error", await response.get_json())
    replying = await post_status(client, world.bruno, status="hi", in_reply_to_id=secret["id"])
    assert replying.status_code == 422


async def test_deleting_answers_the_text_and_the_status_is_gone(
    client: Client, world: World
) -> None:
    posted = await status_of(client, world.amina, "to redraft #tag")
    refused = await client.delete(f"/api/v1/statuses/{posted['id']}", headers=bearer(world.bruno))
    assert refused.status_code == 403
    response = await client.delete(f"/api/v1/statuses/{posted['id']}", headers=bearer(world.amina))
    deleted = await response.get_json()
    assert_entity("Status", deleted)
    assert deleted["text"] == "to redraft #tag"
    gone = await client.get(f"/api/v1/statuses/{posted['id']}")
    assert gone.status_code == 404


async def test_replies_count_counts_only_the_replies_the_reader_may_see(
    client: Client, world: World
) -> None:
    status = await status_of(client, world.amina, "A public note")
    hidden = "https://peer.example/objects/private-reply"
    await Post.create(  # a peer's reply addressed to amina alone: not public, in no space
        uri=hidden,
        author_uri="https://peer.example/users/dora",
        content="<p>for amina only</p>",
        in_reply_to=status["uri"],
        public=False,
        published=datetime.now(UTC),
        document={"id": hidden, "type": "Note", "inReplyTo": status["uri"]},
    )
    shown = await client.get(f"/api/v1/statuses/{status['id']}", headers=bearer(world.bruno))
    assert (await shown.get_json())["replies_count"] == 0


async def test_mentioning_a_confidential_space_from_outside_is_mentioning_a_free_name(
    client: Client, world: World
) -> None:
    confidential = await status_of(client, world.bruno, "Hello @litigation and all")
    free = await status_of(client, world.bruno, "Hello @nosuchspace and all")
    assert confidential["mentions"] == free["mentions"] == []
    assert "href" not in confidential["content"]
    assert confidential["visibility"] == free["visibility"] == "public"
    inside = await status_of(client, world.amina, "Hello @litigation team")
    assert inside["visibility"] == "private"  # amina is in it: her status went into the space
