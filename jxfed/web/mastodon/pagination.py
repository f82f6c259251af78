"""One pagination for every list of the client API: max_id, since_id, min_id and limit over
integer ids (newest first), with absolute `Link` headers for the next and previous pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from tortoise.models import Model
from tortoise.queryset import QuerySet

from jxfed.web.mastodon.api_errors import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class PageRequest:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT


def _integer(args: Mapping[str, str], name: str) -> int | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        raise ValidationFailed({name: ("ERR_INVALID", "must be an id (digits)")})
    return int(value)


def page_request(args: Mapping[str, str], default_limit: int = DEFAULT_LIMIT) -> PageRequest:
    """Read the paging parameters; `limit` is kept between 1 and 40, bad values are a 422."""
    limit = _integer(args, "limit")
    return PageRequest(
        max_id=_integer(args, "max_id"),
        since_id=_integer(args, "since_id"),
        min_id=_integer(args, "min_id"),
        limit=min(MAX_LIMIT, max(1, default_limit if limit is None else limit)),
    )


async def fetch_page(query: QuerySet[M], page: PageRequest, field: str = "id") -> list[M]:
    """Newest first; with min_id, the items right after min_id (still newest first)."""
    if page.max_id is not None:
        query = query.filter(**{f"{field}__lt": page.max_id})
    if page.since_id is not None:
        query = query.filter(**{f"{field}__gt": page.since_id})
    if page.min_id is not None:
        after = query.filter(**{f"{field}__gt": page.min_id})
        return list(reversed(await after.order_by(field).limit(page.limit)))
    return list(await query.order_by(f"-{field}").limit(page.limit))


def link_header(url: str, args: Mapping[str, Any], ids: Sequence[str]) -> str | None:
    """`<url?max_id=oldest>; rel="next", <url?min_id=newest>; rel="prev"`, other args kept."""
    if not ids:
        return None
    kept = [(k, v) for k, v in _pairs(args) if k not in ("max_id", "min_id", "since_id")]
    next_url = f"{url}?{urlencode([*kept, ('max_id', ids[-1])])}"
    prev_url = f"{url}?{urlencode([*kept, ('min_id', ids[0])])}"
    return f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'


def _pairs(args: Mapping[str, Any]) -> list[tuple[str, str]]:
    getlist = getattr(args, "getlist", None)
    if getlist is None:
        return [(k, str(v)) for k, v in args.items()]
    return [(k, v) for k in args for v in getlist(k)]
