"""Given statuses, when members favourite, boost and bookmark them, then the counts, the
flags and the lists of who did it follow; a closed space's posts are never boosted."""

from __future__ import annotations

from typing import Any

from quart.typing import TestClientProtocol as Client

from jxfed.actors.models import OutboxActivity
from jxfed.spaces.models import Reaction
from tests.mastodon.conftest import World, assert_entity, bearer, status_of


async def _act(client: Client, token: str, status_id: str, action: str) -> Any:
    response = await client.post(f"/api/v1/statuses/{status_id}/{action}", headers=bearer(token))
    return response


async def _status(client: Client, token: str, status_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/statuses/{status_id}", headers=bearer(token))
    document: dict[str, Any] = await response.get_json()
    assert_entity("Status", document)
    return document


async def test_favouriting_counts_flags_and_lists_the_member(client: Client, world: World) -> None:
    posted = await status_of(client, world.amina, "@sahel good news")
    response = await _act(client, world.bruno, posted["id"], "favourite")
    assert response.status_code == 403  # bruno is not in sahel: a Like there needs a role
    liked = await _act(client, world.amina, posted["id"], "favourite")
    status = await liked.get_json()
    assert_entity("Status", status)
    assert (status["favourited"], status["favourites_count"]) == (True, 1)
    assert (await _status(client, world.bruno, posted["id"]))["favourited"] is False
    by = await client.get(f"/api/v1/statuses/{posted['id']}/favourited_by")
    accounts = await by.get_json()
    for account in accounts:
        assert_entity("Account", account)
    assert [a["acct"] for a in accounts] == ["amina"]
    undone = await (await _act(client, world.amina, posted["id"], "unfavourite")).get_json()
    assert (undone["favourited"], undone["favourites_count"]) == (False, 0)
    assert await Reaction.all().count() == 0
    undo = await OutboxActivity.filter(type="Announce").order_by("-id").first()
    assert undo is not None and undo.document["object"]["type"] == "Undo"  # relayed by sahel


async def test_a_reader_may_not_favourite_in_a_space(client: Client, world: World) -> None:
    posted = await status_of(client, world.amina, "@sahel update")
    response = await _act(client, world.chidi, posted["id"], "favourite")
    assert response.status_code == 403
    assert_entity("Error", await response.get_json())


async def test_boosting_a_public_status_and_taking_it_back(client: Client, world: World) -> None:
    posted = await status_of(client, world.amina, "worth sharing")
    response = await _act(client, world.bruno, posted["id"], "reblog")
    boost = await response.get_json()
    assert_entity("Status", boost)
    assert boost["account"]["acct"] == "bruno"
    assert boost["reblog"]["id"] == posted["id"]
    assert (boost["reblog"]["reblogged"], boost["reblog"]["reblogs_count"]) == (True, 1)
    again = await _act(client, world.bruno, posted["id"], "reblog")
    assert (await again.get_json())["reblog"]["reblogs_count"] == 1
    announce = await OutboxActivity.get(type="Announce", actor__name="bruno")
    assert announce.document["object"] == boost["uri"]
    by = await (await client.get(f"/api/v1/statuses/{posted['id']}/reblogged_by")).get_json()
    assert [a["acct"] for a in by] == ["bruno"]
    undone = await (await _act(client, world.bruno, posted["id"], "unreblog")).get_json()
    assert (undone["reblogged"], undone["reblogs_count"]) == (False, 0)


async def test_a_closed_spaces_status_cannot_be_boosted(client: Client, world: World) -> None:
    for text in ("@litigation confidential", "@vigil members only"):
        posted = await status_of(client, world.amina, text)
        response = await _act(client, world.amina, posted["id"], "reblog")
        assert response.status_code == 403, text
        assert_entity("Error", await response.get_json())


async def test_bookmarks_are_listed_newest_first_and_paged(client: Client, world: World) -> None:
    ids = [(await status_of(client, world.amina, f"note {n}"))["id"] for n in range(3)]
    for status_id in ids:
        marked = await (await _act(client, world.bruno, status_id, "bookmark")).get_json()
        assert marked["bookmarked"] is True
    response = await client.get("/api/v1/bookmarks?limit=2", headers=bearer(world.bruno))
    page = await response.get_json()
    assert [s["id"] for s in page] == [ids[2], ids[1]]
    assert 'rel="next"' in response.headers["Link"]
    assert response.headers["Link"].startswith("<https://jxfed.test/api/v1/bookmarks?")
    await _act(client, world.bruno, ids[2], "unbookmark")
    rest = await (await client.get("/api/v1/bookmarks", headers=bearer(world.bruno))).get_json()
    assert [s["id"] for s in rest] == [ids[1], ids[0]]
    assert (
        await (await client.get("/api/v1/bookmarks", headers=bearer(world.amina))).get_json() == []
    )


async def test_actions_on_an_unseen_status_are_404(client: Client, world: World) -> None:
    secret = await status_of(client, world.amina, "@litigation evidence")
    for action in ("favourite", "reblog", "bookmark", "unfavourite", "unbookmark"):
        response = await _act(client, world.bruno, secret["id"], action)
        assert response.status_code == 404, action
    missing = await _act(client, world.bruno, "123456789", "favourite")
    assert missing.status_code == 404
