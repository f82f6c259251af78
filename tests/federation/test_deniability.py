"""Deniability on real instances: a confidential space's activities carry no author's proof,
and members' instances still take them, by a signed fetch from the author's instance.

A hosts litigation (confidential); bruno (B) is a member. In the second story carla (C) is
one too, and B and C trust each other, so that C can fetch bruno's post from B.
"""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from tests.federation.network import Network, eventually, invite_bruno, make_network
from tests.servers import Instance, InstanceFactory

pytestmark = pytest.mark.server


@pytest.fixture
def net(instances: InstanceFactory) -> Network:
    return make_network(instances)


def timeline(instance: Instance, name: str) -> str:
    return instance.cli("users", "timeline", name).stdout


def received(instance: Instance, text: str) -> list[dict]:  # type: ignore[type-arg]
    """The activities the instance's inbox took that mention `text`."""
    with sqlite3.connect(instance.directory / "jxfed.sqlite3") as db:
        rows = db.execute("SELECT document FROM inbox_item WHERE document LIKE ?", (f"%{text}%",))
        return [orjson.loads(row[0]) for row in rows]


def assert_unproved(activities: list[dict]) -> None:  # type: ignore[type-arg]
    assert activities
    for activity in activities:
        text = orjson.dumps(activity).decode()
        assert '"proof"' not in text and "eddsa-jcs-2022" not in text, activity["type"]


async def test_edits_reactions_and_deletions_reach_members_without_proofs(net: Network) -> None:
    await invite_bruno(net, "litigation")
    net.a.cli("users", "post", "amina", "Pleading outline v1", "--space", "litigation")
    post = net.a.cli("spaces", "posts", "litigation").stdout.split("\t")[2]

    async def arrived() -> bool:
        """bruno reads the post on B."""
        return "Pleading outline v1" in timeline(net.b, "bruno")

    await eventually(arrived)
    net.a.cli("users", "edit", "amina", post, "Pleading outline v2")

    async def edited() -> bool:
        """B took the edit (fetched from A, since it carries no proof)."""
        return "Pleading outline v2" in timeline(net.b, "bruno")

    await eventually(edited)
    net.a.cli("users", "react", "amina", post, "--emoji", "👍")

    async def reacted() -> bool:
        """B counts amina's reaction, fetched from A at the Like's id."""
        return "👍 1" in timeline(net.b, "bruno")

    await eventually(reacted)
    net.a.cli("users", "delete", "amina", post)

    async def deleted() -> bool:
        """The post left bruno's timeline: B took the deletion, fetched from A."""
        return "Pleading outline" not in timeline(net.b, "bruno")

    await eventually(deleted)
    assert_unproved(received(net.b, post))


async def test_a_remote_members_post_reaches_a_third_members_instance(net: Network) -> None:
    space = f"{net.a.url}/spaces/litigation"
    net.a.cli("peers", "allow", net.c.domain)
    net.b.cli("peers", "allow", net.c.domain)
    await invite_bruno(net, "litigation")
    net.a.cli("spaces", "invite", "litigation", f"carla@{net.c.domain}", "--by", "amina")

    async def invited() -> bool:
        """carla has the invitation on C."""
        return space in net.c.cli("users", "invitations", "carla").stdout

    await eventually(invited)
    net.c.cli("users", "accept-invite", "carla", space)

    async def carla_in() -> bool:
        """A lists carla as a member (her Accept of the invitation arrived)."""
        members = net.a.cli("spaces", "members", "litigation").stdout
        return f"{net.c.url}/users/carla\tcontributor\taccepted" in members

    await eventually(carla_in)
    net.b.cli("users", "post", "bruno", "Interview notes, Agadez", "--space", space)

    async def reached_c() -> bool:
        """carla reads bruno's post on C: C fetched it from B, which asked A who is in."""
        return "Interview notes, Agadez" in timeline(net.c, "carla")

    await eventually(reached_c)
    assert_unproved(received(net.c, "Interview notes"))
    net.c.cli("users", "add", "carmen")  # on C, but not a member
    assert "Interview notes" not in timeline(net.c, "carmen")
