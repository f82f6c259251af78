"""How a peer and a browser ask the instance for things, and what its errors look like.

The peer is `peer.example`, on the allowlist: it signs every ActivityPub request (cavage, as
Mastodon does) and its key is answered from its actor document without any network.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from quart.typing import TestClientProtocol as Client
from quart.wrappers import Response

from jxfed.activitypub.keyfetch import FetchedKey, KeyFetchError, parse_key_document
from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request

BASE = "https://jxfed.test"
ACTIVITY_JSON = "application/activity+json"
LD_JSON_AS = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP = {"Accept": ACTIVITY_JSON}
PEER = "peer.example"
PEER_ACTOR = f"https://{PEER}/actor"
PEER_KEY_ID = f"{PEER_ACTOR}#main-key"


@cache
def peer_private_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def peer_key(key_id: str, kind: str = "Application") -> FetchedKey:
    """The key an actor of the peer publishes at `key_id` (every one signs with the peer's key)."""
    owner = key_id.partition("#")[0]
    pem = (
        peer_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    document = {
        "id": owner,
        "type": kind,
        "publicKey": {"id": key_id, "owner": owner, "publicKeyPem": pem.decode()},
    }
    return parse_key_document(key_id, document, time.time())


async def fetch_peer_key(key_id: str) -> FetchedKey:
    """What fetching a key id answers: the peer's instance actor document, or nothing."""
    if key_id != PEER_KEY_ID:
        raise KeyFetchError(f"{key_id} does not answer")
    return peer_key(key_id)


def local(url: str) -> str:
    """The path and query of an absolute URL on the test instance (for the test client)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def signed_get(
    client: Client,
    url: str,
    headers: dict[str, str] | None = None,
    *,
    key_id: str = PEER_KEY_ID,
    key: RSAPrivateKey | None = None,
) -> Response:
    """GET a path or absolute URL of the instance as the peer does: signed, asking for AP JSON."""
    path = local(url) if "://" in url else url
    sent = dict(AP if headers is None else headers)
    sent.update(
        sign_cavage_request(
            HttpRequest("GET", BASE + path, sent),
            key_id=key_id,
            private_key=key or peer_private_key(),
        )
    )
    return await client.get(path, headers=sent)


async def fetch_json(client: Client, url: str, headers: dict[str, str] | None = None) -> Any:
    """The JSON the peer reads at `url`; the instance must answer 200."""
    response = await signed_get(client, url, headers)
    assert response.status_code == 200, (url, await response.get_data(as_text=True))
    return await response.get_json()


async def assert_json_error(response: Response, status: int) -> str:
    """The response is the one error shape, `{"error": message}`, with `status`; return it."""
    assert response.status_code == status, await response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = await response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str) and body["error"]
    return body["error"]


def vary(response: Response) -> set[str]:
    """The header names in `Vary`, lower-cased."""
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",") if name}
