"""A space's library in the members' pages, from outside and by role: what a reader, a contributor,
a stranger and a visitor without the form's token may do; a confidential space's library the 404
of a free name to outsiders; a big folder page by page."""

from __future__ import annotations

import gzip
import re
from io import BytesIO
from urllib.parse import quote

import pytest
from werkzeug.datastructures import FileStorage

from jxfed.runtime import Services
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import Role, Space
from jxfed.web.pages.library_downloads import attachment, served_type
from tests.pages.conftest import Browser, token_in
from tests.pages.library_cast import (
    LIBRARY,
    _get,
    _joined,
    _submit,
    _upload,
    services,
    settings,
)

__all__ = ["services", "settings"]  # the cast's fixtures

pytestmark = pytest.mark.usefixtures("cast")


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
