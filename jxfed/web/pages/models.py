"""What the members' pages store: browser sessions (the cookie's token kept only as a digest)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from jxfed.actors.models import Member


class BrowserSession(Model):
    """A signed-in browser: ended at sign-out, on a password change, or when it expires."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="browser_sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "browser_session"
