"""Spaces and memberships."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from jxfed.actors.models import LocalActor, Member


class Access(StrEnum):
    OPEN = "open"
    ON_REQUEST = "on_request"
    CONFIDENTIAL = "confidential"


class Role(StrEnum):
    """Tracim's roles, weakest first (see DESIGN.md)."""

    READER = "reader"
    CONTRIBUTOR = "contributor"
    CONTENT_MANAGER = "content_manager"
    SPACE_MANAGER = "space_manager"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Space(Model):
    """A collaborative space, served as a Group actor."""

    id = fields.IntField(primary_key=True)
    actor: fields.OneToOneRelation[LocalActor] = fields.OneToOneField(
        "jxfed.LocalActor", related_name="space", on_delete=fields.CASCADE
    )
    access = fields.CharEnumField(Access, max_length=16)
    description = fields.TextField(default="")
    language = fields.CharField(max_length=16, default="en")
    default_role = fields.CharEnumField(Role, max_length=16, default=Role.CONTRIBUTOR)
    parent: fields.ForeignKeyNullableRelation[Space] = fields.ForeignKeyField(
        "jxfed.Space", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    archived = fields.BooleanField(default=False)

    class Meta:
        table = "space"


class MembershipState(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"  # a join request waiting for a space manager
    INVITED = "invited"  # an invitation waiting for the invitee's Accept


class Membership(Model):
    """Someone's role in a space: a local member, or an actor of a peer instance."""

    id = fields.IntField(primary_key=True)
    space: fields.ForeignKeyRelation[Space] = fields.ForeignKeyField(
        "jxfed.Space", related_name="memberships", on_delete=fields.CASCADE
    )
    actor_uri = fields.CharField(max_length=500)
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="memberships", null=True, on_delete=fields.CASCADE
    )
    inbox = fields.CharField(max_length=1000, null=True)
    role = fields.CharEnumField(Role, max_length=16)
    state = fields.CharEnumField(MembershipState, max_length=16, default=MembershipState.ACCEPTED)
    activity_id = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"
        unique_together = (("space", "actor_uri"),)

    @property
    def is_local(self) -> bool:
        return self.member_id is not None  # type: ignore[attr-defined]


class Post(Model):
    """A news post or note, written here or received from a peer, its HTML sanitised."""

    id = fields.BigIntField(primary_key=True)
    uri = fields.CharField(max_length=500, unique=True)
    author_uri = fields.CharField(max_length=500)
    type = fields.CharField(max_length=32, default="Note")
    title = fields.CharField(max_length=500, default="")
    content = fields.TextField()
    in_reply_to = fields.CharField(max_length=500, null=True)
    audience = fields.CharField(max_length=500, null=True)  # the space it was posted in
    space: fields.ForeignKeyNullableRelation[Space] = fields.ForeignKeyField(
        "jxfed.Space", related_name="posts", null=True, on_delete=fields.CASCADE
    )
    public = fields.BooleanField(default=False)
    local = fields.BooleanField(default=False)
    deleted = fields.BooleanField(default=False)  # a Tombstone now: content gone
    published = fields.DatetimeField()
    updated = fields.DatetimeField(null=True)
    document: Any = fields.JSONField()

    class Meta:
        table = "post"
        # A space's feed, an author's posts, a post's comments (replies counts and threads).
        indexes = (("space_id", "id"), ("author_uri", "id"), ("in_reply_to",))


class NotificationKind(StrEnum):
    NEW_POST = "new_post"
    REPLY = "reply"
    REACTION = "reaction"
    MENTION = "mention"
    JOIN_REQUEST = "join_request"
    JOIN_ACCEPTED = "join_accepted"
    ROLE_CHANGED = "role_changed"


class Notification(Model):
    """Something a local member should hear about, until they mark it read."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=16)
    actor_uri = fields.CharField(max_length=500)
    object_uri = fields.CharField(max_length=500)
    read = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"
        indexes = (("member_id", "read", "id"),)


class PostRevision(Model):
    """A post as it was before an edit (every edit keeps the previous text)."""

    id = fields.BigIntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=500, default="")
    content = fields.TextField()
    replaced_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post_revision"


class Reaction(Model):
    """A like (no emoji) or an emoji reaction to a post."""

    id = fields.BigIntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="reactions", on_delete=fields.CASCADE
    )
    actor_uri = fields.CharField(max_length=500)
    emoji = fields.CharField(max_length=64, default="")
    activity_id = fields.CharField(max_length=500, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reaction"
        unique_together = (("post", "actor_uri", "emoji"),)


class PostHashtag(Model):
    """A hashtag of a post (lower case, without `#`): the index tag timelines read."""

    id = fields.BigIntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="hashtags", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)

    class Meta:
        table = "post_hashtag"
        unique_together = (("post", "name"),)
        indexes = (("name", "post_id"),)


class Boost(Model):
    """A member's boost (Announce) of a public post."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="boosts", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="boosts", on_delete=fields.CASCADE
    )
    activity_id = fields.CharField(max_length=500, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mastodon_boost"
        unique_together = (("member", "post"),)
