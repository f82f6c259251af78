"""Comments on a library item from its page: written with the item page's form, shown there
oldest first and nested as a post's thread, its author told by a notification naming the item;
a reader sees them but no form, and a forged comment is refused with nothing stored."""

from __future__ import annotations

import re

import pytest
from quart import Quart, Response

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.spaces.models import Membership, Post, Role, Space
from tests.pages.conftest import PASSWORD, Browser

pytestmark = pytest.mark.usefixtures("cast")
LIBRARY = "/spaces/sahel/library"
ITEM = f"{LIBRARY}/Minutes"


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


async def _joined(services: Services, name: str, role: Role) -> None:
    member = await add_member(name, password=PASSWORD)
    actor = await LocalActor.get(name=name)
    await Membership.create(
        space=await Space.get(actor__name="sahel"),
        member=member,
        actor_uri=services.actor_uri(actor),
        role=role,
    )


async def _minutes_by_amina(browser: Browser) -> None:
    await browser.sign_in("amina")
    fields = {"folder": "/", "title": "Minutes", "text": "Hearing on the 3rd."}
    written = await browser.submit(f"{LIBRARY}/-/note?folder=/", f"{LIBRARY}/-/note", fields)
    assert written.status_code == 303  # type: ignore[attr-defined]


async def _comment(browser: Browser, text: str) -> Response:
    fields = {"path": "/Minutes", "comment": text}
    return await browser.submit(ITEM, f"{LIBRARY}/-/comment", fields)  # type: ignore[return-value]


async def test_a_comment_from_the_item_page_is_shown_there_nested_and_its_author_told(
    browser: Browser, services: Services
) -> None:
    await _minutes_by_amina(browser)
    await _joined(services, "dalia", Role.CONTRIBUTOR)
    await browser.sign_in("dalia")

    sent = await _comment(browser, "Page 4 cites the wrong article.")
    first = await Post.get(content__contains="wrong article")
    reply = await browser.submit(
        f"/posts/{first.id}", f"/posts/{first.id}/comments", {"text": "Fixed in revision 2."}
    )
    second = await Post.get(content__contains="revision 2")
    _, page = await browser.get(ITEM)
    await browser.sign_in("amina")
    _, notifications = await browser.get("/notifications")

    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"#post-{first.id}")
    assert reply.status_code == 303  # type: ignore[attr-defined]
    assert "2 comments" in page and 'action="/spaces/sahel/library/-/comment"' in page
    nested = re.search(r'id="post-\d+".*wrong article.*class="comments".*revision 2', page, re.S)
    assert nested is not None
    assert second.in_reply_to == first.uri
    assert "dalia commented on Minutes" in notifications
    assert f'href="{ITEM}#post-{first.id}"' in notifications


async def test_a_reader_sees_the_comments_but_no_form_and_a_forged_comment_is_refused(
    browser: Browser, services: Services
) -> None:
    await _minutes_by_amina(browser)
    await _comment(browser, "Read before Friday.")
    await _joined(services, "rui", Role.READER)
    await browser.sign_in("rui")

    _, page = await browser.get(ITEM)
    forged = await _comment(browser, "A reader's comment.")

    assert "Read before Friday." in page and "/-/comment" not in page
    assert forged.status_code == 403 and "not allowed" in await forged.get_data(as_text=True)
    assert await Post.all().count() == 1


async def test_a_confidential_items_comments_are_a_free_name_to_outsiders(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    fields = {"folder": "/", "title": "Witness", "text": "W-17."}
    await browser.submit(
        "/spaces/litigation/library/-/note?folder=/", "/spaces/litigation/library/-/note", fields
    )
    await browser.submit(
        "/spaces/litigation/library/Witness",
        "/spaces/litigation/library/-/comment",
        {"path": "/Witness", "comment": "Under seal."},
    )
    await browser.sign_in("bakari")

    status, _ = await browser.get("/spaces/litigation/library/Witness")
    forged = await browser.submit(
        "/home", "/spaces/litigation/library/-/comment", {"path": "/Witness", "comment": "Hi?"}
    )

    assert status == 404 and forged.status_code == 404  # type: ignore[attr-defined]
    assert await Post.all().count() == 1
