"""Given members, spaces and actors of a peer, when an app asks about accounts, then it sees
what the reader may see, in Mastodon's shapes, and confidential spaces only as a member."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from tortoise import connections

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, Member, RemoteActor
from jxfed.errors import NotFound
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.editing import delete_post
from jxfed.spaces.models import Access, Membership, Role, Space
from jxfed.spaces.publishing import publish
from jxfed.spaces.registry import add_space
from tests.mastodon.conftest import BASE, assert_entity, bearer, password_token, register_app

migration_0005 = importlib.import_module("jxfed.migrations.0005_account_counts_feed_indexes")

# Fields the schema file requires that are newer than the 4.3 API we implement: none so far.
NEWER_THAN_WE_IMPLEMENT: list[str] = []


async def _account_id(name: str) -> str:
    return str(2 * (await LocalActor.get(name=name)).id)


async def _cached_peer_actor(kind: str, name: str, **document: object) -> RemoteActor:
    uri = f"https://peer.example/{'spaces' if kind == 'Group' else 'users'}/{name}"
    return await RemoteActor.create(
        uri=uri,
        kind=kind,
        name=name.title(),
        preferred_username=name,
        inbox=f"{uri}/inbox",
        shared_inbox="https://peer.example/inbox",
        document={"id": uri, "type": kind, "preferredUsername": name, **document},
        fetched_at=datetime.now(UTC),
    )


@pytest.fixture
def services(app: Quart) -> Services:
    return app.extensions["jxfed"]  # type: ignore[no-any-return]


@pytest.fixture
async def spaces(instance: Settings, amina: Member) -> None:
    await add_space(instance, "sahel", name="Sahel", access=Access.OPEN, owner="amina")
    await add_space(instance, "vigil", name="Vigil", access=Access.ON_REQUEST, owner="amina")
    await add_space(
        instance, "litigation", name="Litigation", access=Access.CONFIDENTIAL, owner="amina"
    )


async def test_verify_credentials_is_the_member_with_source(client: Client, token: str) -> None:
    response = await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    me = await response.get_json()
    assert_entity("CredentialAccount", me)
    assert (me["username"], me["acct"], me["group"], me["locked"]) == (
        "amina",
        "amina",
        False,
        False,
    )
    assert me["url"] == f"{BASE}/users/amina"
    assert me["avatar"].startswith(BASE)
    assert me["source"]["privacy"] == "public"
    assert me["source"]["follow_requests_count"] == 0


async def test_spaces_are_group_accounts_locked_unless_open(client: Client, spaces: None) -> None:
    for slug, locked in (("sahel", False), ("vigil", True)):
        response = await client.get(f"/api/v1/accounts/{await _account_id(slug)}")
        account = await response.get_json()
        assert_entity("Account", account)
        assert (account["acct"], account["group"], account["locked"]) == (slug, True, locked)
        assert account["followers_count"] == 1  # amina, its manager


async def test_a_confidential_space_is_an_account_only_for_its_members(
    client: Client, spaces: None, token: str
) -> None:
    space_id = await _account_id("litigation")
    assert (await client.get(f"/api/v1/accounts/{space_id}")).status_code == 404
    lookup = await client.get("/api/v1/accounts/lookup?acct=litigation")
    assert lookup.status_code == 404
    await add_member("bruno", password="correct-horse-battery")
    outsider = await password_token(client, await register_app(client), username="bruno")
    hidden = await client.get(f"/api/v1/accounts/{space_id}", headers=bearer(outsider))
    assert hidden.status_code == 404
    member = await client.get(f"/api/v1/accounts/{space_id}", headers=bearer(token))
    assert member.status_code == 200
    assert (await member.get_json())["locked"] is True


async def test_lookup_finds_members_and_spaces_by_acct(client: Client, spaces: None) -> None:
    for acct, username in (("amina", "amina"), ("sahel@jxfed.test", "sahel"), ("@vigil", "vigil")):
        response = await client.get("/api/v1/accounts/lookup", query_string={"acct": acct})
        assert response.status_code == 200, acct
        assert (await response.get_json())["username"] == username
    for unknown in ("nobody", "someone@not-a-peer.example", "a@b@c"):
        missing = await client.get("/api/v1/accounts/lookup", query_string={"acct": unknown})
        assert missing.status_code == 404, unknown
    blank = await client.get("/api/v1/accounts/lookup")
    assert blank.status_code == 422


async def test_actors_of_a_peer_are_accounts_with_odd_ids(client: Client, amina: Member) -> None:
    person = await _cached_peer_actor("Person", "bruno", summary="<p>Lawyer</p><script>x</script>")
    group = await _cached_peer_actor("Group", "climate", manuallyApprovesFollowers=True)
    response = await client.get(f"/api/v1/accounts/{2 * person.id + 1}")
    account = await response.get_json()
    assert_entity("Account", account)
    assert account["acct"] == "bruno@peer.example"
    assert "<script>" not in account["note"]
    space = await (await client.get(f"/api/v1/accounts/{2 * group.id + 1}")).get_json()
    assert (space["acct"], space["group"], space["locked"]) == ("climate@peer.example", True, True)
    looked_up = await client.get("/api/v1/accounts/lookup?acct=climate@peer.example")
    assert (await looked_up.get_json())["id"] == space["id"]


async def test_ids_that_name_nothing_are_404(client: Client, amina: Member) -> None:
    for account_id in ("0", "999998", "999999", "abc", "-2", "1" * 40):
        response = await client.get(f"/api/v1/accounts/{account_id}")
        assert response.status_code == 404, account_id
        assert "error" in await response.get_json()


async def test_a_space_account_lists_its_posts_as_the_space_boosts(
    client: Client, services: Services, spaces: None, token: str
) -> None:
    amina = await LocalActor.get(name="amina")
    first = await publish(services, amina, "Rains in #Mopti", space="sahel")
    second = await publish(services, amina, "Second report", space="sahel")
    await publish(services, amina, "Not for everyone", space="litigation")
    response = await client.get(f"/api/v1/accounts/{await _account_id('sahel')}/statuses")
    statuses = await response.get_json()
    assert [s["reblog"]["id"] for s in statuses] == [str(second.id), str(first.id)]
    for entity in statuses:
        assert_entity("Status", entity)
        assert entity["account"]["acct"] == "sahel"
        assert entity["reblog"]["account"]["acct"] == "amina"
        assert entity["reblog"]["visibility"] == "public"
    assert statuses[1]["reblog"]["tags"] == [{"name": "mopti", "url": f"{BASE}/tags/mopti"}]
    assert f"<{BASE}/api/v1/accounts/" in response.headers["Link"]


async def test_confidential_posts_reach_only_the_space_members(
    client: Client, services: Services, spaces: None, token: str
) -> None:
    amina = await LocalActor.get(name="amina")
    await publish(services, amina, "Public news", space="sahel")
    await publish(services, amina, "Strategy of the case", space="litigation")
    path = f"/api/v1/accounts/{await _account_id('amina')}/statuses"
    anonymous = await (await client.get(path)).get_json()
    assert ["Strategy" in s["content"] for s in anonymous] == [False]
    mine = await (await client.get(path, headers=bearer(token))).get_json()
    assert len(mine) == 2
    confidential = next(s for s in mine if "Strategy" in s["content"])
    assert confidential["visibility"] == "private"
    assert_entity("Status", confidential)


async def test_account_statuses_page_with_max_id_min_id_and_limit(
    client: Client, services: Services, amina: Member
) -> None:
    posts = [await publish(services, amina.actor, f"note {n}") for n in range(5)]
    ids = [str(p.id) for p in reversed(posts)]  # newest first
    path = f"/api/v1/accounts/{await _account_id('amina')}/statuses"
    page = await client.get(path, query_string={"limit": "2"})
    assert [s["id"] for s in await page.get_json()] == ids[:2]
    link = page.headers["Link"]
    assert f"max_id={ids[1]}" in link and f"min_id={ids[0]}" in link and "limit=2" in link
    older = await client.get(path, query_string={"limit": "2", "max_id": ids[1]})
    assert [s["id"] for s in await older.get_json()] == ids[2:4]
    newer = await client.get(path, query_string={"limit": "2", "min_id": ids[4]})
    assert [s["id"] for s in await newer.get_json()] == ids[2:4]
    since = await client.get(path, query_string={"since_id": ids[1]})
    assert [s["id"] for s in await since.get_json()] == ids[:1]
    bad = await client.get(path, query_string={"max_id": "yesterday"})
    assert bad.status_code == 422


async def test_following_a_space_of_a_peer_sends_a_join_and_waits(
    client: Client, token: str
) -> None:
    group = await _cached_peer_actor("Group", "climate", manuallyApprovesFollowers=True)
    account_id = str(2 * group.id + 1)
    followed = await client.post(f"/api/v1/accounts/{account_id}/follow", headers=bearer(token))
    assert followed.status_code == 200
    relationship = await followed.get_json()
    assert_entity("Relationship", relationship)
    assert (relationship["following"], relationship["requested"]) == (False, True)
    listed = await client.get(
        "/api/v1/accounts/relationships", query_string={"id[]": account_id}, headers=bearer(token)
    )
    assert [r["requested"] for r in await listed.get_json()] == [True]
    left = await client.post(f"/api/v1/accounts/{account_id}/unfollow", headers=bearer(token))
    assert (await left.get_json())["requested"] is False


async def test_relationships_to_own_spaces_show_membership(
    client: Client, spaces: None, token: str
) -> None:
    ids = [await _account_id("sahel"), await _account_id("litigation"), "999999"]
    response = await client.get(
        "/api/v1/accounts/relationships",
        query_string=[("id[]", i) for i in ids],  # type: ignore[arg-type]
        headers=bearer(token),
    )
    found = await response.get_json()
    assert [(r["id"], r["following"]) for r in found] == [(ids[0], True), (ids[1], True)]


async def _counts(client: Client, name: str, token: str) -> tuple[int, str | None]:
    response = await client.get(
        f"/api/v1/accounts/{await _account_id(name)}", headers=bearer(token)
    )
    account = await response.get_json()
    assert_entity("Account", account)
    return account["statuses_count"], account["last_status_at"]


async def test_statuses_counts_follow_posts_comments_and_deletions(
    client: Client, services: Services, spaces: None, token: str
) -> None:
    amina = await LocalActor.get(name="amina")
    assert await _counts(client, "sahel", token) == (0, None)
    first = await publish(services, amina, "Report from Gao", space="sahel")
    await publish(services, amina, "A comment", space="sahel", in_reply_to=first.uri)
    await publish(services, amina, "Strategy", space="litigation")
    await publish(services, amina, "A note to my followers")
    today = datetime.now(UTC).date().isoformat()
    # A space counts its posts, not their comments; a member her public posts and comments.
    assert await _counts(client, "sahel", token) == (1, today)
    assert await _counts(client, "litigation", token) == (1, today)
    assert await _counts(client, "amina", token) == (3, today)
    await delete_post(services, amina, first.uri)
    with pytest.raises(NotFound):  # a second deletion finds nothing to delete
        await delete_post(services, amina, first.uri)
    assert await _counts(client, "sahel", token) == (0, today)
    assert await _counts(client, "amina", token) == (2, today)


async def test_the_migration_counts_what_the_database_already_holds(
    client: Client, services: Services, spaces: None, token: str
) -> None:
    amina = await LocalActor.get(name="amina")
    post = await publish(services, amina, "Report from Gao", space="sahel")
    await publish(services, amina, "A comment", space="sahel", in_reply_to=post.uri)
    await publish(services, amina, "Another report", space="sahel")
    await publish(services, amina, "Strategy", space="litigation")
    await delete_post(services, amina, post.uri)
    kept = await _all_counts()
    await LocalActor.all().update(statuses_count=0, last_status_at=None)
    connection = connections.get("default")
    for statement in (migration_0005.COUNT_MEMBERS, migration_0005.COUNT_SPACES):
        await connection.execute_script(statement)
    assert await _all_counts() == kept
    assert kept["sahel"][0] == 1 and kept["amina"][0] == 2 and kept["litigation"][0] == 1


async def _all_counts() -> dict[str, tuple[int, datetime | None]]:
    rows = await LocalActor.all().values_list("name", "statuses_count", "last_status_at")
    return {str(name): (int(count), when) for name, count, when in rows}  # type: ignore[misc]


async def test_accounts_in_a_page_of_statuses_are_those_the_account_endpoint_gives(
    client: Client, services: Services, spaces: None, token: str
) -> None:
    amina = await LocalActor.get(name="amina")
    await add_member("bruno")
    bruno = await LocalActor.get(name="bruno")
    for space in ("sahel", "vigil"):
        await Membership.create(
            space=await Space.get(actor__name=space),
            actor_uri=services.actor_uri(bruno),
            member=await Member.get(actor=bruno),
            role=Role.CONTRIBUTOR,
        )
    first = await publish(services, amina, "Report from Gao, cc @bruno", space="sahel")
    await publish(services, bruno, "Thanks", space="sahel", in_reply_to=first.uri)
    await publish(services, bruno, "Vigil on Friday", space="vigil")
    await publish(services, amina, "A note of mine")
    home = await (await client.get("/api/v1/timelines/home", headers=bearer(token))).get_json()
    shown = [s["account"] for s in home] + [s["reblog"]["account"] for s in home if s["reblog"]]
    mentioned = [m["acct"] for s in home for m in (s["reblog"] or s)["mentions"]]
    assert mentioned == ["bruno"]
    assert {a["acct"] for a in shown} == {"sahel", "vigil", "amina", "bruno"}
    for account in shown:
        path = f"/api/v1/accounts/{account['id']}"
        alone = await (await client.get(path, headers=bearer(token))).get_json()
        assert account == alone, account["acct"]
