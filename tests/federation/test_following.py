"""Following across real instances: A and B trust each other, nobody trusts C.

Given three Hypercorn servers on loopback ports with separate databases, members of B follow
members and spaces of A with real signed HTTP, and A's posts reach B, never C.
"""

from __future__ import annotations

import orjson
import pytest

from tests.federation.network import SQLITE_ONLY, Network, eventually, lines
from tests.servers import Instance

pytestmark = pytest.mark.server


def fetch(instance: Instance, url: str) -> dict:
    """`jxfed fetch`: a GET signed by the instance actor, as the peer sees it."""
    return orjson.loads(instance.cli("fetch", url).stdout)


def followers(by: Instance, collection: str) -> list[str]:
    return fetch(by, f"{collection}?page=true")["orderedItems"]


@SQLITE_ONLY
async def test_a_member_of_b_follows_a_member_of_a_and_receives_her_public_posts(
    net: Network,
) -> None:
    amina, bruno = f"{net.a.url}/users/amina", f"{net.b.url}/users/bruno"
    net.b.cli("users", "follow", "bruno", f"amina@{net.a.domain}")

    async def accepted() -> bool:
        """A lists bruno as a follower and B as following amina."""
        return followers(net.b, f"{amina}/followers") == [bruno] and followers(
            net.a, f"{bruno}/following"
        ) == [amina]

    await eventually(accepted)
    net.a.cli("users", "post", "amina", "Hearing on Monday <script>x</script>")

    async def arrived() -> bool:
        """bruno's timeline on B shows the post, escaped."""
        return "Hearing on Monday &lt;script&gt;" in net.b.cli("users", "timeline", "bruno").stdout

    await eventually(arrived)


@SQLITE_ONLY
async def test_following_an_open_space_is_accepted_at_once(net: Network) -> None:
    net.b.cli("users", "follow", "bruno", f"sahel@{net.a.domain}")

    async def accepted() -> bool:
        """The space's followers collection lists bruno."""
        return followers(net.b, f"{net.a.url}/spaces/sahel/followers") == [
            f"{net.b.url}/users/bruno"
        ]

    await eventually(accepted)


@SQLITE_ONLY
async def test_an_on_request_space_keeps_the_follow_pending_until_a_manager_accepts(
    net: Network,
) -> None:
    bruno = f"{net.b.url}/users/bruno"
    net.b.cli("users", "follow", "bruno", f"detention@{net.a.domain}")

    async def requested() -> bool:
        """A lists bruno's pending request."""
        return lines(net.a.cli("spaces", "requests", "detention").stdout) == [f"{bruno}\tfollow"]

    await eventually(requested)
    assert followers(net.b, f"{net.a.url}/spaces/detention/followers") == []
    assert followers(net.a, f"{bruno}/following") == []
    net.a.cli("spaces", "accept", "detention", bruno)

    async def accepted() -> bool:
        """Both sides now show the follow."""
        return followers(net.a, f"{bruno}/following") == [f"{net.a.url}/spaces/detention"]

    await eventually(accepted)
    assert followers(net.b, f"{net.a.url}/spaces/detention/followers") == [bruno]
    assert net.a.cli("spaces", "requests", "detention").stdout.strip() == ""


async def test_a_confidential_space_cannot_be_found_or_followed(net: Network) -> None:
    by_name = net.b.cli("users", "follow", "bruno", f"litigation@{net.a.domain}", check=False)
    by_url = net.b.cli("users", "follow", "bruno", f"{net.a.url}/spaces/litigation", check=False)
    assert by_name.returncode != 0 and "404" in by_name.stderr
    assert by_url.returncode != 0 and "404" in by_url.stderr


@SQLITE_ONLY
async def test_undo_follow_removes_the_follower(net: Network) -> None:
    amina = f"{net.a.url}/users/amina"
    net.b.cli("users", "follow", "bruno", f"amina@{net.a.domain}")

    async def accepted() -> bool:
        """bruno follows amina."""
        return followers(net.b, f"{amina}/followers") != []

    await eventually(accepted)
    net.b.cli("users", "unfollow", "bruno", f"amina@{net.a.domain}")

    async def gone() -> bool:
        """amina has no follower left."""
        return followers(net.b, f"{amina}/followers") == []

    await eventually(gone)


async def test_a_post_made_while_b_was_down_arrives_when_b_comes_back(net: Network) -> None:
    net.b.cli("users", "follow", "bruno", f"amina@{net.a.domain}")

    async def accepted() -> bool:
        """bruno follows amina."""
        return followers(net.b, f"{net.a.url}/users/amina/followers") != []

    await eventually(accepted)
    net.b.stop()
    net.a.cli("users", "post", "amina", "Posted while B was away")
    net.b.start()

    async def arrived() -> bool:
        """The post reached bruno after B restarted."""
        return "Posted while B was away" in net.b.cli("users", "timeline", "bruno").stdout

    await eventually(arrived, seconds=30)
