"""The door's shape step: every accepted activity in one internal shape, within its limits.

Peers send what JSON-LD compaction allows: the public address as `as:Public` or `Public`, a
property as one value or a list of them, an object by id or embedded, a `tag` as one object.
`normalise` turns each variant into the one shape the handlers read, so no handler ever sees
them; `check_limits` then refuses what the database or a handler could not take (an id longer
than its column, a field of the wrong JSON type) with a 400 at the door, never a 202 for
something the worker can never apply.

A document already in the internal shape comes out unchanged (as the same values), so the
FEP-8b32 proofs of jxfed peers, made over that shape, still verify after the door.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jxfed.errors import BadRequest

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PUBLIC_FORMS = frozenset({AS_PUBLIC, "as:Public", "Public"})
ADDRESS_FIELDS = ("to", "cc", "bto", "bcc")
# Properties that name one other object: an id, an embedded object, or a list of one.
ONE_ID_FIELDS = ("actor", "inReplyTo", "audience", "target", "origin", "context")
LIST_FIELDS = ("tag", "attachment")
TEXT_FIELDS = ("content", "name", "summary")
STRING_FIELDS = ("published", "updated", "mediaType", "url", "href")

MAX_URI = 500  # the width of every id column (posts, actors, activities)
MAX_TYPE = 32
MAX_TEXT = 200_000  # characters of HTML in one field (the body limit is 1 MB)
MAX_NAME = 500
MAX_ADDRESSES = 1_000
MAX_LIST = 200  # tags or attachments of one object
MAX_DEPTH = 4  # Announce(Undo(Like)) is three deep
MIN_INT64, MAX_INT64 = -(2**63), 2**63 - 1


class ShapeError(BadRequest):
    """An inbound document that cannot be taken as it is: 400 with what is wrong."""


def normalise(document: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """`document` in the internal shape (see the module's docstring); raises ShapeError."""
    if depth > MAX_DEPTH:
        raise ShapeError(f"objects are nested more than {MAX_DEPTH} deep")
    shaped: dict[str, Any] = dict(document)
    kind = shaped.get("type")
    if isinstance(kind, list):  # JSON-LD allows several types: the first is the one we know
        kinds = [k for k in kind if isinstance(k, str)]
        if not kinds:
            raise ShapeError("'type' holds no string")
        shaped["type"] = kinds[0]
    for field in ADDRESS_FIELDS:
        if field in shaped:
            shaped[field] = _addresses(field, shaped[field])
    for field in ONE_ID_FIELDS:
        if field in shaped:
            shaped[field] = _one_id(field, shaped[field])
    if "attributedTo" in shaped:
        shaped["attributedTo"] = _attribution(shaped["attributedTo"])
    if "object" in shaped:
        shaped["object"] = _object(shaped["object"], depth)
    for field in LIST_FIELDS:
        if field in shaped:
            shaped[field] = _objects(field, shaped[field])
    for field in TEXT_FIELDS:
        _text_from_map(shaped, field)
    return shaped


def id_of(value: Any) -> str | None:
    """The id of an object given by id or embedded (None when it has none): how a handler reads
    `object` in the internal shape."""
    found = value.get("id") if isinstance(value, Mapping) else value
    return found if isinstance(found, str) else None


def check_limits(document: Mapping[str, Any], depth: int = 0) -> None:
    """Refuse a normalised document that a column or a handler could not take (ShapeError)."""
    if depth > MAX_DEPTH:
        raise ShapeError(f"objects are nested more than {MAX_DEPTH} deep")
    _uri(document, "id")
    kind = document.get("type")
    if kind is not None and (not isinstance(kind, str) or len(kind) > MAX_TYPE):
        raise ShapeError(f"'type' must be a string of at most {MAX_TYPE} characters")
    for field in ONE_ID_FIELDS:
        _uri(document, field)
    attributed = document.get("attributedTo")
    for uri in attributed if isinstance(attributed, list) else [attributed]:
        if uri is not None:
            _check_uri("attributedTo", uri)
    for field in ADDRESS_FIELDS:
        addresses = document.get(field, [])
        if len(addresses) > MAX_ADDRESSES:
            raise ShapeError(f"'{field}' names more than {MAX_ADDRESSES} recipients")
        for uri in addresses:
            _check_uri(field, uri)
    for field in TEXT_FIELDS:
        value = document.get(field)
        limit = MAX_NAME if field == "name" else MAX_TEXT
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise ShapeError(f"'{field}' must be a string of at most {limit} characters")
    for field in STRING_FIELDS:
        value = document.get(field)
        if value is not None and not isinstance(value, str | Mapping | list):
            raise ShapeError(f"'{field}' has the wrong JSON type")
    if "sensitive" in document and not isinstance(document["sensitive"], bool | None):
        raise ShapeError("'sensitive' must be true or false")
    for field in LIST_FIELDS:
        items = document.get(field, [])
        if len(items) > MAX_LIST:
            raise ShapeError(f"'{field}' holds more than {MAX_LIST} entries")
        for item in items:
            _check_listed(field, item)
    inner = document.get("object")
    if isinstance(inner, Mapping):
        check_limits(inner, depth + 1)
    elif inner is not None:
        _check_uri("object", inner)
    if depth == 0:
        _check_integers(document)


def _check_integers(document: Mapping[str, Any]) -> None:
    """No number anywhere beyond what a 64-bit column holds (iterative: depth is no risk)."""
    pending: list[Any] = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, int | float) and not MIN_INT64 <= value <= MAX_INT64:
            # orjson reads an integer beyond 64 bits as a float: refused either way.
            raise ShapeError(f"the number {value} is beyond 64 bits")


