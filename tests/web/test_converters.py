"""An id in a path beyond what a database column holds is a 404, as an id that does not exist,
on SQLite and PostgreSQL alike (it used to reach PostgreSQL and come back as a 500)."""

from __future__ import annotations

import pytest
from quart import Quart

from jxfed.actors.local_actors import add_member
from jxfed.settings import Settings
from jxfed.spaces.models import Access
from jxfed.spaces.registry import add_space
from jxfed.web.app import create_app
from jxfed.workers import start_services

HUGE = "99999999999999999999999"


@pytest.fixture
async def app(instance: Settings) -> Quart:
    await add_member("amina")
    await add_space(instance, "sahel", name="Sahel", access=Access.OPEN, owner="amina")
    return create_app(start_services(instance))


@pytest.mark.parametrize(
    "path",
    [
        f"/posts/{HUGE}",
        f"/posts/{HUGE}/edit",
        f"/spaces/sahel/library/-/download/{HUGE}/1",
        f"/spaces/sahel/library/-/download/1/{2**31}",
    ],
)
async def test_an_id_no_column_holds_is_a_404(app: Quart, path: str) -> None:
    response = await app.test_client().get(path, headers={"Accept": "text/html"})

    assert response.status_code == 404
