"""Collections over HTTP: outbox pages walked by their links, members, followers, caching, gzip."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import orjson
import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.actors.models import Following, FollowState, RemoteActor
from tests.web.client import AP, BASE, assert_json_error, fetch_json, local, signed_get, vary
from tests.web.conftest import Cast
from tests.web.publishing import publish

OUTBOX = "/users/amina/outbox"


@pytest.fixture
async def published(cast: Cast) -> list[str]:
    """Given 45 public activities of amina, oldest first, with non-public ones in between."""
    uris: list[str] = []
    for _ in range(5):
        uris += await publish(cast.amina, 9)
        await publish(cast.amina, 1, public=False)
    return uris


async def walk(client: Client, url: str, link: str) -> list[list[str]]:
    """The item ids of each page, following `link` (next or prev) from `url` until it stops."""
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url:
        page = await fetch_json(client, next_url)
        assert page["type"] == "OrderedCollectionPage"
        assert page["partOf"] == BASE + OUTBOX
        pages.append([item["id"] for item in page["orderedItems"]])
        next_url = page.get(link)
        assert len(pages) < 10, "the links loop"
    return pages


async def test_outbox_summary_counts_only_public_activities(
    client: Client, published: list[str]
) -> None:
    outbox = await fetch_json(client, OUTBOX)

    assert outbox["type"] == "OrderedCollection"
    assert outbox["id"] == BASE + OUTBOX
    assert outbox["totalItems"] == 45
    assert "orderedItems" not in outbox
    assert local(outbox["first"]).startswith(OUTBOX + "?")
    assert local(outbox["last"]).startswith(OUTBOX + "?")


async def test_first_outbox_page_holds_the_20_newest_public_activities(
    client: Client, published: list[str]
) -> None:
    outbox = await fetch_json(client, OUTBOX)
    first = await fetch_json(client, outbox["first"])

    assert [item["id"] for item in first["orderedItems"]] == published[::-1][:20]
    assert "prev" not in first


async def test_following_next_walks_the_outbox_newest_first_without_gaps(
    client: Client, published: list[str]
) -> None:
    outbox = await fetch_json(client, OUTBOX)

    pages = await walk(client, outbox["first"], "next")

    assert [len(page) for page in pages] == [20, 20, 5]
    assert [uri for page in pages for uri in page] == published[::-1]


async def test_prev_of_the_second_page_returns_to_the_first(
    client: Client, published: list[str]
) -> None:
    outbox = await fetch_json(client, OUTBOX)
    first = await fetch_json(client, outbox["first"])
    second = await fetch_json(client, first["next"])

    back = await fetch_json(client, second["prev"])

    assert back["orderedItems"] == first["orderedItems"]
    assert "prev" not in back


async def test_last_page_holds_the_oldest_activities(client: Client, published: list[str]) -> None:
    outbox = await fetch_json(client, OUTBOX)

    last = await fetch_json(client, outbox["last"])

    assert [item["id"] for item in last["orderedItems"]] == published[:20][::-1]
    assert "next" not in last
    assert "prev" in last


async def test_empty_outbox_has_an_empty_first_page(client: Client, cast: Cast) -> None:
    outbox = await fetch_json(client, OUTBOX)
    first = await fetch_json(client, outbox["first"])

    assert outbox["totalItems"] == 0
    assert first["orderedItems"] == []
    assert "next" not in first and "prev" not in first


BAD_CURSORS = [
    "max_id=abc",
    "max_id=-1",
    "min_id=-5",
    "max_id=1.5",
    "max_id=",
    "max_id=40&min_id=10",
    "max_id=%C2%B2",  # a superscript two: a Unicode digit that int() refuses
    "max_id=9223372036854775808",  # one past the largest id a database holds
    "max_id=99999999999999999999",
]


async def test_bad_cursor_is_a_json_400(client: Client, cast: Cast) -> None:
    answers = {query: await signed_get(client, f"{OUTBOX}?{query}") for query in BAD_CURSORS}

    assert {query: answer.status_code for query, answer in answers.items()} == dict.fromkeys(
        BAD_CURSORS, 400
    )
    for answer in answers.values():
        await assert_json_error(answer, 400)


@pytest.mark.parametrize("cursor", [2**31, 2**63 - 1], ids=["past-int32", "largest-bigint"])
async def test_cursor_above_every_id_gives_the_newest_members_not_an_error(
    client: Client, cast: Cast, cursor: int
) -> None:
    """Any id up to 2**63-1 is a valid "older than" position, whatever the table's id type."""
    page = await fetch_json(client, f"/spaces/sahel/members?max_id={cursor}")

    assert page["orderedItems"] == [f"{BASE}/users/amina"]


