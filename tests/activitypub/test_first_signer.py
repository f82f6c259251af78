"""A first-time signer's actor document is fetched once: for its key, and kept for its activity."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from jxfed.activitypub.peers import allow_peer
from jxfed.actors.remote import remote_actor
from jxfed.runtime import Services
from jxfed.settings import Settings
from tests.servers import free_port


class Peer:
    """A peer serving one Person and counting the GETs of its document."""

    def __init__(self) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.uri = f"http://{self.host}/users/dora"
        self.fetches = 0
        pem = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.document = {
            "id": self.uri,
            "type": "Person",
            "preferredUsername": "dora",
            "inbox": f"{self.uri}/inbox",
            "publicKey": {
                "id": f"{self.uri}#main-key",
                "owner": self.uri,
                "publicKeyPem": pem.decode(),
            },
        }

    async def actor(self, request: web.Request) -> web.Response:
        self.fetches += 1
        return web.json_response(self.document, content_type="application/activity+json")


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    served = Peer()
    app = web.Application()
    app.router.add_get("/users/dora", served.actor)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", served.port).start()
    yield served
    await runner.cleanup()


async def test_the_actor_fetched_for_its_key_is_not_fetched_again(
    instance: Settings, peer: Peer
) -> None:
    await allow_peer(peer.host)
    services = Services(instance)
    try:
        key = await services.keys.get(f"{peer.uri}#main-key")
        actor = await remote_actor(services, peer.uri)
    finally:
        await services.close()
    assert key.owner == peer.uri
    assert actor.inbox == f"{peer.uri}/inbox"
    assert peer.fetches == 1
