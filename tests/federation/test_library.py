"""The library federated, on real instances: what a member of B reads of a space of A's.

A hosts sahel (open) and litigation (confidential); bruno, on B, joins them. C is a peer of A's
with no member anywhere. Changes are made as the command line and the pages make them (the
core's `changes` functions, with the member's librarian), in this process, on the instance's
database; the servers deliver, fetch and verify.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import aiohttp
import orjson
import pytest

from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import changes, reading
from jxfed.spaces.library.documents import digest_multibase
from jxfed.spaces.library.librarian import Librarian, librarian, peer_librarian
from jxfed.spaces.library.models import AuditEntry, LibraryItem
from jxfed.spaces.models import Space
from tests.federation.network import (
    SQLITE_ONLY,
    Network,
    eventually,
    invite_bruno,
    make_network,
    private_key_of,
    signed,
)
from tests.servers import Instance, InstanceFactory

pytestmark = pytest.mark.server
BRIEF = b"%PDF-1.7\n" + b"Appeal brief, ground 3 " * 400
EVIDENCE = b"%PDF-1.7\n" + b"Exhibit 12, photographs of the cell " * 300


@pytest.fixture
def net(instances: InstanceFactory) -> Network:
    network = make_network(instances)
    network.a.cli("peers", "allow", network.c.domain)
    return network


async def stream(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 4096):
        yield data[start : start + 4096]


async def _lib(services: Services, member: str, space: str) -> Librarian:
    """`member`'s librarian for `space`: a slug here, or a peer's space's URI."""
    actor = await LocalActor.get(name=member)
    if space.startswith("http"):
        return await peer_librarian(services, space, actor)
    found = await Space.get(actor__name=space)
    return await librarian(services, found, services.actor_uri(actor))


def upload(instance: Instance, member: str, space: str, name: str, data: bytes) -> str:
    """`member` uploads a file to the top of a library; the new item's URI."""

    async def work(settings: Settings) -> str:
        services = Services(settings)
        try:
            lib = await _lib(services, member, space)
            return (await changes.upload(lib, "/", name, stream(data))).uri
        finally:
            await services.close()

    return instance.seed(work)


def download(instance: Instance, member: str, space: str, path: str) -> bytes | None:
    """What `member` downloads of `path` from this instance's library (None: nothing there)."""

    async def work(settings: Settings) -> bytes | None:
        services = Services(settings)
        try:
            lib = await _lib(services, member, space)
            try:
                found = await reading.download(lib, path)
            except Exception:
                return None
            return b"".join([chunk async for chunk in reading.chunks(lib, found)])
        finally:
            await services.close()

    return instance.seed(work)


def titles(instance: Instance, member: str, space: str) -> list[str]:
    """The titles `member` sees at the top of this instance's library of `space`."""

    async def work(settings: Settings) -> list[str]:
        services = Services(settings)
        try:
            lib = await _lib(services, member, space)
            return [item.title for item in await reading.listing(lib, "/")]
        finally:
            await services.close()

    return instance.seed(work)


async def joined(net: Network, slug: str, role: str = "contributor") -> str:
    """bruno (B) is a member of A's space `slug`; its URI."""
    space = f"{net.a.url}/spaces/{slug}"
    if slug == "litigation":
        await invite_bruno(net, slug, role)
        return space
    net.b.cli("users", "join", "bruno", f"{slug}@{net.a.domain}")

    async def member() -> bool:
        """A counts bruno among the members, and B knows it (the Accept has arrived there)."""
        on_a = f"{net.b.url}/users/bruno\t" in net.a.cli("spaces", "members", slug).stdout
        on_b = f"{space}\taccepted\t" in net.b.cli("users", "following", "bruno").stdout
        return on_a and on_b

    await eventually(member)
    return space


@SQLITE_ONLY
async def test_an_upload_on_a_reaches_b_verified_and_b_serves_it_while_a_is_down(
    net: Network,
) -> None:
    space = await joined(net, "sahel")
    uri = upload(net.a, "amina", "sahel", "Appeal brief.pdf", BRIEF)

    async def arrived() -> bool:
        """bruno downloads the brief from B."""
        return download(net.b, "bruno", space, "/Appeal brief.pdf") == BRIEF

    await eventually(arrived)
    assert titles(net.b, "bruno", space) == ["Appeal brief.pdf"]
    async with aiohttp.ClientSession() as session:
        status, document = await signed(session, "GET", uri, private_key_of(net.b))
    sha = hashlib.sha256(BRIEF).hexdigest()
    assert status == 200 and document["type"] == "Document"
    assert document["digestMultibase"] == digest_multibase(sha)
    assert document["audience"] == space and document["context"] == f"{space}/library"
    assert (document["size"], document["mediaType"]) == (len(BRIEF), "application/pdf")
    net.a.stop()
    assert download(net.b, "bruno", space, "/Appeal brief.pdf") == BRIEF


