"""The one pagination helper: OrderedCollection, newest first, cursor based (no OFFSET).

A page is `?page=true` (newest), `?max_id=N` (older than N), `?min_id=N` (newer than N);
`last` is `?min_id=0`, the oldest page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from jxfed.activitypub.contexts import COLLECTION_CONTEXT
from jxfed.errors import BadRequest

PAGE_SIZE = 20
MAX_CURSOR = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() also takes '²' and '٣'
M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Which page: items with id below `max_id`, or above `min_id`, or the newest ones."""

    max_id: int | None = None
    min_id: int | None = None


def parse_cursor(args: Mapping[str, str]) -> Cursor | None:
    """The page asked for, or None for the collection itself; BadRequest for a bad cursor."""
    values: dict[str, int] = {}
    for key in ("max_id", "min_id"):
        raw = args.get(key)
        if raw is None:
            continue
        if not _DIGITS.fullmatch(raw) or int(raw) > MAX_CURSOR:
            raise BadRequest(f"{key} must be an integer from 0 to {MAX_CURSOR}, not {raw!r}")
        values[key] = int(raw)
    if "max_id" in values and "min_id" in values:
        raise BadRequest("give max_id or min_id, not both")
    if values or args.get("page") == "true":
        return Cursor(values.get("max_id"), values.get("min_id"))
    return None


def collection_summary(collection_id: str, total: int) -> dict[str, Any]:
    """The OrderedCollection itself: its size and links to its first and last pages."""
    return {
        "@context": COLLECTION_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
        "first": f"{collection_id}?page=true",
        "last": f"{collection_id}?min_id=0",
    }


async def collection_page(
    collection_id: str,
    query: QuerySet[M],
    cursor: Cursor,
    render: Callable[[Sequence[M]], Awaitable[list[Any]]],
) -> dict[str, Any]:
    """One OrderedCollectionPage of `query` (ordered by id), newest first, with next/prev."""
    largest = _largest_id(query)
    if cursor.min_id is not None:
        newer = query.filter(id__gt=cursor.min_id).order_by("id").limit(PAGE_SIZE)
        rows = [] if cursor.min_id >= largest else list(reversed(await newer))
    elif cursor.max_id is not None:
        # A cursor past the id column's range means "older than everything there is".
        older = (
            query.filter(id__lt=cursor.max_id)
            if cursor.max_id <= largest
            else query.filter(id__lte=largest)
        )
        rows = await older.order_by("-id").limit(PAGE_SIZE)
    else:
        rows = await query.order_by("-id").limit(PAGE_SIZE)
    page_id = _page_id(collection_id, cursor)
    page: dict[str, Any] = {
        "@context": COLLECTION_CONTEXT,
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "orderedItems": await render(rows),
    }
    if rows:
        newest, oldest = rows[0].pk, rows[-1].pk
        if await query.filter(id__lt=oldest).exists():
            page["next"] = f"{collection_id}?max_id={oldest}"
        if await query.filter(id__gt=newest).exists():
            page["prev"] = f"{collection_id}?min_id={newest}"
    return page


def _largest_id(query: QuerySet[Any]) -> int:
    """The largest value the collection's id column can hold (INTEGER or BIGINT)."""
    primary_key = query.model._meta.pk
    return 2**63 - 1 if isinstance(primary_key, fields.BigIntField) else 2**31 - 1


def _page_id(collection_id: str, cursor: Cursor) -> str:
    if cursor.max_id is not None:
        return f"{collection_id}?max_id={cursor.max_id}"
    if cursor.min_id is not None:
        return f"{collection_id}?min_id={cursor.min_id}"
    return f"{collection_id}?page=true"
