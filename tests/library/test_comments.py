"""Comments on a library's items, as members meet them: a comment is a post of the item's
space, relayed like any comment, its author told; in a confidential space nobody outside reads
it, and whoever may not comment is refused (and audited)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, Member, OutboxActivity
from jxfed.errors import BadRequest
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import changes, comments
from jxfed.spaces.library.librarian import Librarian, librarian
from jxfed.spaces.library.models import AuditEntry, LibraryItem
from jxfed.spaces.models import (
    Access,
    Membership,
    Notification,
    NotificationKind,
    Post,
    Role,
    Space,
)
from jxfed.spaces.posts import OutsideThread, store_post, store_received
from jxfed.spaces.publishing import publish
from jxfed.spaces.registry import add_space
from jxfed.spaces.roles import NotAllowed
from jxfed.spaces.visibility import Reader, may_see, reader_of
from jxfed.workers import start_services

BASE = "https://jxfed.test"
PEER_MEMBER = "https://peer.example/users/clara"


async def text(words: str) -> AsyncIterator[bytes]:
    yield words.encode()


@pytest.fixture
async def services(instance: Settings) -> Services:
    return start_services(instance)


async def _space(instance: Settings, slug: str, access: Access) -> Space:
    """`slug`, owned by amina; bea a contributor, rui a reader, clara a contributor of a peer."""
    await add_space(instance, slug, name=slug.title(), access=access, owner="amina")
    found = await Space.get(actor__name=slug)
    for name, role in [("bea", Role.CONTRIBUTOR), ("rui", Role.READER)]:
        member = await Member.get(actor__name=name)
        await Membership.create(
            space=found, member=member, actor_uri=f"{BASE}/users/{name}", role=role
        )
    await Membership.create(
        space=found,
        actor_uri=PEER_MEMBER,
        inbox="https://peer.example/inbox",
        role=Role.CONTRIBUTOR,
    )
    return found


@pytest.fixture
async def spaces(instance: Settings, services: Services) -> tuple[Space, Space]:
    """sahel (open) and litigation (confidential); dan belongs to neither."""
    for name in ("amina", "bea", "rui", "dan"):
        await add_member(name)
    return (
        await _space(instance, "sahel", Access.OPEN),
        await _space(instance, "litigation", Access.CONFIDENTIAL),
    )


async def as_(services: Services, space: Space, name: str) -> Librarian:
    return await librarian(services, space, f"{BASE}/users/{name}")


async def reader(name: str) -> Reader:
    return await reader_of(await Member.get(actor__name=name), f"{BASE}/users/{name}")


async def note_by_bea(services: Services, space: Space) -> LibraryItem:
    await changes.make_folder(await as_(services, space, "amina"), "/appeal")
    lib = await as_(services, space, "bea")
    return await changes.write_note(lib, "/appeal", "Grounds", "Ground 3: the detention.", "")


async def test_a_comment_on_an_item_is_a_post_of_its_space_relayed_and_its_author_told(
    services: Services, spaces: tuple[Space, Space]
) -> None:
    sahel, _ = spaces
    item = await note_by_bea(services, sahel)
    amina = await LocalActor.get(name="amina")
    lib = await as_(services, sahel, "amina")

    said = await comments.comment(lib, "/appeal/Grounds", amina, "Cite the 2019 ruling.")

    assert (said.in_reply_to, said.space_id, said.audience) == (  # type: ignore[attr-defined]
        item.uri,
        sahel.id,
        f"{BASE}/spaces/sahel",
    )
    announced = await OutboxActivity.filter(type="Announce")
    assert said.uri in [a.document["object"]["object"]["id"] for a in announced]
    told = await Notification.get(member__actor__name="bea")
    assert (told.kind, told.actor_uri, told.object_uri) == (
        NotificationKind.REPLY,
        f"{BASE}/users/amina",
        said.uri,
    )
    bea = await LocalActor.get(name="bea")
    answer = await publish(services, bea, "Done, see page 4.", in_reply_to=said.uri)
    assert answer.space_id == sahel.id  # type: ignore[attr-defined]
    seen = await comments.comments(await reader("rui"), item.uri)
    assert [p.uri for p in seen] == [said.uri, answer.uri]


async def test_a_confidential_items_comments_are_invisible_outside_its_space(
    services: Services, spaces: tuple[Space, Space]
) -> None:
    _, litigation = spaces
    item = await note_by_bea(services, litigation)
    amina = await LocalActor.get(name="amina")
    said = await publish(services, amina, "Witness W-17 confirms.", in_reply_to=item.uri)

    assert said.space_id == litigation.id and not said.public  # type: ignore[attr-defined]
    assert await comments.comments(await reader("dan"), item.uri) == []
    assert await comments.comments(Reader(), item.uri) == []
    assert not await may_see(await reader("dan"), said)
    assert [p.uri for p in await comments.comments(await reader("rui"), item.uri)] == [said.uri]


async def test_whoever_may_not_comment_is_refused_and_audited(
    services: Services, spaces: tuple[Space, Space]
) -> None:
    sahel, _ = spaces
    item = await note_by_bea(services, sahel)
    for name in ("dan", "rui"):  # not a member; a reader
        lib = await as_(services, sahel, name)
        with pytest.raises(NotAllowed):
            await comments.comment(lib, "/appeal/Grounds", await LocalActor.get(name=name), "Hi")
        with pytest.raises(NotAllowed):
            await publish(services, await LocalActor.get(name=name), "Hi", in_reply_to=item.uri)
    assert not await Post.filter(in_reply_to=item.uri).exists()
    refused = AuditEntry.filter(space=sahel, action="refused", detail="comment")
    assert sorted(str(uri) for uri in await refused.values_list("actor_uri", flat=True)) == [
        f"{BASE}/users/dan",
        f"{BASE}/users/rui",
    ]


def _comment_create(item: LibraryItem, audience: str, number: int) -> dict[str, object]:
    note = {
        "id": f"https://peer.example/objects/{number}",
        "type": "Note",
        "attributedTo": PEER_MEMBER,
        "content": "<p>From the peer.</p>",
        "inReplyTo": item.uri,
        "audience": audience,
        "to": [audience],
    }
    return {"id": f"{note['id']}/activity", "type": "Create", "actor": PEER_MEMBER, "object": note}


async def test_a_comment_on_an_item_stays_in_the_items_space(
    services: Services, spaces: tuple[Space, Space]
) -> None:
    sahel, litigation = spaces
    secret = await note_by_bea(services, litigation)
    into_sahel = _comment_create(secret, f"{BASE}/spaces/sahel", 1)
    with pytest.raises(OutsideThread):
        await store_post(into_sahel, sahel, local=False, base_url=BASE)
    outside = _comment_create(secret, f"{BASE}/spaces/litigation", 2)
    assert not await store_received(outside, BASE)  # a space here's item, in no space
    inside = _comment_create(secret, f"{BASE}/spaces/litigation", 3)
    assert await store_post(inside, litigation, local=False, base_url=BASE)
    assert await Post.filter(in_reply_to=secret.uri).count() == 1
    with pytest.raises(BadRequest):  # nor may a member here comment across spaces
        await publish(
            services, await LocalActor.get(name="bea"), "x", space="sahel", in_reply_to=secret.uri
        )
