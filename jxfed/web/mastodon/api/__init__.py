"""The Mastodon client API and its OAuth server, as Quart blueprints."""

from __future__ import annotations

from quart import Quart, Response

from jxfed.errors import Invalid
from jxfed.web.mastodon.api import (
    account_lists,
    accounts,
    apps,
    follow_requests,
    instance,
    media,
    notifications,
    oauth,
    search,
    status_actions,
    statuses,
    tags,
    timelines,
)
from jxfed.web.mastodon.api.cors import register_cors
from jxfed.web.mastodon.api.state import EXTENSION, ApiState
from jxfed.web.mastodon.api_errors import ApiError
from jxfed.web.responses import json_response


def register(app: Quart) -> None:
    """Add the client API to the app: routes, its error shapes, CORS, per-app state."""
    app.extensions[EXTENSION] = ApiState()
    app.request_class = media.UploadRequest
    for module in (
        apps,
        oauth,
        instance,
        search,
        accounts,
        account_lists,
        notifications,
        follow_requests,
        statuses,
        status_actions,
        timelines,
        media,
        tags,
    ):
        app.register_blueprint(module.blueprint)

    @app.errorhandler(Invalid)
    async def invalid(error: Invalid) -> Response:
        return json_response({"error": error.message, "details": error.details}, error.status)

    @app.errorhandler(ApiError)
    async def api_error(error: ApiError) -> Response:
        response = json_response(error.body(), error.status)
        response.headers.update(error.headers())
        return response

    register_cors(app)
