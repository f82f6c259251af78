"""A post's page: its thread, commenting, reacting, editing with history, deleting, and the
same 404 as a free id for whoever may not see it."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

import pytest
from quart import Quart, Response

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, Member
from jxfed.runtime import Services
from jxfed.spaces.models import (
    Membership,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Reaction,
    Role,
    Space,
)
from jxfed.spaces.publishing import publish
from tests.pages.conftest import PASSWORD, Browser

pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


async def _actor(name: str) -> LocalActor:
    return await LocalActor.get(name=name)


async def _joined(services: Services, name: str, slug: str, role: Role) -> Member:
    """A new member `name` holding `role` in the space `slug`."""
    member = await add_member(name, password=PASSWORD)
    actor = await _actor(name)
    space = await Space.get(actor__name=slug)
    await Membership.create(
        space=space, member=member, actor_uri=services.actor_uri(actor), role=role
    )
    return member


async def _report(services: Services, space: str = "sahel") -> Post:
    return await publish(
        services, await _actor("amina"), "Rains in Mopti", space=space, title="Field report"
    )


async def _comment(services: Services, name: str, parent: Post, text: str) -> Post:
    return await publish(services, await _actor(name), text, in_reply_to=parent.uri)


async def _submit(browser: Browser, page: str, action: str, fields: dict[str, str]) -> Response:
    return cast(Response, await browser.submit(page, action, fields))


def _form(response: Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("Location", "")


async def test_the_thread_shows_each_comment_under_what_it_answers_oldest_first(
    browser: Browser, services: Services
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    first = await _comment(services, "chidi", post, "First comment")
    await _comment(services, "amina", post, "Second comment")
    await _comment(services, "amina", first, "An answer to the first")

    status, html = await browser.get(f"/posts/{post.id}")

    assert status == 200
    assert "<h1" in html and "Field report" in html and "Rains in Mopti" in html
    order = [html.index(t) for t in ("First comment", "An answer to the first", "Second comment")]
    assert order == sorted(order)
    nested = html[html.index("First comment") : html.index("Second comment")]
    assert '<div class="comments">' in nested  # the answer sits inside the first comment
    assert "3 comments" in html
    assert "Sign in to comment" in html and 'action="/posts/' not in html


async def test_a_comment_appears_and_its_posts_author_is_notified(
    browser: Browser, services: Services
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    await browser.sign_in("chidi")

    response = await _submit(
        browser, f"/posts/{post.id}", f"/posts/{post.id}/comments", {"text": "Seen it too"}
    )

    reply = await Post.get(in_reply_to=post.uri)
    assert _form(response) == (303, f"/posts/{post.id}#post-{reply.id}")
    _, html = await browser.get(f"/posts/{post.id}")
    assert "Seen it too" in html
    amina = await Member.get(actor__name="amina")
    notice = await Notification.get(member=amina)
    assert (notice.kind, notice.object_uri) == (NotificationKind.REPLY, reply.uri)


@pytest.mark.parametrize("text", ["   ", "x" * 20_001])
async def test_a_bad_comment_is_shown_again_with_its_text_kept(
    browser: Browser, services: Services, text: str
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    await browser.sign_in("chidi")

    response = await _submit(
        browser, f"/posts/{post.id}", f"/posts/{post.id}/comments", {"text": text}
    )
    html = await response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'id="e-text"' in html
    assert text.strip() in html
    assert not await Post.filter(in_reply_to=post.uri).exists()


async def test_a_non_member_may_read_an_open_spaces_post_but_not_comment(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    await browser.sign_in("bakari")

    status, html = await browser.get(f"/posts/{post.id}")
    response = await _submit(
        browser, f"/posts/{post.id}", f"/posts/{post.id}/comments", {"text": "Let me in"}
    )

    assert status == 200 and "Rains in Mopti" in html
    assert f'action="/posts/{post.id}/comments"' not in html
    assert response.status_code == 403
    assert not await Post.filter(in_reply_to=post.uri).exists()


async def test_a_reaction_toggles_on_and_off(browser: Browser, services: Services) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    await browser.sign_in("chidi")
    page = f"/posts/{post.id}"

    first = await _submit(browser, page, f"{page}/reactions", {"emoji": ""})
    _, liked = await browser.get(page)
    await _submit(browser, page, f"{page}/reactions", {"emoji": "👍"})
    second = await _submit(browser, page, f"{page}/reactions", {"emoji": ""})

    assert _form(first) == (303, f"{page}#post-{post.id}")
    assert 'value="" aria-pressed="true">♥ 1' in liked
    assert _form(second)[0] == 303
    assert [r.emoji for r in await Reaction.filter(post=post)] == ["👍"]


async def test_a_bad_emoji_is_shown_again_with_its_message(
    browser: Browser, services: Services
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    await browser.sign_in("chidi")

    response = await _submit(
        browser, f"/posts/{post.id}", f"/posts/{post.id}/reactions", {"emoji": "not one"}
    )
    html = await response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'id="e-emoji"' in html and 'value="not one"' in html
    assert not await Reaction.exists()


async def test_an_edit_keeps_the_earlier_version_in_the_posts_history(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    await browser.sign_in("amina")

    status, form = await browser.get(f"/posts/{post.id}/edit")
    response = await _submit(
        browser,
        f"/posts/{post.id}/edit",
        f"/posts/{post.id}/edit",
        {"title": "Field report, corrected", "text": "Rains in Mopti & Gao"},
    )
    _, html = await browser.get(f"/posts/{post.id}")

    assert status == 200
    assert 'value="Field report"' in form and ">Rains in Mopti</textarea>" in form
    assert _form(response) == (303, f"/posts/{post.id}")
    revision = await PostRevision.get(post=post)
    assert (revision.title, revision.content) == ("Field report", "<p>Rains in Mopti</p>")
    assert "Rains in Mopti &amp; Gao" in html and "Field report, corrected" in html
    history = html[html.index('id="history"') :]
    assert "Field report" in history and "<p>Rains in Mopti</p>" in history
    assert "edited" in html


async def test_an_edit_without_text_is_shown_again_with_the_title_kept(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    await browser.sign_in("amina")

    response = await _submit(
        browser,
        f"/posts/{post.id}/edit",
        f"/posts/{post.id}/edit",
        {"title": "New title", "text": ""},
    )
    html = await response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'value="New title"' in html and 'id="e-text"' in html
    assert not await PostRevision.exists()


async def test_a_contributor_may_not_change_someone_elses_post(
    browser: Browser, services: Services
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services)
    await browser.sign_in("chidi")

    _, html = await browser.get(f"/posts/{post.id}")
    edit_page, _ = await browser.get(f"/posts/{post.id}/edit")
    edit = await _submit(
        browser,
        f"/posts/{post.id}",
        f"/posts/{post.id}/edit",
        {"title": "Mine", "text": "Mine now"},
    )
    delete = await _submit(browser, f"/posts/{post.id}", f"/posts/{post.id}/delete", {})

    assert f'href="/posts/{post.id}/edit"' not in html
    assert (edit_page, edit.status_code, delete.status_code) == (403, 403, 403)
    unchanged = await Post.get(id=post.id)
    assert (unchanged.content, unchanged.deleted) == ("<p>Rains in Mopti</p>", False)


async def test_a_content_manager_deletes_any_post_but_edits_only_their_own(
    browser: Browser, services: Services
) -> None:
    await _joined(services, "dora", "sahel", Role.CONTENT_MANAGER)
    post = await _report(services)
    await browser.sign_in("dora")

    _, html = await browser.get(f"/posts/{post.id}")
    edit_page, _ = await browser.get(f"/posts/{post.id}/edit")
    response = await _submit(browser, f"/posts/{post.id}/delete", f"/posts/{post.id}/delete", {})

    assert f'href="/posts/{post.id}/delete"' in html
    assert f'href="/posts/{post.id}/edit"' not in html and edit_page == 403
    assert _form(response) == (303, "/spaces/sahel")
    assert (await Post.get(id=post.id)).deleted


async def test_deleting_asks_first_then_the_post_is_gone(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    comment = await _comment(services, "amina", post, "A comment of mine")
    await browser.sign_in("amina")

    status, confirm = await browser.get(f"/posts/{post.id}/delete")
    assert status == 200 and "Rains in Mopti" in confirm
    assert not (await Post.get(id=post.id)).deleted
    gone_comment = await _submit(
        browser, f"/posts/{comment.id}/delete", f"/posts/{comment.id}/delete", {}
    )
    response = await _submit(browser, f"/posts/{post.id}/delete", f"/posts/{post.id}/delete", {})

    assert _form(gone_comment) == (303, f"/posts/{post.id}")
    assert _form(response) == (303, "/spaces/sahel")
    assert (await browser.get(f"/posts/{post.id}"))[0] == 404
    assert (await Post.get(id=post.id)).deleted


def _same_page(html: str, path: str) -> str:
    return html.replace(path, "PATH")


async def test_a_confidential_post_is_a_free_id_for_everyone_outside_its_space(
    app: Quart, browser: Browser, services: Services
) -> None:
    await _joined(services, "chidi", "sahel", Role.CONTRIBUTOR)
    post = await _report(services, space="litigation")
    mine = f"/posts/{post.id}"
    for name in (None, "bakari", "chidi"):  # anonymous, a non-member, another space's member
        visitor = Browser(app.test_client())
        if name:
            await visitor.sign_in(name)
        status, html = await visitor.get(mine)
        free_status, free = await visitor.get("/posts/999999")
        assert (status, free_status) == (404, 404), name
        assert _same_page(html, mine) == _same_page(free, "/posts/999999"), name
        assert "Field report" not in html and "litigation" not in html.lower()
        assert (await visitor.get(f"{mine}/edit"))[0] in (303, 404)
        assert (await visitor.get(urlsplit(post.uri).path))[0] == 404
        assert (await visitor.get("/posts/" + "9" * 30))[0] == 404  # beyond any database id
        if name:
            comment = await _submit(visitor, "/password", f"{mine}/comments", {"text": "Hello"})
            react = await _submit(visitor, "/password", f"{mine}/reactions", {"emoji": ""})
            assert (comment.status_code, react.status_code) == (404, 404)
    assert not await Post.filter(in_reply_to=post.uri).exists()
    assert not await Reaction.exists()
    await browser.sign_in("amina")
    assert (await browser.get(mine))[0] == 200


async def test_a_form_without_its_token_is_refused_and_changes_nothing(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    await browser.sign_in("amina")
    page = f"/posts/{post.id}"

    for action, fields in [
        ("comments", {"text": "Hello"}),
        ("reactions", {"emoji": ""}),
        ("edit", {"title": "Changed", "text": "Changed"}),
        ("delete", {}),
    ]:
        response = await browser.client.post(
            f"{page}/{action}", form=fields, headers={"Accept": "text/html"}
        )
        assert response.status_code == 403, action

    unchanged = await Post.get(id=post.id)
    assert (unchanged.content, unchanged.deleted) == ("<p>Rains in Mopti</p>", False)
    assert not await Post.filter(in_reply_to=post.uri).exists()
    assert not await Reaction.exists() and not await PostRevision.exists()


async def test_a_browser_opening_a_posts_id_goes_to_its_page(
    browser: Browser, services: Services
) -> None:
    post = await _report(services)
    hidden = await _report(services, space="litigation")

    opened = await browser.client.get(urlsplit(post.uri).path, headers={"Accept": "text/html"})
    refused, html = await browser.get(urlsplit(hidden.uri).path)
    machine = await browser.client.get(
        urlsplit(post.uri).path, headers={"Accept": "application/activity+json"}
    )

    assert _form(opened) == (303, f"/posts/{post.id}")
    assert refused == 404 and "<h1>" in html and "Field report" not in html
    assert machine.status_code == 401  # an ActivityPub client still signs its fetch