def _addresses(field: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        if item is None:
            continue
        uri = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(uri, str):
            raise ShapeError(f"'{field}' must hold ids (strings or objects with an id)")
        found.append(AS_PUBLIC if uri in PUBLIC_FORMS else uri)
    if isinstance(value, list) and found == value:
        return value  # already in shape: the very same list
    return found


def _required_id(field: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("id", "href"):
            if isinstance(value.get(key), str):
                return str(value[key])
    raise ShapeError(f"'{field}' must be an id or an object with an id")


def _one_id(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        if len(value) != 1:
            raise ShapeError(f"'{field}' must name one object, not {len(value)}")
        value = value[0]
    return _required_id(field, value)


def _attribution(value: Any) -> str | list[str] | None:
    """One author as an id; several stay a list (the attribution gate decides)."""
    if value is None:
        return None
    if isinstance(value, list):
        ids = list(dict.fromkeys(_required_id("attributedTo", item) for item in value))
        return ids[0] if len(ids) == 1 else ids
    return _required_id("attributedTo", value)


def _object(value: Any, depth: int) -> Any:
    if isinstance(value, list):
        if len(value) != 1:
            raise ShapeError(f"an activity must carry one object, not {len(value)}")
        value = value[0]
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        if value.get("type") is None and set(value) <= {"id", "@context"}:
            return _required_id("object", value)  # {"id": ...} alone is a reference
        return normalise(value, depth + 1)
    raise ShapeError("'object' must be an id or an object")


# Tag types as JSON-LD compaction may leave them: prefixed, or a blank node when the sender's
# context did not define the term (bovine sends `_:Hashtag` under the plain AS context).
TAG_TYPES = {
    f"{prefix}{kind}": kind for kind in ("Hashtag", "Mention", "Emoji") for prefix in ("as:", "_:")
}


def _objects(field: str, value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, Mapping) for item in values):
        raise ShapeError(f"'{field}' must hold objects")
    if isinstance(value, list) and not any(item.get("type") in TAG_TYPES for item in values):
        return value  # already in shape: the very same list
    return [
        {**item, "type": TAG_TYPES[item["type"]]} if item.get("type") in TAG_TYPES else dict(item)
        for item in values
    ]


def _text_from_map(shaped: dict[str, Any], field: str) -> None:
    """`content` taken from `contentMap` when only the map came (the first language)."""
    language_map = shaped.get(f"{field}Map")
    if shaped.get(field) is None and isinstance(language_map, Mapping):
        for text in language_map.values():
            if isinstance(text, str):
                shaped[field] = text
                return


def _uri(document: Mapping[str, Any], field: str) -> None:
    value = document.get(field)
    if value is not None:
        _check_uri(field, value)


def _check_uri(field: str, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ShapeError(f"'{field}' must be a non-empty string")
    if len(value) > MAX_URI:
        raise ShapeError(f"'{field}' is longer than {MAX_URI} characters")


def _check_listed(field: str, item: Mapping[str, Any]) -> None:
    for key in ("type", "name", "href", "mediaType"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise ShapeError(f"'{field}' entries' '{key}' must be a string")
    if len(str(item.get("type") or "")) > MAX_TYPE:
        raise ShapeError(f"'{field}' entries' 'type' is longer than {MAX_TYPE} characters")
    for key in ("href", "name"):
        if len(str(item.get(key) or "")) > MAX_URI:
            raise ShapeError(f"'{field}' entries' '{key}' is longer than {MAX_URI} characters")
