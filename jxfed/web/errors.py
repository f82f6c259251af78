"""Every error leaves with its status and a clear message, never a traceback: as a page for a
browser on the members' pages, else as `{"error": ...}`."""

from __future__ import annotations

import logging

from quart import Quart, Response, request
from werkzeug.exceptions import HTTPException

from jxfed.errors import JxfedError
from jxfed.web.pages.failures import failure_page
from jxfed.web.responses import error_response, wanted_representation

log = logging.getLogger(__name__)
_MACHINE_PATHS = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo", "/inbox", "/objects/")


def _for_a_browser() -> bool:
    """A members' page, or a browser's GET of a page-like path (a missing profile, say)."""
    if (request.blueprint or "").startswith("pages_"):
        return True
    if request.method not in ("GET", "HEAD") or request.path.startswith(_MACHINE_PATHS):
        return False
    try:
        return "Accept" in request.headers and wanted_representation(request) == "html"
    except JxfedError:
        return False


async def _answer(message: str, status: int, location: str | None = None) -> Response:
    if not _for_a_browser():
        return error_response(message, status)
    return await failure_page(message, status, location)


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(JxfedError)
    async def known_error(error: JxfedError) -> Response:
        return await _answer(error.message, error.status, getattr(error, "location", None))

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return await _answer(error.description or error.name, status)

    @app.errorhandler(Exception)
    async def unexpected_error(error: Exception) -> Response:
        log.exception("unexpected error")
        return await _answer("internal error", 500)
