"""Changes to a space's library, both ways, on real instances (one network for the module).

bruno (B) is a contributor of sahel (A, open; A on SQLite and on PostgreSQL); amina owns it.
What a member changes on one instance (a new revision, a rename, a move, a status, a deletion,
a folder) reaches the other instance's library as the member there sees it; a change the space
refuses is withdrawn from the instance that made it; a peer with no member in the space
rewrites nothing (403 at the door).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import aiohttp
import orjson
import pytest

from jxfed.actors.models import Following, FollowState, LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import changes, reading
from jxfed.spaces.library.documents import digest_multibase
from jxfed.spaces.library.librarian import Librarian
from jxfed.spaces.library.models import LibraryItem
from tests.conftest import postgres_database
from tests.databases import Templates
from tests.federation.network import Network, eventually, make_network, private_key_of, signed
from tests.federation.test_library import _lib, stream
from tests.servers import Instance, InstanceFactory, kept

pytestmark = pytest.mark.server
T = TypeVar("T")
ORDER = b"%PDF-1.7\n" + b"Order of the court, first draft " * 200
ORDER_2 = b"%PDF-1.7\n" + b"Order of the court, as signed " * 200
REPORT = b"%PDF-1.7\n" + b"Field report, Mopti " * 300
REPORT_2 = b"%PDF-1.7\n" + b"Field report, Mopti, corrected " * 300
EXHIBIT = b"%PDF-1.7\n" + b"Exhibit, photographs " * 300


@pytest.fixture(params=["sqlite", "postgres"])
def net(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Network:
    """A (on SQLite or PostgreSQL), B, C, bruno a member of sahel: once per test process."""

    def make() -> tuple[Network, Callable[[], None]]:
        root = tmp_path_factory.mktemp("library-changes")
        urls: Iterator[str] = (
            iter([f"sqlite://{root / 'a.sqlite3'}"])
            if request.param == "sqlite"
            else postgres_database(templates)
        )
        factory = InstanceFactory(root, next(urls), templates)

        def stop() -> None:
            factory.stop_all()
            for _ in urls:  # drops the PostgreSQL database
                pass

        try:
            network = make_network(factory)
            network.a.cli("peers", "allow", network.c.domain)
            asyncio.run(_bruno_joins(network))
        except BaseException:
            stop()
            raise
        return network, stop

    return kept(f"library-changes-{request.param}", make)


async def _bruno_joins(net: Network) -> None:
    net.b.cli("users", "join", "bruno", f"sahel@{net.a.domain}")

    async def accepted(settings: Settings) -> bool:
        return await Following.filter(
            follower__name="bruno", target_uri=space_of(net), state=FollowState.ACCEPTED
        ).exists()

    async def member() -> bool:
        """A counts bruno among sahel's members, and B knows it."""
        listed = f"{net.b.url}/users/bruno\t" in net.a.cli("spaces", "members", "sahel").stdout
        return listed and net.b.seed(accepted)

    await eventually(member)


def space_of(net: Network) -> str:
    return f"{net.a.url}/spaces/sahel"


def on(instance: Instance, member: str, space: str, work: Callable[[Librarian], Awaitable[T]]) -> T:
    """`work` done by `member` with their librarian of `space` on `instance`."""

    async def run(settings: Settings) -> T:
        services = Services(settings)
        try:
            return await work(await _lib(services, member, space))
        finally:
            await services.close()

    return instance.seed(run)


def state(instance: Instance, member: str, space: str, path: str) -> dict[str, Any] | None:
    """What `member` sees of `path`: title, status, revision, bytes (None: nothing there)."""

    async def work(lib: Librarian) -> dict[str, Any] | None:
        try:
            item, revisions = await reading.history(lib, path)
        except Exception:
            return None
        if item.deleted:
            return None
        data = None
        if item.sha256:
            found = await reading.download(lib, path)
            data = b"".join([chunk async for chunk in reading.chunks(lib, found)])
        return {
            "title": item.title,
            "status": item.status.value,
            "revision": item.revision,
            "numbers": [r.number for r in revisions],
            "data": data,
        }

    return on(instance, member, space, work)


def where(instance: Instance, member: str, space: str, path: str) -> Callable[..., Any]:
    """An `eventually` check: `path` is seen on `instance` with the given values."""

    async def check(**wanted: Any) -> bool:
        seen = state(instance, member, space, path)
        return seen is not None and all(seen[key] == value for key, value in wanted.items())

    return check


async def role(net: Network, chosen: str) -> None:
    """amina gives bruno `chosen` in sahel, and B knows it."""
    bruno = f"{net.b.url}/users/bruno"
    net.a.cli("spaces", "role", "sahel", bruno, chosen, "--by", "amina")

    async def known(settings: Settings) -> bool:
        return await Following.filter(
            follower__name="bruno", target_uri=space_of(net), role=chosen
        ).exists()

    async def told() -> bool:
        """B holds bruno's new role."""
        return net.b.seed(known)

    await eventually(told)


def upload(instance: Instance, member: str, space: str, name: str, data: bytes) -> str:
    async def work(lib: Librarian) -> str:
        return (await changes.upload(lib, "/", name, stream(data))).uri

    return on(instance, member, space, work)


