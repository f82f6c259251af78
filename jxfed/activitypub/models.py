"""Federation state: the allowlist, the durable inbox, deliveries, what we know of peer hosts."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Peer(Model):
    """A trusted instance, by its domain (`host` or `host:port`)."""

    id = fields.IntField(primary_key=True)
    host = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "peer"


class QueueState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InboxItem(Model):
    """An accepted activity, stored before the 202 and processed once by a worker."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.CharField(max_length=500, unique=True)
    actor = fields.CharField(max_length=500)
    document: Any = fields.JSONField()
    state = fields.CharEnumField(QueueState, max_length=16, default=QueueState.PENDING)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True)
    last_error = fields.TextField(default="")
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "inbox_item"
        indexes = (("state", "next_try_at"),)


class Delivery(Model):
    """One activity to send to one inbox, signed at send time by its sender's key."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.CharField(max_length=500)
    sender_id = fields.IntField()
    inbox = fields.CharField(max_length=1000)
    host = fields.CharField(max_length=255)
    body = fields.TextField()
    state = fields.CharEnumField(QueueState, max_length=16, default=QueueState.PENDING)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery"
        unique_together = (("activity_id", "inbox"),)
        indexes = (("state", "next_try_at"), ("host", "state"))


class HostState(Model):
    """What we learnt of a peer host: failures in a row, a pause, the signature scheme it takes."""

    id = fields.IntField(primary_key=True)
    host = fields.CharField(max_length=255, unique=True)
    failures = fields.IntField(default=0)
    paused_until = fields.DatetimeField(null=True)
    signature_scheme = fields.CharField(max_length=16, default="cavage")

    class Meta:
        table = "host_state"
