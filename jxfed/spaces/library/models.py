"""The library's models: items, their immutable revisions, and the audit trail.

(No semicolons in model docstrings: Tortoise 1.1.9 splits SQLite DDL on them.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

MAX_REVISION = 2**31 - 1  # revision numbers are a 32-bit column


class ItemKind(StrEnum):
    FOLDER = "folder"
    FILE = "file"
    NOTE = "note"


class ItemStatus(StrEnum):
    """Tracim's statuses of a document."""

    OPEN = "open"
    VALIDATED = "validated"
    INVALID = "invalid"
    DEPRECATED = "deprecated"


class Change(StrEnum):
    """What a revision did."""

    CREATE = "create"
    EDIT = "edit"
    RENAME = "rename"
    MOVE = "move"
    STATUS = "status"
    DELETE = "delete"
    RESTORE = "restore"


class LibraryItem(Model):
    """A folder, file or note of a space's library, as its newest revision says it is now."""

    id = fields.BigIntField(primary_key=True)
    uri = fields.CharField(max_length=500, unique=True)
    space: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "jxfed.Space", related_name="library_items", null=True, on_delete=fields.CASCADE
    )
    # The space of a peer it belongs to, for a copy received from there (space: none).
    space_uri = fields.CharField(max_length=500, null=True, db_index=True)
    kind = fields.CharEnumField(ItemKind, max_length=16)
    parent: fields.ForeignKeyNullableRelation[LibraryItem] = fields.ForeignKeyField(
        "jxfed.LibraryItem", related_name="children", null=True, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    status = fields.CharEnumField(ItemStatus, max_length=16, default=ItemStatus.OPEN)
    author_uri = fields.CharField(max_length=500)
    revision = fields.IntField(default=1)  # the newest revision's number
    sha256 = fields.CharField(max_length=64, null=True)  # the newest content (none: a folder)
    size = fields.BigIntField(null=True)
    media_type = fields.CharField(max_length=100, null=True)
    deleted = fields.BooleanField(default=False)
    local = fields.BooleanField(default=True)  # created by a member of this instance
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "library_item"
        indexes = (("space_id", "parent_id", "title"),)


class LibraryRevision(Model):
    """One change of an item, never altered afterwards: who, when, why, and what it made."""

    id = fields.BigIntField(primary_key=True)
    item: fields.ForeignKeyRelation[LibraryItem] = fields.ForeignKeyField(
        "jxfed.LibraryItem", related_name="revisions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    change = fields.CharEnumField(Change, max_length=16)
    author_uri = fields.CharField(max_length=500)
    message = fields.CharField(max_length=1000, default="")
    title = fields.CharField(max_length=255)
    parent_id_then = fields.BigIntField(null=True)  # the folder it was in
    status = fields.CharEnumField(ItemStatus, max_length=16)
    sha256 = fields.CharField(max_length=64, null=True)
    size = fields.BigIntField(null=True)
    media_type = fields.CharField(max_length=100, null=True)
    deleted = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "library_revision"
        unique_together = (("item", "number"),)

    @classmethod
    async def of(
        cls, item: LibraryItem, change: Change, author_uri: str, message: str = ""
    ) -> LibraryRevision:
        """Record the item's state as it is now, as its revision `item.revision`."""
        return await cls.create(
            item=item,
            number=item.revision,
            change=change,
            author_uri=author_uri,
            message=message[:1000],
            title=item.title,
            parent_id_then=item.parent_id,  # type: ignore[attr-defined]
            status=item.status,
            sha256=item.sha256,
            size=item.size,
            media_type=item.media_type,
            deleted=item.deleted,
        )


class AuditEntry(Model):
    """One line of a space's audit trail, chained to the one before by its hash."""

    id = fields.BigIntField(primary_key=True)
    space: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "jxfed.Space", related_name="audit_entries", null=True, on_delete=fields.CASCADE
    )
    space_uri = fields.CharField(max_length=500, null=True)  # a space of a peer (space: none)
    sequence = fields.BigIntField()
    actor_uri = fields.CharField(max_length=500)
    action = fields.CharField(max_length=32)
    item_uri = fields.CharField(max_length=500, default="")
    revision_sha256 = fields.CharField(max_length=64, default="")
    detail = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()
    previous_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "library_audit"
        unique_together = (("space", "sequence"), ("space_uri", "sequence"))
