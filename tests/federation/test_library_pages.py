"""A member of B at B's pages reads and adds to the library of a space of A's, on real servers:
bakari signs in on B through its form, downloads from B's verified copy (also while A is
down), and uploads through B's form a file that A's library then holds."""

from __future__ import annotations

import re

import aiohttp
import pytest

from jxfed.settings import Settings
from jxfed.spaces.library.models import LibraryItem
from tests.federation.network import FAST_RETRY, SQLITE_ONLY, eventually
from tests.federation.test_library import upload
from tests.servers import Instance, InstanceFactory, start_all

pytestmark = pytest.mark.server
# The story on SQLite; its page cells run on both in tests/pages/test_library_peer_pages.py.
PASSWORD = "correct-horse-battery"
BRIEF = b"%PDF-1.7\n" + b"Appeal brief, ground 3 " * 400
EXHIBIT = b"Exhibit 12: the cell, photographed on the 3rd\n" * 50
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _two(instances: InstanceFactory) -> tuple[Instance, Instance]:
    """A hosts sahel (open, amina's); B has bakari, who signs in with a password."""
    a, b = instances.create("a"), instances.create("b")
    for instance in (a, b):
        with (instance.directory / "instance.toml").open("a") as config:
            config.write(FAST_RETRY)
    a.allow(b.domain)
    b.allow(a.domain)
    a.add_members("amina")
    a.add_space("sahel", "Sahel", "open", "amina")
    b.add_members("bakari", password=PASSWORD)
    start_all((a, b))
    return a, b


async def _page(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url, headers={"Accept": "text/html"}) as response:
        return response.status, await response.text()


async def _sign_in(session: aiohttp.ClientSession, instance: Instance, name: str) -> None:
    """Through the sign-in form, as a browser: its token, then the session cookie."""
    _, html = await _page(session, f"{instance.url}/sign-in")
    form = {"csrf_token": TOKEN.findall(html)[0], "username": name, "password": PASSWORD}
    async with session.post(
        f"{instance.url}/sign-in", data=form, allow_redirects=False
    ) as response:
        assert response.status == 303, await response.text()


async def _download(session: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with session.get(url) as response:
        return response.status, await response.read()


@SQLITE_ONLY
async def test_a_member_of_b_reads_downloads_and_uploads_through_bs_pages(
    instances: InstanceFactory,
) -> None:
    a, b = _two(instances)
    b.cli("users", "join", "bakari", f"sahel@{a.domain}")
    upload(a, "amina", "sahel", "Appeal brief.pdf", BRIEF)
    library = f"{b.url}/spaces/sahel@{a.domain}/library"
    jar = aiohttp.CookieJar(unsafe=True)  # a cookie for 127.0.0.1, as a browser keeps it
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await _sign_in(session, b, "bakari")

        async def listed() -> bool:
            """bakari sees the brief in B's page of sahel's library."""
            status, html = await _page(session, library)
            return status == 200 and ">Appeal brief.pdf<" in html

        await eventually(listed)
        _, space = await _page(session, f"{b.url}/spaces/sahel@{a.domain}")
        _, item = await _page(session, f"{library}/Appeal brief.pdf")
        [link] = set(re.findall(r'href="(/spaces/[^"]+/library/-/download/\d+/1)"', item))
        assert f'href="/spaces/sahel@{a.domain}/library"' in space
        assert await _download(session, b.url + link) == (200, BRIEF)

        a.stop()
        assert await _download(session, b.url + link) == (200, BRIEF)
        assert (await _page(session, library))[0] == 200

        a.start()
        _, top = await _page(session, library)
        form = aiohttp.FormData()
        for name, value in [("csrf_token", TOKEN.findall(top)[0]), ("path", "/"), ("folder", "/")]:
            form.add_field(name, value)
        form.add_field("file", EXHIBIT, filename="Exhibit-12.txt", content_type="text/plain")
        async with session.post(
            f"{library}/-/upload", data=form, allow_redirects=False
        ) as response:
            assert response.status == 303, await response.text()
            assert response.headers["Location"].endswith("/library/Exhibit-12.txt")

    async def on_a(settings: Settings) -> bool:
        item = await LibraryItem.get_or_none(title="Exhibit-12.txt", space_id__not_isnull=True)
        return item is not None and item.author_uri == f"{b.url}/users/bakari"

    async def arrived() -> bool:
        """A's library holds bakari's exhibit, fetched from B and verified."""
        return a.seed(on_a)

    await eventually(arrived)
