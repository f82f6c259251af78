"""Given a real `jxfed serve`, when a script uses Mastodon.py (the real client), then it
registers, logs in, reads its account, gets a clean error for a bad token, posts, uploads,
favourites, bookmarks, boosts, pages a tag timeline, and never sees a closed space's post."""

from __future__ import annotations

import io

import pytest
import requests
from mastodon import Mastodon, MastodonNotFoundError, MastodonUnauthorizedError

from tests.federation.network import FAST_RETRY, SQLITE_ONLY, eventually
from tests.mastodon.conftest import PASSWORD
from tests.mastodon.test_media import png
from tests.servers import Instance, InstanceFactory

pytestmark = [
    pytest.mark.server,
    SQLITE_ONLY,
]  # a real client's story: the API tests cover both databases


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


def _api(server: Instance, client_id: str, client_secret: str, username: str) -> Mastodon:
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    api.log_in(username, PASSWORD, allow_http=True)
    return api


def test_a_mastodon_py_script_posts_shares_and_never_sees_a_closed_space(
    instances: InstanceFactory,
) -> None:
    server = instances.create("a")
    for name in ("amina", "bruno"):
        server.cli("users", "add", name, "--password-stdin", stdin=f"{PASSWORD}\n")
    server.cli(
        "spaces", "add", "litigation", "--name", "Litigation", "--access", "confidential",
        "--owner", "amina",
    )  # fmt: skip
    server.start()
    client_id, client_secret = Mastodon.create_app("jxfed tests", api_base_url=server.url)
    amina = _api(server, client_id, client_secret, "amina")
    bruno = _api(server, client_id, client_secret, "bruno")

    # A hashtag timeline, paged with the Link headers
    for n in range(3):
        amina.status_post(f"#Climat report {n}")
    first = bruno.timeline_hashtag("climat", limit=2)
    assert [s.content.count("report") for s in first] == [1, 1]
    rest = bruno.fetch_next(first)
    assert rest is not None and len(rest) == 1 and "report 0" in rest[0].content

    # An image, uploaded then posted
    image = amina.media_post(io.BytesIO(png()), mime_type="image/png", description="Map")
    status = amina.status_post("with a map", media_ids=[image])
    assert status.media_attachments[0].description == "Map"
    served = requests.get(status.media_attachments[0].url, timeout=10)
    assert (served.status_code, served.headers["Content-Type"]) == (200, "image/png")

    # Favourite, bookmark, boost, then the counts as the author sees them
    assert bruno.status_favourite(status).favourited is True
    assert bruno.status_bookmark(status).bookmarked is True
    assert bruno.status_reblog(status).reblog.id == status.id
    assert [s.id for s in bruno.bookmarks()] == [status.id]
    seen = amina.status(status)
    assert (seen.favourites_count, seen.reblogs_count) == (1, 1)
    assert [a.acct for a in amina.status_favourited_by(status)] == ["bruno"]

    # A reply in the context, then deleted with its text for a redraft
    reply = bruno.status_post("a reply", in_reply_to_id=status)
    assert [s.id for s in amina.status_context(status).descendants] == [reply.id]
    assert bruno.status_delete(reply).text == "a reply"
    assert amina.status_context(status).descendants == []

    # A closed space's post, with its image: nowhere for bruno
    secret_image = amina.media_post(io.BytesIO(png(4, 4)), mime_type="image/png")
    secret = amina.status_post("@litigation #Climat witness", media_ids=[secret_image])
    assert secret.visibility == "private"
    for read in (bruno.status, bruno.status_context, bruno.status_favourited_by):
        with pytest.raises(MastodonNotFoundError):
            read(secret)
    for timeline in (
        bruno.timeline_home(),
        bruno.timeline_public(),
        bruno.timeline_hashtag("climat"),
        Mastodon(api_base_url=server.url).timeline_public(),
    ):
        assert secret.id not in [s.id for s in timeline]
    assert secret.id in [s.reblog.id for s in amina.timeline_home() if s.reblog]
    assert requests.get(secret.media_attachments[0].url, timeout=10).status_code == 404


async def test_a_member_on_b_posts_in_and_likes_a_space_of_a_through_mastodon_py(
    instances: InstanceFactory,
) -> None:
    a, b = instances.create("a"), instances.create("b")
    for instance in (a, b):
        with (instance.directory / "instance.toml").open("a") as config:
            config.write(FAST_RETRY)
    a.cli("peers", "allow", b.domain)
    b.cli("peers", "allow", a.domain)
    a.cli("users", "add", "amina")
    a.cli("spaces", "add", "sahel", "--name", "Sahel", "--access", "open", "--owner", "amina")
    b.cli("users", "add", "bruno", "--password-stdin", stdin=f"{PASSWORD}\n")
    a.start()
    b.start()
    b.cli("users", "join", "bruno", f"sahel@{a.domain}")

    async def joined() -> bool:
        """A counts bruno among sahel's members."""
        return f"{b.url}/users/bruno\tcontributor" in a.cli("spaces", "members", "sahel").stdout

    await eventually(joined)
    client_id, client_secret = Mastodon.create_app("jxfed tests", api_base_url=b.url)
    bruno = _api(b, client_id, client_secret, "bruno")
    bruno.status_post(f"@sahel@{a.domain} news from B")

    async def posted() -> bool:
        """bruno's post reached sahel on A."""
        return "news from B" in a.cli("spaces", "posts", "sahel").stdout

    await eventually(posted)
    a.cli("users", "post", "amina", "Vote on the statute", "--space", "sahel")

    async def arrived() -> bool:
        """The space's post shows in bruno's home on B, as sahel's boost."""
        home = bruno.timeline_home()
        return any(s.reblog and "Vote on the statute" in s.reblog.content for s in home)

    await eventually(arrived)
    vote = next(s.reblog for s in bruno.timeline_home() if s.reblog and "Vote" in s.reblog.content)
    assert bruno.status_favourite(vote).favourited is True

    async def liked() -> bool:
        """A counts bruno's like."""
        return "♥ 1" in a.cli("users", "timeline", "amina").stdout

    await eventually(liked)
    assert bruno.status_unfavourite(vote).favourited is False

    async def unliked() -> bool:
        """A took the like back (the Undo arrived)."""
        return "♥ 1" not in a.cli("users", "timeline", "amina").stdout

    await eventually(unliked)
