"""POST /api/v1/statuses: a status becomes a note, a post in the space it mentions, or a
comment where its parent lives, always through spaces.publishing.publish.

Visibility follows from where it goes: an open space's posts and plain notes are public, a
closed space's are private. A status that asks for less than it would get is refused rather
than published more widely than the member meant.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from jxfed.activitypub.transport import FetchError, NotAPeer
from jxfed.actors.models import Member
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest, NotFound
from jxfed.files import images
from jxfed.files.models import MediaAttachment
from jxfed.spaces.joining import space_of
from jxfed.spaces.mentions import find_mentions
from jxfed.spaces.models import Access, Post
from jxfed.spaces.posts import MAX_CHARACTERS, NoteOptions
from jxfed.spaces.publishing import publish
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.ids import parse_status_id
from jxfed.web.mastodon.models import IdempotencyKey

if TYPE_CHECKING:
    from jxfed.runtime import Services
    from jxfed.web.mastodon.api.http import Params

VISIBILITIES = ("public", "unlisted", "private", "direct")
IDEMPOTENCY_WINDOW = timedelta(hours=1)
SPOILER_LIMIT = 500
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True, slots=True)
class StatusRequest:
    text: str
    in_reply_to_id: str | None
    media_ids: tuple[str, ...]
    visibility: str | None
    spoiler_text: str
    sensitive: bool
    language: str | None


def read_request(values: Params) -> StatusRequest:
    """The status parameters, each checked (422 naming the field at fault)."""
    text = (values.get("status") or "").strip()
    media_ids = tuple(values.get_list("media_ids"))
    if not text and not media_ids:
        raise ValidationFailed({"status": ("ERR_BLANK", "can't be blank")})
    if len(text) > MAX_CHARACTERS:
        limit = f"is too long (at most {MAX_CHARACTERS} characters)"
        raise ValidationFailed({"status": ("ERR_TOO_LONG", limit)})
    visibility = values.get("visibility") or None
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValidationFailed({"visibility": ("ERR_INCLUSION", "is not a known visibility")})
    if visibility == "direct":
        problem = "direct messages are not supported here yet: post in a confidential space"
        raise ValidationFailed({"visibility": ("ERR_UNSUPPORTED", problem)})
    spoiler = (values.get("spoiler_text") or "").strip()
    if len(spoiler) > SPOILER_LIMIT:
        limit = f"is too long (at most {SPOILER_LIMIT} characters)"
        raise ValidationFailed({"spoiler_text": ("ERR_TOO_LONG", limit)})
    language = (values.get("language") or "").strip().lower() or None
    if language is not None and not _LANGUAGE.match(language):
        raise ValidationFailed({"language": ("ERR_INVALID", "is not an ISO 639 language code")})
    return StatusRequest(
        text=text,
        in_reply_to_id=values.get("in_reply_to_id") or None,
        media_ids=media_ids,
        visibility=visibility,
        spoiler_text=spoiler,
        sensitive=values.get("sensitive") in ("true", "1", "True"),
        language=language,
    )


def key_digest(header: str | None) -> str | None:
    return hashlib.sha256(header.encode()).hexdigest() if header else None


async def earlier_post(member: Member, digest: str | None) -> Post | None:
    """The post the same Idempotency-Key made within the hour (older keys are forgotten)."""
    if digest is None:
        return None
    found = await IdempotencyKey.get_or_none(member=member, key=digest).prefetch_related("post")
    if found is None:
        return None
    if found.created_at < datetime.now(UTC) - IDEMPOTENCY_WINDOW:
        await IdempotencyKey.filter(id=found.id).delete()
        return None
    return found.post


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a status goes: a space (its slug here or its URI on a peer), and whether the
    result is public."""

    space: str | None
    public: bool


async def _destination(services: Services, text: str, author: str) -> Destination:
    """The space the status mentions (one at most), or none: a public note."""
    found: list[Destination] = []
    for mention in await find_mentions(services, text, author):
        local = await space_of(services.settings.base_url, mention.uri)
        if local is not None:
            found.append(Destination(local.actor.name, local.access == Access.OPEN))
            continue
        try:
            actor = await remote_actor(services, mention.uri)
        except (FetchError, NotAPeer):
            continue
        if actor.kind == "Group":
            open_space = actor.document.get("manuallyApprovesFollowers") is False
            found.append(Destination(actor.uri, open_space))
    if len(found) > 1:
        problem = "mentions more than one space: a status goes to one space"
        raise ValidationFailed({"status": ("ERR_INVALID", problem)})
    return found[0] if found else Destination(None, True)


async def _parent(reader: Reader, in_reply_to_id: str) -> Post:
    try:
        post_id = parse_status_id(in_reply_to_id)
    except NotFound:
        post_id = 0
    parent = await Post.filter(visible_posts(reader), id=post_id).first()
    if parent is None:
        raise ValidationFailed({"in_reply_to_id": ("ERR_INVALID", "is not a status you can see")})
    return parent


async def create_status(
    services: Services, member: Member, reader: Reader, asked: StatusRequest, key: str | None
) -> Post:
    """Publish the status (once per Idempotency-Key) and attach its media."""
    digest = key_digest(key)
    earlier = await earlier_post(member, digest)
    if earlier is not None:
        return earlier
    attachments = await images.to_attach(member, list(asked.media_ids))
    parent = await _parent(reader, asked.in_reply_to_id) if asked.in_reply_to_id else None
    if parent is not None:  # a comment lands where its parent is, whatever it mentions
        destination = Destination(None, parent.public)
    else:
        destination = await _destination(services, asked.text, services.actor_uri(member.actor))
    if destination.public and asked.visibility == "private":
        problem = "this status would be public (a note or an open space's post): ask public"
        raise ValidationFailed({"visibility": ("ERR_UNSUPPORTED", problem)})
    options = NoteOptions(
        attachments=tuple(images.document(services.settings, item) for item in attachments),
        summary=asked.spoiler_text,
        sensitive=asked.sensitive,
        language=asked.language,
    )
    try:
        post = await publish(
            services,
            member.actor,
            asked.text,
            space=destination.space,
            in_reply_to=parent.uri if parent else None,
            options=options,
        )
    except BadRequest as refused:
        raise ValidationFailed({"status": ("ERR_INVALID", refused.message)}) from None
    except (FetchError, NotAPeer) as failed:
        problem = f"the space's instance cannot be reached: {failed.message}"
        raise ValidationFailed({"status": ("ERR_UNREACHABLE", problem)}) from None
    await MediaAttachment.filter(id__in=[item.id for item in attachments]).update(post=post)
    if digest is not None:
        with suppress(IntegrityError):  # a concurrent retry with the same key came first
            await IdempotencyKey.create(member=member, key=digest, post=post)
    return post
