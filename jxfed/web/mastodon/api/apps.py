"""Registering client apps (form or JSON), and an app checking its own token."""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.web.mastodon import grants
from jxfed.web.mastodon.api.auth import Caller, requires
from jxfed.web.mastodon.api.http import params
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_apps", __name__)


@blueprint.post("/api/v1/apps")
async def create_app() -> Response:
    values = await params()
    uris = values.get_list("redirect_uris")
    # One string may carry several URIs, separated by whitespace (Mastodon.py joins with \n).
    redirect_uris = [uri for value in uris for uri in value.split()]
    registered = await grants.register_app(
        values.get("client_name"), redirect_uris, values.get("scopes"), values.get("website")
    )
    entity = grants.application_entity(registered.application)
    entity |= {
        "client_id": registered.application.client_id,
        "client_secret": registered.client_secret,
        "client_secret_expires_at": 0,
    }
    return json_response(entity)


@blueprint.get("/api/v1/apps/verify_credentials")
@requires("", user=False)
async def verify_app(caller: Caller) -> Response:
    assert caller.token is not None
    return json_response(grants.application_entity(caller.token.application))
