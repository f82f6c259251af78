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
from jxfed.actors.activities import AS_CONTEXT, new_activity_id
from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import Follower, Following, FollowState, LocalActor, OutboxActivity
from jxfed.errors import BadRequest
from jxfed.spaces.models import Membership, MembershipState, Post

if TYPE_CHECKING:
    from jxfed.services import Services

MAX_NOTE_CHARACTERS = 5000
LINK_REL = "nofollow noopener noreferrer"


def sanitise(content: str) -> str:
    return nh3.clean(content, link_rel=LINK_REL)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def publish_note(services: Services, member: LocalActor, text: str) -> Post:
    """Publish a public note: stored, put in the outbox, delivered to followers' inboxes."""
    text = text.strip()
    if not text:
        raise BadRequest("a note needs some text")
    if len(text) > MAX_NOTE_CHARACTERS:
        raise BadRequest(f"a note has at most {MAX_NOTE_CHARACTERS} characters")
    base = services.settings.base_url
    author = services.actor_uri(member)
    now = datetime.now(UTC)
    note_id = new_activity_id(base).replace("/activities/", "/objects/")
    content = "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
    note: dict[str, Any] = {
        "id": note_id,
        "type": "Note",
        "attributedTo": author,
        "content": content,
        "published": _iso(now),
        "to": [AS_PUBLIC],
        "cc": [f"{author}/followers"],
    }
    create = {
        "@context": AS_CONTEXT,
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": author,
        "published": note["published"],
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }
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
        inboxes = await Follower.filter(followed=member, state=FollowState.ACCEPTED).values_list(
            "inbox", flat=True
        )
        await enqueue(create, member.id, [str(inbox) for inbox in inboxes], services.peers.known)
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
        Q(author_uri__in=uris) | Q(audience__in=uris) | Q(space_id__in=list(spaces))
    )
    return list(await posts.order_by("-id").limit(limit))
