"""The library's core, as a member (or a peer's member) acting on a space's library meets it:
revisions that never overwrite, contents stored once and proven by their SHA-256, the role
table cell by cell, limits, and an audit chain that shows any later edit."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from jxfed.actors.local_actors import add_member
from jxfed.errors import BadRequest, Conflict, NotFound
from jxfed.files.store import TooLarge
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import audit, changes, reading
from jxfed.spaces.library.librarian import Librarian, librarian
from jxfed.spaces.library.models import AuditEntry, ItemStatus, LibraryItem, LibraryRevision
from jxfed.spaces.models import Access, Membership, MembershipState, Role, Space
from jxfed.spaces.registry import add_space
from jxfed.spaces.roles import NotAllowed
from jxfed.workers import start_services

BASE = "https://jxfed.test"
PDF = b"%PDF-1.7\n" + b"hearing transcript " * 500
PEER_MEMBER = "https://peer.example/users/clara"


async def stream(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture
async def services(instance: Settings) -> Services:
    return start_services(instance)


@pytest.fixture
async def space(instance: Settings, services: Services) -> Space:
    """sahel, owned by amina (space manager); rui a reader, bea a contributor, carl a content
    manager, clara a contributor from a peer; dan belongs to nothing."""
    await add_member("amina")
    await add_space(instance, "sahel", name="Sahel", access=Access.OPEN, owner="amina")
    found = await Space.get(actor__name="sahel")
    for name, role in [
        ("rui", Role.READER),
        ("bea", Role.CONTRIBUTOR),
        ("carl", Role.CONTENT_MANAGER),
    ]:
        member = await add_member(name)
        await Membership.create(
            space=found, member=member, actor_uri=f"{BASE}/users/{name}", role=role
        )
    await add_member("dan")
    await Membership.create(
        space=found,
        actor_uri=PEER_MEMBER,
        inbox="https://peer.example/inbox",
        role=Role.CONTRIBUTOR,
    )
    return found


async def as_(services: Services, space: Space, name: str) -> Librarian:
    uri = name if name.startswith("https://") else f"{BASE}/users/{name}"
    return await librarian(services, space, uri)


async def content(lib: Librarian, path: str, number: int | None = None) -> bytes:
    found = await reading.download(lib, path, number)
    return b"".join([chunk async for chunk in reading.chunks(lib, found)])


async def test_an_upload_is_stored_once_by_its_digest_and_typed_by_its_bytes(
    services: Services, space: Space
) -> None:
    bea = await as_(services, space, "bea")

    item = await changes.upload(bea, "/", "transcript.txt", stream(PDF))
    again = await changes.upload(bea, "/", "copy.txt", stream(PDF))

    assert (item.media_type, item.size) == ("application/pdf", len(PDF))
    assert item.sha256 == again.sha256
    stored = [p for p in services.store.root.rglob("*") if p.is_file()]
    assert stored == [services.store.path(str(item.sha256))]
    assert await content(bea, "/transcript.txt") == PDF


async def test_nothing_is_overwritten_every_change_is_a_revision(
    services: Services, space: Space
) -> None:
    carl = await as_(services, space, "carl")
    await changes.make_folder(carl, "/pleadings/appeal")
    await changes.upload(carl, "/pleadings/appeal", "brief.pdf", stream(PDF))
    await changes.upload(carl, "/pleadings/appeal", "brief.pdf", stream(PDF + b"v2"), message="v2")
    await changes.set_status(carl, "/pleadings/appeal/brief.pdf", "validated")
    await changes.move(carl, "/pleadings/appeal/brief.pdf", "/pleadings/brief-final.pdf")
    await changes.remove(carl, "/pleadings/brief-final.pdf")

    assert await reading.listing(carl, "/pleadings") == [await LibraryItem.get(title="appeal")]
    item, revisions = await reading.history(carl, "/pleadings/brief-final.pdf")
    assert [r.change for r in revisions] == ["create", "edit", "status", "move", "delete"]
    assert revisions[1].message == "v2" and revisions[2].status == ItemStatus.VALIDATED
    assert item.deleted and item.revision == 5
    assert await content(carl, "/pleadings/brief-final.pdf", 1) == PDF

    await changes.restore(carl, "/pleadings/brief-final.pdf", 1)

    restored = await LibraryItem.get(id=item.id)
    assert (restored.title, restored.deleted, restored.revision) == ("brief.pdf", False, 6)
    assert await content(carl, "/pleadings/appeal/brief.pdf") == PDF


async def test_a_notes_revisions_show_what_changed(services: Services, space: Space) -> None:
    bea = await as_(services, space, "bea")
    await changes.write_note(bea, "/", "Minutes", "Hearing on Monday.\n\nWitness A heard.")
    await changes.write_note(bea, "/", "Minutes", "Hearing on Tuesday.\n\nWitness A heard.")

    diff = await reading.note_diff(bea, "/Minutes", 1, 2)

    assert "-Hearing on Monday." in diff and "+Hearing on Tuesday." in diff
    assert "Witness A heard." not in [line[1:] for line in diff if line[:1] in "+-"]


ACTIONS = ["read", "upload", "edit_own", "edit_any", "folder", "move", "delete_any", "restore"]


async def _try(owner: Librarian, lib: Librarian, action: str) -> bool:
    """Set up what `action` needs as the owner, then attempt it as `lib`: done, or refused."""
    await changes.upload(owner, "/", f"{action}.txt", stream(action.encode()))
    if action == "edit_own":  # an item of the actor's own
        await LibraryItem.filter(title="edit_own.txt").update(author_uri=lib.actor_uri)
    attempts = {
        "read": lambda: reading.listing(lib, "/"),
        "upload": lambda: changes.upload(lib, "/", "new.txt", stream(b"new")),
        "edit_own": lambda: changes.set_status(lib, "/edit_own.txt", "validated"),
        "edit_any": lambda: changes.set_status(lib, "/edit_any.txt", "invalid"),
        "folder": lambda: changes.make_folder(lib, "/new"),
        "move": lambda: changes.move(lib, "/move.txt", "/reports/move.txt"),
        "delete_any": lambda: changes.remove(lib, "/delete_any.txt"),
        "restore": lambda: changes.restore(lib, "/restore.txt", 1),
    }
    try:
        await attempts[action]()
    except NotAllowed:
        return False
    return True


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("dan", set()),
        ("rui", {"read"}),
        ("bea", {"read", "upload", "edit_own"}),
        (PEER_MEMBER, {"read", "upload", "edit_own"}),
        ("carl", set(ACTIONS)),
        ("amina", set(ACTIONS)),
    ],
)
async def test_the_role_table_cell_by_cell(
    services: Services, space: Space, who: str, allowed: set[str]
) -> None:
    owner = await as_(services, space, "amina")
    await changes.make_folder(owner, "/reports")
    lib = await as_(services, space, who)

    done = {action for action in ACTIONS if await _try(owner, lib, action)}

    assert done == allowed


async def test_every_refusal_is_in_the_audit_trail(services: Services, space: Space) -> None:
    rui = await as_(services, space, "rui")

    with pytest.raises(NotAllowed):
        await changes.upload(rui, "/", "x.txt", stream(b"x"))

    entry = await AuditEntry.filter(space=space, action="refused").first()
    assert entry is not None and entry.actor_uri == f"{BASE}/users/rui"
    assert entry.detail == "upload"
    assert not await LibraryItem.exists()


async def test_the_audit_chain_shows_any_later_edit_of_the_table(
    services: Services, space: Space
) -> None:
    bea = await as_(services, space, "bea")
    await changes.upload(bea, "/", "a.txt", stream(b"a"))
    await content(bea, "/a.txt")
    await reading.history(bea, "/a.txt")
    space_uri = f"{BASE}/spaces/sahel"

    assert (await audit.verify(space, space_uri)).intact
    actions = (
        await AuditEntry.filter(space=space).order_by("sequence").values_list("action", flat=True)
    )
    assert actions == ["create", "download", "view"]

    await AuditEntry.filter(space=space, sequence=2).update(actor_uri=f"{BASE}/users/amina")

    assert (await audit.verify(space, space_uri)).broken_at == 2


async def test_limits_refuse_and_keep_nothing(services: Services, space: Space) -> None:
    small = dataclasses.replace(services.settings, library_file_mb=1)
    bea = await as_(services, space, "bea")
    bea.services = start_services(small)

    with pytest.raises(TooLarge) as refused:
        await changes.upload(bea, "/", "big.bin", stream(b"x" * (1024 * 1024 + 1), 65536))

    assert refused.value.status == 413
    assert not await LibraryItem.exists()
    assert [p for p in services.store.root.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("title", ["..", ".", "a/b", "bad\x00name", " ", "x" * 256])
async def test_no_title_can_reach_outside_the_library(
    services: Services, space: Space, title: str
) -> None:
    bea = await as_(services, space, "bea")

    with pytest.raises(BadRequest):
        await changes.upload(bea, "/", "file.txt", stream(b"x"), title=title)


async def test_names_clash_within_a_folder_only(services: Services, space: Space) -> None:
    carl = await as_(services, space, "carl")
    await changes.make_folder(carl, "/a")
    await changes.make_folder(carl, "/b")
    await changes.write_note(carl, "/a", "Notes", "one")
    await changes.write_note(carl, "/b", "Notes", "two")

    with pytest.raises(Conflict):
        await changes.move(carl, "/a/Notes", "/b/Notes")
    with pytest.raises(BadRequest):
        await changes.move(carl, "/a", "/a/inside")
    with pytest.raises(Conflict):
        await changes.upload(carl, "/a", "Notes", stream(b"a file named like the note"))


async def test_verify_finds_a_content_changed_on_disk(services: Services, space: Space) -> None:
    bea = await as_(services, space, "bea")
    item = await changes.upload(bea, "/", "a.txt", stream(b"original"))
    services.store.path(str(item.sha256)).write_bytes(b"tampered")

    checked, damage = await reading.verify(space, services.store)

    assert checked == 1
    assert [(d.path, d.revision, d.sha256) for d in damage] == [("/a.txt", 1, item.sha256)]
    assert damage[0].found is not None and damage[0].found != item.sha256


async def test_revisions_are_numbered_once_per_item(services: Services, space: Space) -> None:
    bea = await as_(services, space, "bea")
    for n in range(3):
        await changes.write_note(bea, "/", "Log", f"entry {n}")

    numbers = await LibraryRevision.filter(item__title="Log").values_list("number", flat=True)
    assert sorted(numbers) == [1, 2, 3]
    assert MembershipState.ACCEPTED  # the cast's memberships are accepted ones


@pytest.mark.parametrize("number", [0, -1, 2**31, 10**12])
async def test_a_revision_no_column_holds_is_simply_not_there(
    services: Services, space: Space, number: int
) -> None:
    carl = await as_(services, space, "carl")
    await changes.write_note(carl, "/", "Minutes", "text")

    with pytest.raises(NotFound):
        await reading.download(carl, "/Minutes", number)
    with pytest.raises(NotFound):
        await changes.restore(carl, "/Minutes", number)


async def test_a_content_lost_from_disk_is_a_clear_refusal_not_half_a_file(
    services: Services, space: Space
) -> None:
    bea = await as_(services, space, "bea")
    item = await changes.upload(bea, "/", "a.txt", stream(b"original"))
    services.store.path(str(item.sha256)).unlink()

    with pytest.raises(NotFound, match="library verify"):
        await reading.download(bea, "/a.txt")
