"""Every page kind, as a person on a weak link and with a screen reader would meet it: under
30 KB compressed with its stylesheet, no script of any kind, one `h1` and headings in order,
a label for every field, a form token in every form, the language and direction on `<html>`.

The pages are filled as a busy member sees them: a space with a full page of long posts, a post
with comments, notifications, search results.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import pytest
from quart import Quart

from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.joining import join_here
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.models import Post, Space
from jxfed.spaces.publishing import publish
from jxfed.web.context import services
from tests.pages.conftest import Browser

BUDGET = 30 * 1024
LONG = (
    "Compte rendu de l'audience du tribunal de Niamey : la défense a demandé le renvoi, "
    "les témoins ont été entendus à huis clos, la prochaine audience est fixée au mois prochain. "
) * 6
ANONYMOUS_PAGES = ["/", "/sign-in"]
PAGES = [
    "/password",
    "/home",
    "/spaces",
    "/spaces/sahel",
    "/posts/{post}",
    "/posts/{post}/edit",
    "/posts/{post}/delete",
    "/users/amina",
    "/users/bakari",
    "/notifications",
    "/search?q=audience",
    "/admin",
    "/admin/peers",
    "/admin/members",
    "/admin/spaces",
    "/spaces/sahel/library",
    "/spaces/sahel/library/Pleadings",
    "/spaces/sahel/library/Pleadings/Appeal.pdf",
    "/spaces/sahel/library/Minutes?older=1&newer=2",
    "/spaces/sahel/library/-/note?folder=/Pleadings",
    "/spaces/sahel/library/-/note?path=/Minutes",
    "/spaces/sahel/library/-/delete?path=/Pleadings/Appeal.pdf",
]


class Shape(HTMLParser):
    """What a page is made of: its headings, fields and labels, forms, scripts, attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.fields: list[str] = []
        self.labelled: set[str] = set()
        self.forms = 0
        self.tokens = 0
        self.problems: list[str] = []
        self.html_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "html":
            self.html_attrs = named
        if tag in ("script", "iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        for name, _ in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
        stylesheet = tag == "link" and named.get("rel") == "stylesheet"
        if stylesheet and not (named.get("href") or "").startswith("/static/"):
            self.problems.append(f"third-party stylesheet {named.get('href')}")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "form" and (named.get("method") or "get").lower() == "post":
            self.forms += 1  # a GET form (search) changes nothing and carries no token
        if tag == "input" and named.get("name") == "csrf_token":
            self.tokens += 1
        if tag in ("input", "textarea", "select") and named.get("type") not in ("hidden", "submit"):
            self.fields.append(named.get("id") or f"<{tag} name={named.get('name')} without id>")
        if tag == "label" and named.get("for"):
            self.labelled.add(str(named["for"]))


@pytest.fixture
async def busy(instance: Settings, cast: dict[str, object], app: Quart) -> dict[str, int]:
    """sahel holds 25 long posts by amina, the newest with three comments by bakari."""
    async with app.app_context():
        svc = services()
        amina = await LocalActor.get(name="amina")
        bakari = await LocalActor.get(name="bakari")
        await join_here(svc, await Space.get(actor__name="sahel"), bakari)
        for n in range(25):
            newest = await publish(svc, amina, LONG, space="sahel", title=f"Audience n° {n}")
        for n in range(3):
            await publish(svc, bakari, f"Merci, note {n}. " + LONG[:200], in_reply_to=newest.uri)
        await _small_library(svc, amina)
    return {"post": (await Post.get(uri=newest.uri)).id}


async def _small_library(svc: Services, amina: LocalActor) -> None:
    """sahel's library: a folder of a dozen files (one with three revisions), a note edited."""
    sahel = await Space.get(actor__name="sahel")
    lib = await librarian(svc, sahel, svc.actor_uri(amina))
    await changes.make_folder(lib, "/Pleadings")
    for n in range(12):
        await changes.upload(lib, "/Pleadings", f"Pièce {n}.txt", _once(LONG.encode()))
    for n in range(3):
        body = b"%PDF-1.4\n" + LONG.encode() * (n + 1)
        await changes.upload(lib, "/Pleadings", "Appeal.pdf", _once(body), message=LONG[:200])
    await changes.write_note(lib, "/", "Minutes", LONG.replace(", ", "\n"))
    await changes.write_note(lib, "/", "Minutes", LONG.replace(", ", "\n") + "\nAjout.")


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _weight(browser: Browser, path: str, language: str = "en") -> tuple[int, bytes, int]:
    headers = {"Accept": "text/html", "Accept-Encoding": "gzip", "Accept-Language": language}
    response = await browser.client.get(path, headers=headers)
    body = await response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        compressed, body = len(body), gzip.decompress(body)
    else:
        compressed = len(gzip.compress(body))
    return response.status_code, body, compressed


async def _stylesheet_weight(browser: Browser) -> int:
    response = await browser.client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    body = await response.get_data()
    return (
        len(body)
        if response.headers.get("Content-Encoding") == "gzip"
        else len(gzip.compress(body))
    )


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_every_page_kind_is_light_scriptless_labelled_and_in_order(
    browser: Browser, busy: dict[str, int], language: str
) -> None:
    css = await _stylesheet_weight(browser)
    weights = {}
    for template in [*ANONYMOUS_PAGES, "sign in", *PAGES, "/no/such/page"]:
        if template == "sign in":
            await browser.sign_in("amina")
            continue
        path = template.format(**busy)
        status, body, compressed = await _weight(browser, path, language)
        html = body.decode()
        shape = Shape()
        shape.feed(html)

        assert status == (404 if path.startswith("/no/") else 200), path
        assert compressed + css <= BUDGET, f"{path}: {compressed + css} bytes with the stylesheet"
        assert shape.problems == [], path
        assert shape.html_attrs == {"lang": language, "dir": "rtl" if language == "ar" else "ltr"}
        assert shape.headings[:1] == [1] and shape.headings.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(shape.headings, shape.headings[1:], strict=False)), (
            path
        )
        assert set(shape.fields) <= shape.labelled, f"{path}: fields without a label"
        assert shape.tokens == shape.forms, f"{path}: a POST form without its token"
        weights[path] = compressed + css
    assert max(weights.values()) <= BUDGET


async def test_the_stylesheet_is_cached_long_and_named_by_its_digest(browser: Browser) -> None:
    status, body, _ = await _weight(browser, "/sign-in")
    response = await browser.client.get("/static/style.css")

    assert status == 200
    assert b"/static/style.css?v=" in body
    assert "max-age=604800" in response.headers["Cache-Control"]
