"""RFC 9421 component identifiers of a request and their values (section 2)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TypeAlias
from urllib.parse import parse_qsl

import http_sf
from http_sf.innerlist import ser_item_or_inner_list
from http_sf.types import BareItemType

from jxfed.activitypub.signatures.request import HttpRequest, SignatureError

Component: TypeAlias = tuple[str, dict[str, BareItemType]]

_DERIVED: dict[str, Callable[[HttpRequest], str]] = {
    "@method": lambda request: request.method,
    "@target-uri": lambda request: request.url,
    "@authority": lambda request: request.authority,
    "@scheme": lambda request: request.scheme,
    "@request-target": lambda request: request.target,
    "@path": lambda request: request.path,
    "@query": lambda request: f"?{request.query}",
}
# Characters left as they are by the application/x-www-form-urlencoded percent-encode set.
_FORM_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")


def parse_component(item: object) -> Component:
    """Check one parsed component identifier (a string item with parameters) and return it.

    Only request components are supported: `@status` and the `req` / `tr` parameters are refused.
    """
    name, params = item if isinstance(item, tuple) else (item, {})
    if type(name) is not str or not isinstance(params, dict):
        raise SignatureError("a covered component identifier is not a string")
    if name == "@status":
        raise SignatureError("@status is a response component; this request cannot carry it")
    if name.startswith("@"):
        if name not in _DERIVED and name != "@query-param":
            raise SignatureError(f"unknown derived component {name}")
        allowed = {"name"} if name == "@query-param" else set()
    else:
        if name != name.lower() or not name:
            raise SignatureError(f"covered field name {name!r} must be lowercase")
        allowed = {"sf", "key", "bs"}
    for parameter in params:
        if parameter not in allowed:
            raise SignatureError(f"component {name} has unsupported parameter {parameter}")
    if name == "@query-param" and type(params.get("name")) is not str:
        raise SignatureError("@query-param needs a name parameter")
    if "key" in params and type(params["key"]) is not str:
        raise SignatureError(f"component {name} has a key parameter that is not a string")
    if "bs" in params and ("sf" in params or "key" in params):
        raise SignatureError(f"component {name} combines bs with sf or key")
    return (name, dict(params))


def component_value(request: HttpRequest, component: Component) -> str:
    """The value of `component` in `request`, canonicalised as RFC 9421 section 2 says."""
    name, params = component
    if name == "@query-param":
        return _query_param(request, str(params["name"]))
    derived = _DERIVED.get(name)
    if derived is not None:
        return derived(request)
    lines = request.header_lines(name)
    if not lines:
        raise SignatureError(f"covered field {name} is missing from the request")
    if params.get("bs") is True:
        return ", ".join(
            f":{base64.b64encode(line.encode('utf-8')).decode('ascii')}:" for line in lines
        )
    value = ", ".join(lines)
    if "key" in params:
        key = str(params["key"])
        dictionary = _structured(name, value, "dictionary")
        if not isinstance(dictionary, dict) or key not in dictionary:
            raise SignatureError(f"field {name} has no member {key}")
        return ser_item_or_inner_list(dictionary[key])
    if params.get("sf") is True:
        return http_sf.ser(_structured(name, value, None))
    return value


def _query_param(request: HttpRequest, encoded_name: str) -> str:
    values = [
        value
        for key, value in parse_qsl(request.query, keep_blank_values=True)
        if _form_encode(key) == encoded_name
    ]
    if len(values) != 1:
        raise SignatureError(f"query parameter {encoded_name} must occur exactly once")
    return _form_encode(values[0])


def _form_encode(text: str) -> str:
    return "".join(
        chr(byte) if byte in _FORM_SAFE else f"%{byte:02X}" for byte in text.encode("utf-8")
    )


def _structured(name: str, value: str, kind: str | None) -> http_sf.StructuredType:
    try:
        return http_sf.parse(value.encode("ascii"), name=name, tltype=kind)
    except (http_sf.StructuredFieldError, KeyError, UnicodeEncodeError) as error:
        raise SignatureError(f"field {name} is not a structured field we know: {error}") from error
