"""A new member's instance gets the library it missed, on real instances.

A's spaces hold folders, files and notes before anyone on B is a member (two items and a
revision share a content; a file was moved into a folder made after it; one item was deleted).
bruno (B) joins sahel (open) and accepts an invitation to litigation (confidential); B ends
with every live item and its content, each content fetched from A once: A listens behind a
proxy in this process that counts the content requests. C, a peer with no member, is refused
the confidential library's collection.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import changes
from jxfed.spaces.library.librarian import librarian
from jxfed.spaces.library.models import LibraryItem, LibraryRevision
from jxfed.spaces.library.paths import path_of
from jxfed.spaces.library.walks import schedule
from jxfed.spaces.models import Space
from tests.conftest import postgres_database
from tests.databases import Templates
from tests.federation.network import (
    FAST_RETRY,
    Network,
    eventually,
    invite_bruno,
    private_key_of,
    signed,
)
from tests.servers import Instance, InstanceFactory, free_port, kept, start_all, wait_until_serving

pytestmark = pytest.mark.server
BRIEF = b"%PDF-1.7\n" + b"Appeal brief, ground 3 " * 400
EVIDENCE = b"%PDF-1.7\n" + b"Exhibit 12, photographs of the cell " * 300
WITNESS = b"%PDF-1.7\n" + b"Witness W-17, statement " * 200
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass
class Counting:
    """A proxy on A's address before A's server: counts the requests that reach A."""

    listen: int
    backend: str
    paths: list[str] = field(default_factory=list)
    stop: Callable[[], None] = lambda: None

    def contents(self) -> Counter[str]:
        """How many times each content (by its SHA-256) was asked for."""
        return Counter(p.rsplit("/", 1)[1] for p in self.paths if "/contents/" in p)

    def start(self) -> None:
        ready = threading.Event()
        loop = asyncio.new_event_loop()

        async def forward(request: web.Request) -> web.StreamResponse:
            self.paths.append(request.path)
            headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP]
            async with (
                aiohttp.ClientSession(skip_auto_headers=("Host",)) as session,
                session.request(
                    request.method,
                    self.backend + request.path_qs,
                    headers=headers,
                    data=await request.read(),
                    allow_redirects=False,
                ) as answer,
            ):
                body = await answer.read()
                kept_headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP]
                return web.Response(status=answer.status, body=body, headers=kept_headers)

        async def serve() -> web.AppRunner:
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", forward)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.listen).start()
            return runner

        def run() -> None:
            asyncio.set_event_loop(loop)
            runner = loop.run_until_complete(serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)

        def stop() -> None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)

        self.stop = stop


@dataclass
class World:
    net: Network
    proxy: Counting
    sahel: str
    litigation: str


async def _stream(data: bytes) -> AsyncIterator[bytes]:
    yield data


def seed_libraries(a: Instance) -> None:
    """amina fills sahel's and litigation's libraries on A."""

    async def work(settings: Settings) -> None:
        services = Services(settings)
        try:
            amina = services.actor_uri(await LocalActor.get(name="amina"))
            sahel = await librarian(services, await Space.get(actor__name="sahel"), amina)
            await changes.make_folder(sahel, "/cases/appeal")
            await changes.upload(sahel, "/cases", "Brief.pdf", _stream(BRIEF))
            await changes.upload(sahel, "/cases/appeal", "Brief, filed.pdf", _stream(BRIEF))
            await changes.upload(sahel, "/cases", "Exhibit 12.pdf", _stream(EVIDENCE))
            await changes.upload(sahel, "/cases", "Draft.pdf", _stream(WITNESS))
            await changes.upload(sahel, "/cases", "Draft.pdf", _stream(EVIDENCE))  # revision 2
            await changes.write_note(sahel, "/cases/appeal", "Strategy", "Ground 3 first.")
            await changes.write_note(sahel, "/", "Strategy, copy", "Ground 3 first.")
            await changes.upload(sahel, "/", "Withdrawn.pdf", _stream(b"%PDF-1.7\nwithdrawn"))
            await changes.remove(sahel, "/Withdrawn.pdf")
            await changes.make_folder(sahel, "/later")  # made after the exhibit, which moves in
            await changes.move(sahel, "/cases/Exhibit 12.pdf", "/later/Exhibit 12.pdf")
            secret = await librarian(services, await Space.get(actor__name="litigation"), amina)
            await changes.upload(secret, "/", "Witness W-17.pdf", _stream(WITNESS))
        finally:
            await services.close()

    a.seed(work)


def held(instance: Instance, space: str) -> dict[str, tuple[str, int, str | None]]:
    """The copy of `space` this instance holds: path → (kind, revision, SHA-256), every
    content checked against its digest in the store."""

    async def work(settings: Settings) -> dict[str, tuple[str, int, str | None]]:
        found: dict[str, tuple[str, int, str | None]] = {}
        for item in await LibraryItem.filter(space_id=None, space_uri=space, deleted=False):
            if item.sha256:
                stored = settings.directory / "store" / item.sha256[:2] / item.sha256[2:4]
                data = (stored / item.sha256).read_bytes()
                assert hashlib.sha256(data).hexdigest() == item.sha256
            found[await path_of(item)] = (item.kind.value, item.revision, item.sha256)
        return found

    return instance.seed(work)


def served(instance: Instance, slug: str) -> dict[str, tuple[str, int, str | None]]:
    """The live items of a space here, as `held` gives a copy."""

    async def work(settings: Settings) -> dict[str, tuple[str, int, str | None]]:
        space = await Space.get(actor__name=slug)
        return {
            await path_of(item): (item.kind.value, item.revision, item.sha256)
            for item in await LibraryItem.filter(space=space, deleted=False)
        }

    return instance.seed(work)


def start_network(factory: InstanceFactory) -> tuple[Network, Counting]:
    """A, B and C as tests/federation/network.py makes them, A behind the counting proxy."""
    a, b, c = (factory.create(name) for name in ("a", "b", "c"))
    for instance in (a, b, c):
        with (instance.directory / "instance.toml").open("a") as config:
            config.write(FAST_RETRY)
    a.allow(b.domain, c.domain)
    b.allow(a.domain)
    c.allow(a.domain, b.domain)
    a.add_members("amina")
    a.add_space("sahel", "Sahel", "open", "amina")
    a.add_space("litigation", "Litigation", "confidential", "amina")
    b.add_members("bruno")
    c.add_members("carla")
    seed_libraries(a)
    # A port none of the network's servers has been given yet (they bind only when started).
    taken = {int(i.domain.rsplit(":", 1)[1]) for i in (a, b, c)}
    port = free_port()
    while port in taken:
        port = free_port()
    backend = f"127.0.0.1:{port}"
    with a.log.open("ab") as log:
        a.process = subprocess.Popen(
            [sys.executable, "-m", "jxfed", "--dir", str(a.directory), "serve", "--bind", backend],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    proxy = Counting(int(a.domain.rsplit(":", 1)[1]), f"http://{backend}")
    proxy.start()
    start_all((b, c))
    wait_until_serving(a.process, a.url, a.log)
    return Network(a, b, c), proxy


async def build(net: Network) -> tuple[str, str]:
    """bruno joins sahel and accepts the invitation to litigation; B holds both libraries."""
    sahel, litigation = f"{net.a.url}/spaces/sahel", f"{net.a.url}/spaces/litigation"
    net.b.cli("users", "join", "bruno", f"sahel@{net.a.domain}")
    await invite_bruno(net, "litigation")

    async def caught_up() -> bool:
        """B holds every live item of both spaces, as A serves them."""
        return held(net.b, sahel) == served(net.a, "sahel") and held(net.b, litigation) == served(
            net.a, "litigation"
        )

    await eventually(caught_up)
    return sahel, litigation


@pytest.fixture(params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> World:
    """The story, played once per database kind (A's) and test process (see `kept`)."""

    def make() -> tuple[World, Callable[[], None]]:
        root = tmp_path_factory.mktemp(f"replication-{request.param}")
        urls: Iterator[str] = (
            iter([f"sqlite://{root / 'a.sqlite3'}"])
            if request.param == "sqlite"
            else postgres_database(templates)
        )
        factory = InstanceFactory(root, next(urls), templates)
        proxy: Counting | None = None

        def stop() -> None:
            factory.stop_all()
            if proxy is not None:
                proxy.stop()
            for _ in urls:  # drops the PostgreSQL database
                pass

        try:
            net, proxy = start_network(factory)
            sahel, litigation = asyncio.run(build(net))
            return World(net, proxy, sahel, litigation), stop
        except BaseException:
            stop()
            raise

    return kept(f"replication-{request.param}", make)


def test_b_holds_every_live_item_with_each_content_fetched_once(world: World) -> None:
    copy = held(world.net.b, world.sahel)
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in (("brief", BRIEF),)}
    assert copy["/cases/Brief.pdf"][2] == copy["/cases/appeal/Brief, filed.pdf"][2] == sha["brief"]
    assert copy["/cases/Draft.pdf"][1:] == (2, hashlib.sha256(EVIDENCE).hexdigest())
    assert copy["/later/Exhibit 12.pdf"][0] == "file"
    assert copy["/cases/appeal/Strategy"][2] == copy["/Strategy, copy"][2]
    assert "/Withdrawn.pdf" not in copy and "/cases/appeal" in copy
    held_contents = {entry[2] for entry in copy.values() if entry[2]}
    held_contents |= {
        entry[2] for entry in held(world.net.b, world.litigation).values() if entry[2]
    }
    fetched = world.proxy.contents()
    assert set(fetched) == held_contents  # brief, evidence, the note, the witness statement
    assert set(fetched.values()) == {1}


