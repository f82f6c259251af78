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

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Member
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Membership, Role, Space
from jxfed.spaces.registry import add_space

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


@dataclass(slots=True)
class World:
    """amina manages three spaces (sahel open, vigil on request, litigation confidential);
    bruno is a member of the instance in none of them; chidi reads sahel."""

    amina: str  # tokens
    bruno: str
    chidi: str


async def join(space: str, name: str, role: Role) -> None:
    member = await Member.get(actor__name=name).select_related("actor")
    await Membership.create(
        space=await Space.get(actor__name=space),
        member=member,
        actor_uri=f"{BASE}/users/{name}",
        role=role,
    )


@pytest.fixture
async def world(client: Client, instance: Settings, amina: Member) -> World:
    await add_space(instance, "sahel", name="Sahel", access=Access.OPEN, owner="amina")
    await add_space(instance, "vigil", name="Vigil", access=Access.ON_REQUEST, owner="amina")
    await add_space(
        instance, "litigation", name="Litigation", access=Access.CONFIDENTIAL, owner="amina"
    )
    await add_member("bruno", password=PASSWORD)
    await add_member("chidi", password=PASSWORD)
    await join("sahel", "chidi", Role.READER)
    app = await register_app(client)
    return World(
        amina=await password_token(client, app),
        bruno=await password_token(client, app, username="bruno"),
        chidi=await password_token(client, app, username="chidi"),
    )


async def post_status(client: Client, token: str, **fields: Any) -> Any:
    """POST /api/v1/statuses as a form; the response (status code checked by the caller)."""
    return await client.post("/api/v1/statuses", form=fields, headers=bearer(token))


async def status_of(client: Client, token: str, text: str) -> dict[str, Any]:
    """Posts `text` and returns the Status, checked against the schema."""
    response = await post_status(client, token, status=text)
    assert response.status_code == 200, await response.get_data()
    document: dict[str, Any] = await response.get_json()
    assert_entity("Status", document)
    return document
