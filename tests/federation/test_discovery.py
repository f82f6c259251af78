"""Discovery on a real server: WebFinger → actor → outbox pages, read by bovine's client.

Given a jxfed instance served by Hypercorn on a loopback port, when an independent client
(bovine's WebFinger lookup and plain aiohttp) discovers a member and a space, then it finds
their actor documents and can walk the outbox page by page.
"""

from __future__ import annotations

import aiohttp
import pytest
from bovine.clients import lookup_uri_with_webfinger

from jxfed import db
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.settings import load_settings
from tests.federation.network import private_key_of, signed
from tests.servers import Instance, InstanceFactory

pytestmark = pytest.mark.server


@pytest.fixture
def peer(instances: InstanceFactory) -> Instance:
    """A peer instance, B, whose instance actor signs the reads (they need a peer's signature)."""
    return instances.create("b", database_url="")  # SQLite: the tests read its key


@pytest.fixture
def demo(instances: InstanceFactory, peer: Instance) -> Instance:
    """An instance with a member, an open space and a confidential one, serving; B is a peer."""
    instance = instances.create("a")
    instance.cli("peers", "allow", peer.domain)
    peer.cli("peers", "allow", instance.domain)
    peer.start()
    instance.cli("users", "add", "amina", "--password-stdin", stdin="correct-horse-battery\n")
    instance.cli(
        "spaces", "add", "sahel", "--name", "Sahel", "--access", "open", "--owner", "amina"
    )
    instance.cli(
        "spaces",
        "add",
        "litigation",
        "--name",
        "Litigation",
        "--access",
        "confidential",
        "--owner",
        "amina",
    )
    instance.start()
    return instance


async def test_bovine_finds_a_member_and_a_space_by_webfinger(demo: Instance) -> None:
    async with aiohttp.ClientSession() as session:
        member, _ = await lookup_uri_with_webfinger(
            session, f"acct:amina@{demo.domain}", domain=demo.url
        )
        space, _ = await lookup_uri_with_webfinger(
            session, f"acct:sahel@{demo.domain}", domain=demo.url
        )
        hidden, _ = await lookup_uri_with_webfinger(
            session, f"acct:litigation@{demo.domain}", domain=demo.url
        )
    assert member == f"{demo.url}/users/amina"
    assert space == f"{demo.url}/spaces/sahel"
    assert hidden is None


async def test_discovered_actor_leads_to_its_collections(demo: Instance, peer: Instance) -> None:
    key = private_key_of(peer)
    async with aiohttp.ClientSession() as session:
        space_uri, _ = await lookup_uri_with_webfinger(
            session, f"acct:sahel@{demo.domain}", domain=demo.url
        )
        assert space_uri is not None
        status, group = await signed(session, "GET", space_uri, key)
        assert status == 200
        assert group["type"] == "Group"
        assert group["endpoints"]["sharedInbox"] == f"{demo.url}/inbox"
        _, members = await signed(session, "GET", group["members"], key)
        _, page = await signed(session, "GET", members["first"], key)
    assert members["totalItems"] == 1
    assert page["orderedItems"] == [f"{demo.url}/users/amina"]


async def test_outbox_pages_walk_newest_first_without_gaps(demo: Instance, peer: Instance) -> None:
    key = private_key_of(peer)
    demo.stop()
    demo.cli("users", "add", "bertrand")
    # No posting service yet (issue 4): publish activities the way the server stores them.
    await _seed_outbox(demo, "amina", 45)
    demo.start()
    async with aiohttp.ClientSession() as session:
        actor_uri, _ = await lookup_uri_with_webfinger(
            session, f"acct:amina@{demo.domain}", domain=demo.url
        )
        assert actor_uri is not None
        _, person = await signed(session, "GET", actor_uri, key)
        _, outbox = await signed(session, "GET", person["outbox"], key)
        seen: list[str] = []
        url: str | None = outbox["first"]
        pages = 0
        while url:
            status, page = await signed(session, "GET", url, key)
            assert status == 200
            seen += [item["id"] for item in page["orderedItems"]]
            url = page.get("next")
            pages += 1
    assert outbox["totalItems"] == 45
    assert pages == 3
    assert seen == [f"{demo.url}/activities/{n}" for n in range(45, 0, -1)]


async def _seed_outbox(instance: Instance, name: str, count: int) -> None:
    """Insert `count` public Create activities for a member, in the stopped instance's database."""
    settings = load_settings(instance.directory)
    await db.open_database(settings.database_url)
    try:
        actor = await LocalActor.get(name=name)
        for n in range(1, count + 1):
            uri = f"{instance.url}/activities/{n}"
            await OutboxActivity.create(
                uri=uri,
                actor=actor,
                type="Create",
                public=True,
                document={"id": uri, "type": "Create", "actor": f"{instance.url}/users/{name}"},
            )
    finally:
        await db.close_database()
