"""The one pagination helper: cursors from a query string, pages that link without gaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.collections.pages import (
    PAGE_SIZE,
    Cursor,
    collection_page,
    collection_summary,
    parse_cursor,
)
from jxfed.errors import BadRequest
from jxfed.settings import Settings
from tests.web.publishing import publish

OUTBOX = "https://jxfed.test/users/amina/outbox"


@pytest.mark.parametrize(
    ("query", "cursor"),
    [
        ({}, None),
        ({"page": "false"}, None),
        ({"page": "true"}, Cursor()),
        ({"max_id": "7"}, Cursor(max_id=7)),
        ({"min_id": "0"}, Cursor(min_id=0)),
        ({"max_id": str(2**63 - 1)}, Cursor(max_id=2**63 - 1)),
    ],
)
def test_query_string_names_the_page(query: dict[str, str], cursor: Cursor | None) -> None:
    assert parse_cursor(query) == cursor


@pytest.mark.parametrize("key", ["max_id", "min_id"])
@pytest.mark.parametrize("raw", ["abc", "-1", "", "1.5", " 1", "²", str(2**63)])
def test_bad_cursor_is_refused_with_an_error_naming_it(key: str, raw: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_cursor({key: raw})

    assert key in refused.value.message
    assert refused.value.status == 400


def test_cursor_in_both_directions_is_refused() -> None:
    with pytest.raises(BadRequest, match="max_id or min_id"):
        parse_cursor({"max_id": "9", "min_id": "1"})


def test_summary_links_to_the_newest_and_the_oldest_page() -> None:
    summary = collection_summary(OUTBOX, 45)

    assert summary["type"] == "OrderedCollection"
    assert summary["totalItems"] == 45
    assert parse_cursor(dict(parse_qsl(urlsplit(summary["first"]).query))) == Cursor()
    assert parse_cursor(dict(parse_qsl(urlsplit(summary["last"]).query))) == Cursor(min_id=0)


async def _uris(rows: Sequence[OutboxActivity]) -> list[Any]:
    return [row.uri for row in rows]


async def walk(actor: LocalActor, start: Cursor, link: str) -> list[list[str]]:
    """The items of each page of `actor`'s public outbox, following `link` from `start`."""
    query = OutboxActivity.filter(actor=actor, public=True)
    pages: list[list[str]] = []
    cursor: Cursor | None = start
    while cursor is not None:
        page = await collection_page(OUTBOX, query, cursor, _uris)
        assert len(page["orderedItems"]) <= PAGE_SIZE
        pages.append(page["orderedItems"])
        url = page.get(link)
        assert url is None or url.startswith(OUTBOX + "?")
        cursor = parse_cursor(dict(parse_qsl(urlsplit(url).query))) if url else None
        assert len(pages) < 10, "the links loop"
    return pages


@pytest.fixture
async def amina(instance: Settings) -> LocalActor:
    return (await add_member("amina")).actor


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(0, [0]), (1, [1]), (20, [20]), (21, [20, 1]), (40, [20, 20]), (45, [20, 20, 5])],
)
async def test_next_links_end_exactly_at_the_oldest_item(
    amina: LocalActor, count: int, sizes: list[int]
) -> None:
    published = await publish(amina, count)

    pages = await walk(amina, Cursor(), "next")

    assert [len(page) for page in pages] == sizes
    assert [uri for page in pages for uri in page] == published[::-1]


async def test_prev_links_from_the_last_page_climb_back_to_the_newest(amina: LocalActor) -> None:
    published = await publish(amina, 45)

    pages = await walk(amina, Cursor(min_id=0), "prev")

    assert [len(page) for page in pages] == [20, 20, 5]
    assert all(page == sorted(page, key=published.index, reverse=True) for page in pages)
    assert [uri for page in pages for uri in reversed(page)] == published


async def test_other_rows_between_items_leave_no_gap_and_no_stranger(
    amina: LocalActor,
) -> None:
    """Given bertrand's posts and amina's private ones interleaved with her public ones."""
    bertrand = (await add_member("bertrand")).actor
    published: list[str] = []
    for _ in range(25):
        published += await publish(amina)
        await publish(amina, public=False)
        await publish(bertrand)

    pages = await walk(amina, Cursor(), "next")

    assert [len(page) for page in pages] == [20, 5]
    assert [uri for page in pages for uri in page] == published[::-1]
