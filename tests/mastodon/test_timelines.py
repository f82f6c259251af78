"""Given posts in notes, spaces and from a peer, when members read the home, public and tag
timelines, then each holds what the member may see, newest first, paged by Link headers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from quart.typing import TestClientProtocol as Client

from jxfed.actors.documents import AS_PUBLIC
from jxfed.actors.models import RemoteActor
from jxfed.spaces.posts import store_post
from tests.mastodon.conftest import World, assert_entity, bearer, status_of

PEER = "https://peer.example"


async def _timeline(client: Client, path: str, token: str | None = None) -> list[dict[str, Any]]:
    response = await client.get(path, headers=bearer(token) if token else {})
    assert response.status_code == 200, await response.get_data()
    statuses: list[dict[str, Any]] = await response.get_json()
    for status in statuses:
        assert_entity("Status", status)
    return statuses


def _texts(statuses: list[dict[str, Any]]) -> list[str]:
    return [s["content"] or s["reblog"]["content"] for s in statuses]


async def _peer_post(text: str, tag: str) -> None:
    """A public note from a peer's member, as if it had arrived (author cached)."""
    author = f"{PEER}/users/dina"
    await RemoteActor.create(
        uri=author,
        kind="Person",
        name="Dina",
        preferred_username="dina",
        inbox=f"{author}/inbox",
        shared_inbox=f"{PEER}/inbox",
        document={"id": author, "type": "Person", "preferredUsername": "dina"},
        fetched_at=datetime.now(UTC),
    )
    note = {
        "id": f"{PEER}/notes/1",
        "type": "Note",
        "attributedTo": author,
        "content": f"<p>{text}</p>",
        "published": "2026-01-01T00:00:00Z",
        "to": [AS_PUBLIC],
        "tag": [{"type": "Hashtag", "name": f"#{tag}", "href": f"{PEER}/tags/{tag}"}],
    }
    await store_post({"object": note, "to": [AS_PUBLIC]}, None, local=False, base_url=PEER)


async def test_home_holds_own_posts_spaces_as_boosts_and_followed_tags(
    client: Client, world: World
) -> None:
    await status_of(client, world.amina, "my note")
    await status_of(client, world.amina, "@sahel space news")
    await status_of(client, world.amina, "@litigation secret")
    await status_of(client, world.chidi, "chidi on #Climat")
    await status_of(client, world.chidi, "chidi elsewhere")
    amina_home = await _timeline(client, "/api/v1/timelines/home", world.amina)
    assert len(amina_home) == 3
    boosted = [s for s in amina_home if s["reblog"] is not None]
    assert [s["account"]["acct"] for s in boosted] == ["litigation", "sahel"]
    followed = await client.post("/api/v1/tags/climat/follow", headers=bearer(world.bruno))
    assert followed.status_code == 200
    bruno_home = await _timeline(client, "/api/v1/timelines/home", world.bruno)
    assert ["Climat" in text for text in _texts(bruno_home)] == [True]
    assert not any("secret" in text for text in _texts(bruno_home))
    anonymous = await client.get("/api/v1/timelines/home")
    assert anonymous.status_code == 401


async def test_the_public_timeline_holds_public_posts_here_and_from_peers(
    client: Client, world: World
) -> None:
    await status_of(client, world.amina, "open note")
    await status_of(client, world.amina, "@sahel open space")
    await status_of(client, world.amina, "@vigil closed space")
    await status_of(client, world.amina, "@litigation secret")
    await _peer_post("from a peer", "climat")
    everything = _texts(await _timeline(client, "/api/v1/timelines/public"))
    assert len(everything) == 3
    assert not any("closed" in t or "secret" in t for t in everything)
    for token in (world.bruno, world.amina):  # a member sees no more here than anyone
        assert len(await _timeline(client, "/api/v1/timelines/public", token)) == 3
    local = _texts(await _timeline(client, "/api/v1/timelines/public?local=true"))
    assert len(local) == 2 and not any("peer" in t for t in local)
    remote = _texts(await _timeline(client, "/api/v1/timelines/public?remote=true"))
    assert len(remote) == 1 and "from a peer" in remote[0]
    assert await _timeline(client, "/api/v1/timelines/public?only_media=true") == []


async def test_a_tag_timeline_ignores_case_and_takes_any_all_none(
    client: Client, world: World
) -> None:
    await status_of(client, world.amina, "#Climat and #Eau")
    await status_of(client, world.amina, "#climat alone")
    await status_of(client, world.amina, "#eau alone")
    await status_of(client, world.amina, "@litigation #climat secret")
    await _peer_post("peer on #CLIMAT", "CLIMAT")
    climat = _texts(await _timeline(client, "/api/v1/timelines/tag/CLIMAT", world.amina))
    assert len(climat) == 3 and not any("secret" in t for t in climat)
    local = await _timeline(client, "/api/v1/timelines/tag/climat?local=true")
    assert len(local) == 2
    both = await _timeline(client, "/api/v1/timelines/tag/climat?all[]=eau")
    assert len(both) == 1
    either = await _timeline(client, "/api/v1/timelines/tag/climat?any[]=eau&local=true")
    assert len(either) == 3
    without = await _timeline(client, "/api/v1/timelines/tag/climat?none[]=eau&local=true")
    assert _texts(without) == [_texts(local)[0]]
    bad = await client.get("/api/v1/timelines/tag/not-a-tag!")
    assert bad.status_code == 422


async def test_timelines_page_with_absolute_links(client: Client, world: World) -> None:
    posted = [(await status_of(client, world.amina, f"#paged {n}"))["id"] for n in range(5)]
    seen: list[str] = []
    path = "/api/v1/timelines/tag/paged?limit=2"
    while path:
        response = await client.get(path)
        page = await response.get_json()
        if not page:
            break
        seen += [s["id"] for s in page]
        link = response.headers["Link"]
        next_url = link.split(">;")[0].lstrip("<")
        assert next_url.startswith("https://jxfed.test/api/v1/timelines/tag/paged?")
        parts = urlsplit(next_url)
        path = f"{parts.path}?{parts.query}"
    assert seen == list(reversed(posted))
    newer = await client.get(f"/api/v1/timelines/public?min_id={posted[2]}&limit=1")
    assert [s["id"] for s in await newer.get_json()] == [posted[3]]
    too_many = await client.get("/api/v1/timelines/public?limit=100")
    assert len(await too_many.get_json()) == 5
    bad = await client.get("/api/v1/timelines/public?max_id=x")
    assert bad.status_code == 422
