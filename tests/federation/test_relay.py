"""The space relay on real instances (FEP-1b12): posts in a space reach its members' instances.

A hosts sahel (open) and litigation (confidential); bruno on B joins them. In these tests C is a
peer of A's with no member in any space, the way the confidentiality matrix needs it.
"""

from __future__ import annotations

import sqlite3

import aiohttp
import orjson
import pytest

from tests.federation.network import (
    SQLITE_ONLY,
    Network,
    eventually,
    invite_bruno,
    make_network,
    private_key_of,
    signed,
)
from tests.servers import InstanceFactory

pytestmark = pytest.mark.server


@pytest.fixture
def net(instances: InstanceFactory) -> Network:
    network = make_network(instances)
    network.a.cli("peers", "allow", network.c.domain)  # C: a peer, but no member anywhere
    return network


async def member_of(net: Network, slug: str) -> None:
    bruno = f"{net.b.url}/users/bruno"
    if slug == "litigation":
        await invite_bruno(net, slug)
        return
    net.b.cli("users", "join", "bruno", f"{slug}@{net.a.domain}")

    async def joined() -> bool:
        """A counts bruno among the members."""
        return f"{bruno}\tcontributor\taccepted" in net.a.cli("spaces", "members", slug).stdout

    await eventually(joined)


def timeline(instance, name: str) -> str:  # type: ignore[no-untyped-def]
    return instance.cli("users", "timeline", name).stdout


