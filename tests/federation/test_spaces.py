"""Spaces across instances: joining, join requests, invitations, confidential visibility.

A hosts sahel (open), detention (on request) and litigation (confidential), managed by amina;
bruno is on B, a peer; carla is on C, which nobody trusts.
"""

from __future__ import annotations

import sqlite3

import aiohttp
import pytest

from tests.federation.network import (
    SQLITE_ONLY,
    Network,
    eventually,
    invite_bruno,
    lines,
    private_key_of,
    signed,
)

pytestmark = pytest.mark.server


def members(net: Network, slug: str) -> list[str]:
    return lines(net.a.cli("spaces", "members", slug).stdout)


@SQLITE_ONLY
async def test_joining_an_open_space_gives_the_default_role_at_once(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    net.b.cli("users", "join", "bruno", f"sahel@{net.a.domain}")

    async def joined() -> bool:
        """A lists bruno as a contributor, and B knows he is in (his following lists sahel)."""
        return (
            f"{bruno}\tcontributor\taccepted" in members(net, "sahel")
            and "sahel" in net.a.cli("fetch", f"{bruno}/following?page=true").stdout
        )

    await eventually(joined)


@SQLITE_ONLY
async def test_a_join_request_waits_for_a_space_manager(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    net.b.cli("users", "join", "bruno", f"detention@{net.a.domain}")

    async def requested() -> bool:
        """The request is listed for the space managers."""
        return lines(net.a.cli("spaces", "requests", "detention").stdout) == [f"{bruno}\tjoin"]

    await eventually(requested)
    assert f"{bruno}\tcontributor\tpending" in members(net, "detention")
    [request] = lines(net.a.cli("users", "notifications", "amina", "--unread").stdout)
    assert request.split("\t")[1:4] == ["join_request", "unread", bruno]
    net.a.cli("users", "read", "amina")
    assert net.a.cli("users", "notifications", "amina", "--unread").stdout.strip() == ""
    net.a.cli("spaces", "accept", "detention", bruno)

    async def accepted() -> bool:
        """bruno is a member, and B has heard so."""
        return "detention" in net.a.cli("fetch", f"{bruno}/following?page=true").stdout

    await eventually(accepted)
    assert f"{bruno}\tcontributor\taccepted" in members(net, "detention")
    [welcome] = lines(net.b.cli("users", "notifications", "bruno").stdout)
    assert welcome.split("\t")[1:4] == ["join_accepted", "unread", f"{net.a.url}/spaces/detention"]


async def test_a_confidential_space_refuses_an_uninvited_join_and_accepts_an_invited_one(
    net: Network,
) -> None:
    space = f"{net.a.url}/spaces/litigation"
    uninvited = net.b.cli("users", "join", "bruno", space, check=False)
    assert uninvited.returncode != 0 and "404" in uninvited.stderr  # B may not even see it
    await invite_bruno(net, "litigation", role="reader")
    assert net.b.cli("users", "invitations", "bruno").stdout.strip() == ""


async def test_only_members_and_their_instances_may_read_a_confidential_space(net: Network) -> None:
    space = f"{net.a.url}/spaces/litigation"
    async with aiohttp.ClientSession() as session:
        before = await signed(session, "GET", space, private_key_of(net.b))
    assert before[0] == 404  # no member on B yet: the same answer as for a free name
    net.a.cli("spaces", "invite", "litigation", f"bruno@{net.b.domain}", "--by", "amina")
    async with aiohttp.ClientSession() as session:
        as_instance = await signed(session, "GET", space, private_key_of(net.b))
        as_bruno = await signed(
            session, "GET", f"{space}/members?page=true", private_key_of(net.b, "bruno")
        )
        from_c = await signed(session, "GET", space, private_key_of(net.c))
        unsigned_members = await session.get(
            f"{space}/members", headers={"Accept": "application/activity+json"}
        )
    assert as_instance[0] == 200 and as_instance[1]["type"] == "Group"
    assert as_instance[1]["manuallyApprovesFollowers"] is True
    assert as_instance[1]["discoverable"] is False
    assert as_bruno[0] == 200 and f"{net.a.url}/users/amina" in as_bruno[1]["orderedItems"]
    assert from_c[0] == 403
    assert unsigned_members.status == 401
    webfinger = net.a.url + f"/.well-known/webfinger?resource=acct:litigation@{net.a.domain}"
    async with aiohttp.ClientSession() as session, session.get(webfinger) as response:
        assert response.status == 404


@SQLITE_ONLY
async def test_leaving_a_space_removes_the_membership(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    net.b.cli("users", "join", "bruno", f"sahel@{net.a.domain}")

    async def joined() -> bool:
        """bruno is a member of sahel."""
        return any(line.startswith(bruno) for line in members(net, "sahel"))

    await eventually(joined)
    net.b.cli("users", "leave", "bruno", f"sahel@{net.a.domain}")

    async def left() -> bool:
        """bruno is no longer a member."""
        return not any(line.startswith(bruno) for line in members(net, "sahel"))

    await eventually(left)


@SQLITE_ONLY
async def test_an_archived_space_takes_no_new_members_or_posts(net: Network) -> None:
    net.a.cli("spaces", "archive", "sahel")
    net.b.cli("users", "join", "bruno", f"sahel@{net.a.domain}")
    refused = net.a.cli("users", "post", "amina", "Too late", "--space", "sahel", check=False)
    assert refused.returncode != 0 and "archived" in refused.stderr

    async def rejected() -> bool:
        """B heard the Reject: bruno's pending join is gone, and A lists only amina."""
        with sqlite3.connect(net.b.directory / "jxfed.sqlite3") as b_db:
            pending = b_db.execute("SELECT count(*) FROM following").fetchone()[0]
        return pending == 0 and len(members(net, "sahel")) == 1

    await eventually(rejected)
    async with aiohttp.ClientSession() as session:
        status, group = await signed(
            session, "GET", f"{net.a.url}/spaces/sahel", private_key_of(net.b)
        )
    assert status == 200 and group["name"] == "Sahel"


@SQLITE_ONLY
async def test_a_role_change_federates_to_the_members_instance(net: Network) -> None:
    bruno = f"{net.b.url}/users/bruno"
    space = f"{net.a.url}/spaces/litigation"
    await invite_bruno(net, "litigation", role="reader")
    net.a.cli("spaces", "role", "litigation", bruno, "content_manager", "--by", "amina")

    async def told() -> bool:
        """B records bruno's new role and tells him."""
        following = net.b.cli("users", "following", "bruno").stdout
        return f"{space}\taccepted\tcontent_manager" in following

    await eventually(told)
    assert f"{bruno}\tcontent_manager\taccepted" in members(net, "litigation")
    notified = [
        line.split("\t") for line in lines(net.b.cli("users", "notifications", "bruno").stdout)
    ]
    assert any(parts[1] == "role_changed" and parts[3] == space for parts in notified)
    # Now a content manager, bruno may post where as a reader he could not.
    net.b.cli("users", "post", "bruno", "Filing schedule agreed", "--space", space)

    async def relayed() -> bool:
        """A relays bruno's post into the space."""
        return "Filing schedule agreed" in net.a.cli("spaces", "posts", "litigation").stdout

    await eventually(relayed)
    demoted = net.a.cli(
        "spaces",
        "role",
        "litigation",
        f"{net.a.url}/users/amina",
        "reader",
        "--by",
        "amina",
        check=False,
    )
    assert demoted.returncode != 0 and "last space manager" in demoted.stderr