async def test_changes_a_member_makes_on_b_reach_the_space_on_a(net: Network) -> None:
    space = space_of(net)
    upload(net.b, "bruno", space, "Field report.pdf", REPORT)
    await eventually(lambda: where(net.a, "amina", "sahel", "/Field report.pdf")(data=REPORT))
    upload(net.b, "bruno", space, "Field report.pdf", REPORT_2)  # a new revision
    await eventually(
        lambda: where(net.a, "amina", "sahel", "/Field report.pdf")(data=REPORT_2, revision=2)
    )
    on(net.b, "bruno", space, lambda lib: changes.move(lib, "/Field report.pdf", "/Mopti.pdf"))
    await eventually(lambda: where(net.a, "amina", "sahel", "/Mopti.pdf")(revision=3))
    on(net.b, "bruno", space, lambda lib: changes.set_status(lib, "/Mopti.pdf", "validated"))
    await eventually(lambda: where(net.a, "amina", "sahel", "/Mopti.pdf")(status="validated"))
    await role(net, "content_manager")  # who makes folders
    try:
        on(net.b, "bruno", space, lambda lib: changes.make_folder(lib, "/Reports"))
        await eventually(lambda: where(net.a, "amina", "sahel", "/Reports")(title="Reports"))
    finally:
        await role(net, "contributor")
    on(net.b, "bruno", space, lambda lib: changes.remove(lib, "/Mopti.pdf"))

    async def deleted_on_a() -> bool:
        """amina no longer finds the report on A."""
        return state(net.a, "amina", "sahel", "/Mopti.pdf") is None

    await eventually(deleted_on_a)
    assert state(net.b, "bruno", space, "/Reports") is not None


async def test_changes_made_on_a_reach_bs_copy_verified(net: Network) -> None:
    space = space_of(net)
    upload(net.a, "amina", "sahel", "Order.pdf", ORDER)
    await eventually(lambda: where(net.b, "bruno", space, "/Order.pdf")(data=ORDER))
    upload(net.a, "amina", "sahel", "Order.pdf", ORDER_2)
    await eventually(
        lambda: where(net.b, "bruno", space, "/Order.pdf")(data=ORDER_2, revision=2, numbers=[1, 2])
    )
    on(net.a, "amina", "sahel", lambda lib: changes.make_folder(lib, "/Orders"))
    on(net.a, "amina", "sahel", lambda lib: changes.move(lib, "/Order.pdf", "/Orders/Order.pdf"))
    await eventually(lambda: where(net.b, "bruno", space, "/Orders/Order.pdf")(data=ORDER_2))
    assert state(net.b, "bruno", space, "/Order.pdf") is None
    on(net.a, "amina", "sahel", lambda lib: changes.remove(lib, "/Orders/Order.pdf"))

    async def tombstoned_on_b() -> bool:
        """B's copy of the order is deleted (its history kept)."""
        return state(net.b, "bruno", space, "/Orders/Order.pdf") is None

    await eventually(tombstoned_on_b)


async def test_amina_renames_on_a_an_item_bruno_created_on_b(net: Network) -> None:
    space = space_of(net)
    uri = upload(net.b, "bruno", space, "Exhibit.pdf", EXHIBIT)
    assert uri.startswith(net.b.url)
    await eventually(lambda: where(net.a, "amina", "sahel", "/Exhibit.pdf")(data=EXHIBIT))
    on(net.a, "amina", "sahel", lambda lib: changes.move(lib, "/Exhibit.pdf", "/Exhibit 1.pdf"))
    await eventually(lambda: where(net.b, "bruno", space, "/Exhibit 1.pdf")(revision=2))
    on(net.a, "amina", "sahel", lambda lib: changes.set_status(lib, "/Exhibit 1.pdf", "invalid"))
    await eventually(lambda: where(net.b, "bruno", space, "/Exhibit 1.pdf")(status="invalid"))


async def test_a_change_the_space_refuses_is_withdrawn_from_bs_copy(net: Network) -> None:
    space = space_of(net)
    upload(net.a, "amina", "sahel", "Minutes.pdf", ORDER)
    await eventually(lambda: where(net.b, "bruno", space, "/Minutes.pdf")(revision=1))

    async def believes_manager(settings: Settings) -> None:
        """B believes bruno manages content in sahel; A knows him a contributor."""
        bruno = await LocalActor.get(name="bruno")
        await Following.filter(follower=bruno, target_uri=space).update(role="content_manager")

    net.b.seed(believes_manager)
    on(net.b, "bruno", space, lambda lib: changes.move(lib, "/Minutes.pdf", "/Mine.pdf"))
    assert state(net.b, "bruno", space, "/Mine.pdf") is not None  # for now
    await eventually(lambda: where(net.b, "bruno", space, "/Minutes.pdf")(revision=1))
    assert state(net.b, "bruno", space, "/Mine.pdf") is None
    assert state(net.a, "amina", "sahel", "/Minutes.pdf") is not None


async def test_a_peer_without_a_member_cannot_rewrite_an_item(net: Network) -> None:
    uri = upload(net.a, "amina", "sahel", "Statement.pdf", ORDER)
    carla = f"{net.c.url}/users/carla"
    space = space_of(net)
    sha = hashlib.sha256(ORDER).hexdigest()
    update = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{net.c.url}/activities/rewrite",
        "type": "Update",
        "actor": carla,
        "to": [space],
        "object": {
            "id": uri,
            "type": "Document",
            "attributedTo": carla,
            "name": "Retracted.pdf",
            "context": f"{space}/library",
            "audience": space,
            "revision": 2,
            "url": f"{uri}/contents/{sha}",
            "mediaType": "application/pdf",
            "size": len(ORDER),
            "digestMultibase": digest_multibase(sha),
        },
    }
    async with aiohttp.ClientSession() as session:
        status, _ = await signed(
            session,
            "POST",
            f"{net.a.url}/inbox",
            private_key_of(net.c, "carla"),
            orjson.dumps(update),
        )
    assert status == 403

    async def unchanged(settings: Settings) -> tuple[str, int]:
        item = await LibraryItem.get(uri=uri)
        return item.title, item.revision

    assert net.a.seed(unchanged) == ("Statement.pdf", 1)
