"""An account's followers and following. A space's followers are its members (and, for an
open space, its followers); only local accounts have lists here, a peer's show empty."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from jxfed.actors.models import Follower, Following, FollowState
from jxfed.spaces.models import Membership, MembershipState
from jxfed.web.context import services
from jxfed.web.mastodon import account_views
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous
from jxfed.web.mastodon.api.http import page_response, reader_for
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.status_views import StatusRenderer

blueprint = Blueprint("mastodon_account_lists", __name__)


async def _render(caller: Caller, uris: list[str]) -> list[dict[str, Any]]:
    renderer = StatusRenderer(services(), await reader_for(caller))
    found = []
    for uri in dict.fromkeys(uris):
        account = await renderer.account(uri, fetch=False)
        if account is not None:
            found.append(account)
    return found


@blueprint.get("/api/v1/accounts/<account_id>/followers")
@allows_anonymous("read:accounts")
async def followers(caller: Caller, account_id: str) -> Response:
    target = await account_views.target_by_id(services(), await reader_for(caller), account_id)
    page = page_request(request.args, default_limit=40)
    if target.space is not None:
        members = Membership.filter(space=target.space, state=MembershipState.ACCEPTED)
        rows = await fetch_page(members, page)
        return page_response(
            await _render(caller, [row.actor_uri for row in rows]), [str(r.id) for r in rows]
        )
    if target.local is None:
        return page_response([], [])
    query = Follower.filter(followed=target.local, state=FollowState.ACCEPTED)
    found = await fetch_page(query, page)
    return page_response(
        await _render(caller, [row.follower_uri for row in found]), [str(r.id) for r in found]
    )


@blueprint.get("/api/v1/accounts/<account_id>/following")
@allows_anonymous("read:accounts")
async def following(caller: Caller, account_id: str) -> Response:
    target = await account_views.target_by_id(services(), await reader_for(caller), account_id)
    if target.local is None or target.space is not None:
        return page_response([], [])
    query = Following.filter(follower=target.local, state=FollowState.ACCEPTED)
    found = await fetch_page(query, page_request(request.args, default_limit=40))
    return page_response(
        await _render(caller, [row.target_uri for row in found]), [str(r.id) for r in found]
    )
