"""Every activity this instance sends passes the door of a jxfed peer as it is.

The story: a member publishes, posts and comments in a space with a member on a peer, and in
a space of the peer, edits, reacts and takes it back, boosts and takes it back, deletes;
follows, joins and leaves on the peer; a space manager invites, accepts, changes a role and
removes. Everything queued for delivery is then read as the peer's door reads it: already in
the internal shape, within its limits, speaking only for its actor, and routed to a handler
(no 400 for a boost, an Undo...).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from jxfed.activitypub.attribution import check_attribution
from jxfed.activitypub.dispatch import object_type
from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.activitypub.shapes import check_limits, normalise
from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Follower, FollowState, RemoteActor
from jxfed.settings import Settings
from jxfed.spaces.boosts import boost, unboost
from jxfed.spaces.editing import delete_post, edit_post
from jxfed.spaces.follows import follow, unfollow
from jxfed.spaces.joining import answer_join_request, invite, join, leave
from jxfed.spaces.managing import change_role, remove_member
from jxfed.spaces.models import Access, Membership, MembershipState, Post, Role, Space
from jxfed.spaces.posts import publish_note
from jxfed.spaces.reactions import react, unreact
from jxfed.spaces.registry import add_space
from jxfed.spaces.relay import post_in_space, post_to_remote_space
from jxfed.workers import start_services

PEER = "https://peer.example"
BRUNO = f"{PEER}/users/bruno"
CLARA = f"{PEER}/users/clara"
DELTA = f"{PEER}/spaces/delta"


async def _peer_actors() -> None:
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


async def test_every_activity_sent_is_taken_by_a_jxfed_peers_door(instance: Settings) -> None:
    services = start_services(instance)
    await allow_peer("peer.example")
    await _peer_actors()
    amina = await add_member("amina")
    actor = amina.actor
    for slug, access in [("sahel", Access.OPEN), ("vigil", Access.ON_REQUEST)]:
        await add_space(instance, slug, name=slug, access=access, owner="amina")
    sahel, vigil = await Space.get(actor__name="sahel"), await Space.get(actor__name="vigil")
    await Membership.create(
        space=sahel, actor_uri=BRUNO, inbox=f"{PEER}/inbox", role=Role.CONTRIBUTOR
    )
    await Follower.create(
        followed=actor,
        follower_uri=BRUNO,
        inbox=f"{PEER}/inbox",
        follow_id=f"{BRUNO}#follow",
        state=FollowState.ACCEPTED,
    )

    note = await publish_note(services, actor, "A public note for @bruno@peer.example #Sahel")
    await boost(services, amina, note)
    await unboost(services, amina, note)
    post = await post_in_space(services, sahel, actor, "Weekly brief", title="Brief")
    comment = await post_in_space(services, sahel, actor, "A comment", in_reply_to=post.uri)
    await edit_post(services, actor, post.uri, "Weekly brief, corrected", title="Brief")
    await react(services, actor, post.uri)
    await unreact(services, actor, post.uri)
    await react(services, actor, post.uri, "🔥")
    await delete_post(services, actor, comment.uri)
    abroad = await post_to_remote_space(services, actor, DELTA, "Field notes", title="Notes")
    await edit_post(services, actor, abroad.uri, "Field notes, corrected", title="Notes")
    await delete_post(services, actor, abroad.uri)
    theirs = f"{PEER}/objects/1"  # bruno's post in delta, as delta announced it here
    document = {"id": theirs, "type": "Note", "attributedTo": BRUNO, "audience": DELTA}
    await Post.create(
        uri=theirs,
        author_uri=BRUNO,
        audience=DELTA,
        public=True,
        content="<p>theirs</p>",
        published=datetime.now(UTC),
        document=document,
    )
    await react(services, actor, theirs)
    await unreact(services, actor, theirs)
    await follow(services, actor, BRUNO)
    await unfollow(services, actor, BRUNO)
    await join(services, actor, DELTA)
    await leave(services, actor, DELTA)
    await invite(services, vigil, actor, CLARA)
    await Membership.create(
        space=vigil,
        actor_uri=f"{PEER}/users/dora",
        inbox=f"{PEER}/inbox",
        role=Role.READER,
        state=MembershipState.PENDING,
        activity_id=f"{PEER}/users/dora#join",
    )
    await answer_join_request(services, vigil, f"{PEER}/users/dora", accept=True)
    await change_role(services, sahel, actor, BRUNO, Role.READER)
    await remove_member(services, sahel, actor, BRUNO)

    await services.close()
    sent: list[dict[str, Any]] = [
        orjson.loads(body) for body in await Delivery.all().values_list("body", flat=True)
    ]
    kinds = set()
    for activity in sent:
        assert normalise(activity) == activity, activity["type"]
        check_limits(activity)
        check_attribution(activity)
        assert services.dispatcher.handler_for(activity) is not None, activity
        kinds.add((activity["type"], object_type(activity)))
    assert kinds >= {
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
        ("Update", "Member"),
        ("Remove", None),
    }, kinds
