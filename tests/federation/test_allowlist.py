"""The allowlist, enforced on real servers: what C (a non-peer) and unsigned clients get.

A and B are peers of each other; C trusts both but neither trusts C.
"""

from __future__ import annotations

import asyncio
import email.utils
import sqlite3
import time
import uuid

import aiohttp
import orjson
import pytest

from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request
from tests.federation.network import (
    AP,
    SQLITE_ONLY,
    Network,
    eventually,
    private_key_of,
    signed,
)

pytestmark = pytest.mark.server


def create_note(
    author: str, *, object_author: str | None = None, note_id: str | None = None
) -> bytes:
    note_id = note_id or f"{author}/notes/{uuid.uuid4()}"
    return orjson.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": author,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "id": note_id,
                "type": "Note",
                "attributedTo": object_author or author,
                "content": "<p>hello</p>",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            },
        }
    )


async def status_of_oversize_post(domain: str) -> int:
    """Announce a 2 MB body, send its first 64 KB, read the answer (the server stops early)."""
    host, port = domain.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST /inbox HTTP/1.1\r\nHost: {domain}\r\nContent-Type: application/activity+json\r\n"
        f"Content-Length: 2000000\r\n\r\n".encode()
        + b"a" * 65536
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    return int(status_line.split()[1])


@SQLITE_ONLY
async def test_unsigned_reads_of_activitypub_documents_get_401_but_discovery_stays_open(
    net: Network,
) -> None:
    a = net.a.url
    async with aiohttp.ClientSession() as session:
        for url in (
            f"{a}/users/amina",
            f"{a}/spaces/sahel",
            f"{a}/users/amina/outbox",
            f"{a}/spaces/sahel/members?page=true",
        ):
            async with session.get(url, headers=AP) as response:
                assert response.status == 401, url
                assert "error" in await response.json(content_type=None)
        for url in (
            f"{a}/actor",
            f"{a}/.well-known/webfinger?resource=acct:amina@{net.a.domain}",
            f"{a}/.well-known/nodeinfo",
            f"{a}/nodeinfo/2.1",
            f"{a}/.well-known/host-meta",
        ):
            async with session.get(url, headers=AP) as response:
                assert response.status == 200, url
        async with session.get(f"{a}/users/amina", headers={"Accept": "text/html"}) as response:
            assert response.status == 200  # the HTML profile is for people, not peers


@SQLITE_ONLY
async def test_signed_reads_from_a_non_peer_get_403_and_from_a_peer_200(net: Network) -> None:
    async with aiohttp.ClientSession() as session:
        refused, body = await signed(
            session, "GET", f"{net.a.url}/users/amina", private_key_of(net.c)
        )
        allowed, actor = await signed(
            session, "GET", f"{net.a.url}/users/amina", private_key_of(net.b)
        )
    assert refused == 403 and "not a peer" in body["error"]
    assert allowed == 200 and actor["type"] == "Person"
    fetched = net.c.cli("fetch", f"{net.a.url}/users/amina", check=False)
    assert fetched.returncode != 0 and "403" in fetched.stderr


@SQLITE_ONLY
async def test_a_non_peer_post_is_refused_before_any_key_is_fetched(net: Network) -> None:
    net.c.stop()  # C cannot serve its key: a 403 (not a 401) proves A never asked for it
    key = private_key_of(net.c, "carla")
    async with aiohttp.ClientSession() as session:
        status, body = await signed(
            session, "POST", f"{net.a.url}/inbox", key, create_note(f"{net.c.url}/users/carla")
        )
    assert status == 403
    assert net.c.domain in body["error"]


