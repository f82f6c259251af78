"""CORS for browser apps (Elk, Phanpy): any origin may call the API with a bearer token.

No cookies are involved on these paths, so `*` opens nothing that a token does not.
"""

from __future__ import annotations

from quart import Quart, Response, request

CORS_PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke", "/.well-known/")
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Accept"
METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def _cors_path() -> bool:
    return request.path.startswith(CORS_PREFIXES)


async def preflight() -> Response | None:
    if request.method != "OPTIONS" or not _cors_path():
        return None
    response = Response(b"", status=204)
    response.headers["Access-Control-Allow-Methods"] = METHODS
    asked = request.headers.get("Access-Control-Request-Headers")
    response.headers["Access-Control-Allow-Headers"] = asked or ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


async def add_cors_headers(response: Response) -> Response:
    if _cors_path():
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Link, Retry-After"
    return response


def register_cors(app: Quart) -> None:
    app.before_request(preflight)
    app.after_request(add_cors_headers)
