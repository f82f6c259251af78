"""Notes: a member publishes to followers; notes from followed peers' actors are received.

HTML from peers is sanitised (nh3) before it is stored; links get rel="nofollow noopener".
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import nh3
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.actors import activities
from jxfed.actors.activities import new_activity_id
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Following, FollowState, LocalActor, OutboxActivity
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest, JxfedError
from jxfed.spaces import notifying, stats
from jxfed.spaces.audience import deliver, followers_inboxes
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.mentions import find_mentions, render
from jxfed.spaces.models import Access, Membership, MembershipState, Post, PostHashtag, Space

if TYPE_CHECKING:
    from jxfed.runtime import Services

log = logging.getLogger(__name__)
MAX_CHARACTERS = 20_000
LINK_REL = "nofollow noopener noreferrer"
_TAG = re.compile(r"<[^>]*>")


def sanitise(content: str) -> str:
    return nh3.clean(content, link_rel=LINK_REL)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def text_to_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs (a blank line starts a new one)."""
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def html_to_text(markup: str) -> str:
    """The text of stored HTML: paragraphs apart by a blank line, line breaks kept."""
    return html.unescape(_TAG.sub("", markup.replace("</p><p>", "\n\n").replace("<br>", "\n")))


@dataclass(frozen=True, slots=True)
class NoteOptions:
    """What a note carries besides its text: attached `Document`s, a content warning, a
    language (its `contentMap` key)."""

    attachments: tuple[dict[str, Any], ...] = ()
    summary: str = ""
    sensitive: bool = False
    language: str | None = None


NO_OPTIONS = NoteOptions()


def carries_proof(access: Access | None) -> bool:
    """Whether what a member sends to a space of this access (`None`: to no space) carries
    their FEP-8b32 proof: the one place that decides it.

    Deniability (DESIGN.md, Security model): in a confidential space nothing a member sends
    (a post, a comment, an edit, a deletion, a reaction) carries one, so that a leaked copy
    proves nothing of who wrote it; members' instances authenticate it by a signed fetch
    from the author's instance instead. Everywhere else the proof goes along.
    """
    return access != Access.CONFIDENTIAL


def authored(
    services: Services, actor: LocalActor, activity: dict[str, Any], access: Access | None
) -> dict[str, Any]:
    """The activity as `actor` sends it to a space of `access`: proved, or not (see above)."""
    if not carries_proof(access):
        return activity
    key = services.keyring.keys_of(actor).ed25519_private
    return activities.signed_by(activity, services.actor_uri(actor), key)


async def build_create(
    services: Services,
    author: LocalActor,
    text: str,
    *,
    to: list[str],
    cc: list[str],
    audience: str | None = None,
    title: str | None = None,
    mention_recipients: bool = True,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
    access: Access | None = None,
) -> dict[str, Any]:
    """A Create of a Note (an Article when titled) by a local member, with an FEP-8b32 proof
    unless it goes to a confidential space (`access`; see `carries_proof`)."""
    text = text.strip()
    if not text and not options.attachments:
        raise BadRequest("a post needs some text")
    if len(text) > MAX_CHARACTERS:
        raise BadRequest(f"a post has at most {MAX_CHARACTERS} characters")
    author_uri = services.actor_uri(author)
    now = iso(datetime.now(UTC))
    object_id = new_activity_id(services.settings.base_url).replace("/activities/", "/objects/")
    mentioned = await find_mentions(services, text, author_uri)
    content, tags = render(text, mentioned, services.settings.base_url)
    if mention_recipients:  # never for a closed space: a mention must not widen its audience
        cc = [*cc, *(m.uri for m in mentioned if m.uri not in to and m.uri != author_uri)]
    where: dict[str, Any] = {"to": to, "cc": cc, **({"audience": audience} if audience else {})}
    note: dict[str, Any] = {
        "id": object_id,
        "type": "Article" if title else "Note",
        "attributedTo": author_uri,
        "content": content,
        "published": now,
        **where,
    }
    if tags:
        note["tag"] = tags
    if in_reply_to:
        note["inReplyTo"] = in_reply_to
    if title:
        note["name"] = title.strip()
    _add_options(note, options)
    return authored(services, author, activities.create(author_uri, note, now), access)


