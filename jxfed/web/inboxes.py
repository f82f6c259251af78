"""Inboxes (shared and per actor): verified, stored durably, answered 202."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from quart import Blueprint, Response, request

from jxfed.activitypub.inbox import receive
from jxfed.actors.models import ActorKind, LocalActor
from jxfed.errors import NotFound
from jxfed.spaces.visibility import Signer, may_see
from jxfed.web.context import services
from jxfed.web.responses import json_response
from jxfed.web.signed import as_http_request

blueprint = Blueprint("inbox", __name__)
_KINDS = {"users": ActorKind.PERSON, "spaces": ActorKind.GROUP}


async def _accept(recipient: Callable[[str], Awaitable[None]] | None = None) -> Response:
    body = await request.get_data(cache=False)
    assert isinstance(body, bytes)
    current = services()
    stored = await receive(
        current.gate, current.dispatcher, as_http_request(request, body), recipient
    )
    if stored:
        current.work_arrived.set()
    return json_response({"status": "accepted" if stored else "already received"}, 202)


@blueprint.post("/inbox")
@blueprint.post("/actor/inbox")
async def shared_inbox() -> Response:
    return await _accept()


@blueprint.post("/<any(users, spaces):kind>/<name>/inbox")
async def actor_inbox(kind: str, name: str) -> Response:
    async def recipient(signer: str) -> None:
        """Checked after the signature, so a confidential space and a free name answer alike."""
        actor = await LocalActor.get_or_none(kind=_KINDS[kind], name=name)
        if actor is None or not await may_see(Signer(signer), actor):
            raise NotFound(f"no inbox here for {name!r}")

    return await _accept(recipient)
