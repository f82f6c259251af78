"""Every error leaves as `{"error": ...}` with its status; never a traceback."""

from __future__ import annotations

import logging

from quart import Quart, Response
from werkzeug.exceptions import HTTPException

from jxfed.errors import JxfedError
from jxfed.web.responses import error_response

log = logging.getLogger(__name__)


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(JxfedError)
    async def known_error(error: JxfedError) -> Response:
        return error_response(error.message, error.status)

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return error_response(error.description or error.name, status)

    @app.errorhandler(Exception)
    async def unexpected_error(error: Exception) -> Response:
        log.exception("unexpected error")
        return error_response("internal error", 500)
