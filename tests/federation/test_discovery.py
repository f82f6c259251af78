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
from tests.servers import Instance, InstanceFactory

pytestmark = pytest.mark.server
AP = {"Accept": "application/activity+json"}


@pytest.fixture
def demo(instances: InstanceFactory) -> Instance:
    """An instance with a member, an open space and a confidential one, serving."""
    instance = instances.create("a")
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


async def test_discovered_actor_leads_to_its_collections(demo: Instance) -> None:
    async with aiohttp.ClientSession() as session:
        space_uri, _ = await lookup_uri_with_webfinger(
            session, f"acct:sahel@{demo.domain}", domain=demo.url
        )
        assert space_uri is not None
        async with session.get(space_uri, headers=AP) as response:
            assert response.status == 200
            assert response.content_type == "application/activity+json"
            group = await response.json(content_type=None)
        assert group["type"] == "Group"
        assert group["endpoints"]["sharedInbox"] == f"{demo.url}/inbox"
        async with session.get(group["members"], headers=AP) as response:
            members = await response.json(content_type=None)
        async with session.get(members["first"], headers=AP) as response:
            page = await response.json(content_type=None)
    assert members["totalItems"] == 1
    assert page["orderedItems"] == [f"{demo.url}/users/amina"]


async def test_outbox_pages_walk_newest_first_without_gaps(demo: Instance) -> None:
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
        async with session.get(actor_uri, headers=AP) as response:
            person = await response.json(content_type=None)
        async with session.get(person["outbox"], headers=AP) as response:
            outbox = await response.json(content_type=None)
        seen: list[str] = []
        url: str | None = outbox["first"]
        pages = 0
        while url:
            async with session.get(url, headers=AP) as response:
                assert response.status == 200
                page = await response.json(content_type=None)
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