@SQLITE_ONLY
async def test_an_upload_from_b_reaches_a_and_comes_back_announced(net: Network) -> None:
    space = await joined(net, "sahel")
    uri = upload(net.b, "bruno", space, "Exhibit 12.pdf", EVIDENCE)
    assert uri.startswith(net.b.url)

    async def on_a() -> bool:
        """amina downloads bruno's exhibit on A, fetched from B and verified."""
        return download(net.a, "amina", "sahel", "/Exhibit 12.pdf") == EVIDENCE

    await eventually(on_a)
    outbox = orjson.loads(net.b.cli("fetch", f"{net.a.url}/spaces/sahel/outbox?page=true").stdout)
    [announce] = [a for a in outbox["orderedItems"] if a["object"]["object"]["id"] == uri]
    assert announce["object"]["actor"] == f"{net.b.url}/users/bruno"
    assert announce["object"]["proof"]["cryptosuite"] == "eddsa-jcs-2022"


async def test_a_content_that_does_not_match_its_digest_is_refused_and_recorded(
    net: Network,
) -> None:
    space = await joined(net, "litigation")
    real = upload(net.b, "bruno", space, "Exhibit 12.pdf", EVIDENCE)

    async def on_a() -> bool:
        """A took the real exhibit."""
        return download(net.a, "amina", "litigation", "/Exhibit 12.pdf") == EVIDENCE

    await eventually(on_a)
    bruno = f"{net.b.url}/users/bruno"
    forged = f"{net.b.url}/library/forged"
    claimed = hashlib.sha256(b"not these bytes").hexdigest()
    document = {
        "id": forged,
        "type": "Document",
        "attributedTo": bruno,
        "name": "Forged.pdf",
        "context": f"{space}/library",
        "audience": space,
        "to": [space],
        "url": f"{real}/contents/{hashlib.sha256(EVIDENCE).hexdigest()}",  # other bytes
        "mediaType": "application/pdf",
        "size": len(EVIDENCE),
        "digestMultibase": digest_multibase(claimed),
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{forged}/activity",
        "type": "Create",
        "actor": bruno,
        "to": [space],
        "object": document,
    }
    async with aiohttp.ClientSession() as session:
        status, _ = await signed(
            session,
            "POST",
            f"{net.a.url}/inbox",
            private_key_of(net.b, "bruno"),
            orjson.dumps(create),
        )
    assert status == 202

    async def refusals(settings: Settings) -> list[str]:
        found = AuditEntry.filter(action="refused", detail="digest-mismatch")
        return [str(uri) for uri in await found.values_list("item_uri", flat=True)]

    async def recorded() -> bool:
        """A's audit trail records the refusal."""
        return forged in net.a.seed(refusals)

    await eventually(recorded)

    async def nothing_stored(settings: Settings) -> bool:
        return not await LibraryItem.filter(uri=forged).exists()

    assert net.a.seed(nothing_stored)
    assert not (net.a.directory / "store" / claimed[:2] / claimed[2:4] / claimed).exists()


async def test_a_confidential_librarys_items_reach_members_instances_and_nobody_else(
    net: Network,
) -> None:
    space = await joined(net, "litigation")
    net.c.cli("users", "follow", "carla", f"sahel@{net.a.domain}")  # C hears from A
    uri = upload(net.a, "amina", "litigation", "Witness W-17.pdf", BRIEF)

    async def arrived() -> bool:
        """bruno downloads the statement from B's verified copy."""
        return download(net.b, "bruno", space, "/Witness W-17.pdf") == BRIEF

    await eventually(arrived)
    sha = hashlib.sha256(BRIEF).hexdigest()
    content = f"{uri}/contents/{sha}"
    async with aiohttp.ClientSession() as session:
        for url in (uri, content):
            status, _ = await signed(session, "GET", url, private_key_of(net.c))
            assert status == 404, url
            status, _ = await signed(session, "GET", url, private_key_of(net.c, "carla"))
            assert status == 404, url
        status, document = await signed(session, "GET", uri, private_key_of(net.b, "bruno"))
        assert status == 200 and "proof" not in document
        async with session.get(content) as unsigned:
            assert unsigned.status == 401

    def leaked(settings: Settings) -> bool:
        import sqlite3

        with sqlite3.connect(net.c.directory / "jxfed.sqlite3") as c_db:
            rows = c_db.execute(
                "SELECT count(*) FROM inbox_item WHERE document LIKE ?", (f"%{uri}%",)
            ).fetchone()[0]
        return bool(rows)

    assert not leaked(net.c.settings)
    assert not (net.c.directory / "store" / sha[:2] / sha[2:4] / sha).exists()


async def test_a_reader_on_b_cannot_add_to_a_space_on_a(net: Network) -> None:
    space = await joined(net, "litigation", role="reader")
    uri = upload(net.b, "bruno", space, "Reader's note.pdf", EVIDENCE)

    async def refused(settings: Settings) -> int:
        return await AuditEntry.filter(
            action="refused", actor_uri=f"{net.b.url}/users/bruno"
        ).count()

    async def refused_on_a() -> bool:
        """A's librarian refused (and audited) bruno's upload."""
        return bool(net.a.seed(refused))

    await eventually(refused_on_a)

    async def withdrawn_on_b() -> bool:
        """A's Reject reached B, whose copy no longer lists the item."""
        return "Reader's note.pdf" not in titles(net.b, "bruno", space)

    await eventually(withdrawn_on_b)
    assert "Reader's note.pdf" not in titles(net.a, "amina", "litigation")
    assert uri.startswith(net.b.url)