async def test_bad_posts_from_a_peer_get_clear_4xx_errors(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    key = private_key_of(net.b, "bruno")
    inbox = f"{net.a.url}/inbox"
    async with aiohttp.ClientSession() as session:
        async with session.post(inbox, data=create_note(bruno)) as response:
            unsigned = response.status
        not_json = await signed(session, "POST", inbox, key, b"{not json")
        no_type = await signed(
            session, "POST", inbox, key, orjson.dumps({"id": f"{bruno}/x", "actor": bruno})
        )
        unknown = await signed(
            session,
            "POST",
            inbox,
            key,
            orjson.dumps({"id": f"{bruno}/y", "type": "Dance", "actor": bruno}),
        )
        not_owner = await signed(
            session, "POST", inbox, key, create_note(f"{net.b.url}/users/other")
        )
        foreign_object = await signed(
            session,
            "POST",
            inbox,
            key,
            create_note(bruno, object_author=f"{net.c.url}/users/carla"),
        )
        wrapped_non_peer = await signed(
            session,
            "POST",
            inbox,
            key,
            orjson.dumps(
                {
                    "id": f"{bruno}/announce/1",
                    "type": "Create",
                    "actor": bruno,
                    "object": {"id": f"{net.c.url}/notes/1", "type": "Note", "attributedTo": bruno},
                }
            ),
        )
        tampered_headers = {"Content-Type": "application/activity+json"}
        body = create_note(bruno)
        tampered_headers.update(
            sign_cavage_request(
                HttpRequest("POST", inbox, tampered_headers, body),
                key_id=key[0],
                private_key=key[1],
            )
        )  # type: ignore[arg-type]
        async with session.post(inbox, data=body + b" ", headers=tampered_headers) as response:
            tampered = response.status
        stale_headers = {
            "Content-Type": "application/activity+json",
            "Date": email.utils.formatdate(time.time() - 13 * 3600, usegmt=True),
        }
        stale_headers.update(
            sign_cavage_request(
                HttpRequest("POST", inbox, stale_headers, body), key_id=key[0], private_key=key[1]
            )
        )  # type: ignore[arg-type]
        async with session.post(inbox, data=body, headers=stale_headers) as response:
            stale = response.status
    assert unsigned == 401
    assert not_json[0] == 400 and "JSON" in not_json[1]["error"]
    assert no_type[0] == 400 and "type" in no_type[1]["error"]
    assert unknown[0] == 400 and "Dance" in unknown[1]["error"]
    assert not_owner[0] == 401
    assert foreign_object[0] == 403 and net.c.domain in foreign_object[1]["error"]
    assert wrapped_non_peer[0] == 403
    assert await status_of_oversize_post(net.a.domain) == 413
    assert tampered == 401
    assert stale == 401


async def test_a_replayed_activity_is_accepted_once_and_applied_once(net: Network) -> None:
    net.a.cli("users", "follow", "amina", f"bruno@{net.b.domain}")
    bruno = f"{net.b.url}/users/bruno"

    async def following() -> bool:
        """amina's follow of bruno is accepted."""
        page = orjson.loads(
            net.b.cli("fetch", f"{net.a.url}/users/amina/following?page=true").stdout
        )
        return page["orderedItems"] == [bruno]

    await eventually(following)
    body = create_note(bruno)
    key = private_key_of(net.b, "bruno")
    async with aiohttp.ClientSession() as session:
        first = await signed(session, "POST", f"{net.a.url}/inbox", key, body)
        again = await signed(session, "POST", f"{net.a.url}/inbox", key, body)
    assert first[0] == again[0] == 202
    assert again[1]["status"] == "already received"

    async def stored() -> bool:
        """The note is in amina's timeline."""
        return "hello" in net.a.cli("users", "timeline", "amina").stdout

    await eventually(stored)
    assert net.a.cli("users", "timeline", "amina").stdout.count("hello") == 1


@SQLITE_ONLY
async def test_peers_allow_and_remove_take_effect_on_the_running_server(net: Network) -> None:
    url = f"{net.a.url}/users/amina"
    key = private_key_of(net.b)
    async with aiohttp.ClientSession() as session:
        assert (await signed(session, "GET", url, key))[0] == 200
        net.a.cli("peers", "remove", net.b.domain)
        await asyncio.sleep(1.2)
        assert (await signed(session, "GET", url, key))[0] == 403
        net.a.cli("peers", "allow", net.b.domain)
        await asyncio.sleep(1.2)
        assert (await signed(session, "GET", url, key))[0] == 200


async def test_a_never_sends_anything_to_c(net: Network) -> None:
    refused = net.c.cli("users", "follow", "carla", f"amina@{net.a.domain}", check=False)
    assert refused.returncode != 0 and "403" in refused.stderr
    net.b.cli("users", "follow", "bruno", f"amina@{net.a.domain}")

    async def followed() -> bool:
        """A accepted bruno's follow (B shows it accepted)."""
        return "accepted" in net.b.cli("users", "following", "bruno").stdout

    await eventually(followed)
    net.a.cli("users", "post", "amina", "For peers only")

    async def delivered() -> bool:
        """B got the post."""
        return "For peers only" in net.b.cli("users", "timeline", "bruno").stdout

    await eventually(delivered)
    with sqlite3.connect(net.c.directory / "jxfed.sqlite3") as c_db:
        received = c_db.execute("SELECT count(*) FROM inbox_item").fetchone()[0]
    assert received == 0
    fetched = net.a.cli("fetch", f"{net.c.url}/users/carla", check=False)
    assert fetched.returncode != 0 and "not a peer" in fetched.stderr
