"""Library items as peers read them: their ActivityPub shape and FEP-1311 digests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from jxfed.errors import BadRequest
from jxfed.spaces.library.documents import described, digest_multibase, item_document, sha256_of
from jxfed.spaces.library.models import ItemKind, ItemStatus, LibraryItem
from jxfed.spaces.models import Access

SPACE = "https://a.example/spaces/litigation"
AMINA = "https://a.example/users/amina"


def test_the_digest_of_nothing_is_fep_1311s_example() -> None:
    # FEP-1311's example digestMultibase names the SHA-256 of the empty content.
    empty = hashlib.sha256(b"").hexdigest()
    assert digest_multibase(empty) == "zQmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
    assert sha256_of("zQmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n") == empty


def test_a_digest_is_the_multihash_every_ipfs_tool_shows() -> None:
    hello = hashlib.sha256(b"hello world").hexdigest()
    assert digest_multibase(hello) == "zQmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4"
    assert sha256_of(digest_multibase(hello)) == hello


@pytest.mark.parametrize(
    "value",
    [
        "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4",  # no multibase prefix
        "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # a key, not a SHA-256 multihash
        "z0OIl",  # not base58btc
    ],
)
def test_anything_but_a_sha256_multihash_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        sha256_of(value)


def item(kind: ItemKind, sha256: str | None = None) -> LibraryItem:
    found = LibraryItem(
        uri="https://a.example/library/abc",
        kind=kind,
        title="Appeal brief.pdf",
        status=ItemStatus.VALIDATED,
        author_uri=AMINA,
        sha256=sha256,
        size=42 if sha256 else None,
        media_type="application/pdf" if sha256 else None,
    )
    found.updated_at = datetime(2026, 3, 1, tzinfo=UTC)
    return found


def test_a_file_is_a_document_naming_its_content_by_digest() -> None:
    sha = hashlib.sha256(b"%PDF").hexdigest()
    parent = "https://a.example/library/folder1"
    document = item_document(item(ItemKind.FILE, sha), SPACE, Access.CONFIDENTIAL, parent, AMINA, 3)
    assert document == {
        "id": "https://a.example/library/abc",
        "type": "Document",
        "attributedTo": AMINA,
        "name": "Appeal brief.pdf",
        "context": parent,
        "status": "validated",
        "revision": 3,
        "updated": "2026-03-01T00:00:00Z",
        "to": [SPACE],
        "cc": [],
        "audience": SPACE,
        "url": f"https://a.example/library/abc/contents/{sha}",
        "mediaType": "application/pdf",
        "size": 42,
        "digestMultibase": digest_multibase(sha),
    }
    read = described(document)
    assert (read.kind, read.sha256, read.size, read.space_uri) == (ItemKind.FILE, sha, 42, SPACE)


def test_a_folder_at_the_top_is_a_collection_in_the_spaces_library() -> None:
    document = item_document(item(ItemKind.FOLDER), SPACE, Access.OPEN, None, AMINA, 1)
    assert document["type"] == "OrderedCollection"
    assert document["context"] == f"{SPACE}/library"
    assert "url" not in document and "digestMultibase" not in document
    assert "https://www.w3.org/ns/activitystreams#Public" in document["to"]
    assert (
        item_document(item(ItemKind.NOTE, "0" * 64), SPACE, Access.OPEN, None, AMINA, 1)["type"]
        == "Page"
    )


def test_a_file_without_a_valid_digest_is_refused_as_it_arrives() -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    document = item_document(item(ItemKind.FILE, sha), SPACE, Access.OPEN, None, AMINA, 1)
    for broken in ({"digestMultibase": "zNotADigest"}, {"size": -1}, {"name": "../etc"}):
        with pytest.raises(BadRequest):
            described({**document, **broken})
