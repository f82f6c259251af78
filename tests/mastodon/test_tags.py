"""Given a member, when they follow and unfollow hashtags, then the tag shows it and the list
of followed tags holds it (its posts reach their home: see test_timelines)."""

from __future__ import annotations

from quart.typing import TestClientProtocol as Client

from tests.mastodon.conftest import World, assert_entity, bearer


async def test_following_a_tag_shows_in_the_tag_and_the_list(client: Client, world: World) -> None:
    anonymous = await (await client.get("/api/v1/tags/Climat")).get_json()
    assert_entity("Tag", anonymous)
    assert (anonymous["name"], anonymous["following"]) == ("climat", None)
    assert anonymous["url"] == "https://jxfed.test/tags/climat"
    followed = await client.post("/api/v1/tags/CLIMAT/follow", headers=bearer(world.bruno))
    assert (await followed.get_json())["following"] is True
    await client.post("/api/v1/tags/eau/follow", headers=bearer(world.bruno))
    await client.post("/api/v1/tags/eau/follow", headers=bearer(world.bruno))  # no duplicate
    mine = await client.get("/api/v1/tags/climat", headers=bearer(world.bruno))
    assert (await mine.get_json())["following"] is True
    response = await client.get("/api/v1/followed_tags", headers=bearer(world.bruno))
    tags = await response.get_json()
    for tag in tags:
        assert_entity("Tag", tag)
    assert [t["name"] for t in tags] == ["eau", "climat"]
    unfollowed = await client.post("/api/v1/tags/eau/unfollow", headers=bearer(world.bruno))
    assert (await unfollowed.get_json())["following"] is False
    after = await client.get("/api/v1/followed_tags", headers=bearer(world.bruno))
    assert [t["name"] for t in await after.get_json()] == ["climat"]
    others = await client.get("/api/v1/followed_tags", headers=bearer(world.amina))
    assert await others.get_json() == []


async def test_a_bad_tag_name_is_422_and_following_needs_a_token(
    client: Client, world: World
) -> None:
    bad = await client.post("/api/v1/tags/no%20spaces/follow", headers=bearer(world.bruno))
    assert bad.status_code == 422
    assert_entity("ValidationError", await bad.get_json())
    assert (await client.post("/api/v1/tags/climat/follow")).status_code == 401
    assert (await client.get("/api/v1/followed_tags")).status_code == 401
