"""The story of everything this instance sends, told through its services (no network).

amina publishes a note (mention, hashtag, image, content warning), boosts and unboosts it,
posts and comments in an open space here with a member on a peer, posts in a space of the peer,
edits, reacts and takes it back, deletes; follows, joins and leaves on the peer; her spaces
invite, accept and refuse joins and a follow, change a role and remove a member. Everything
queued for delivery is then in the `Delivery` table: tests/test_outgoing_shapes.py reads it as
a jxfed peer's door does, tests/jsonld expands it as a JSON-LD peer does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Follower, Following, FollowState, LocalActor, RemoteActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.boosts import boost, unboost
from jxfed.spaces.editing import delete_post, edit_post
from jxfed.spaces.follows import answer_follow_request, follow, unfollow
from jxfed.spaces.joining import answer_join_request, invite, join, leave
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import Librarian, librarian, peer_librarian
from jxfed.spaces.managing import change_role, remove_member
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Role, Space
from jxfed.spaces.posts import NoteOptions, publish_note
from jxfed.spaces.reactions import react, unreact
from jxfed.spaces.registry import add_space
from jxfed.spaces.relay import post_in_space, post_to_remote_space
from jxfed.workers import start_services
from tests.web.client import BASE, fetch_peer_key

PEER = "https://peer.example"
BRUNO = f"{PEER}/users/bruno"
CLARA = f"{PEER}/users/clara"
DELTA = f"{PEER}/spaces/delta"


async def peer_actors() -> None:
    """The peer's actors as this instance has them cached (no network in this test)."""
    for uri, kind in [(BRUNO, "Person"), (CLARA, "Person"), (DELTA, "Group")]:
        name = uri.rsplit("/", 1)[1]
        await RemoteActor.create(
            uri=uri,
            kind=kind,
            name=name,
            preferred_username=name,
            inbox=f"{uri}/inbox",
            shared_inbox=f"{PEER}/inbox",
            document={
                "id": uri,
                "type": kind,
                "inbox": f"{uri}/inbox",
                "preferredUsername": name,
                "manuallyApprovesFollowers": False,
            },
            fetched_at=datetime.now(UTC),
        )


@dataclass(slots=True)
class Story:
    services: Services
    amina: LocalActor
    note: str  # a public note with a mention, a hashtag, an image and a content warning
    post: str  # an Article in the open space, edited and liked
    comment: str  # deleted: a Tombstone


