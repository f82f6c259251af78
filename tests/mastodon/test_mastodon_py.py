"""Given a real `jxfed serve`, when a script uses Mastodon.py (the real client), then it
registers, logs in, reads its account, and gets a clean error for a bad token."""

from __future__ import annotations

import pytest
from mastodon import Mastodon, MastodonUnauthorizedError

from tests.mastodon.conftest import PASSWORD
from tests.servers import InstanceFactory

pytestmark = pytest.mark.server


def test_a_mastodon_py_script_logs_in_and_reads_its_account(instances: InstanceFactory) -> None:
    server = instances.create("a")
    server.cli("users", "add", "amina", "--password-stdin", stdin=f"{PASSWORD}\n")
    server.cli("spaces", "add", "sahel", "--name", "Sahel", "--access", "open", "--owner", "amina")
    server.start()

    client_id, client_secret = Mastodon.create_app("jxfed tests", api_base_url=server.url)
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=server.url,
        version_check_mode="created",  # reads the version from /api/v1/instance
    )
    assert api.verify_minimum_version("4.3.0", cached=True)
    api.log_in("amina", PASSWORD, allow_http=True)

    me = api.account_verify_credentials()
    assert (me.username, me.acct, me.group) == ("amina", "amina", False)
    assert me.source.privacy == "public"
    sahel = api.account_lookup("sahel")
    assert (sahel.group, sahel.locked) == (True, False)
    assert api.instance_v2().api_versions == {"mastodon": 2}

    stranger = Mastodon(access_token="not-a-token", api_base_url=server.url)
    with pytest.raises(MastodonUnauthorizedError):
        stranger.account_verify_credentials()
