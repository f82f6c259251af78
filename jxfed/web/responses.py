"""Building responses: ActivityPub JSON, JRD, content negotiation."""

from __future__ import annotations

from typing import Any, Literal

import orjson
from quart import Request, Response

from jxfed.errors import NotAcceptable

ACTIVITY_JSON = "application/activity+json"
LD_JSON_AS = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
LD_JSON = "application/ld+json"
# werkzeug matches media-type parameters exactly, so the profile form is offered by name too.
_OFFERED = ["text/html", ACTIVITY_JSON, LD_JSON_AS, LD_JSON, "application/json"]


def wanted_representation(request: Request) -> Literal["activity", "html"]:
    """ActivityPub JSON for AP (or plain JSON) clients, HTML for browsers, else 406."""
    if "Accept" not in request.headers:
        return "html"
    best = request.accept_mimetypes.best_match(_OFFERED)
    if best is None:
        raise NotAcceptable(
            "this resource is served as application/activity+json, application/ld+json or text/html"
        )
    return "html" if best == "text/html" else "activity"


def activity_response(request: Request, document: Any, status: int = 200) -> Response:
    """An ActivityPub document in the media type the client asked for."""
    asked = request.accept_mimetypes.best_match([ACTIVITY_JSON, LD_JSON_AS, LD_JSON])
    content_type = LD_JSON_AS if asked in (LD_JSON_AS, LD_JSON) else ACTIVITY_JSON
    response = Response(orjson.dumps(document), status=status, content_type=content_type)
    response.vary.add("Accept")
    response.vary.add("Signature")
    return response


def json_response(
    document: Any, status: int = 200, content_type: str = "application/json"
) -> Response:
    return Response(orjson.dumps(document), status=status, content_type=content_type)


def error_response(message: str, status: int) -> Response:
    """The one error shape: `{"error": message}`."""
    return json_response({"error": message}, status)
