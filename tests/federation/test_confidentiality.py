"""The confidentiality matrix, on three real instances.

A hosts the confidential space `litigation`; bruno, on B, is a member; C is a peer of A's with
no member in it (and follows A's open space `sahel`, so C demonstrably hears from A). One
world is built per database kind: amina posts in the space, bruno comments from B, amina
reacts. Each test then checks one cell of the matrix. The mutating cells (a removed member,
B down during a post) build their own network.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import orjson
import pytest

from tests.conftest import postgres_database
from tests.databases import Templates
from tests.federation.network import (
    Network,
    eventually,
    invite_bruno,
    make_network,
    private_key_of,
    signed,
)
from tests.servers import InstanceFactory, kept

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("confidentiality")]

SECRET_POST = "Witness W-17 statement, draft 3"
SECRET_COMMENT = "Objection to paragraph 4 of W-17"


@dataclass
class World:
    net: Network
    post: str
    comment: str
    space: str


def timeline(instance, name: str) -> str:  # type: ignore[no-untyped-def]
    return instance.cli("users", "timeline", name).stdout


def space_posts(net: Network) -> list[str]:
    """URIs of litigation's posts, newest first, as A lists them."""
    return [
        line.split("\t")[2]
        for line in net.a.cli("spaces", "posts", "litigation").stdout.splitlines()
    ]


async def build(net: Network) -> World:
    net.a.cli("peers", "allow", net.c.domain)
    await invite_bruno(net, "litigation")
    net.c.cli("users", "follow", "carla", f"sahel@{net.a.domain}")
    net.a.cli("users", "post", "amina", SECRET_POST, "--space", "litigation")
    [post] = space_posts(net)

    async def post_arrived() -> bool:
        """bruno reads the post on B."""
        return SECRET_POST in timeline(net.b, "bruno")

    await eventually(post_arrived)
    net.b.cli("users", "post", "bruno", SECRET_COMMENT, "--reply-to", post)

    async def comment_relayed() -> bool:
        """A took bruno's comment into the space."""
        return len(space_posts(net)) == 2

    await eventually(comment_relayed)
    comment = space_posts(net)[0]
    net.a.cli("users", "react", "amina", comment, "--emoji", "👍")

    async def followed() -> bool:
        """A counts carla (C) among sahel's followers."""
        followers = net.b.cli("fetch", f"{net.a.url}/spaces/sahel/followers").stdout
        return orjson.loads(followers)["totalItems"] == 1

    await eventually(followed)
    net.a.cli("users", "post", "amina", "Sahel: open call for testimonies", "--space", "sahel")

    async def c_heard_from_a() -> bool:
        """C received sahel's public post (A delivers to C when it should)."""
        return _inbox_count(net.c.directory, "open call for testimonies") > 0

    async def comment_on_b() -> bool:
        """The relayed comment reached B too."""
        return SECRET_COMMENT in timeline(net.b, "bruno")

    await eventually(c_heard_from_a)
    await eventually(comment_on_b)
    return World(net, post, comment, f"{net.a.url}/spaces/litigation")


def _inbox_count(directory: Path, text: str) -> int:
    with sqlite3.connect(directory / "jxfed.sqlite3") as db:
        return int(
            db.execute(
                "SELECT count(*) FROM inbox_item WHERE document LIKE ?", (f"%{text}%",)
            ).fetchone()[0]
        )


