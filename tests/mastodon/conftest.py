"""Mastodon API fixtures: a member with a password, a registered app, a token, the schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from quart.typing import TestClientProtocol as Client

from jxfed.actors.accounts import add_member
from jxfed.actors.models import Member
from jxfed.settings import Settings

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "mastodon-openapi" / "schema.json"
PASSWORD = "correct-horse-battery"
BASE = "https://jxfed.test"


@cache
def _components() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text())["components"]  # type: ignore[no-any-return]


def assert_entity(name: str, document: Any) -> None:
    """`document` is a valid Mastodon `name` entity (components.schemas in the OpenAPI file)."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": _components()}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@dataclass(slots=True)
class App:
    client_id: str
    client_secret: str


@pytest.fixture
async def amina(instance: Settings) -> Member:
    return await add_member("amina", password=PASSWORD)


async def register_app(
    client: Client,
    scopes: str = "read write follow push",
    redirect_uris: str = "urn:ietf:wg:oauth:2.0:oob",
) -> App:
    response = await client.post(
        "/api/v1/apps",
        form={"client_name": "Tests", "redirect_uris": redirect_uris, "scopes": scopes},
    )
    assert response.status_code == 200, await response.get_data()
    document = await response.get_json()
    return App(document["client_id"], document["client_secret"])


async def password_token(
    client: Client, app: App, username: str = "amina", scope: str = "read write follow push"
) -> str:
    response = await client.post(
        "/oauth/token",
        form={
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": username,
            "password": PASSWORD,
            "scope": scope,
        },
    )
    assert response.status_code == 200, await response.get_data()
    return str((await response.get_json())["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def token(client: Client, amina: Member) -> str:
    """amina's token with read, write, follow and push."""
    return await password_token(client, await register_app(client))
