"""Given an image in a confidential space, when a peer's instance asks for it with a signed
request, then it gets it only if one of its members is in the space."""

from __future__ import annotations

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from jxfed.activitypub.peers import allow_peer
from jxfed.settings import Settings
from jxfed.spaces.models import Membership, Role, Space
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.mastodon.conftest import World, post_status
from tests.mastodon.test_media import png, uploaded
from tests.web.client import PEER, fetch_peer_key, signed_get


@pytest.fixture
async def app(instance: Settings) -> Quart:
    """peer.example is allowed, its key answered without the network."""
    await allow_peer(PEER)
    return create_app(start_services(instance, key_fetcher=fetch_peer_key))


async def test_a_peer_reads_a_closed_spaces_image_only_with_a_member_in_it(
    client: Client, world: World
) -> None:
    media = await uploaded(client, world.amina, data=png(6, 6))
    response = await post_status(
        client, world.amina, status="@litigation exhibit", **{"media_ids[]": media["id"]}
    )
    assert response.status_code == 200
    path = "/media/" + media["url"].rsplit("/", 1)[-1]
    image = {"Accept": "image/*"}
    assert (await signed_get(client, path, image)).status_code == 404
    await Membership.create(
        space=await Space.get(actor__name="litigation"),
        actor_uri=f"https://{PEER}/users/dina",
        inbox=f"https://{PEER}/inbox",
        role=Role.CONTRIBUTOR,
    )
    allowed = await signed_get(client, path, image)
    assert allowed.status_code == 200
    assert await allowed.get_data() == png(6, 6)
