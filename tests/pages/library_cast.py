"""The library pages' cast: an instance whose library takes files of 2 MB at most (over the
app's 1 MB bodies), and the helpers the library page tests share."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from quart import Quart, Response
from werkzeug.datastructures import FileStorage

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.runtime import Services
from jxfed.settings import Settings, validate
from jxfed.spaces.models import Membership, Role, Space
from tests.pages.conftest import PASSWORD, Browser, token_in

__all__ = ["services", "settings"]  # fixtures, imported by the test modules

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PAGE = b"<html><script>alert(1)</script></html>" * 40
LIBRARY = "/spaces/sahel/library"
FILE_MB = 2


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """An instance whose library takes files of 2 MB at most (over the app's 1 MB bodies)."""
    values = {"domain": "jxfed.test", "database_url": database_url, "library_file_mb": FILE_MB}
    return validate(tmp_path, values, {})


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


async def _joined(services: Services, name: str, slug: str, role: Role) -> None:
    """A new member `name` holding `role` in the space `slug`."""
    member = await add_member(name, password=PASSWORD)
    actor = await LocalActor.get(name=name)
    space = await Space.get(actor__name=slug)
    await Membership.create(
        space=space, member=member, actor_uri=services.actor_uri(actor), role=role
    )


async def _upload(
    browser: Browser,
    data: bytes,
    name: str,
    *,
    folder: str = "/",
    title: str = "",
    token: str | None = None,
) -> Response:
    """Send a file through the folder page's upload form, as a browser would."""
    if token is None:
        _, html = await browser.get(LIBRARY + (folder if folder != "/" else ""))
        token = token_in(html)
    fields = {"path": folder, "folder": folder, "file_title": title, "message": "first draft"}
    if token:
        fields["csrf_token"] = token
    response = await browser.client.post(
        f"{LIBRARY}/-/upload",
        form=fields,
        files={"file": FileStorage(BytesIO(data), filename=name, content_type="text/plain")},
        headers={"Accept": "text/html"},
    )
    return response


async def _submit(browser: Browser, page: str, action: str, fields: dict[str, str]) -> Response:
    return await browser.submit(page, action, fields)  # type: ignore[return-value]


async def _text(response: Response) -> str:
    return await response.get_data(as_text=True)


def _download_links(html: str) -> list[str]:
    return re.findall(r'href="(/spaces/sahel/library/-/download/\d+/\d+)"', html)


async def _get(browser: Browser, path: str, **headers: str) -> Response:
    return await browser.client.get(path, headers=headers)