def _add_options(note: dict[str, Any], options: NoteOptions) -> None:
    if options.attachments:
        note["attachment"] = list(options.attachments)
    if options.summary:
        note["summary"] = options.summary
    if options.sensitive or options.summary:
        note["sensitive"] = True
    if options.language:
        note["contentMap"] = {options.language: note["content"]}


class OutsideThread(JxfedError):
    """A reply that would join a post it may not (see `reply_allowed`): refused, 403."""

    status = 403


async def store_post(
    create: Mapping[str, Any], space: Space | None, *, local: bool, base_url: str
) -> bool:
    """Store the Create's object as a post (once) and notify; False when already there.

    Raises OutsideThread for a reply that answers a post it may not join: the one path every
    post takes is where that rule lives."""
    note = create["object"]
    if await Post.filter(uri=note["id"]).exists():
        return False
    if not await reply_allowed(note, space):
        raise OutsideThread(f"{note['id']} answers {note['inReplyTo']} outside its thread")
    content = sanitise(str(note.get("content") or ""))
    addresses = _addresses(note) | _addresses(create)
    post = await Post.create(
        uri=note["id"],
        author_uri=note["attributedTo"],
        type=note.get("type", "Note"),
        title=str(note.get("name") or "")[:500],
        content=content,
        in_reply_to=note.get("inReplyTo") if isinstance(note.get("inReplyTo"), str) else None,
        audience=note.get("audience") if isinstance(note.get("audience"), str) else None,
        space=space,
        public=AS_PUBLIC in addresses,
        local=local,
        published=datetime.now(UTC) if local else _published(note),
        document={**note, "content": content},
    )
    await PostHashtag.bulk_create([PostHashtag(post=post, name=n) for n in hashtag_names(note)])
    await stats.post_added(post, base_url)
    await notifying.post_stored(post, space, base_url)
    return True


async def reply_allowed(note: Mapping[str, Any], space: Space | None) -> bool:
    """A reply stays in its parent's space: it joins a parent of another space (or of none)
    only when that parent is public and not in a confidential space. A reply in a space here
    must answer a post known here. A comment on a library item never leaves the item's space
    (`comment_stays`)."""
    parent_uri = note.get("inReplyTo")
    if not isinstance(parent_uri, str):
        return True
    parent = await Post.get_or_none(uri=parent_uri).select_related("space")
    if parent is None:
        item = await LibraryItem.get_or_none(uri=parent_uri)
        return space is None if item is None else comment_stays(item, note, space)
    if parent.audience == note.get("audience") and (space is None or parent.space_id == space.id):  # type: ignore[attr-defined]
        return True
    return parent.public and (parent.space is None or parent.space.access != Access.CONFIDENTIAL)


def comment_stays(item: LibraryItem, note: Mapping[str, Any], space: Space | None) -> bool:
    """A comment on an item of a space here is stored in that space; one on this instance's
    copy of a peer's space's item is addressed to that space (its `audience`)."""
    if item.space_id is not None:  # type: ignore[attr-defined]
        return space is not None and item.space_id == space.id  # type: ignore[attr-defined]
    return space is None and note.get("audience") == item.space_uri


async def store_received(create: Mapping[str, Any], base_url: str) -> bool:
    """A post a peer sent (or a space of a peer announced), stored once; one that would join
    a thread it may not is dropped here, with a line in the log."""
    try:
        return await store_post(create, None, local=False, base_url=base_url)
    except OutsideThread as refused:
        log.warning("not stored: %s", refused.message)
        return False