async def tell(instance: Settings) -> Story:
    """Tell the story (see the module's docstring); the caller closes its services."""
    services = start_services(instance, key_fetcher=fetch_peer_key)
    await allow_peer(PEER.removeprefix("https://"))
    await peer_actors()
    member = await add_member("amina")
    amina = member.actor
    for slug, access in [("sahel", Access.OPEN), ("vigil", Access.ON_REQUEST)]:
        await add_space(instance, slug, name=slug, access=access, owner="amina")
    sahel, vigil = await Space.get(actor__name="sahel"), await Space.get(actor__name="vigil")
    peer_inbox = f"{PEER}/inbox"
    await Membership.create(space=sahel, actor_uri=BRUNO, inbox=peer_inbox, role=Role.CONTRIBUTOR)
    await Follower.create(
        followed=amina,
        follower_uri=BRUNO,
        inbox=peer_inbox,
        follow_id=f"{BRUNO}#follow",
        state=FollowState.ACCEPTED,
    )

    image = {
        "type": "Document",
        "mediaType": "image/png",
        "url": f"{BASE}/media/0123.png",
        "name": "A map of the region",
        "width": 640,
        "height": 480,
    }
    options = NoteOptions(attachments=(image,), summary="Field report", language="fr")
    note = await publish_note(services, amina, "Rapport @bruno@peer.example #Sahel", None, options)
    await boost(services, member, note)
    await unboost(services, member, note)
    post = await post_in_space(services, sahel, amina, "Weekly brief #Sahel", title="Brief")
    comment = await post_in_space(services, sahel, amina, "A comment", in_reply_to=post.uri)
    await edit_post(services, amina, post.uri, "Weekly brief, corrected", title="Brief")
    await react(services, amina, post.uri)
    await unreact(services, amina, post.uri)
    await react(services, amina, post.uri, "🔥")
    await delete_post(services, amina, comment.uri)
    await library_story(await librarian(services, sahel, services.actor_uri(amina)))
    abroad = await post_to_remote_space(services, amina, DELTA, "Field notes", title="Notes")
    await edit_post(services, amina, abroad.uri, "Field notes, corrected", title="Notes")
    await delete_post(services, amina, abroad.uri)
    theirs = f"{PEER}/objects/1"  # bruno's post in delta, as delta announced it here
    await Post.create(
        uri=theirs,
        author_uri=BRUNO,
        audience=DELTA,
        public=True,
        content="<p>theirs</p>",
        published=datetime.now(UTC),
        document={"id": theirs, "type": "Note", "attributedTo": BRUNO, "audience": DELTA},
    )
    await react(services, amina, theirs)
    await unreact(services, amina, theirs)
    await follow(services, amina, BRUNO)
    await unfollow(services, amina, BRUNO)
    await join(services, amina, DELTA)
    await Following.filter(follower=amina, target_uri=DELTA).update(
        state=FollowState.ACCEPTED,
        role=Role.CONTRIBUTOR.value,  # as delta's Accept would
    )
    await library_story(await peer_librarian(services, DELTA, amina), folders=False)
    await leave(services, amina, DELTA)
    await invite(services, vigil, amina, CLARA)
    for name, accept in [("dora", True), ("emil", False)]:
        await Membership.create(
            space=vigil,
            actor_uri=f"{PEER}/users/{name}",
            inbox=peer_inbox,
            role=Role.READER,
            state=MembershipState.PENDING,
            activity_id=f"{PEER}/users/{name}#join",
        )
        await answer_join_request(services, vigil, f"{PEER}/users/{name}", accept=accept)
    await Follower.create(
        followed=await vigil.actor,
        follower_uri=f"{PEER}/users/fatou",
        inbox=peer_inbox,
        follow_id=f"{PEER}/users/fatou#follow",
        state=FollowState.PENDING,
    )
    await answer_follow_request(services, vigil, f"{PEER}/users/fatou", accept=False)
    await change_role(services, sahel, amina, BRUNO, Role.READER)
    await remove_member(services, sahel, amina, BRUNO)
    return Story(services, amina, note.uri, post.uri, comment.uri)


async def library_story(lib: Librarian, folders: bool = True) -> None:
    """amina's library changes: in a space here, announced to its members' instances (a
    folder, a file, a note, each revised, moved, renamed or deleted); in a space of a peer's,
    sent to it as her own Create, Update and Delete (a contributor there makes no folders)."""

    async def brief() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7\nAppeal brief"

    folder = "/Pleadings" if folders else "/"
    if folders:
        await changes.make_folder(lib, folder)
        await changes.set_status(lib, folder, "validated")
    await changes.upload(lib, folder, "Brief.pdf", brief())
    await changes.move(lib, f"{folder.rstrip('/')}/Brief.pdf", f"{folder.rstrip('/')}/Appeal.pdf")
    await changes.write_note(lib, "/", "Minutes", "First hearing")
    await changes.write_note(lib, "/", "Minutes", "First hearing, corrected")
    await changes.remove(lib, "/Minutes")


# Every (activity type, object type) the story sends: a test over `sent()` checks that it saw
# them all, so that it cannot pass by the story sending less.
SENT_KINDS = {
    ("Create", "Note"),
    ("Create", "Article"),
    ("Announce", "Create"),
    ("Announce", None),  # a member's boost
    ("Undo", "Announce"),
    ("Update", "Article"),
    ("Announce", "Update"),
    ("Like", None),
    ("Undo", "Like"),
    ("Announce", "Like"),
    ("Announce", "Undo"),
    ("Delete", "Tombstone"),
    ("Announce", "Delete"),
    ("Follow", None),
    ("Undo", "Follow"),
    ("Join", None),
    ("Leave", None),
    ("Invite", None),
    ("Accept", "Join"),
    ("Reject", "Join"),
    ("Reject", "Follow"),
    ("Update", "Member"),
    ("Remove", None),
    ("Create", "Document"),  # to a peer's space, a member's library changes
    ("Create", "Page"),
    ("Update", "Document"),
    ("Update", "Page"),
}


async def sent() -> list[dict[str, Any]]:
    """Every activity the story queued for delivery, as it will be sent."""
    return [orjson.loads(body) for body in await Delivery.all().values_list("body", flat=True)]
