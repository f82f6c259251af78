"""NodeInfo: what the instance says about itself, with real counts and no confidential space."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from jxfed.actors.local_actors import add_member, member_by_name
from jxfed.actors.models import OutboxActivity
from jxfed.settings import Settings
from tests.web.client import BASE, fetch_json
from tests.web.conftest import Cast
from tests.web.publishing import publish

SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


async def nodeinfo(client: Client) -> dict[str, Any]:
    return await fetch_json(client, "/nodeinfo/2.1", {"Accept": "application/json"})


async def test_well_known_nodeinfo_links_to_nodeinfo_2_1_and_2_0(client: Client) -> None:
    links = (await fetch_json(client, "/.well-known/nodeinfo", {}))["links"]

    assert {"rel": SCHEMA + "2.1", "href": f"{BASE}/nodeinfo/2.1"} in links
    assert {"rel": SCHEMA + "2.0", "href": f"{BASE}/nodeinfo/2.0"} in links


@pytest.mark.parametrize("version", ["2.1", "2.0"])
async def test_nodeinfo_document_declares_its_schema_and_activitypub(
    client: Client, version: str
) -> None:
    response = await client.get(f"/nodeinfo/{version}")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert f"{SCHEMA}{version}#" in response.headers["Content-Type"]
    document = await response.get_json()
    assert document["version"] == version
    assert document["software"]["name"] == "jxfed"
    assert document["protocols"] == ["activitypub"]
    assert document["openRegistrations"] is False
    assert document["metadata"]["nodeName"] == "jxfed.test"


async def test_fresh_instance_reports_no_users_posts_or_spaces(client: Client) -> None:
    """The instance actor is not a user."""
    document = await nodeinfo(client)

    assert document["usage"] == {
        "users": {"total": 0, "activeMonth": 0, "activeHalfyear": 0},
        "localPosts": 0,
    }
    assert document["metadata"]["spaces"] == 0


async def test_users_total_counts_the_members_added(client: Client, instance: Settings) -> None:
    for name in ("amina", "bertrand", "chloe"):
        await add_member(name)

    assert (await nodeinfo(client))["usage"]["users"]["total"] == 3


async def test_local_posts_count_public_creates_of_members_only(client: Client, cast: Cast) -> None:
    """Given public posts, a private one, a boost, and a space's own activities."""
    await publish(cast.amina, 3)
    await publish(cast.amina, 2, public=False)
    await publish(cast.amina, 1, kind="Announce")
    await publish(cast.sahel, 4)
    await publish(cast.litigation, 1)

    assert (await nodeinfo(client))["usage"]["localPosts"] == 3


async def test_space_count_leaves_out_confidential_spaces(client: Client, cast: Cast) -> None:
    """sahel (open) and vigil (on request) are counted, litigation (confidential) is not."""
    document = await nodeinfo(client)

    assert document["metadata"]["spaces"] == 2
    assert "litigation" not in str(document)


async def test_active_users_count_members_by_their_latest_activity(
    client: Client, instance: Settings
) -> None:
    """Given amina active today, bertrand two months ago, chloe never."""
    for name in ("amina", "bertrand", "chloe"):
        await add_member(name)
    amina = (await member_by_name("amina")).actor
    bertrand = (await member_by_name("bertrand")).actor
    await publish(amina, 2)
    [old] = await publish(bertrand)
    two_months_ago = datetime.now(UTC) - timedelta(days=60)
    await OutboxActivity.filter(uri=old).update(published=two_months_ago)

    users = (await nodeinfo(client))["usage"]["users"]

    assert users == {"total": 3, "activeMonth": 1, "activeHalfyear": 2}