@pytest.fixture(params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> World:
    """The story, played once per database kind and test process (see `kept`)."""

    def make() -> tuple[World, Callable[[], None]]:
        root = tmp_path_factory.mktemp(f"confidential-{request.param}")
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
            return asyncio.run(build(make_network(factory))), stop
        except BaseException:
            stop()
            raise

    return kept(f"confidentiality-{request.param}", make)


def test_nothing_of_the_space_is_delivered_to_c(world: World) -> None:
    c = world.net.c.directory
    for secret in (SECRET_POST, SECRET_COMMENT, world.space, world.post, world.comment):
        assert _inbox_count(c, secret) == 0, secret
    with sqlite3.connect(c / "jxfed.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM post WHERE content LIKE '%W-17%'").fetchone()[0]
        notified = {row[0] for row in db.execute("SELECT object_uri FROM notification")}
    assert stored == 0
    assert len(notified) == 1 and not notified & {world.post, world.comment}  # sahel's post


async def test_cs_signed_reads_of_every_object_collection_and_page_are_refused(
    world: World,
) -> None:
    space = world.space
    outbox_page = orjson.loads(world.net.b.cli("fetch", f"{space}/outbox?page=true").stdout)
    activities = [item["id"] for item in outbox_page["orderedItems"]]
    announced = [item["object"]["id"] for item in outbox_page["orderedItems"]]
    assert len(activities) >= 2  # bruno's instance reads them: the refusals below are C's
    urls = [world.post, world.comment, space, *activities, *announced]
    for collection in ("outbox", "followers", "following", "members"):
        urls += [
            f"{space}/{collection}",
            f"{space}/{collection}?page=true",
            f"{space}/{collection}?page=true&max_id=999999999",
            f"{space}/{collection}?page=true&min_id=0",
        ]
    keys = [private_key_of(world.net.c), private_key_of(world.net.c, "carla")]
    async with aiohttp.ClientSession() as session:
        for key in keys:
            for url in urls:
                status, body = await signed(session, "GET", url, key)
                assert status in (403, 404), (url, status)
                assert "W-17" not in orjson.dumps(body).decode()


async def test_members_and_their_instance_read_what_c_cannot(world: World) -> None:
    net = world.net
    async with aiohttp.ClientSession() as session:
        for key in (private_key_of(net.b, "bruno"), private_key_of(net.b)):
            status, note = await signed(session, "GET", world.post, key)
            assert status == 200 and SECRET_POST in note["content"]
            status, members = await signed(session, "GET", f"{world.space}/members?page=true", key)
            assert status == 200
            assert f"{net.b.url}/users/bruno" in members["orderedItems"]
        # bruno's comment lives on B: the space's instance (A) may read it, C may not.
        note = orjson.loads(net.a.cli("fetch", world.comment).stdout)  # signed by A's actor
        assert SECRET_COMMENT in note["content"]
        assert note["inReplyTo"] == world.post and note["audience"] == world.space
        for key in (private_key_of(net.c), private_key_of(net.c, "carla")):
            status, _ = await signed(session, "GET", world.comment, key)
            assert status in (403, 404)  # B does not even trust C


def test_a_non_member_on_b_gets_nothing_through_b(world: World) -> None:
    b = world.net.b
    b.cli("users", "add", "beatriz")  # on B, not in the space
    assert "W-17" not in timeline(b, "beatriz")
    assert b.cli("users", "notifications", "beatriz").stdout.strip() == ""
    bruno_kinds = {
        line.split("\t")[1] for line in b.cli("users", "notifications", "bruno").stdout.splitlines()
    }
    assert "new_post" in bruno_kinds  # bruno, the member, was told


async def test_no_public_document_mentions_the_space(world: World) -> None:
    a = world.net.a
    c = world.net.c
    webfinger = c.cli(
        "fetch", f"{a.url}/.well-known/webfinger?resource=acct:litigation@{a.domain}", check=False
    )
    unknown = c.cli(
        "fetch", f"{a.url}/.well-known/webfinger?resource=acct:nosuchspace@{a.domain}", check=False
    )
    assert webfinger.returncode != 0 and webfinger.stderr == unknown.stderr.replace(
        "nosuchspace", "litigation"
    )
    nodeinfo = orjson.loads(c.cli("fetch", f"{a.url}/nodeinfo/2.1").stdout)
    assert "litigation" not in orjson.dumps(nodeinfo).decode()
    assert nodeinfo["usage"]["localPosts"] == 1  # amina's post in the open space only
    public = [
        f"{a.url}/users/amina",
        f"{a.url}/users/amina/outbox?page=true",
        f"{a.url}/users/amina/following?page=true",
        f"{a.url}/users/amina/followers?page=true",
        f"{a.url}/spaces/sahel/outbox?page=true",
        f"{a.url}/actor/outbox?page=true",
    ]
    for url in public:
        text = c.cli("fetch", url).stdout
        assert "litigation" not in text and "W-17" not in text, url
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{a.url}/spaces/litigation", headers={"Accept": "text/html"}) as r:
            page = await r.text()
            assert r.status == 404 and "Litigation" not in page
        async with session.get(f"{a.url}/users/amina", headers={"Accept": "text/html"}) as r:
            assert r.status == 200 and "itigation" not in await r.text()


async def test_a_confidential_post_made_while_b_is_down_arrives_when_b_is_back(
    instances: InstanceFactory,
) -> None:
    net = make_network(instances)
    await invite_bruno(net, "litigation")
    net.b.stop()
    net.a.cli("users", "post", "amina", "Hearing moved to Monday", "--space", "litigation")
    net.b.start()

    async def arrived() -> bool:
        """bruno reads the post once B is back."""
        return "Hearing moved" in timeline(net.b, "bruno")

    await eventually(arrived, seconds=60)
