"""A space's library in the members' pages: browsing, uploading, revisions, downloads (ranges,
ETags, safe headers), notes and their diffs, statuses, moves, deletion and restoring; each form
as the role allows, and a confidential space's library the 404 of a free name to outsiders."""

from __future__ import annotations

import gzip
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from quart import Quart, Response
from werkzeug.datastructures import FileStorage

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings, validate
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from jxfed.spaces.models import Membership, Role, Space
from jxfed.web.pages.library_downloads import attachment, served_type
from tests.pages.conftest import PASSWORD, Browser, token_in

pytestmark = pytest.mark.usefixtures("cast")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PAGE = b"<html><script>alert(1)</script></html>" * 40
LIBRARY = "/spaces/sahel/library"
FILE_MB = 2


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """An instance whose library takes files of 2 MB at most (over the app's 1 MB bodies)."""
    values = {"domain": "jxfed.test", "database_url": database_url, "library_file_mb": FILE_MB}
    return validate(tmp_path, values, {})


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


async def _joined(services: Services, name: str, slug: str, role: Role) -> None:
    """A new member `name` holding `role` in the space `slug`."""
    member = await add_member(name, password=PASSWORD)
    actor = await LocalActor.get(name=name)
    space = await Space.get(actor__name=slug)
    await Membership.create(
        space=space, member=member, actor_uri=services.actor_uri(actor), role=role
    )


async def _upload(
    browser: Browser,
    data: bytes,
    name: str,
    *,
    folder: str = "/",
    title: str = "",
    token: str | None = None,
) -> Response:
    """Send a file through the folder page's upload form, as a browser would."""
    if token is None:
        _, html = await browser.get(LIBRARY + (folder if folder != "/" else ""))
        token = token_in(html)
    fields = {"path": folder, "folder": folder, "file_title": title, "message": "first draft"}
    if token:
        fields["csrf_token"] = token
    response = await browser.client.post(
        f"{LIBRARY}/-/upload",
        form=fields,
        files={"file": FileStorage(BytesIO(data), filename=name, content_type="text/plain")},
        headers={"Accept": "text/html"},
    )
    return response


async def _submit(browser: Browser, page: str, action: str, fields: dict[str, str]) -> Response:
    return await browser.submit(page, action, fields)  # type: ignore[return-value]


async def _text(response: Response) -> str:
    return await response.get_data(as_text=True)


def _download_links(html: str) -> list[str]:
    return re.findall(r'href="(/spaces/sahel/library/-/download/\d+/\d+)"', html)


async def _get(browser: Browser, path: str, **headers: str) -> Response:
    return await browser.client.get(path, headers=headers)


