"""WebFinger and host-meta: how a peer turns `acct:NAME@DOMAIN` into an actor URL."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from quart.typing import TestClientProtocol as Client
from quart.wrappers import Response

from tests.web.client import ACTIVITY_JSON, BASE, assert_json_error, local
from tests.web.conftest import Cast

WEBFINGER = "/.well-known/webfinger"


RESOLVED = {
    "acct:amina@jxfed.test": ("acct:amina@jxfed.test", "/users/amina"),
    "acct:sahel@jxfed.test": ("acct:sahel@jxfed.test", "/spaces/sahel"),
    "acct:vigil@jxfed.test": ("acct:vigil@jxfed.test", "/spaces/vigil"),
    "acct:jxfed.test@jxfed.test": ("acct:jxfed.test@jxfed.test", "/actor"),
    "acct:amina@JXFED.Test": ("acct:amina@jxfed.test", "/users/amina"),
    "acct:AMINA@jxfed.test": ("acct:amina@jxfed.test", "/users/amina"),
    "https://jxfed.test/users/amina": ("acct:amina@jxfed.test", "/users/amina"),
    "https://jxfed.test/spaces/sahel": ("acct:sahel@jxfed.test", "/spaces/sahel"),
    "https://jxfed.test/actor": ("acct:jxfed.test@jxfed.test", "/actor"),
    "https://JXFED.test/users/amina": ("acct:amina@jxfed.test", "/users/amina"),
}


async def webfinger(client: Client, resource: str) -> Response:
    return await client.get(WEBFINGER, query_string={"resource": resource})


async def test_webfinger_leads_from_an_account_or_actor_url_to_the_actor(
    client: Client, cast: Cast
) -> None:
    found = {}
    for resource in RESOLVED:
        response = await webfinger(client, resource)
        assert response.status_code == 200, (resource, await response.get_data(as_text=True))
        assert response.mimetype == "application/jrd+json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        document = await response.get_json()
        [link] = [link for link in document["links"] if link["rel"] == "self"]
        assert link["type"] == ACTIVITY_JSON
        assert link["href"] in document["aliases"]
        found[resource] = (document["subject"], local(link["href"]))

    assert found == RESOLVED


async def test_webfinger_without_a_resource_is_a_bad_request(client: Client, cast: Cast) -> None:
    response = await client.get(WEBFINGER)

    assert "resource" in await assert_json_error(response, 400)


async def test_webfinger_refuses_a_malformed_resource_with_400(client: Client, cast: Cast) -> None:
    for resource in ["", "amina", "acct:amina", "acct:@jxfed.test", "acct:amina@", "acct:", "@"]:
        await assert_json_error(await webfinger(client, resource), 400)


async def test_webfinger_answers_404_for_what_is_not_an_actor_here(
    client: Client, cast: Cast
) -> None:
    for resource in [
        "acct:amina@elsewhere.example",
        "acct:amina@jxfed.test.example",
        "https://elsewhere.example/users/amina",
        "acct:nobody@jxfed.test",
        "https://jxfed.test/users/nobody",
        "https://jxfed.test/users/amina/outbox",
        "https://jxfed.test/about",
    ]:
        await assert_json_error(await webfinger(client, resource), 404)


@pytest.mark.parametrize(
    ("hidden", "unknown"),
    [
        ("acct:litigation@jxfed.test", "acct:nowhere@jxfed.test"),
        ("https://jxfed.test/spaces/litigation", "https://jxfed.test/spaces/nowhere"),
    ],
    ids=["acct", "url"],
)
async def test_webfinger_answers_for_a_confidential_space_exactly_as_for_an_unknown_name(
    client: Client, cast: Cast, hidden: str, unknown: str
) -> None:
    """Nobody outside may learn that a confidential space exists, not even from an error text."""
    hidden_error = await assert_json_error(await webfinger(client, hidden), 404)
    unknown_error = await assert_json_error(await webfinger(client, unknown), 404)

    assert hidden_error.replace("litigation", "NAME") == unknown_error.replace("nowhere", "NAME")


async def test_host_meta_points_to_webfinger_with_an_lrdd_template(client: Client) -> None:
    response = await client.get("/.well-known/host-meta")

    assert response.status_code == 200
    assert response.mimetype == "application/xrd+xml"
    root = ElementTree.fromstring(await response.get_data())  # noqa: S314 (our own answer)
    namespace = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"
    assert root.tag == f"{namespace}XRD"
    [link] = root.findall(f"{namespace}Link")
    assert link.get("rel") == "lrdd"
    assert link.get("template") == f"{BASE}/.well-known/webfinger?resource={{uri}}"
