"""The way in: front page, sign-in and out, password, language, and every page's headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quart import Quart, g

from jxfed.actors.models import Member
from jxfed.actors.passwords import check_password
from jxfed.web.pages import i18n
from jxfed.web.pages.models import BrowserSession
from tests.pages.conftest import PASSWORD, Browser, token_in

pytestmark = pytest.mark.usefixtures("cast")


async def test_front_page_lists_open_and_on_request_spaces_never_the_confidential_one(
    browser: Browser,
) -> None:
    status, html = await browser.get("/")

    assert status == 200
    assert 'href="/spaces/sahel"' in html and 'href="/spaces/vigil"' in html
    assert "litigation" not in html.lower()
    assert "1 member" in html  # amina, the owner, in each


async def test_sign_in_starts_a_session_with_a_safe_cookie_and_lands_on_home(
    browser: Browser,
) -> None:
    response = await browser.sign_in("amina")

    assert response.headers["Location"] == "/home"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "jxfed_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" in cookie  # the test instance is https://jxfed.test
    status, _ = await browser.get("/")
    assert status == 303


async def test_a_wrong_password_shows_the_form_again_with_the_name_kept(browser: Browser) -> None:
    response = await browser.submit(
        "/sign-in", "/sign-in", {"username": "amina", "password": "wrong password"}
    )
    html = (await response.get_data()).decode()

    assert response.status_code == 422
    assert 'value="amina"' in html
    assert "do not match" in html
    assert "wrong password" not in html
    assert await BrowserSession.all().count() == 0


async def test_a_form_without_its_token_is_refused_and_changes_nothing(browser: Browser) -> None:
    response = await browser.client.post(
        "/sign-in",
        form={"username": "amina", "password": PASSWORD},
        headers={"Accept": "text/html"},
    )

    assert response.status_code == 403
    assert await BrowserSession.all().count() == 0


async def test_a_token_from_another_browser_is_refused(app: object, browser: Browser) -> None:
    _, html = await browser.get("/sign-in")
    other = Browser(app.test_client())  # type: ignore[attr-defined]
    await other.get("/sign-in")

    response = await other.client.post(
        "/sign-in", form={"csrf_token": token_in(html), "username": "amina", "password": PASSWORD}
    )

    assert response.status_code == 403


async def test_sign_out_ends_the_session_in_the_database(browser: Browser) -> None:
    await browser.sign_in("amina")
    assert await BrowserSession.all().count() == 1

    response = await browser.submit("/password", "/sign-out", {})

    assert response.status_code == 303
    assert await BrowserSession.all().count() == 0
    status, _ = await browser.get("/password")
    assert status == 303  # to the sign-in page


async def test_changing_the_password_signs_out_every_other_browser(
    app: object, browser: Browser
) -> None:
    other = Browser(app.test_client())  # type: ignore[attr-defined]
    await other.sign_in("amina")
    await browser.sign_in("amina")

    response = await browser.submit(
        "/password",
        "/password",
        {"current": PASSWORD, "new": "a new long passphrase", "again": "a new long passphrase"},
    )

    assert response.status_code == 303
    assert (await other.get("/password"))[0] == 303
    assert (await browser.get("/password"))[0] == 200
    await browser.submit("/password", "/sign-out", {})
    await browser.sign_in("amina", "a new long passphrase")


async def test_a_bad_password_change_names_each_field_at_fault(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit(
        "/password", "/password", {"current": "nope", "new": "short", "again": "other"}
    )
    html = (await response.get_data()).decode()

    assert response.status_code == 422
    assert 'id="e-new"' in html and 'id="e-again"' in html
    member = await Member.get(actor__name="amina")
    assert check_password(PASSWORD, member.password_hash)


@pytest.mark.parametrize(
    ("accept", "lang", "direction"),
    [
        ("fr-CH,fr;q=0.9", "fr", "ltr"),
        ("ar", "ar", "rtl"),
        ("pt-BR", "pt", "ltr"),
        ("", "en", "ltr"),
    ],
)
async def test_the_page_speaks_the_browsers_language(
    browser: Browser, accept: str, lang: str, direction: str
) -> None:
    _, html = await browser.get("/", **{"Accept-Language": accept})

    assert f'<html lang="{lang}" dir="{direction}">' in html


async def test_a_members_language_choice_is_kept_across_browsers(
    app: object, browser: Browser
) -> None:
    await browser.sign_in("bakari")
    await browser.submit("/password", "/language", {"language": "ar", "next": "/password"})

    other = Browser(app.test_client())  # type: ignore[attr-defined]
    await other.sign_in("bakari")
    _, html = await other.get("/password", **{"Accept-Language": "de"})

    assert '<html lang="ar" dir="rtl">' in html
    assert (await Member.get(actor__name="bakari")).language == "ar"


async def test_every_page_forbids_scripts_framing_and_caching_a_members_page(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    response = await browser.client.get("/password", headers={"Accept": "text/html"})

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy  # none allowed: default-src 'none' covers it
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


async def test_a_missing_page_is_a_page_for_a_browser_and_json_for_an_app(browser: Browser) -> None:
    status, html = await browser.get("/no/such/page")
    response = await browser.client.get("/no/such/page", headers={"Accept": "application/json"})

    assert status == 404 and "<h1>" in html
    assert response.status_code == 404 and (await response.get_json())["error"]


async def test_a_page_seen_before_costs_a_304_for_an_anonymous_visitor(browser: Browser) -> None:
    first = await browser.client.get("/", headers={"Accept": "text/html"})
    again = await browser.client.get(
        "/", headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]}
    )

    assert first.headers["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304
    assert await again.get_data() == b""


async def test_a_page_for_members_sends_a_stranger_to_sign_in_and_back(browser: Browser) -> None:
    response = await browser.client.get("/password", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/password"
    _, html = await browser.get("/sign-in?next=/password")
    assert 'name="next" value="/password"' in html
    signed_in = await browser.client.post(
        "/sign-in",
        form={
            "csrf_token": token_in(html),
            "username": "amina",
            "password": PASSWORD,
            "next": "/password",
        },
    )
    assert signed_in.headers["Location"] == "/password"


@pytest.mark.parametrize("elsewhere", ["https://evil.test/", "//evil.test/x", "/\\evil.test"])
async def test_sign_in_never_sends_the_member_to_another_site(
    browser: Browser, elsewhere: str
) -> None:
    response = await browser.submit(
        "/sign-in", "/sign-in", {"username": "amina", "password": PASSWORD, "next": elsewhere}
    )

    assert response.headers["Location"] == "/home"


@pytest.mark.parametrize("language", ["fr", "ar", "pt", "de"])
async def test_each_language_speaks_from_its_compiled_catalog(
    browser: Browser, language: str
) -> None:
    said = i18n.catalog(language).gettext("Sign in")
    _, html = await browser.get("/sign-in", **{"Accept-Language": language})

    assert said != "Sign in", "the compiled catalog is missing: run make"
    assert f"<h1>{said}</h1>" in html


async def test_dates_are_written_as_the_language_writes_them() -> None:
    moment = datetime(2026, 3, 8, 14, 30, tzinfo=UTC)
    written = {}
    async with Quart(__name__).app_context():
        for language in ("en", "fr", "de", "pt", "ar"):
            g.language = language
            written[language] = i18n.when(moment, "long")

    assert "March" in written["en"] and "mars" in written["fr"] and "März" in written["de"]
    assert "março" in written["pt"] and "مارس" in written["ar"]
