"""Notes: a member publishes to followers; notes from followed peers' actors are received.

HTML from peers is sanitised (nh3) before it is stored; links get rel="nofollow noopener".
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import nh3
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from jxfed.activitypub.delivery import enqueue
from jxfed.activitypub.dispatch import Activity, Apply
from jxfed.activitypub.proofs import create_proof
from jxfed.actors.activities import AS_CONTEXT, new_activity_id
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Follower, Following, FollowState, LocalActor, OutboxActivity
from jxfed.actors.paths import local_actor_by_uri
from jxfed.actors.remote import remote_actor
from jxfed.errors import BadRequest
from jxfed.spaces.mentions import find_mentions, render
from jxfed.spaces.models import Membership, MembershipState, Post

if TYPE_CHECKING:
    from jxfed.services import Services

MAX_CHARACTERS = 20_000
LINK_REL = "nofollow noopener noreferrer"


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
) -> dict[str, Any]:
    """A Create of a Note (an Article when titled) by a local member, with an FEP-8b32 proof."""
    text = text.strip()
    if not text:
        raise BadRequest("a post needs some text")
    if len(text) > MAX_CHARACTERS:
        raise BadRequest(f"a post has at most {MAX_CHARACTERS} characters")
    author_uri = services.actor_uri(author)
    now = iso(datetime.now(UTC))
    object_id = new_activity_id(services.settings.base_url).replace("/activities/", "/objects/")
    mentioned = await find_mentions(services, text)
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
    if title:
        note["name"] = title.strip()
    create = {
        "@context": AS_CONTEXT,
        "id": f"{object_id}/activity",
        "type": "Create",
        "actor": author_uri,
        "published": now,
        **where,
        "object": note,
    }
    keys = services.keyring.keys_of(author)
    return create_proof(create, keys.ed25519_private, f"{author_uri}#ed25519-key")


async def publish_note(services: Services, member: LocalActor, text: str) -> Post:
    """Publish a public note: stored, put in the outbox, delivered to followers' inboxes."""
    author = services.actor_uri(member)
    create = await build_create(services, member, text, to=[AS_PUBLIC], cc=[f"{author}/followers"])
    note = create["object"]
    note_id, content = note["id"], note["content"]
    now = datetime.now(UTC)
    # Mentioned actors of peers get the note too (local ones are notified when it is stored).
    inboxes: list[str] = []
    for uri in note["cc"][1:]:
        if await local_actor_by_uri(services.settings.base_url, uri) is None:
            inboxes.append((await remote_actor(services, uri)).delivery_inbox)
    await services.peers.refresh()
    async with in_transaction():
        post = await Post.create(
            uri=note_id,
            author_uri=author,
            content=content,
            public=True,
            local=True,
            published=now,
            document=note,
        )
        await OutboxActivity.create(
            uri=create["id"], actor=member, type="Create", document=create, public=True
        )
        followers = Follower.filter(followed=member, state=FollowState.ACCEPTED)
        inboxes += [str(inbox) for inbox in await followers.values_list("inbox", flat=True)]
        await enqueue(create, member.id, inboxes, services.peers.known)
    services.work_arrived.set()
    return post


class PostHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_create(self, activity: Activity) -> Apply | None:
        """Store a note or article from an actor a local member follows."""
        note = activity["object"]
        author = note.get("attributedTo")
        if author != activity["actor"] or not isinstance(note.get("id"), str):
            return None
        if not await Following.filter(target_uri=author, state=FollowState.ACCEPTED).exists():
            return None
        public = AS_PUBLIC in _addresses(note) or AS_PUBLIC in _addresses(activity)
        stored = {**note, "content": sanitise(str(note.get("content") or ""))}

        async def apply() -> None:
            if await Post.filter(uri=note["id"]).exists():
                return
            await Post.create(
                uri=note["id"],
                author_uri=author,
                type=note["type"],
                title=str(note.get("name") or "")[:500],
                content=stored["content"],
                in_reply_to=note.get("inReplyTo")
                if isinstance(note.get("inReplyTo"), str)
                else None,
                public=public,
                local=False,
                published=_published(note),
                document=stored,
            )

        return apply


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
