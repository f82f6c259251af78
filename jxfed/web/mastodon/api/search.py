"""Search (v2) and account search."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from jxfed.web.context import services
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous
from jxfed.web.mastodon.api.http import params, reader_for
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.finder import find_accounts, find_hashtags, find_statuses
from jxfed.web.mastodon.pagination import DEFAULT_LIMIT, MAX_LIMIT
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_search", __name__)
TYPES = ("accounts", "statuses", "hashtags")


def _number(value: str | None, name: str, default: int, most: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise ValidationFailed({name: ("ERR_INVALID", "must be a number")})
    return min(int(value), most)


@blueprint.get("/api/v2/search")
@allows_anonymous("read:search")
async def search(caller: Caller) -> Response:
    given = await params()
    q = (given.get("q") or "").strip()
    if not q:
        raise ValidationFailed({"q": ("ERR_BLANK", "can't be blank")})
    kind = given.get("type")
    if kind is not None and kind not in TYPES:
        raise ValidationFailed({"type": ("ERR_INCLUSION", f"is not one of {', '.join(TYPES)}")})
    limit = max(1, _number(given.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT))
    offset = _number(given.get("offset"), "offset", 0, 10_000)
    # As Mastodon: resolving on a peer needs a signed-in member.
    resolve = given.get("resolve") in ("true", "1") and caller.member is not None
    reader = await reader_for(caller)
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in TYPES}
    if kind in (None, "accounts"):
        found["accounts"] = await find_accounts(
            services(), reader, q, resolve=resolve, limit=limit, offset=offset
        )
    if kind in (None, "statuses"):
        found["statuses"] = await find_statuses(services(), reader, q, limit=limit, offset=offset)
    if kind in (None, "hashtags") and offset == 0:
        found["hashtags"] = await find_hashtags(services(), reader, q, limit=limit)
    return json_response(found)


@blueprint.get("/api/v1/accounts/search")
@allows_anonymous("read:accounts")
async def account_search(caller: Caller) -> Response:
    given = await params()
    q = (given.get("q") or "").strip()
    if not q:
        raise ValidationFailed({"q": ("ERR_BLANK", "can't be blank")})
    limit = max(1, _number(given.get("limit"), "limit", 40, 80))
    offset = _number(given.get("offset"), "offset", 0, 10_000)
    resolve = given.get("resolve") in ("true", "1") and caller.member is not None
    accounts = await find_accounts(
        services(), await reader_for(caller), q, resolve=resolve, limit=limit, offset=offset
    )
    return json_response(accounts)