@SQLITE_ONLY
async def test_a_post_in_an_open_space_reaches_its_members_instances(net: Network) -> None:
    await member_of(net, "sahel")
    net.a.cli(
        "users",
        "post",
        "amina",
        f"Sahel weekly brief for @bruno@{net.b.domain} #Sahel",
        "--space",
        "sahel",
    )

    async def arrived() -> bool:
        """bruno, on B, reads the post the space announced."""
        return "Sahel weekly brief" in timeline(net.b, "bruno")

    await eventually(arrived)
    kinds = [
        line.split("\t")[1]
        for line in net.b.cli("users", "notifications", "bruno").stdout.splitlines()
    ]
    assert "mention" in kinds and "new_post" not in kinds  # one per post, the most personal
    outbox = orjson.loads(net.b.cli("fetch", f"{net.a.url}/spaces/sahel/outbox?page=true").stdout)[
        "orderedItems"
    ]
    [announce] = outbox
    assert announce["type"] == "Announce"
    assert announce["object"]["type"] == "Create"
    assert announce["object"]["actor"] == f"{net.a.url}/users/amina"
    assert announce["object"]["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    tags = announce["object"]["object"]["tag"]
    assert {
        "type": "Mention",
        "href": f"{net.b.url}/users/bruno",
        "name": f"@bruno@{net.b.domain}",
    } in tags
    assert {"type": "Hashtag", "href": f"{net.a.url}/tags/sahel", "name": "#sahel"} in tags


@SQLITE_ONLY
async def test_a_remote_members_post_is_relayed_to_the_space(net: Network) -> None:
    await member_of(net, "sahel")
    net.b.cli(
        "users", "post", "bruno", "Field notes from Niamey", "--space", f"sahel@{net.a.domain}"
    )

    async def relayed() -> bool:
        """amina, a member on A, reads bruno's post through the space."""
        return "Field notes from Niamey" in timeline(net.a, "amina")

    await eventually(relayed)


async def test_a_confidential_post_reaches_members_instances_and_nobody_else(net: Network) -> None:
    await member_of(net, "litigation")
    net.c.cli("users", "follow", "carla", f"sahel@{net.a.domain}")  # C follows an open space
    net.a.cli("users", "post", "amina", "Witness statement, draft 2", "--space", "litigation")

    async def arrived() -> bool:
        """bruno, a member on B, reads it."""
        return "Witness statement" in timeline(net.b, "bruno")

    await eventually(arrived)
    with sqlite3.connect(net.b.directory / "jxfed.sqlite3") as b_db:
        [received] = [
            orjson.loads(row[0])
            for row in b_db.execute(
                "SELECT document FROM inbox_item WHERE document LIKE '%Witness%'"
            )
        ]
    assert received["type"] == "Announce" and received["object"]["type"] == "Create"
    # Deniability: no proof of who wrote it; B took it by a signed fetch from A instead.
    assert "proof" not in received["object"] and "proof" not in received
    net.b.cli("users", "add", "beatriz")  # on B, but not a member: B shows her nothing of it
    assert "Witness" not in timeline(net.b, "beatriz")
    assert net.b.cli("users", "notifications", "beatriz").stdout.strip() == ""
    with sqlite3.connect(net.c.directory / "jxfed.sqlite3") as c_db:
        leaked = c_db.execute(
            "SELECT count(*) FROM inbox_item WHERE document LIKE '%Witness%'"
        ).fetchone()[0]
    assert leaked == 0
    post_uri = next(
        line.split("\t")[2]
        for line in net.a.cli("spaces", "posts", "litigation").stdout.splitlines()
    )
    space = f"{net.a.url}/spaces/litigation"
    async with aiohttp.ClientSession() as session:
        for url in (post_uri, space, f"{space}/outbox?page=true", f"{space}/members?page=true"):
            status, _ = await signed(session, "GET", url, private_key_of(net.c))
            assert status == 404, url
        status, note = await signed(session, "GET", post_uri, private_key_of(net.b, "bruno"))
    assert status == 200 and "Witness statement" in note["content"]
    public_outbox = orjson.loads(
        net.c.cli("fetch", f"{net.a.url}/users/amina/outbox?page=true").stdout
    )
    assert "Witness" not in orjson.dumps(public_outbox).decode()
    assert "litigation" not in net.c.cli("fetch", f"{net.a.url}/nodeinfo/2.1").stdout


@SQLITE_ONLY
async def test_a_reader_cannot_post_in_a_space(net: Network) -> None:
    space = f"{net.a.url}/spaces/litigation"
    await invite_bruno(net, "litigation", role="reader")
    net.b.cli("users", "post", "bruno", "Readers may not post", "--space", space)
    net.a.cli("users", "post", "amina", "Managers may", "--space", "litigation")

    async def managers_post_arrived() -> bool:
        """The manager's later post reached B, so bruno's had time to be refused."""
        return "Managers may" in timeline(net.b, "bruno")

    await eventually(managers_post_arrived)
    assert "Readers may not post" not in timeline(net.a, "amina")

    async def withdrawn_on_b() -> bool:
        """A's Reject reached B, which no longer shows bruno's post as posted."""
        return "Readers may not post" not in timeline(net.b, "bruno")

    await eventually(withdrawn_on_b)


async def test_a_removed_members_instance_stops_receiving_at_once(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    await member_of(net, "litigation")
    net.a.cli("spaces", "remove", "litigation", bruno, "--by", "amina")
    net.a.cli("users", "post", "amina", "After the removal", "--space", "litigation")
    await member_of(net, "sahel")
    net.a.cli("users", "post", "amina", "Sahel update", "--space", "sahel")

    async def later_news_arrived() -> bool:
        """B is still a peer and gets sahel's later post (so it would have got the other)."""
        return "Sahel update" in timeline(net.b, "bruno")

    await eventually(later_news_arrived)
    with sqlite3.connect(net.b.directory / "jxfed.sqlite3") as b_db:
        received = b_db.execute(
            "SELECT count(*) FROM inbox_item WHERE document LIKE '%After the removal%'"
        ).fetchone()[0]
    assert received == 0
    assert "litigation" not in net.a.cli("fetch", f"{bruno}/following?page=true").stdout
    last_manager = net.a.cli(
        "spaces", "remove", "litigation", f"{net.a.url}/users/amina", "--by", "amina", check=False
    )
    assert last_manager.returncode != 0 and "last space manager" in last_manager.stderr


@SQLITE_ONLY
async def test_an_edit_keeps_the_old_text_and_a_deletion_leaves_a_tombstone(net: Network) -> None:
    await member_of(net, "sahel")
    net.a.cli("users", "post", "amina", "Draft statement", "--space", "sahel")
    post_uri = net.a.cli("spaces", "posts", "sahel").stdout.split("\t")[2]

    async def arrived() -> bool:
        """bruno reads the draft."""
        return "Draft statement" in timeline(net.b, "bruno")

    await eventually(arrived)
    net.a.cli("users", "edit", "amina", post_uri, "Final statement")

    async def edited() -> bool:
        """bruno reads the final text instead, and B kept the draft as a revision."""
        return "Final statement" in timeline(net.b, "bruno")

    await eventually(edited)
    assert "Draft statement" not in timeline(net.b, "bruno")
    with sqlite3.connect(net.b.directory / "jxfed.sqlite3") as b_db:
        [(kept,)] = b_db.execute("SELECT content FROM post_revision").fetchall()
    assert "Draft statement" in kept
    refused = net.b.cli("users", "delete", "bruno", post_uri, check=False)
    assert refused.returncode != 0 and "author" in refused.stderr
    net.a.cli("users", "delete", "amina", post_uri)

    async def gone() -> bool:
        """The post left bruno's timeline."""
        return "Final statement" not in timeline(net.b, "bruno")

    await eventually(gone)
    async with aiohttp.ClientSession() as session:
        status, tombstone = await signed(session, "GET", post_uri, private_key_of(net.b))
    assert status == 410 and tombstone["type"] == "Tombstone"


@SQLITE_ONLY
async def test_a_members_reaction_reaches_the_space_and_notifies_the_author(net: Network) -> None:
    await member_of(net, "sahel")
    net.a.cli("users", "post", "amina", "Vote on the new statute", "--space", "sahel")
    post_uri = net.a.cli("spaces", "posts", "sahel").stdout.split("\t")[2]

    async def arrived() -> bool:
        """bruno reads the post."""
        return "Vote on the new statute" in timeline(net.b, "bruno")

    await eventually(arrived)
    net.b.cli("users", "react", "bruno", post_uri, "--emoji", "👍")

    async def notified() -> bool:
        """amina is told of bruno's reaction."""
        return "reaction" in net.a.cli("users", "notifications", "amina").stdout

    await eventually(notified)
    assert "👍 1" in timeline(net.a, "amina")
    bad = net.b.cli("users", "react", "bruno", post_uri, "--emoji", "not an emoji", check=False)
    assert bad.returncode != 0 and "emoji" in bad.stderr


@SQLITE_ONLY
async def test_a_comment_from_b_is_relayed_and_notifies_the_posts_author(net: Network) -> None:
    await member_of(net, "sahel")
    net.a.cli(
        "users", "post", "amina", "Call for evidence on border detentions", "--space", "sahel"
    )
    post = net.a.cli("spaces", "posts", "sahel").stdout.split("\t")[2]

    async def arrived() -> bool:
        """bruno reads the post on B."""
        return "Call for evidence" in timeline(net.b, "bruno")

    await eventually(arrived)
    net.b.cli("users", "post", "bruno", "Two cases from Agadez", "--reply-to", post)

    async def amina_told() -> bool:
        """amina, the post's author on A, has a reply notification."""
        notes = net.a.cli("users", "notifications", "amina").stdout.splitlines()
        return any(line.split("\t")[1] == "reply" for line in notes)

    await eventually(amina_told)
    [comment, parent] = [
        line.split("\t")[2] for line in net.a.cli("spaces", "posts", "sahel").stdout.splitlines()
    ]
    assert parent == post
    note = orjson.loads(net.a.cli("fetch", comment).stdout)
    assert note["inReplyTo"] == post and note["audience"] == f"{net.a.url}/spaces/sahel"
    outside = net.b.cli(
        "users", "post", "bruno", "Elsewhere", "--reply-to", "http://x.test/1", check=False
    )
    assert outside.returncode != 0 and "no post" in outside.stderr


@SQLITE_ONLY
async def test_a_reader_cannot_comment(net: Network) -> None:
    await invite_bruno(net, "litigation", role="reader")
    net.a.cli("users", "post", "amina", "Draft pleading v1", "--space", "litigation")
    post = net.a.cli("spaces", "posts", "litigation").stdout.split("\t")[2]

    async def arrived() -> bool:
        """bruno reads the post on B."""
        return "Draft pleading" in timeline(net.b, "bruno")

    await eventually(arrived)
    net.b.cli("users", "post", "bruno", "A reader's comment", "--reply-to", post)
    net.a.cli("users", "post", "amina", "Draft pleading v2", "--space", "litigation")

    async def later_arrived() -> bool:
        """The later post reached B, so bruno's comment had time to be refused on A."""
        return "Draft pleading v2" in timeline(net.b, "bruno")

    await eventually(later_arrived)
    assert "A reader's comment" not in net.a.cli("spaces", "posts", "litigation").stdout


@SQLITE_ONLY
async def test_html_from_a_peer_is_sanitised_before_it_is_stored(net: Network) -> None:
    await member_of(net, "sahel")
    bruno = f"{net.b.url}/users/bruno"
    space = f"{net.a.url}/spaces/sahel"
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{net.b.url}/activities/hostile-1",
        "type": "Create",
        "actor": bruno,
        "to": ["https://www.w3.org/ns/activitystreams#Public", space],
        "object": {
            "id": f"{net.b.url}/objects/hostile-1",
            "type": "Note",
            "attributedTo": bruno,
            "audience": space,
            "to": ["https://www.w3.org/ns/activitystreams#Public", space],
            "content": '<p onclick="steal()">Report <a href="https://example.org/r">here</a>'
            '<script>alert(1)</script><img src="x" onerror="y()"></p>',
        },
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

    async def stored() -> bool:
        """A took the post into the space."""
        return "Report" in net.a.cli("spaces", "posts", "sahel").stdout

    await eventually(stored)
    content = net.a.cli("spaces", "posts", "sahel").stdout
    for hostile in ("<script", "alert(1)", "onclick", "onerror", "steal"):
        assert hostile not in content
    assert (
        'href="https://example.org/r"' in content
        and 'rel="nofollow noopener noreferrer"' in content
    )
