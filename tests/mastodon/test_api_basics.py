"""Given any client, the API answers JSON errors, CORS, the instance and the start-up calls."""

from __future__ import annotations

from quart.typing import TestClientProtocol as Client

import jxfed
from jxfed.actors.models import Member
from jxfed.settings import Settings
from jxfed.spaces.models import Access
from jxfed.spaces.registry import add_space
from tests.mastodon.conftest import assert_entity, bearer, password_token, register_app


async def test_an_unknown_api_path_is_a_404_json_error(client: Client) -> None:
    for path in ("/api/v1/nothing/here", "/api/v2/search/whatever", "/api/v1/statuses/1/x"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.content_type.startswith("application/json")
        assert_entity("Error", await response.get_json())
        assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_a_preflight_request_is_answered_for_the_api(client: Client) -> None:
    response = await client.options(
        "/api/v1/accounts/verify_credentials",
        headers={
            "Origin": "https://elk.zone",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Link" in response.headers["Access-Control-Expose-Headers"]


async def test_a_bad_token_is_401_even_on_a_public_endpoint(client: Client) -> None:
    response = await client.get("/api/v1/accounts/2", headers=bearer("nope"))
    assert response.status_code == 401
    assert await response.get_json() == {"error": "The access token is invalid"}
    missing = await client.get("/api/v1/accounts/verify_credentials")
    assert missing.status_code == 401


async def test_a_token_without_the_scope_is_403(client: Client, amina: Member) -> None:
    app = await register_app(client, scopes="read")
    token = await password_token(client, app, scope="read")
    readable = await client.get("/api/v1/preferences", headers=bearer(token))
    assert readable.status_code == 200
    assert_entity("Preferences", await readable.get_json())
    response = await client.post(
        "/api/v1/markers", form={"home[last_read_id]": "5"}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert_entity("Error", await response.get_json())


async def test_both_instance_versions_describe_this_server(
    client: Client, instance: Settings, amina: Member
) -> None:
    await add_space(instance, "open-news", name="News", access=Access.OPEN, owner="amina")
    await add_space(instance, "secret-case", name="Case", access=Access.CONFIDENTIAL, owner="amina")
    for path in ("/api/v2/instance", "/api/v2/instance/"):
        response = await client.get(path)
        assert response.status_code == 200
        document = await response.get_json()
        assert_entity("Instance", document)
    assert document["version"] == f"4.3.0 (compatible; jxfed {jxfed.__version__})"
    assert document["api_versions"] == {"mastodon": 2}
    assert document["languages"] == ["fr", "en", "ar", "pt", "de"]
    assert document["configuration"]["statuses"]["max_characters"] == 20000
    assert document["configuration"]["statuses"]["max_media_attachments"] == 4
    assert document["rules"] == []
    for path in ("/api/v1/instance", "/api/v1/instance/"):
        response = await client.get(path)
        v1 = await response.get_json()
        assert_entity("V1Instance", v1)
    assert v1["stats"]["user_count"] == 1
    assert v1["uri"] == "jxfed.test"
    assert "secret-case" not in str(document) + str(v1)


async def test_start_up_lists_are_empty_and_markers_are_kept(client: Client, token: str) -> None:
    headers = bearer(token)
    assert await (await client.get("/api/v1/custom_emojis")).get_json() == []
    for path in ("/api/v1/lists", "/api/v2/filters", "/api/v1/followed_tags"):
        response = await client.get(path, headers=headers)
        assert (response.status_code, await response.get_json()) == (200, [])
    assert await (await client.get("/api/v1/markers", headers=headers)).get_json() == {}
    saved = await client.post("/api/v1/markers", form={"home[last_read_id]": "41"}, headers=headers)
    assert saved.status_code == 200
    again = await client.post(
        "/api/v1/markers", json={"home": {"last_read_id": "42"}}, headers=headers
    )
    home = (await again.get_json())["home"]
    assert_entity("Marker", home)
    assert (home["last_read_id"], home["version"]) == ("42", 1)
    read = await client.get("/api/v1/markers?timeline[]=home", headers=headers)
    assert (await read.get_json())["home"]["last_read_id"] == "42"
    bad = await client.post(
        "/api/v1/markers", json={"home": {"last_read_id": "x"}}, headers=headers
    )
    assert bad.status_code == 422
    assert_entity("ValidationError", await bad.get_json())


async def test_the_placeholder_images_are_served(client: Client) -> None:
    for path in ("/static/mastodon/avatar.png", "/static/mastodon/header.png"):
        response = await client.get(path)
        assert response.status_code == 200
        assert (await response.get_data()).startswith(b"\x89PNG")
