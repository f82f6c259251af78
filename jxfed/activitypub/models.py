"""Federation state: the allowlist of peer instances."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Peer(Model):
    """A trusted instance, by its domain (`host` or `host:port`)."""

    id = fields.IntField(primary_key=True)
    host = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "peer"
