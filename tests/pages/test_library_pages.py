"""A space's library in the members' pages: browsing, uploading, revisions, downloads (ranges,
ETags, safe headers), notes and their diffs, statuses, moves, deletion and restoring; each form
as the role allows, and a confidential space's library the 404 of a free name to outsiders."""

from __future__ import annotations

import pytest

from jxfed.runtime import Services
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from tests.pages.conftest import Browser, token_in
from tests.pages.library_cast import (
    FILE_MB,
    LIBRARY,
    PAGE,
    PDF,
    _download_links,
    _get,
    _submit,
    _text,
    _upload,
    services,
    settings,
)

__all__ = ["services", "settings"]  # the cast's fixtures

pytestmark = pytest.mark.usefixtures("cast")


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