async def publish_note(
    services: Services,
    member: LocalActor,
    text: str,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
) -> Post:
    """Publish a public note: stored, put in the outbox, delivered to followers' inboxes (and
    to the mentioned actors and the author replied to, when they are on peers)."""
    author = services.actor_uri(member)
    create = await build_create(
        services,
        member,
        text,
        to=[AS_PUBLIC],
        cc=[f"{author}/followers"],
        in_reply_to=in_reply_to,
        options=options,
    )
    note = create["object"]
    recipients = list(note["cc"][1:])
    if in_reply_to:
        parent = await Post.get_or_none(uri=in_reply_to)
        if parent is not None and parent.author_uri not in recipients:
            recipients.append(parent.author_uri)
    inboxes: list[str] = []
    for uri in recipients:
        if await local_actor_by_uri(services.settings.base_url, uri) is None:
            inboxes.append((await remote_actor(services, uri)).delivery_inbox)
    async with in_transaction():
        await store_post(create, None, local=True, base_url=services.settings.base_url)
        post = await Post.get(uri=note["id"])
        await OutboxActivity.create(
            uri=create["id"], actor=member, type="Create", document=create, public=True
        )
        inboxes += await followers_inboxes(services, member)
        await deliver(services, create, member, inboxes)
    return post


class PostHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_create(self, activity: Activity) -> Apply | None:
        """Store a note or article from an actor a local member follows, or one that
        answers a post here or mentions a local member."""
        note = activity["object"]
        author = note.get("attributedTo")
        if author != activity["actor"] or not isinstance(note.get("id"), str):
            return None
        if not await self.concerns_us(note, author):
            return None

        async def apply() -> None:
            await store_received(activity, self.services.settings.base_url)

        return apply

    async def concerns_us(self, note: Activity, author: str) -> bool:
        if await Following.filter(target_uri=author, state=FollowState.ACCEPTED).exists():
            return True
        parent = note.get("inReplyTo")
        if isinstance(parent, str) and await Post.filter(uri=parent, local=True).exists():
            return True
        base = self.services.settings.base_url
        for tag in note.get("tag", []) or []:
            if (
                isinstance(tag, Mapping)
                and tag.get("type") == "Mention"
                and await local_actor_by_uri(base, str(tag.get("href"))) is not None
            ):
                return True
        return False


def hashtag_names(note: Mapping[str, Any]) -> list[str]:
    """The note's `Hashtag` tags, lower case and without `#` (at most 64 characters)."""
    names = []
    for tag in note.get("tag", []) or []:
        if isinstance(tag, Mapping) and tag.get("type") == "Hashtag":
            name = str(tag.get("name") or "").lstrip("#").lower()
            if name and len(name) <= 64 and all(ch.isalnum() or ch == "_" for ch in name):
                names.append(name)
    return list(dict.fromkeys(names))


def _addresses(document: Activity) -> set[str]:
    found: set[str] = set()
    for field in ("to", "cc", "audience"):
        value = document.get(field)
        values = value if isinstance(value, list) else [value]
        found.update(v for v in values if isinstance(v, str))
    return found


def _published(note: Activity) -> datetime:
    try:
        moment = datetime.fromisoformat(str(note.get("published")).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def home_timeline(member: LocalActor, limit: int = 20) -> list[Post]:
    """Newest posts of the actors the member follows and of the spaces the member is in."""
    followed = await Following.filter(follower=member, state=FollowState.ACCEPTED).values_list(
        "target_uri", flat=True
    )
    uris = [str(uri) for uri in followed]
    spaces = await Membership.filter(
        member__actor=member, state=MembershipState.ACCEPTED
    ).values_list("space_id", flat=True)
    posts = Post.filter(
        Q(author_uri__in=uris) | Q(audience__in=uris) | Q(space_id__in=list(spaces)),
        deleted=False,
    )
    return list(await posts.order_by("-id").limit(limit))
