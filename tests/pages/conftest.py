"""The members' pages through Quart's test client: a browser's cookies, forms and their tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from quart import Quart
from quart.typing import TestClientProtocol

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Member, Profile
from jxfed.settings import Settings
from jxfed.spaces.models import Access
from jxfed.spaces.registry import add_space
from jxfed.web.app import create_app
from jxfed.workers import start_services

PASSWORD = "correct-horse-battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_in(html: str) -> str:
    """The anti-forgery token of the page's forms."""
    found = _TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


@dataclass(slots=True)
class Browser:
    """A test client that reads each page's form token, as a browser submitting its forms."""

    client: TestClientProtocol

    async def get(self, path: str, **headers: str) -> tuple[int, str]:
        response = await self.client.get(path, headers={"Accept": "text/html", **headers})
        return response.status_code, (await response.get_data()).decode()

    async def submit(self, page: str, action: str, fields: dict[str, str]) -> object:
        """Open `page`, take its form token, post `fields` to `action` (as a form would)."""
        _, html = await self.get(page)
        return await self.client.post(
            action, form={"csrf_token": token_in(html), **fields}, headers={"Accept": "text/html"}
        )

    async def sign_in(self, name: str, password: str = PASSWORD) -> object:
        response = await self.submit(
            "/sign-in", "/sign-in", {"username": name, "password": password}
        )
        assert response.status_code == 303, await response.get_data()
        return response


@pytest.fixture
def app(instance: Settings) -> Quart:
    return create_app(start_services(instance))


@pytest.fixture
def browser(app: Quart) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
async def cast(instance: Settings) -> dict[str, Member]:
    """amina (administrator) owns sahel (open), vigil (on request), litigation (confidential);
    bakari is a member of nothing."""
    amina = await add_member("amina", password=PASSWORD, profile=Profile.ADMINISTRATOR)
    bakari = await add_member("bakari", password=PASSWORD)
    for slug, title, access in [
        ("sahel", "Sahel", Access.OPEN),
        ("vigil", "Vigil", Access.ON_REQUEST),
        ("litigation", "Litigation", Access.CONFIDENTIAL),
    ]:
        await add_space(instance, slug, name=title, access=access, owner="amina")
    return {"amina": amina, "bakari": bakari}
