"""Library items as ActivityPub objects, and back: the one converter each way.

A file is a `Document`, a note a `Page`, a folder an `OrderedCollection`; each has its item's
URI as `id`, its folder as `context` (the space's library at the top) and its space as
`audience`. A file or note names its current revision's content by `url` (on its author's
instance, answering only to the space's readers), `mediaType`, `size` and `digestMultibase`
(FEP-1311: multibase base58btc of the SHA-256 multihash), so a receiver can check every byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jxfed.activitypub.keys import decode_base58btc, encode_base58btc
from jxfed.actors.documents import AS_PUBLIC
from jxfed.errors import BadRequest
from jxfed.spaces.library.models import ItemKind, ItemStatus, LibraryItem
from jxfed.spaces.models import Access

TYPES: dict[ItemKind, str] = {
    ItemKind.FILE: "Document",
    ItemKind.NOTE: "Page",
    ItemKind.FOLDER: "OrderedCollection",
}
KINDS = {kind_type: kind for kind, kind_type in TYPES.items()}
SHA256_MULTIHASH = b"\x12\x20"  # multihash: code 0x12 (sha2-256), length 32
_HEX = re.compile(r"^[0-9a-f]{64}$")


def digest_multibase(sha256: str) -> str:
    """FEP-1311's `digestMultibase` of a content whose SHA-256 is `sha256` (hex)."""
    if not _HEX.match(sha256):
        raise ValueError("a SHA-256 is 64 lower-case hexadecimal characters")
    return "z" + encode_base58btc(SHA256_MULTIHASH + bytes.fromhex(sha256))


def sha256_of(digest: str) -> str:
    """The SHA-256 (hex) a `digestMultibase` names; ValueError unless it is a base58btc
    SHA-256 multihash."""
    if not isinstance(digest, str) or not digest.startswith("z"):
        raise ValueError("a digestMultibase must be base58btc ('z...')")
    raw = decode_base58btc(digest[1:])
    if len(raw) != 34 or raw[:2] != SHA256_MULTIHASH:
        raise ValueError("a digestMultibase must hold a SHA-256 multihash")
    return raw[2:].hex()


def library_of(space_uri: str) -> str:
    """The id of a space's library (the `context` of the items at its top)."""
    return f"{space_uri}/library"


def content_url(item_uri: str, sha256: str) -> str:
    """Where a revision's content is served, on the instance that holds the item."""
    return f"{item_uri}/contents/{sha256}"


def addressing(space_uri: str, access: Access) -> dict[str, Any]:
    """An open space's library is public; any other space's goes to the space only."""
    to = [space_uri, AS_PUBLIC] if access == Access.OPEN else [space_uri]
    return {"to": to, "cc": [], "audience": space_uri}


def item_document(
    item: LibraryItem,
    space_uri: str,
    access: Access,
    parent_uri: str | None,
    attributed_to: str,
    revision: int,
) -> dict[str, Any]:
    """The item as its current revision says it is, by `attributed_to` (who made it so)."""
    document: dict[str, Any] = {
        "id": item.uri,
        "type": TYPES[item.kind],
        "attributedTo": attributed_to,
        "name": item.title,
        "context": parent_uri or library_of(space_uri),
        "status": item.status.value,
        "revision": revision,
        "updated": item.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **addressing(space_uri, access),
    }
    if item.kind != ItemKind.FOLDER and item.sha256:
        document.update(
            url=content_url(item.uri, item.sha256),
            mediaType=item.media_type,
            size=item.size,
            digestMultibase=digest_multibase(item.sha256),
        )
    return document


@dataclass(frozen=True, slots=True)
class Described:
    """What a peer says a library item is now (checked for shape, not yet for truth)."""

    uri: str
    kind: ItemKind
    title: str
    status: ItemStatus
    context: str
    space_uri: str
    revision: int
    url: str | None = None
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None


def described(document: Mapping[str, Any]) -> Described:
    """A library object from a peer, read; BadRequest naming what is missing or wrong."""
    kind = KINDS.get(str(document.get("type")))
    uri, space, context = document.get("id"), document.get("audience"), document.get("context")
    if kind is None or not all(isinstance(v, str) for v in (uri, space, context)):
        raise BadRequest("a library object needs a type, an id, an audience and a context")
    try:
        status = ItemStatus(str(document.get("status") or "open"))
        revision = int(document.get("revision") or 1)
    except ValueError:
        raise BadRequest("a library object's status or revision is not valid") from None
    title = str(document.get("name") or "").strip()[:255]
    if not title or "/" in title or title in (".", ".."):
        raise BadRequest("a library object needs a name that can be a title")
    if kind == ItemKind.FOLDER:
        return Described(str(uri), kind, title, status, str(context), str(space), revision)
    size, url = document.get("size"), document.get("url")
    if not isinstance(size, int) or size < 0 or not isinstance(url, str):
        raise BadRequest("a library file names its content by url, size and digestMultibase")
    try:
        sha256 = sha256_of(str(document.get("digestMultibase")))
    except ValueError as error:
        raise BadRequest(str(error)) from None
    media_type = str(document.get("mediaType") or "application/octet-stream")[:100]
    return Described(
        str(uri),
        kind,
        title,
        status,
        str(context),
        str(space),
        revision,
        url,
        media_type,
        size,
        sha256,
    )
