"""URL converters: a database id in a path is a whole number that fits a 64-bit column, so
that any larger number is the 404 of an id that does not exist, never a database error."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_DATABASE_ID = 2**63 - 1


class DatabaseId(IntegerConverter):
    """`<id:name>`: 0 to 2⁶³ − 1; `<id(bits=32):name>` for a 32-bit column (0 to 2³¹ − 1)."""

    def __init__(self, map: object, bits: int = 64) -> None:
        super().__init__(map, min=0, max=2 ** (bits - 1) - 1)  # type: ignore[arg-type]


def register_converters(url_map: object) -> None:
    url_map.converters["id"] = DatabaseId  # type: ignore[attr-defined]
