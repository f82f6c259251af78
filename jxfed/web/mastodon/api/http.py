"""Reading client API requests: parameters from the query, a form or JSON, and the client's IP."""

from __future__ import annotations

from typing import Any

import orjson
from quart import Response, request

from jxfed.errors import BadRequest
from jxfed.spaces.visibility import Reader, reader_of
from jxfed.web.context import services
from jxfed.web.mastodon.api.auth import Caller
from jxfed.web.mastodon.pagination import link_header
from jxfed.web.responses import json_response


class Params:
    """Request parameters, whichever way the client sent them (JSON wins over form and query).

    Lists come as `name[]=a&name[]=b`, repeated `name=`, or a JSON array.
    """

    def __init__(self, values: dict[str, list[Any]]) -> None:
        self._values = values

    def get(self, name: str) -> str | None:
        found = self._values.get(name)
        if not found:
            return None
        value = found[0]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        raise BadRequest(f"parameter {name!r} must be a string")

    def get_list(self, name: str) -> list[str]:
        found = [*self._values.get(name, []), *self._values.get(f"{name}[]", [])]
        flat: list[Any] = []
        for value in found:
            flat.extend(value if isinstance(value, list) else [value])
        if not all(isinstance(v, str | int) for v in flat):
            raise BadRequest(f"parameter {name!r} must be a list of strings")
        return [str(v) for v in flat]

    def nested(self, name: str) -> dict[str, str]:
        """`name[key]=value` form fields, or a JSON object under `name`."""
        result: dict[str, str] = {}
        for key, values in self._values.items():
            if key.startswith(f"{name}[") and key.endswith("]") and values:
                result[key[len(name) + 1 : -1]] = str(values[0])
        found = self._values.get(name)
        if found and isinstance(found[0], dict):
            result.update({k: str(v) for k, v in found[0].items() if isinstance(v, str | int)})
        return result


async def params() -> Params:
    values: dict[str, list[Any]] = {}
    for key in request.args:
        values[key] = request.args.getlist(key)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form
        for key in form:
            values[key] = form.getlist(key)
    elif request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        body = await request.get_data()
        if body:
            try:
                document = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise BadRequest("the request body is not valid JSON") from None
            if not isinstance(document, dict):
                raise BadRequest("the JSON request body must be an object")
            for key, value in document.items():
                values[key] = [value]
    return Params(values)


def client_ip() -> str:
    """The peer address of the connection (a proxy in front should be trusted explicitly)."""
    return request.remote_addr or "unknown"


def page_response(items: list[Any], ids: list[str]) -> Response:
    """A JSON list with its `Link` header (absolute URLs on this instance's public base)."""
    response = json_response(items)
    link = link_header(services().settings.url(request.path), request.args, ids)
    if link:
        response.headers["Link"] = link
    return response


async def reader_for(caller: Caller) -> Reader:
    uri = services().actor_uri(caller.actor) if caller.actor is not None else None
    return await reader_of(caller.member, uri)
