"""Notifications: list, one, dismiss, clear."""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.errors import NotFound
from jxfed.spaces.models import Notification
from jxfed.web.context import services
from jxfed.web.mastodon import account_views
from jxfed.web.mastodon.api.auth import Caller, requires
from jxfed.web.mastodon.api.http import page_response, params, reader_for
from jxfed.web.mastodon.notification_views import TYPES, entity, kinds_for
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.status_views import StatusRenderer
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_notifications", __name__)


@blueprint.get("/api/v1/notifications")
@requires("read:notifications")
async def list_notifications(caller: Caller) -> Response:
    member = caller.acting_member()
    given = await params()
    reader = await reader_for(caller)
    query = Notification.filter(
        member=member, kind__in=kinds_for(given.get_list("types"), given.get_list("exclude_types"))
    )
    account_id = given.get("account_id")
    if account_id:
        target = await account_views.target_by_id(services(), reader, account_id)
        query = query.filter(actor_uri=target.uri)
    found = await fetch_page(query, page_request(request.args))
    renderer = StatusRenderer(services(), reader)
    shown = [item for note in found if (item := await entity(renderer, note)) is not None]
    return page_response(shown, [str(note.id) for note in found])


async def _own(caller: Caller, notification_id: str) -> Notification:
    if not notification_id.isdigit() or len(notification_id) > 19:
        raise NotFound("Record not found")
    note = await Notification.get_or_none(
        id=int(notification_id), member=caller.acting_member(), kind__in=list(TYPES)
    )
    if note is None:
        raise NotFound("Record not found")
    return note


@blueprint.get("/api/v1/notifications/<notification_id>")
@requires("read:notifications")
async def one_notification(caller: Caller, notification_id: str) -> Response:
    note = await _own(caller, notification_id)
    shown = await entity(StatusRenderer(services(), await reader_for(caller)), note)
    if shown is None:
        raise NotFound("Record not found")
    return json_response(shown)


@blueprint.post("/api/v1/notifications/<notification_id>/dismiss")
@requires("write:notifications")
async def dismiss(caller: Caller, notification_id: str) -> Response:
    await (await _own(caller, notification_id)).delete()
    return json_response({})


@blueprint.post("/api/v1/notifications/clear")
@requires("write:notifications")
async def clear(caller: Caller) -> Response:
    await Notification.filter(member=caller.acting_member()).delete()
    return json_response({})
