"""Follow requests: where space managers answer join requests (and follow requests) of the
spaces they manage. Authorising a requester accepts them into each such space they wait for."""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.actors.models import Follower, FollowState, LocalActor
from jxfed.errors import NotFound
from jxfed.runtime import Services
from jxfed.spaces import follows, joining
from jxfed.spaces.models import Membership, MembershipState, Space
from jxfed.spaces.roles import Action, roles_that_may
from jxfed.web.context import services
from jxfed.web.mastodon import account_views
from jxfed.web.mastodon.account_views import Target
from jxfed.web.mastodon.api.auth import Caller, requires
from jxfed.web.mastodon.api.http import page_response, reader_for
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.relationships import relationship
from jxfed.web.mastodon.status_views import StatusRenderer
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_follow_requests", __name__)


async def managed_spaces(services: Services, manager: LocalActor) -> list[Space]:
    rows = Membership.filter(
        actor_uri=services.actor_uri(manager),
        state=MembershipState.ACCEPTED,
        role__in=roles_that_may(Action.ACCEPT_JOIN),
    )
    ids = [int(str(i)) for i in await rows.values_list("space_id", flat=True)]
    return list(await Space.filter(id__in=ids).select_related("actor"))


@blueprint.get("/api/v1/follow_requests")
@requires("read:follows")
async def list_requests(caller: Caller) -> Response:
    me = caller.acting_member().actor
    spaces = await managed_spaces(services(), me)
    pending = Membership.filter(space_id__in=[s.id for s in spaces], state=MembershipState.PENDING)
    found = await fetch_page(pending, page_request(request.args))
    renderer = StatusRenderer(services(), await reader_for(caller))
    shown = []
    for uri in dict.fromkeys(row.actor_uri for row in found):
        account = await renderer.account(uri, fetch=False)
        if account is not None:
            shown.append(account)
    if not found:  # follow requests of on_request spaces (from peers' Mastodon users)
        followers = await Follower.filter(
            followed_id__in=[s.actor.id for s in spaces], state=FollowState.PENDING
        ).limit(40)
        for uri in dict.fromkeys(row.follower_uri for row in followers):
            account = await renderer.account(uri, fetch=False)
            if account is not None:
                shown.append(account)
    return page_response(shown, [str(row.id) for row in found])


async def _answer(caller: Caller, account_id: str, accept: bool) -> Response:
    me = caller.acting_member().actor
    target: Target = await account_views.target_by_id(
        services(), await reader_for(caller), account_id
    )
    answered = False
    for space in await managed_spaces(services(), me):
        if await Membership.filter(
            space=space, actor_uri=target.uri, state=MembershipState.PENDING
        ).exists():
            await joining.answer_join_request(services(), space, target.uri, accept, by=me)
            answered = True
        if await Follower.filter(
            followed=space.actor, follower_uri=target.uri, state=FollowState.PENDING
        ).exists():
            await follows.answer_follow_request(services(), space, target.uri, accept)
            answered = True
    if not answered:
        raise NotFound("Record not found")
    return json_response(await relationship(services(), me, target))


@blueprint.post("/api/v1/follow_requests/<account_id>/authorize")
@requires("write:follows")
async def authorize(caller: Caller, account_id: str) -> Response:
    return await _answer(caller, account_id, accept=True)


@blueprint.post("/api/v1/follow_requests/<account_id>/reject")
@requires("write:follows")
async def reject(caller: Caller, account_id: str) -> Response:
    return await _answer(caller, account_id, accept=False)