async def test_space_members_collection_lists_its_owner(client: Client, cast: Cast) -> None:
    members = await fetch_json(client, "/spaces/sahel/members")
    first = await fetch_json(client, members["first"])

    assert members["type"] == "OrderedCollection"
    assert members["totalItems"] == 1
    assert first["orderedItems"] == [f"{BASE}/users/amina"]


@pytest.mark.parametrize("name", ["followers", "following"])
async def test_followers_and_following_are_empty_ordered_collections(
    client: Client, cast: Cast, name: str
) -> None:
    for actor in ["/users/amina", "/spaces/sahel", "/actor"]:
        collection = await fetch_json(client, f"{actor}/{name}")
        first = await fetch_json(client, collection["first"])

        assert collection["type"] == "OrderedCollection"
        assert collection["id"] == f"{BASE}{actor}/{name}"
        assert collection["totalItems"] == 0
        assert first["type"] == "OrderedCollectionPage"
        assert first["orderedItems"] == []


async def test_repeated_get_with_the_etag_costs_a_304(client: Client, published: list[str]) -> None:
    page = f"{OUTBOX}?page=true"
    first = await signed_get(client, page)
    etag = first.headers["ETag"]

    again = await signed_get(client, page, {**AP, "If-None-Match": etag})

    assert again.status_code == 304
    assert await again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert "accept" in vary(again)


async def test_new_activity_changes_the_etag(
    client: Client, cast: Cast, published: list[str]
) -> None:
    page = f"{OUTBOX}?page=true"
    etag = (await signed_get(client, page)).headers["ETag"]
    await publish(cast.amina)

    after = await signed_get(client, page, {**AP, "If-None-Match": etag})

    assert after.status_code == 200
    assert after.headers["ETag"] != etag


async def test_page_travels_gzipped_to_a_client_that_accepts_it(
    client: Client, published: list[str]
) -> None:
    page = f"{OUTBOX}?page=true"
    plain = await signed_get(client, page)
    packed = await signed_get(client, page, {**AP, "Accept-Encoding": "gzip, deflate"})

    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    body = await packed.get_data()
    assert len(body) < len(await plain.get_data())
    assert orjson.loads(gzip.decompress(body)) == await plain.get_json()
    assert {"accept", "accept-encoding"} <= vary(packed)
    assert {"accept", "accept-encoding"} <= vary(plain)


async def test_small_answer_is_not_compressed(client: Client, cast: Cast) -> None:
    response = await signed_get(client, "/users/amina/followers", {**AP, "Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert (await response.get_json())["totalItems"] == 0


async def test_a_members_following_never_names_a_space_that_hides_itself(
    client: Client, cast: Cast
) -> None:
    open_space, hidden_space = (
        "https://peer.example/spaces/sahel",
        "https://peer.example/spaces/w17",
    )
    for uri, discoverable in [(open_space, True), (hidden_space, False)]:
        await RemoteActor.create(
            uri=uri,
            kind="Group",
            inbox=f"{uri}/inbox",
            document={"id": uri, "type": "Group", "discoverable": discoverable},
            fetched_at=datetime.now(UTC),
        )
    local_hidden = f"{BASE}/spaces/litigation"  # amina's own confidential space
    for target in (open_space, hidden_space, local_hidden):
        await Following.create(
            follower=cast.amina,
            target_uri=target,
            follow_id=f"{target}#join",
            state=FollowState.ACCEPTED,
        )
    following = f"{BASE}/users/amina/following"
    assert (await fetch_json(client, following))["totalItems"] == 1
    page = await fetch_json(client, f"{following}?page=true")
    assert page["orderedItems"] == [open_space]
