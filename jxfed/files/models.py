"""The files room's models: uploads, stored by their SHA-256."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # named by string in the fields: the files room imports nothing above it
    from jxfed.actors.models import Member
    from jxfed.spaces.models import Post


class MediaAttachment(Model):
    """A file a member uploaded (stored once per SHA-256), attached to at most one post."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="media", on_delete=fields.CASCADE
    )
    sha256 = fields.CharField(max_length=64, db_index=True)
    media_type = fields.CharField(max_length=32)
    extension = fields.CharField(max_length=8)
    size = fields.IntField()
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    description = fields.TextField(default="")
    focus_x = fields.FloatField(default=0.0)
    focus_y = fields.FloatField(default=0.0)
    # CASCADE: an attachment of a removed post must not become an unattached (public) upload
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="media", null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mastodon_media"

    @property
    def file_name(self) -> str:
        return f"{self.sha256}.{self.extension}"