async def test_a_second_walk_fetches_nothing_and_changes_nothing(world: World) -> None:
    fetched, (done, _) = dict(world.proxy.contents()), _walk_steps(world.net.b)

    async def walk_again(settings: Settings) -> int:
        services = Services(settings)
        try:
            await schedule(services, world.sahel)
        finally:
            await services.close()
        return await LibraryRevision.all().count()

    revisions = world.net.b.seed(walk_again)

    async def walked() -> bool:
        """B walked sahel's collection to its last page once more."""
        now_done, pending = _walk_steps(world.net.b)
        return now_done > done + 1 and pending == 0

    await eventually(walked)
    assert dict(world.proxy.contents()) == fetched

    async def count(settings: Settings) -> int:
        return await LibraryRevision.all().count()

    assert world.net.b.seed(count) == revisions


def _walk_steps(b: Instance) -> tuple[int, int]:
    """(steps done, steps not done) of B's walks of libraries (B's database is SQLite)."""
    with sqlite3.connect(b.directory / "jxfed.sqlite3") as db:
        rows = dict(
            db.execute(
                "SELECT state = 'done', count(*) FROM inbox_item"
                " WHERE document LIKE '%ReplicateLibrary%' GROUP BY state = 'done'"
            ).fetchall()
        )
    return rows.get(1, 0), rows.get(0, 0)


async def test_c_is_refused_the_confidential_librarys_collection(world: World) -> None:
    collection = f"{world.litigation}/library"
    async with aiohttp.ClientSession() as session:
        for key in (private_key_of(world.net.c), private_key_of(world.net.c, "carla")):
            status, _ = await signed(session, "GET", collection, key)
            assert status == 404
        status, listed = await signed(session, "GET", collection, private_key_of(world.net.b))
        assert status == 200 and listed["totalItems"] == 1
        status, page = await signed(session, "GET", listed["last"], private_key_of(world.net.b))
    [item] = page["orderedItems"]
    assert item["name"] == "Witness W-17.pdf" and "proof" not in item
    assert (
        held(world.net.b, world.litigation)["/Witness W-17.pdf"][2] == item["url"].rsplit("/", 1)[1]
    )
