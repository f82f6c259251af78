"""Actor documents at /users/NAME, /spaces/SLUG and /actor, as peers and browsers see them."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from quart.typing import TestClientProtocol as Client

from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.actors.keyring import Keyring
from jxfed.settings import Settings
from tests.web.client import (
    ACTIVITY_JSON,
    AP,
    BASE,
    LD_JSON_AS,
    assert_json_error,
    fetch_json,
    peer_private_key,
    signed_get,
    vary,
)
from tests.web.conftest import Cast

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MASTODON = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# Each Accept value and the media types that answer it (Mastodon's header allows either).
OFFERED_AS = {
    ACTIVITY_JSON: {ACTIVITY_JSON},
    LD_JSON_AS: {LD_JSON_AS},
    MASTODON: {ACTIVITY_JSON, LD_JSON_AS},
}
KINDS = {"/users/amina": "Person", "/spaces/sahel": "Group", "/actor": "Application"}


@pytest.mark.parametrize(
    "accept", [ACTIVITY_JSON, LD_JSON_AS, MASTODON], ids=["activity", "ld-profile", "mastodon"]
)
async def test_actor_is_served_as_activitypub_json_in_the_media_type_asked_for(
    client: Client, cast: Cast, accept: str
) -> None:
    for path, kind in KINDS.items():
        response = await signed_get(client, path, {"Accept": accept})

        assert response.status_code == 200, (path, await response.get_data(as_text=True))
        assert response.headers["Content-Type"] in OFFERED_AS[accept], path
        assert {"accept", "signature"} <= vary(response)
        document = await response.get_json()
        assert (document["id"], document["type"]) == (BASE + path, kind)


async def test_actor_documents_have_every_field_mastodon_needs(client: Client, cast: Cast) -> None:
    for path, kind in KINDS.items():
        document = await fetch_json(client, path)

        uri = BASE + path
        assert "https://www.w3.org/ns/activitystreams" in document["@context"]
        assert document["id"] == uri
        assert document["url"] == uri
        for collection in ("inbox", "outbox", "followers", "following"):
            assert document[collection] == f"{uri}/{collection}"
        assert document["endpoints"]["sharedInbox"] == "https://jxfed.test/inbox"
        assert isinstance(document["name"], str) and document["name"]
        assert isinstance(document["summary"], str)
        assert ("members" in document) == (kind == "Group"), path


async def test_names_follow_approval_and_discoverability_depend_on_the_actor(
    client: Client, cast: Cast
) -> None:
    """Spaces that are not open approve their followers; the instance actor is not listed."""
    seen = {}
    for path in ["/users/amina", "/spaces/sahel", "/spaces/vigil", "/actor"]:
        document = await fetch_json(client, path)
        seen[path] = (
            document["preferredUsername"],
            document["name"],
            document.get("members"),
            document["manuallyApprovesFollowers"],
            document["discoverable"],
        )

    assert seen == {
        "/users/amina": ("amina", "amina", None, False, True),
        "/spaces/sahel": ("sahel", "Sahel", f"{BASE}/spaces/sahel/members", False, True),
        "/spaces/vigil": ("vigil", "Vigil", f"{BASE}/spaces/vigil/members", True, True),
        "/actor": ("jxfed.test", "jxfed.test", None, True, False),
    }


async def test_each_actor_publishes_an_rsa_2048_key_and_an_ed25519_multikey(
    client: Client, cast: Cast
) -> None:
    for path in KINDS:
        document = await fetch_json(client, path)

        key = document["publicKey"]
        assert key["id"] == f"{BASE}{path}#main-key"
        assert key["owner"] == BASE + path
        public = serialization.load_pem_public_key(key["publicKeyPem"].encode())
        assert isinstance(public, RSAPublicKey)
        assert public.key_size == 2048
        [method] = document["assertionMethod"]
        assert method["type"] == "Multikey"
        assert method["controller"] == BASE + path
        assert method["id"].startswith(BASE + path + "#")
        ed25519 = multibase_to_ed25519_public(method["publicKeyMultibase"])
        assert isinstance(ed25519, Ed25519PublicKey)


async def test_published_keys_verify_what_the_actor_signs(client: Client, cast: Cast) -> None:
    """Given amina's private keys as the server loads them, a peer verifies with her document."""
    document = await fetch_json(client, "/users/amina")
    keys = Keyring().keys_of(cast.amina)
    message = b"(request-target): post /inbox"

    rsa_public = serialization.load_pem_public_key(document["publicKey"]["publicKeyPem"].encode())
    assert isinstance(rsa_public, RSAPublicKey)
    signature = keys.rsa_private.sign(message, padding.PKCS1v15(), hashes.SHA256())
    rsa_public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    ed_public = multibase_to_ed25519_public(document["assertionMethod"][0]["publicKeyMultibase"])
    ed_public.verify(keys.ed25519_private.sign(message), message)