async def test_a_folder_lists_its_folders_first_then_files_with_their_details(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    made = await _submit(browser, LIBRARY, f"{LIBRARY}/-/folder", {"folder_title": "Zeta"})
    uploaded = await _upload(browser, PDF, "appeal.txt")

    status, html = await browser.get(LIBRARY)

    assert made.status_code == 303 and made.headers["Location"] == f"{LIBRARY}/Zeta"
    assert uploaded.status_code == 303 and uploaded.headers["Location"] == f"{LIBRARY}/appeal.txt"
    assert status == 200
    assert html.index(">Zeta<") < html.index(">appeal.txt<")  # folders first, whatever the title
    item = await LibraryItem.get(title="appeal.txt")
    assert item.media_type == "application/pdf"  # from its bytes, not its name
    assert "application/pdf" in html and "amina" in html
    assert f'title="{item.sha256}"' in html and f">{str(item.sha256)[:12]}<" in html


async def test_the_space_page_links_to_its_library_for_its_members(browser: Browser) -> None:
    await browser.sign_in("amina")

    _, html = await browser.get("/spaces/sahel")

    assert f'href="{LIBRARY}"' in html


async def test_a_second_upload_is_revision_2_and_revision_1_still_downloads_its_bytes(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, b"first version\n", "brief.txt")
    await _upload(browser, b"second version\n", "brief.txt")

    status, html = await browser.get(f"{LIBRARY}/brief.txt")
    links = sorted(set(_download_links(html)))
    first = await _get(browser, links[0])
    second = await _get(browser, links[1])

    assert status == 200 and "revision 2" in html
    assert len(links) == 2 and links[0].endswith("/1") and links[1].endswith("/2")
    assert await first.get_data() == b"first version\n"
    assert await second.get_data() == b"second version\n"
    assert await LibraryRevision.all().count() == 2


async def test_a_download_is_an_attachment_in_a_sandbox_named_by_its_digest(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, PAGE, "page.html", title="Requête é.html")
    item = await LibraryItem.get()
    url = f"{LIBRARY}/-/download/{item.id}/1"

    response = await _get(browser, url, **{"Accept-Encoding": "gzip"})
    body = await response.get_data(as_text=False)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")  # never text/html
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Requ%C3%AAte%20%C3%A9.html" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["ETag"] == f'"{item.sha256}"'  # strong: the content's SHA-256
    assert response.headers["Cache-Control"] == "private"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "Content-Encoding" not in response.headers  # a streamed download is sent as stored
    assert body == PAGE and response.headers["Content-Length"] == str(len(PAGE))


async def test_a_download_answers_a_range_a_bad_range_and_a_known_etag(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, b"0123456789", "digits.txt")
    item = await LibraryItem.get()
    url = f"{LIBRARY}/-/download/{item.id}/1"

    part = await _get(browser, url, Range="bytes=2-5")
    tail = await _get(browser, url, Range="bytes=-3")
    beyond = await _get(browser, url, Range="bytes=50-60")
    known = await _get(browser, url, **{"If-None-Match": f'"{item.sha256}"'})

    assert part.status_code == 206 and await part.get_data() == b"2345"
    assert part.headers["Content-Range"] == "bytes 2-5/10"
    assert tail.status_code == 206 and await tail.get_data() == b"789"
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == "bytes */10"
    assert known.status_code == 304 and await known.get_data() == b""


async def test_a_file_over_the_apps_1_mb_bodies_but_within_the_library_limit_is_stored(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    data = b"x" * (1536 * 1024)

    response = await _upload(browser, data, "large.txt")

    assert response.status_code == 303
    assert (await LibraryItem.get()).size == len(data)


@pytest.mark.parametrize("extra", [10 * 1024, 1024 * 1024], ids=["just-over", "far-over"])
async def test_a_file_over_the_library_limit_is_a_413_and_nothing_is_stored(
    browser: Browser, services: Services, extra: int
) -> None:
    await browser.sign_in("amina")

    response = await _upload(browser, b"y" * (FILE_MB * 1024 * 1024 + extra), "huge.bin")
    html = await _text(response)

    assert response.status_code == 413
    assert f"{FILE_MB} MB" in html
    assert await LibraryItem.all().count() == 0
    incoming = services.store.root / "incoming"
    assert not incoming.exists() or not any(incoming.iterdir())


async def test_a_note_is_written_edited_and_its_revisions_compared(browser: Browser) -> None:
    await browser.sign_in("amina")
    new = f"{LIBRARY}/-/note?folder=/"
    written = await _submit(
        browser, new, f"{LIBRARY}/-/note", {"folder": "/", "title": "Minutes", "text": "one\ntwo"}
    )
    _, editing = await browser.get(f"{LIBRARY}/-/note?path=/Minutes")
    edited = await _submit(
        browser,
        f"{LIBRARY}/-/note?path=/Minutes",
        f"{LIBRARY}/-/note",
        {"folder": "/", "editing": "/Minutes", "title": "Minutes", "text": "one\nthree"},
    )

    status, page = await browser.get(f"{LIBRARY}/Minutes")
    _, diff = await browser.get(f"{LIBRARY}/Minutes?older=1&newer=2")
    download = await _get(browser, sorted(set(_download_links(page)))[-1])

    assert written.status_code == 303 and edited.status_code == 303
    assert ">one\ntwo</textarea>" in editing
    assert status == 200 and "three" in page and "revision 2" in page
    assert "<del>-two</del>" in diff and "<ins>+three</ins>" in diff
    assert download.headers["Content-Type"] == "application/octet-stream"  # the note's HTML
    assert b"three" in await download.get_data()


async def test_a_bad_form_is_shown_again_with_its_message_and_what_was_typed(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")

    empty = await _submit(browser, LIBRARY, f"{LIBRARY}/-/folder", {"folder_title": " "})
    slashed = await _submit(browser, LIBRARY, f"{LIBRARY}/-/folder", {"folder_title": "a/b"})
    note = await _submit(
        browser, f"{LIBRARY}/-/note", f"{LIBRARY}/-/note", {"title": "Kept", "text": ""}
    )
    no_file = await browser.client.post(
        f"{LIBRARY}/-/upload",
        form={"csrf_token": token_in((await browser.get(LIBRARY))[1]), "file_title": "Typed"},
        headers={"Accept": "text/html"},
    )

    assert empty.status_code == 422 and 'id="e-folder_title"' in await _text(empty)
    slashed_html = await _text(slashed)
    assert slashed.status_code == 422 and 'value="a/b"' in slashed_html
    assert 'id="e-folder_title"' in slashed_html
    note_html = await _text(note)
    assert note.status_code == 422 and 'value="Kept"' in note_html and 'id="e-text"' in note_html
    no_file_html = await _text(no_file)
    assert no_file.status_code == 422 and 'id="e-file"' in no_file_html
    assert 'value="Typed"' in no_file_html
    assert await LibraryItem.all().count() == 0


async def test_status_move_delete_and_restore_each_add_a_revision(browser: Browser) -> None:
    await browser.sign_in("amina")
    await _submit(browser, LIBRARY, f"{LIBRARY}/-/folder", {"folder_title": "Archive"})
    await _upload(browser, b"report", "report.txt")
    item_page = f"{LIBRARY}/report.txt"

    status = await _submit(
        browser, item_page, f"{LIBRARY}/-/status", {"path": "/report.txt", "status": "validated"}
    )
    moved = await _submit(
        browser,
        item_page,
        f"{LIBRARY}/-/move",
        {"path": "/report.txt", "new_path": "/Archive/report 2024.txt"},
    )
    _, confirm = await browser.get(f"{LIBRARY}/-/delete?path=/Archive/report%202024.txt")
    deleted = await _submit(
        browser, LIBRARY, f"{LIBRARY}/-/delete", {"path": "/Archive/report 2024.txt"}
    )
    _, archive = await browser.get(f"{LIBRARY}/Archive")
    restored = await _submit(
        browser,
        f"{LIBRARY}/Archive",
        f"{LIBRARY}/-/restore",
        {"path": "/Archive/report 2024.txt", "revision": "1"},
    )
    _, top = await browser.get(LIBRARY)

    assert status.status_code == 303
    assert moved.status_code == 303
    assert moved.headers["Location"] == f"{LIBRARY}/Archive/report%202024.txt"
    assert "Delete report 2024.txt?" in confirm
    assert deleted.status_code == 303 and deleted.headers["Location"] == f"{LIBRARY}/Archive"
    assert "Deleted items" in archive and "report 2024.txt" in archive
    assert restored.status_code == 303 and restored.headers["Location"] == f"{LIBRARY}/report.txt"
    assert ">report.txt<" in top
    item = await LibraryItem.get(title="report.txt")
    changes = [r.change.value for r in await LibraryRevision.filter(item=item).order_by("number")]
    assert changes == ["create", "status", "move", "delete", "restore"]
    assert item.status.value == "open" and not item.deleted  # revision 1, as it was


async def test_a_move_onto_a_taken_name_is_shown_again_with_its_message(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, b"a", "a.txt")
    await _upload(browser, b"b", "b.txt")

    response = await _submit(
        browser, f"{LIBRARY}/a.txt", f"{LIBRARY}/-/move", {"path": "/a.txt", "new_path": "/b.txt"}
    )
    html = await _text(response)

    assert response.status_code == 422
    assert 'id="e-new_path"' in html and 'value="/b.txt"' in html


async def test_a_reader_sees_no_form_and_a_forged_upload_is_refused_with_nothing_stored(
    browser: Browser, services: Services
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, b"kept", "kept.txt")
    await _joined(services, "dalia", "sahel", Role.READER)
    await browser.sign_in("dalia")

    _, folder = await browser.get(LIBRARY)
    _, item = await browser.get(f"{LIBRARY}/kept.txt")
    response = await _upload(browser, b"forged", "forged.txt")
    renamed = await _submit(
        browser, f"{LIBRARY}/kept.txt", f"{LIBRARY}/-/move", {"path": "/kept.txt", "new_path": "/x"}
    )
    item_row = await LibraryItem.get()
    download = await _get(browser, f"{LIBRARY}/-/download/{item_row.id}/1")

    assert 'type="file"' not in folder and "/-/folder" not in folder and "/-/note" not in folder
    assert "/-/move" not in item and "/-/status" not in item and "/-/restore" not in item
    assert response.status_code == 403 and renamed.status_code == 403
    assert await LibraryItem.all().count() == 1 and item_row.title == "kept.txt"
    assert download.status_code == 200 and await download.get_data() == b"kept"


async def test_a_contributor_changes_their_own_file_but_not_anothers(
    browser: Browser, services: Services
) -> None:
    await browser.sign_in("amina")
    await _upload(browser, b"amina's", "amina.txt")
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    await browser.sign_in("chidi")
    await _upload(browser, b"chidi's", "chidi.txt")

    _, theirs = await browser.get(f"{LIBRARY}/amina.txt")
    _, own = await browser.get(f"{LIBRARY}/chidi.txt")
    refused = await _submit(
        browser, LIBRARY, f"{LIBRARY}/-/status", {"path": "/amina.txt", "status": "invalid"}
    )

    assert "/-/status" not in theirs and "/-/status" in own
    assert refused.status_code == 403
    assert (await LibraryItem.get(title="amina.txt")).status.value == "open"


async def test_a_form_without_its_token_is_refused_and_changes_nothing(browser: Browser) -> None:
    await browser.sign_in("amina")

    folder = await browser.client.post(
        f"{LIBRARY}/-/folder", form={"folder_title": "Forged"}, headers={"Accept": "text/html"}
    )
    upload = await _upload(browser, b"forged", "forged.txt", token="")

    assert folder.status_code == 403 and upload.status_code == 403
    assert await LibraryItem.all().count() == 0


async def test_a_stranger_to_an_open_space_may_not_read_its_library(
    browser: Browser,
) -> None:
    await browser.sign_in("bakari")

    status, _ = await browser.get(LIBRARY)

    assert status == 403


@pytest.mark.parametrize("who", ["anonymous", "bakari", "member of another space"])
async def test_a_confidential_library_is_a_free_name_to_anyone_outside_it(
    browser: Browser, services: Services, who: str
) -> None:
    await browser.sign_in("amina")
    _, html = await browser.get("/spaces/litigation/library")
    await browser.client.post(
        "/spaces/litigation/library/-/upload",
        form={"csrf_token": token_in(html), "path": "/", "folder": "/"},
        files={"file": FileStorage(BytesIO(b"secret"), filename="secret.txt")},
    )
    item = await LibraryItem.get()
    await _submit(browser, "/spaces/litigation", "/sign-out", {})
    if who == "member of another space":
        await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
        await browser.sign_in("chidi")
    elif who == "bakari":
        await browser.sign_in("bakari")

    for tail in ["/library", "/library/secret.txt", f"/library/-/download/{item.id}/1"]:
        hidden_status, hidden = await browser.get("/spaces/litigation" + tail)
        free_status, free = await browser.get("/spaces/nowhere" + tail)

        assert hidden_status == free_status == 404, tail
        assert hidden.replace("litigation", "NAME") == free.replace("nowhere", "NAME")
        assert "Litigation" not in hidden
    posted = await browser.client.post(
        "/spaces/litigation/library/-/upload",
        form={"path": "/", "folder": "/"},
        files={"file": FileStorage(BytesIO(b"x"), filename="x.txt")},
        headers={"Accept": "text/html"},
    )
    assert posted.status_code == 404
    assert await LibraryItem.all().count() == 1


async def test_a_title_goes_into_content_disposition_quoted() -> None:

    assert attachment('a"b;c é.pdf') == (
        "attachment; filename=\"a_b_c _.pdf\"; filename*=UTF-8''" + quote('a"b;c é.pdf', safe="")
    )
    assert served_type("image/svg+xml") == "application/octet-stream"
    assert served_type("text/html") == "application/octet-stream"
    assert served_type("application/pdf") == "application/pdf"


async def test_a_big_folder_comes_a_hundred_items_a_page_by_cursor(
    browser: Browser, services: Services
) -> None:
    space = await Space.get(actor__name="sahel")
    lib = await librarian(services, space, "https://jxfed.test/users/amina")
    await changes.make_folder(lib, "/evidence/old")
    for n in range(129):
        await changes.write_note(lib, "/evidence", f"Statement {n:03d}", f"text {n}")
    await browser.sign_in("amina")

    _, first = await browser.get(LIBRARY + "/evidence")
    more = re.search(r'href="\?after=(\d+)"', first)
    assert more is not None
    _, second = await browser.get(f"{LIBRARY}/evidence?after={more.group(1)}")

    shown = re.findall(r">Statement (\d{3})<", first) + re.findall(r">Statement (\d{3})<", second)
    assert first.count(">old<") == 1 and ">old<" not in second  # folders first
    assert shown == [f"{n:03d}" for n in range(129)]  # each once, in order
    assert 'href="?after=' not in second
    assert len(gzip.compress(first.encode())) < 20 * 1024  # a full page, well within budget
    assert (await browser.get(f"{LIBRARY}/evidence?after=abc"))[0] == 400
