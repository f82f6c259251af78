"""What the Mastodon client API stores: OAuth applications, codes and tokens, read markers,
media, idempotency keys, boosts, bookmarks and followed tags.

Secrets (client secrets, codes, access tokens) are kept only as SHA-256 digests.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from jxfed.actors.models import Member
from jxfed.spaces.models import Post


class OAuthApplication(Model):
    """A client app registered with POST /api/v1/apps (its secret kept as a digest)."""

    id = fields.IntField(primary_key=True)
    client_id = fields.CharField(max_length=64, unique=True)
    client_secret_hash = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    redirect_uris = fields.TextField()  # one per line
    scopes = fields.CharField(max_length=1000)  # space-separated
    website = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oauth_application"

    @property
    def redirect_uri_list(self) -> list[str]:
        return self.redirect_uris.split("\n")

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class AuthorizationCode(Model):
    """A one-time code a member granted an app on the consent page, with its PKCE challenge."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[OAuthApplication] = fields.ForeignKeyField(
        "jxfed.OAuthApplication", related_name="codes", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="oauth_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64, unique=True)
    redirect_uri = fields.CharField(max_length=1000)
    scopes = fields.CharField(max_length=1000)
    code_challenge = fields.CharField(max_length=128, null=True)
    code_challenge_method = fields.CharField(max_length=8, null=True)
    expires_at = fields.DatetimeField()
    used = fields.BooleanField(default=False)

    class Meta:
        table = "oauth_authorization_code"


class AccessToken(Model):
    """A bearer token: a member's (or only the app's, for client_credentials), with scopes."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    application: fields.ForeignKeyRelation[OAuthApplication] = fields.ForeignKeyField(
        "jxfed.OAuthApplication", related_name="tokens", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="oauth_tokens", null=True, on_delete=fields.CASCADE
    )
    scopes = fields.CharField(max_length=1000)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_access_token"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class Marker(Model):
    """Where a member stopped reading a timeline (home or notifications), per member."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="markers", on_delete=fields.CASCADE
    )
    timeline = fields.CharField(max_length=16)
    last_read_id = fields.CharField(max_length=32)
    version = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mastodon_marker"
        unique_together = (("member", "timeline"),)


class IdempotencyKey(Model):
    """The status a member's `Idempotency-Key` created (a retry within the hour returns it)."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="idempotency_keys", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=64)  # SHA-256 of the header value
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="idempotency_keys", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mastodon_idempotency_key"
        unique_together = (("member", "key"),)


class Bookmark(Model):
    """A post a member bookmarked (private to the member)."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="bookmarks", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "jxfed.Post", related_name="bookmarks", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mastodon_bookmark"
        unique_together = (("member", "post"),)


class FollowedTag(Model):
    """A hashtag a member follows (lower case, without `#`)."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "jxfed.Member", related_name="followed_tags", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mastodon_followed_tag"
        unique_together = (("member", "name"),)