async def test_actor_keys_are_stable_across_requests(client: Client, cast: Cast) -> None:
    first = await fetch_json(client, "/users/amina")
    second = await fetch_json(client, "/users/amina")

    assert first["publicKey"] == second["publicKey"]
    assert first["assertionMethod"] == second["assertionMethod"]


async def test_each_actor_has_its_own_keys(client: Client, cast: Cast) -> None:
    documents = [await fetch_json(client, path) for path in ("/users/amina", "/spaces/sahel")]

    assert len({d["publicKey"]["publicKeyPem"] for d in documents}) == 2
    assert len({d["assertionMethod"][0]["publicKeyMultibase"] for d in documents}) == 2


@pytest.mark.parametrize(
    "headers",
    [{"Accept": "text/html"}, {"Accept": BROWSER}, {}],
    ids=["text/html", "browser", "no-accept"],
)
async def test_actor_url_gives_browsers_the_html_profile(
    client: Client, cast: Cast, headers: dict[str, str]
) -> None:
    for path in KINDS:
        response = await client.get(path, headers=headers)

        assert response.status_code == 200, path
        assert response.mimetype == "text/html", path
        assert "accept" in vary(response)
        html = await response.get_data(as_text=True)
        assert html.lstrip().lower().startswith("<!doctype html>")
        if path == "/spaces/sahel":  # the space's page: its title and its address
            assert "<h1" in html and "sahel@jxfed.test" in html
            continue
        if path == "/users/amina":  # the member's profile: their name and their address
            assert '<h1 dir="auto">amina</h1>' in html and "amina@jxfed.test" in html
            continue
        assert BASE + path in html
        assert "@jxfed.test" in html


async def test_actor_url_refuses_a_media_type_it_cannot_serve_with_406(
    client: Client, cast: Cast
) -> None:
    response = await signed_get(client, "/users/amina", {"Accept": "image/png"})

    await assert_json_error(response, 406)


async def test_unknown_actor_or_collection_is_a_json_404(client: Client, cast: Cast) -> None:
    for path in [
        "/users/nobody",
        "/spaces/nowhere",
        "/spaces/amina",
        "/users/sahel",
        "/users/nobody/outbox",
        "/spaces/nowhere/members",
        "/users/amina/members",
        "/users/amina/likes",
    ]:
        await assert_json_error(await signed_get(client, path), 404)


@pytest.mark.parametrize("headers", [AP, {"Accept": "text/html"}], ids=["activitypub", "html"])
async def test_confidential_space_is_answered_like_an_unknown_space(
    client: Client, cast: Cast, headers: dict[str, str]
) -> None:
    for suffix in ["", "/members", "/outbox", "/followers"]:
        hidden = await signed_get(client, f"/spaces/litigation{suffix}", headers)
        unknown = await signed_get(client, f"/spaces/nowhere{suffix}", headers)

        if headers != AP:  # a browser gets the page of a free name, the same in every byte
            assert hidden.status_code == unknown.status_code == 404
            hidden_page = (await hidden.get_data(as_text=True)).replace("litigation", "X")
            assert hidden_page == (await unknown.get_data(as_text=True)).replace("nowhere", "X")
            continue
        hidden_error = await assert_json_error(hidden, 404)
        unknown_error = await assert_json_error(unknown, 404)
        assert hidden_error.replace("litigation", "X") == unknown_error.replace("nowhere", "X")


@pytest.mark.parametrize(
    "path", ["/users/amina", "/spaces/sahel", "/users/amina/outbox", "/actor/followers"]
)
async def test_activitypub_reads_need_a_peer_signature(
    client: Client, cast: Cast, path: str
) -> None:
    response = await client.get(path, headers=AP)

    assert "signed" in await assert_json_error(response, 401)


async def test_instance_actor_is_readable_unsigned_so_peers_can_check_its_fetches(
    client: Client, instance: Settings
) -> None:
    response = await client.get("/actor", headers=AP)

    assert response.status_code == 200
    assert (await response.get_json())["type"] == "Application"


async def test_signature_from_an_instance_that_is_not_a_peer_is_refused_with_403(
    client: Client, cast: Cast
) -> None:
    stranger = "https://stranger.example/actor#main-key"

    response = await signed_get(client, "/users/amina", key_id=stranger)

    assert "stranger.example" in await assert_json_error(response, 403)


async def test_signature_the_peer_key_does_not_verify_is_refused_with_401(
    client: Client, cast: Cast
) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert forger is not peer_private_key()

    response = await signed_get(client, "/users/amina", key=forger)

    await assert_json_error(response, 401)
