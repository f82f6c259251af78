"""Given strangers failing to log in, then they are slowed down, and the member is not.

Failed logins count per client address and account together, and per address alone (more of
them): a stranger cannot lock a member out of their account from another address.
"""

from __future__ import annotations

import re
from typing import Any

from quart.typing import TestClientProtocol as Client

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Member
from tests.mastodon.conftest import PASSWORD, App, register_app

STRANGER = "203.0.113.5"
MEMBER = "198.51.100.7"
OOB = "urn:ietf:wg:oauth:2.0:oob"


async def _token(client: Client, app: App, address: str, username: str, password: str) -> Any:
    """A password grant sent from `address`."""
    return await client.post(
        "/oauth/token",
        form={
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": username,
            "password": password,
        },
        scope_base={"client": (address, 1234)},
    )


async def test_a_strangers_failures_do_not_lock_the_member_out_from_her_own_address(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    failed = [(await _token(client, app, STRANGER, "amina", "guess")).status_code for _ in range(5)]
    assert failed == [400] * 5
    stranger = await _token(client, app, STRANGER, "amina", PASSWORD)
    assert stranger.status_code == 429  # even the right password: the guesser learns nothing
    assert int(stranger.headers["Retry-After"]) > 0
    assert "error" in await stranger.get_json()

    member = await _token(client, app, MEMBER, "amina", PASSWORD)
    assert member.status_code == 200, await member.get_data()
    assert (await member.get_json())["access_token"]


async def test_the_member_is_slowed_by_her_own_failures_until_she_gets_it_right(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    for _ in range(4):
        assert (await _token(client, app, MEMBER, "@amina", "typo")).status_code == 400
    assert (await _token(client, app, MEMBER, "AMINA", PASSWORD)).status_code == 200
    # Her success forgave her failures: four more typos are still answered, not refused.
    for _ in range(4):
        assert (await _token(client, app, MEMBER, "amina", "typo")).status_code == 400
    assert (await _token(client, app, MEMBER, "amina", PASSWORD)).status_code == 200


async def test_one_address_trying_many_accounts_is_slowed_and_others_are_not(
    client: Client, amina: Member
) -> None:
    await add_member("bruno", password=PASSWORD)
    app = await register_app(client)
    names = [f"nobody{i}" for i in range(20)]  # 20 accounts, one guess each
    failed = [(await _token(client, app, STRANGER, name, "guess")).status_code for name in names]
    assert failed == [400] * 20
    limited = await _token(client, app, STRANGER, "bruno", "guess")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    # Nobody else's address is slowed, and the accounts tried are not locked.
    assert (await _token(client, app, MEMBER, "bruno", PASSWORD)).status_code == 200
    assert (await _token(client, app, MEMBER, "amina", PASSWORD)).status_code == 200


async def test_the_consent_page_answers_a_throttled_stranger_429_and_lets_the_member_in(
    client: Client, amina: Member
) -> None:
    app = await register_app(client)
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": OOB}

    async def consent(address: str, password: str) -> Any:
        scope = {"client": (address, 1234)}
        page = await client.get("/oauth/authorize", query_string=query, scope_base=scope)
        assert page.status_code == 200
        hidden = re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
            await page.get_data(as_text=True),
        )
        form = {**dict(hidden), "username": "amina", "password": password, "decision": "approve"}
        return await client.post("/oauth/authorize", form=form, scope_base=scope)

    for _ in range(5):
        assert (await consent(STRANGER, "guess")).status_code == 401
    refused = await consent(STRANGER, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in await refused.get_data(as_text=True)
    let_in = await consent(MEMBER, PASSWORD)
    assert let_in.status_code == 200
    assert 'id="code"' in await let_in.get_data(as_text=True)
