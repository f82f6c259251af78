"""Given a client app, when it registers and asks for tokens, then it gets what Mastodon gives."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from quart.typing import TestClientProtocol as Client

from jxfed.actors.models import Member
from tests.mastodon.conftest import (
    PASSWORD,
    assert_entity,
    bearer,
    password_token,
    register_app,
)

OOB = "urn:ietf:wg:oauth:2.0:oob"


async def test_an_app_registers_with_a_form_and_gets_its_credentials(client: Client) -> None:
    response = await client.post(
        "/api/v1/apps",
        form={
            "client_name": "Tusky",
            "redirect_uris": "oauth2redirect://tusky/\nurn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write push",
            "website": "https://tusky.app",
        },
    )
    assert response.status_code == 200
    app = await response.get_json()
    assert_entity("CredentialApplication", app)
    assert app["name"] == "Tusky"
    assert app["redirect_uris"] == ["oauth2redirect://tusky/", OOB]
    assert app["scopes"] == ["read", "write", "push"]
    assert app["client_id"] and app["client_secret"]


async def test_an_app_registers_with_json_and_a_list_of_redirect_uris(client: Client) -> None:
    response = await client.post(
        "/api/v1/apps",
        json={"client_name": "Elk", "redirect_uris": ["https://elk.zone/callback"]},
    )
    app = await response.get_json()
    assert response.status_code == 200
    assert app["redirect_uris"] == ["https://elk.zone/callback"]
    assert app["scopes"] == ["read"]  # Mastodon's default


async def test_an_app_without_name_or_redirect_uris_gets_422_with_details(client: Client) -> None:
    response = await client.post("/api/v1/apps", json={"scopes": "read"})
    assert response.status_code == 422
    error = await response.get_json()
    assert_entity("ValidationError", error)
    assert set(error["details"]) == {"client_name", "redirect_uris"}


async def test_an_app_with_an_unknown_scope_or_a_bad_redirect_uri_is_refused(
    client: Client,
) -> None:
    response = await client.post(
        "/api/v1/apps",
        form={"client_name": "X", "redirect_uris": "not a uri", "scopes": "read everything"},
    )
    assert response.status_code == 422
    assert set((await response.get_json())["details"]) == {"redirect_uris", "scopes"}


async def test_malformed_json_is_a_400_json_error(client: Client) -> None:
    response = await client.post(
        "/api/v1/apps", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "error" in await response.get_json()


async def test_the_password_grant_gives_a_bearer_token(client: Client, amina: Member) -> None:
    app = await register_app(client)
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": "amina",
            "password": PASSWORD,
            "scope": "read write",
        },
    )
    assert response.status_code == 200
    token = await response.get_json()
    assert_entity("Token", token)
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write"
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_wrong_password_is_invalid_grant(client: Client, amina: Member) -> None:
    app = await register_app(client)
    response = await client.post(
        "/oauth/token",
        form={
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": "amina",
            "password": "wrong password",
        },
    )
    assert response.status_code == 400
    error = await response.get_json()
    assert_entity("Error", error)
    assert error["error"] == "invalid_grant"


async def test_client_credentials_in_basic_auth_give_an_app_token(client: Client) -> None:
    app = await register_app(client)
    basic = base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
    response = await client.post(
        "/oauth/token",
        form={"grant_type": "client_credentials", "scope": "read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    token = (await response.get_json())["access_token"]
    verified = await client.get("/api/v1/apps/verify_credentials", headers=bearer(token))
    assert (await verified.get_json())["name"] == "Tests"
    assert_entity("Application", await verified.get_json())
    acting = await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert acting.status_code == 422  # an app token does not act for a member


async def test_a_wrong_client_secret_is_invalid_client(client: Client) -> None:
    app = await register_app(client)
    response = await client.post(
        "/oauth/token",
        form={
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": "guess",
        },
    )
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "invalid_client"


async def test_unknown_grants_and_scopes_beyond_the_app_are_refused(client: Client) -> None:
    app = await register_app(client, scopes="read")
    credentials = {"client_id": app.client_id, "client_secret": app.client_secret}
    unknown = await client.post("/oauth/token", form={"grant_type": "magic", **credentials})
    assert (await unknown.get_json())["error"] == "unsupported_grant_type"
    missing = await client.post("/oauth/token", form=credentials)
    assert (await missing.get_json())["error"] == "invalid_request"
    wider = await client.post(
        "/oauth/token", form={"grant_type": "client_credentials", "scope": "write", **credentials}
    )
    assert wider.status_code == 400
    assert (await wider.get_json())["error"] == "invalid_scope"


async def test_a_revoked_token_no_longer_works(client: Client, amina: Member) -> None:
    app = await register_app(client)
    token = await password_token(client, app)
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    ).status_code == 200
    revoked = await client.post(
        "/oauth/revoke",
        form={"client_id": app.client_id, "client_secret": app.client_secret, "token": token},
    )
    assert revoked.status_code == 200
    after = await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert after.status_code == 401
    assert await after.get_json() == {"error": "The access token is invalid"}


async def test_another_app_cannot_revoke_a_token(client: Client, amina: Member) -> None:
    owner, other = await register_app(client), await register_app(client)
    token = await password_token(client, owner)
    response = await client.post(
        "/oauth/revoke",
        form={"client_id": other.client_id, "client_secret": other.client_secret, "token": token},
    )
    assert response.status_code == 403
    still = await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert still.status_code == 200


async def test_the_server_metadata_names_the_endpoints(client: Client) -> None:
    response = await client.get("/.well-known/oauth-authorization-server")
    metadata = await response.get_json()
    assert metadata["token_endpoint"] == "https://jxfed.test/oauth/token"
    assert metadata["authorization_endpoint"] == "https://jxfed.test/oauth/authorize"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "password" in metadata["grant_types_supported"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


async def _consent(client: Client, query: dict[str, str], password: str = PASSWORD) -> object:
    page = await client.get("/oauth/authorize", query_string=query)
    assert page.status_code == 200, await page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    fields = _hidden_fields(await page.get_data(as_text=True))
    form = {**fields, "username": "amina", "password": password, "decision": "approve"}
    return await client.post("/oauth/authorize", form=form)


async def test_the_code_flow_with_pkce_s256_over_oob(client: Client, amina: Member) -> None:
    app = await register_app(client)
    verifier, challenge = _pkce()
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": OOB,
        "scope": "read write",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    answer = await _consent(client, query)
    page = await answer.get_data(as_text=True)  # type: ignore[attr-defined]
    code = re.search(r'id="code" readonly size="50" value="([^"]+)"', page)
    assert code is not None, page
    exchange = {
        "grant_type": "authorization_code",
        "client_id": app.client_id,
        "redirect_uri": OOB,
        "code": code.group(1),
    }
    wrong = await client.post("/oauth/token", form={**exchange, "code_verifier": "x" * 50})
    assert wrong.status_code == 400
    assert (await wrong.get_json())["error"] == "invalid_grant"
    # A public client (no secret) with the right verifier gets its token.
    right = await client.post("/oauth/token", form={**exchange, "code_verifier": verifier})
    assert right.status_code == 200, await right.get_data()
    token = await right.get_json()
    assert token["scope"] == "read write"
    me = await client.get(
        "/api/v1/accounts/verify_credentials", headers=bearer(token["access_token"])
    )
    assert (await me.get_json())["username"] == "amina"
    again = await client.post("/oauth/token", form={**exchange, "code_verifier": verifier})
    assert (await again.get_json())["error"] == "invalid_grant"  # a code works once


async def test_the_code_flow_redirects_with_the_code_and_state(
    client: Client, amina: Member
) -> None:
    app = await register_app(client, redirect_uris="https://app.example/callback")
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": "https://app.example/callback",
        "state": "xyz",
    }
    answer = await _consent(client, query)
    assert answer.status_code == 302  # type: ignore[attr-defined]
    location = urlsplit(answer.headers["Location"])  # type: ignore[attr-defined]
    assert location.netloc == "app.example"
    values = parse_qs(location.query)
    assert values["state"] == ["xyz"]
    exchange = await client.post(
        "/oauth/token",
        form={
            "grant_type": "authorization_code",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": "https://app.example/callback",
            "code": values["code"][0],
        },
    )
    assert exchange.status_code == 200


async def test_the_consent_page_refuses_plain_pkce_and_unknown_redirects(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    base = {"response_type": "code", "client_id": app.client_id, "redirect_uri": OOB}
    plain = await client.get(
        "/oauth/authorize",
        query_string={**base, "code_challenge": "a" * 43, "code_challenge_method": "plain"},
    )
    assert plain.status_code == 400
    assert "S256" in await plain.get_data(as_text=True)
    elsewhere = await client.get(
        "/oauth/authorize", query_string={**base, "redirect_uri": "https://evil.example/"}
    )
    assert elsewhere.status_code == 400


async def test_a_wrong_password_on_the_consent_page_shows_the_form_again(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": OOB}
    answer = await _consent(client, query, password="not the password")
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert "Wrong user name or password" in await answer.get_data(as_text=True)  # type: ignore[attr-defined]


async def test_a_forged_consent_form_is_refused(client: Client, amina: Member) -> None:
    app = await register_app(client)
    form = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": OOB,
        "scope": "read",
        "csrf_token": "1.abc.def",
        "username": "amina",
        "password": PASSWORD,
        "decision": "approve",
    }
    answer = await client.post("/oauth/authorize", form=form)
    assert answer.status_code == 403
    assert 'id="code"' not in await answer.get_data(as_text=True)


async def test_repeated_failed_logins_are_limited_with_retry_after(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    form = {
        "grant_type": "password",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "username": "amina",
        "password": "wrong password",
    }
    statuses = [(await client.post("/oauth/token", form=form)).status_code for _ in range(5)]
    assert statuses == [400] * 5
    limited = await client.post("/oauth/token", form={**form, "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "error" in await limited.get_json()
