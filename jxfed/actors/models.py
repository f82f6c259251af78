"""Local actors (members, spaces, the instance actor) and what they have published."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ActorKind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    APPLICATION = "application"


class Profile(StrEnum):
    """A member's standing on the instance (who may create spaces, who administers)."""

    MEMBER = "member"
    TRUSTED = "trusted"
    ADMINISTRATOR = "administrator"


class LocalActor(Model):
    """Every actor this instance serves, in one table so members and spaces share one name space.

    (No semicolons in model docstrings: Tortoise 1.1.9 splits SQLite DDL on them.)
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ActorKind, max_length=16)
    name = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=200, default="")
    summary = fields.TextField(default="")
    rsa_private_pem = fields.TextField()
    rsa_public_pem = fields.TextField()
    ed25519_private_pem = fields.TextField()
    ed25519_public_multibase = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    # What its account shows, kept as posts are stored and deleted (jxfed.spaces.stats) rather
    # than counted at each read: a member's public posts, a space's posts without comments.
    statuses_count = fields.IntField(default=0)
    last_status_at = fields.DatetimeField(null=True)

    class Meta:
        table = "local_actor"


class Member(Model):
    """A local user account: a Person actor with a password and a profile."""

    id = fields.IntField(primary_key=True)
    actor: fields.OneToOneRelation[LocalActor] = fields.OneToOneField(
        "jxfed.LocalActor", related_name="member", on_delete=fields.CASCADE
    )
    password_hash = fields.CharField(max_length=255, null=True)
    profile = fields.CharEnumField(Profile, max_length=16, default=Profile.MEMBER)
    language = fields.CharField(max_length=8, null=True)  # the pages' language, when chosen

    class Meta:
        table = "member"


class OutboxActivity(Model):
    """An activity a local actor published, newest first in its outbox."""

    id = fields.BigIntField(primary_key=True)
    uri = fields.CharField(max_length=500, unique=True)
    actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField(
        "jxfed.LocalActor", related_name="activities", on_delete=fields.CASCADE
    )
    type = fields.CharField(max_length=32)
    document: Any = fields.JSONField()
    public = fields.BooleanField(default=False)
    published = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outbox_activity"
        indexes = (("actor_id", "public", "id"),)


class FollowState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"


class RemoteActor(Model):
    """A cached actor document of a peer instance (fetched signed, by the instance actor)."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=500, unique=True)
    kind = fields.CharField(max_length=32)
    name = fields.CharField(max_length=200, default="")
    preferred_username = fields.CharField(max_length=200, default="")
    inbox = fields.CharField(max_length=1000)
    shared_inbox = fields.CharField(max_length=1000, null=True)
    document: Any = fields.JSONField()
    fetched_at = fields.DatetimeField()

    class Meta:
        table = "remote_actor"

    @property
    def delivery_inbox(self) -> str:
        """Where to deliver: the shared inbox when the peer has one."""
        return self.shared_inbox or self.inbox


class Follower(Model):
    """An actor (of a peer, or local) who follows a local actor."""

    id = fields.BigIntField(primary_key=True)
    followed: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField(
        "jxfed.LocalActor", related_name="followers", on_delete=fields.CASCADE
    )
    follower_uri = fields.CharField(max_length=500)
    inbox = fields.CharField(max_length=1000)
    follow_id = fields.CharField(max_length=500)
    state = fields.CharEnumField(FollowState, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follower"
        unique_together = (("followed", "follower_uri"),)


class Following(Model):
    """A local member following an actor of a peer instance."""

    id = fields.BigIntField(primary_key=True)
    follower: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField(
        "jxfed.LocalActor", related_name="following", on_delete=fields.CASCADE
    )
    target_uri = fields.CharField(max_length=500)
    follow_id = fields.CharField(max_length=500, unique=True)
    state = fields.CharEnumField(FollowState, max_length=16)
    role = fields.CharField(
        max_length=32, null=True, description="the role a space of a peer gave the member"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "following"
        unique_together = (("follower", "target_uri"),)
