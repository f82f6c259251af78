"""The library of a peer's space in this instance's pages (`/spaces/delta@peer.example/library`):
read from this instance's verified copy with the role the space gave, changed through the
space; a space that hides itself is the 404 of a free name to a stranger and to a member who
left it."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from quart import Quart
from werkzeug.datastructures import FileStorage

from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.actors.models import Following, FollowState, Member, RemoteActor
from jxfed.runtime import Services
from jxfed.spaces.library.models import Change, ItemKind, LibraryItem, LibraryRevision
from jxfed.spaces.models import Role
from tests.pages.conftest import Browser, token_in

pytestmark = pytest.mark.usefixtures("cast")
BASE = "https://jxfed.test"
DELTA = "https://peer.example/spaces/delta"
BRUNO = "https://peer.example/users/bruno"
LIBRARY = "/spaces/delta@peer.example/library"
BRIEF = b"%PDF-1.7\n" + b"Appeal brief, ground 3 " * 200


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


async def _peer_space(services: Services, *, discoverable: bool = True) -> LibraryItem:
    """delta on peer.example, and this instance's copy of its library: bruno's brief in the
    folder Appeal, its content in the store (as receiving.py keeps it once verified)."""
    await allow_peer("peer.example")
    await RemoteActor.create(
        uri=DELTA,
        kind="Group",
        name="Delta",
        preferred_username="delta",
        inbox=f"{DELTA}/inbox",
        document={"id": DELTA, "type": "Group", "discoverable": discoverable},
        fetched_at=datetime.now(UTC),
    )
    stored = await services.store.put_bytes(BRIEF, len(BRIEF), "brief.pdf")
    folder = await LibraryItem.create(
        uri="https://peer.example/library/appeal",
        space_uri=DELTA,
        local=False,
        kind=ItemKind.FOLDER,
        title="Appeal",
        author_uri=BRUNO,
    )
    brief = await LibraryItem.create(
        uri="https://peer.example/library/brief",
        space_uri=DELTA,
        local=False,
        kind=ItemKind.FILE,
        parent=folder,
        title="Brief.pdf",
        author_uri=BRUNO,
        sha256=stored.sha256,
        size=stored.size,
        media_type=stored.media_type,
    )
    for item in (folder, brief):
        await LibraryRevision.create(
            item=item,
            number=1,
            change=Change.CREATE,
            author_uri=BRUNO,
            title=item.title,
            parent_id_then=item.parent_id,  # type: ignore[attr-defined]
            status=item.status,
            sha256=item.sha256,
            size=item.size,
            media_type=item.media_type,
        )
    return brief


async def _member(name: str, role: Role) -> None:
    """`name` (here) is a member of delta, with the role the space told."""
    member = await Member.get(actor__name=name)
    await Following.create(
        follower_id=member.actor_id,  # type: ignore[attr-defined]
        target_uri=DELTA,
        follow_id=f"{BASE}/activities/join-delta-{name}",
        state=FollowState.ACCEPTED,
        role=role.value,
    )


async def test_a_member_browses_and_downloads_a_peers_space_library_from_this_instance(
    browser: Browser, services: Services
) -> None:
    brief = await _peer_space(services)
    await _member("bakari", Role.READER)
    await browser.sign_in("bakari")

    _, space = await browser.get("/spaces/delta@peer.example")
    top_status, top = await browser.get(LIBRARY)
    item_status, item = await browser.get(f"{LIBRARY}/Appeal/Brief.pdf")
    [link] = set(re.findall(r'href="(/spaces/delta@peer\.example/library/-/download/\d+/1)"', item))
    download = await browser.client.get(link)

    assert f'href="{LIBRARY}"' in space
    assert top_status == 200 and f'href="{LIBRARY}/Appeal"' in top
    assert item_status == 200 and "bruno" in item and str(brief.sha256) in item
    assert await download.get_data() == BRIEF
    assert download.headers["ETag"] == f'"{hashlib.sha256(BRIEF).hexdigest()}"'
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="Brief.pdf"')
    assert download.headers["Content-Security-Policy"] == "sandbox"
    assert 'enctype="multipart/form-data"' not in top  # a reader, as the space said


async def test_a_reader_of_a_peers_space_is_refused_an_upload_and_nothing_is_stored(
    browser: Browser, services: Services
) -> None:
    await _peer_space(services)
    await _member("bakari", Role.READER)
    await browser.sign_in("bakari")
    _, html = await browser.get(LIBRARY)

    response = await browser.client.post(
        f"{LIBRARY}/-/upload",
        form={"csrf_token": token_in(html), "path": "/", "folder": "/"},
        files={"file": FileStorage(BytesIO(b"a reader's note"), filename="note.txt")},
        headers={"Accept": "text/html"},
    )

    assert response.status_code == 403
    assert await LibraryItem.filter(space_uri=DELTA).count() == 2
    assert not await Delivery.filter(inbox=f"{DELTA}/inbox").exists()


async def test_a_contributors_upload_rename_note_and_delete_go_to_the_peers_space(
    browser: Browser, services: Services
) -> None:
    await _peer_space(services)
    await _member("bakari", Role.CONTRIBUTOR)
    await browser.sign_in("bakari")
    _, html = await browser.get(f"{LIBRARY}/Appeal")

    uploaded = await browser.client.post(
        f"{LIBRARY}/-/upload",
        form={"csrf_token": token_in(html), "path": "/Appeal", "folder": "/Appeal"},
        files={"file": FileStorage(BytesIO(b"Exhibit 12\n"), filename="Exhibit 12.txt")},
        headers={"Accept": "text/html"},
    )
    renamed = await browser.submit(
        f"{LIBRARY}/Appeal/Exhibit 12.txt",
        f"{LIBRARY}/-/move",
        {"path": "/Appeal/Exhibit 12.txt", "new_path": "/Appeal/Exhibit 12b.txt"},
    )
    _, listing = await browser.get(f"{LIBRARY}/Appeal")
    noted = await browser.submit(
        f"{LIBRARY}/-/note?folder=/Appeal",
        f"{LIBRARY}/-/note",
        {"folder": "/Appeal", "title": "Hearing", "text": "Room 3, at nine."},
    )
    deleted = await browser.submit(
        f"{LIBRARY}/-/delete?path=/Appeal/Hearing",
        f"{LIBRARY}/-/delete",
        {"path": "/Appeal/Hearing"},
    )

    assert uploaded.status_code == 303
    assert uploaded.headers["Location"] == f"{LIBRARY}/Appeal/Exhibit%2012.txt"
    assert renamed.status_code == 303  # type: ignore[attr-defined]
    assert ">Exhibit 12b.txt<" in listing
    exhibit = await LibraryItem.get(title="Exhibit 12b.txt")
    assert exhibit.space_id is None and exhibit.space_uri == DELTA  # type: ignore[attr-defined]
    assert exhibit.author_uri == f"{BASE}/users/bakari"
    assert noted.status_code == deleted.status_code == 303  # type: ignore[attr-defined]
    assert (await LibraryItem.get(title="Hearing")).deleted
    # Create and Update of the exhibit, Create and Delete of the note: each to the space
    assert await Delivery.filter(inbox=f"{DELTA}/inbox").count() == 4


async def test_a_hidden_peers_library_is_a_free_name_to_a_stranger_and_to_a_member_who_left(
    browser: Browser, services: Services
) -> None:
    brief = await _peer_space(services, discoverable=False)
    await _member("amina", Role.CONTRIBUTOR)
    tails = ["/library", "/library/Appeal/Brief.pdf", f"/library/-/download/{brief.id}/1"]

    for who in ("bakari", "amina"):
        await browser.sign_in(who)
        if who == "amina":  # she reads it, then leaves the space
            status, _ = await browser.get(LIBRARY)
            assert status == 200
            left = await browser.submit(
                "/spaces/delta@peer.example", "/spaces/delta@peer.example/leave", {}
            )
            assert left.status_code == 303  # type: ignore[attr-defined]
        for tail in tails:
            hidden_status, hidden = await browser.get("/spaces/delta@peer.example" + tail)
            free_status, free = await browser.get("/spaces/omega@peer.example" + tail)

            assert hidden_status == free_status == 404, (who, tail)
            assert hidden.replace("delta", "NAME") == free.replace("omega", "NAME")
        await browser.submit("/home", "/sign-out", {})
