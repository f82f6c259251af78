"""A member of B uses Mastodon.py (the real client) against B to find a space of A, follow
it, read its posts in the home timeline as the space's boosts, get notified and post into it."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.federation.network import SQLITE_ONLY, Network, eventually
from tests.mastodon.conftest import PASSWORD

pytestmark = [pytest.mark.server, SQLITE_ONLY]  # an app's story: the API tests cover both databases


def app_on(net: Network, name: str) -> Mastodon:
    net.b.cli("users", "add", name, "--password-stdin", stdin=f"{PASSWORD}\n")
    client_id, client_secret = Mastodon.create_app("field phone", api_base_url=net.b.url)
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=net.b.url,
        version_check_mode="none",
    )
    api.log_in(name, PASSWORD, allow_http=True)
    return api


async def test_an_app_on_b_follows_a_space_of_a_and_reads_it(net: Network) -> None:
    api = await asyncio.to_thread(app_on, net, "beatriz")
    found = await asyncio.to_thread(api.search_v2, f"@sahel@{net.a.domain}", resolve=True)
    [sahel] = found.accounts
    assert (sahel.acct, sahel.group, sahel.locked) == (f"sahel@{net.a.domain}", True, False)
    await asyncio.to_thread(api.account_follow, sahel.id)

    async def joined() -> bool:
        """A accepted the Join: B reports beatriz following the space."""
        [relation] = await asyncio.to_thread(api.account_relationships, sahel.id)
        return bool(relation.following)

    await eventually(joined)
    net.a.cli("users", "post", "amina", "Sahel brief: new detention figures", "--space", "sahel")

    async def in_home() -> bool:
        """The post is in beatriz's home timeline, boosted by the space."""
        home = await asyncio.to_thread(api.timeline_home)
        return any(s.reblog and "new detention figures" in s.reblog.content for s in home)

    await eventually(in_home)
    [boost] = [s for s in await asyncio.to_thread(api.timeline_home) if s.reblog]
    assert boost.account.acct == f"sahel@{net.a.domain}"
    assert boost.reblog.account.acct == f"amina@{net.a.domain}"
    assert boost.reblog.visibility == "public"
    notified = await asyncio.to_thread(api.notifications)
    assert [(n.type, n.account.acct) for n in notified] == [("status", f"amina@{net.a.domain}")]

    await asyncio.to_thread(api.status_post, f"@sahel@{net.a.domain} Field notes from Gao")

    async def relayed() -> bool:
        """A took beatriz's post into the space."""
        return "Field notes from Gao" in net.a.cli("spaces", "posts", "sahel").stdout

    await eventually(relayed)
