"""bovine-herd 0.5.19 as a real peer of a jxfed instance, over signed HTTP on loopback.

One bovine-herd server (its own virtual environment, see tests/bovine/peer.py) and one
`jxfed serve` are started once for the module; jxfed allows the bovine host as a peer (bovine
has no allowlist). bovine's actors act through bovine's own client and factories, so what
reaches jxfed is what bovine sends: `"to": "as:Public"` and a `tag` of one object (JSON-LD
compaction), an Accept and an Undo naming their Follow by bare id. Each story checks the wire
form in bovine's log of what it sent, then the effect on both sides.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.bovine.peer import BovineActor, BovinePeer
from tests.databases import Templates
from tests.federation.network import FAST_RETRY
from tests.servers import Instance, InstanceFactory, free_port

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("bovine")]

T = TypeVar("T")


@dataclass
class World:
    jx: Instance
    bovine: BovinePeer
    alice: BovineActor  # followed by amina (jxfed)
    bob: BovineActor  # follows bruno (jxfed)
    carol: BovineActor  # follows celia (jxfed), then takes it back

    def member(self, name: str) -> str:
        return f"{self.jx.url}/users/{name}"


@pytest.fixture(scope="module")
def world(
    bovine_python: Path, templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root = tmp_path_factory.mktemp("bovine-peer")
    bovine = BovinePeer(bovine_python, root / "bovine", f"127.0.0.1:{free_port()}")
    actors = bovine.register("alice", "bob", "carol")
    factory = InstanceFactory(root, "", templates)
    jx = factory.create("jx", database_url="")
    with (jx.directory / "instance.toml").open("a") as config:
        config.write(FAST_RETRY)
    jx.add_members("amina", "bruno", "celia")
    jx.allow(bovine.domain)
    try:
        bovine.launch()
        jx.launch()
        bovine.wait_ready()
        jx.wait_ready()
        yield World(jx, bovine, actors["alice"], actors["bob"], actors["carol"])
    finally:
        factory.stop_all()
        bovine.stop()


def eventually(check: Callable[[], T | None], seconds: float = 40.0) -> T:
    """Wait until `check` returns something true (federation is asynchronous); return it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"still not true after {seconds} s: {check.__doc__ or check}")


def id_of(value: Any) -> Any:
    """The id of an object given by id or embedded (bovine's proxy embeds actor and object)."""
    return value.get("id") if isinstance(value, dict) else value


def query(instance: Instance, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of the instance's SQLite database (read beside the running server)."""
    with sqlite3.connect(instance.directory / "jxfed.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def followers_of(instance: Instance, name: str) -> list[tuple[str, str]]:
    """(follower URI, state) of a local member, as jxfed keeps them."""
    return query(
        instance,
        "SELECT f.follower_uri, f.state FROM follower f JOIN local_actor a ON a.id = f.followed_id"
        " WHERE a.name = ? ORDER BY f.id",
        name,
    )


def sent(bovine: BovinePeer, kind: str, actor: BovineActor) -> list[dict[str, Any]]:
    """The activities of `kind` that `actor` sent, as they went over the wire."""
    return [
        a for _, a in bovine.sent() if a.get("type") == kind and a.get("actor") == actor.actor_id
    ]


@pytest.fixture(scope="module")
def amina_follows_alice(world: World) -> str:
    """amina (jxfed) follows alice (bovine); alice accepts the Follow found in her inbox."""
    amina, alice = world.member("amina"), world.alice
    world.jx.cli("users", "follow", "amina", alice.acct)

    def follow_in_inbox() -> dict[str, Any] | None:
        """alice's inbox holds amina's Follow."""
        return next(
            (
                a
                for a in alice.inbox()
                if a.get("type") == "Follow" and id_of(a.get("actor")) == amina
            ),
            None,
        )

    follow = eventually(follow_in_inbox)
    alice.accept(follow["id"])

    def accepted() -> bool:
        """jxfed shows amina following alice, accepted."""
        return f"{alice.actor_id}\taccepted" in world.jx.cli("users", "following", "amina").stdout

    eventually(accepted)
    return str(follow["id"])


@pytest.fixture(scope="module")
def bob_follows_bruno(world: World) -> str:
    """bob (bovine) follows bruno (jxfed); jxfed accepts at once."""
    bruno = world.member("bruno")
    follow_id = world.bob.follow(bruno)

    def accepted() -> bool:
        """jxfed lists bob as bruno's follower, accepted."""
        return followers_of(world.jx, "bruno") == [(world.bob.actor_id, "accepted")]

    eventually(accepted)
    return follow_id


def test_a_jxfed_member_follows_a_bovine_actor_who_accepts(
    world: World, amina_follows_alice: str
) -> None:
    amina = world.member("amina")
    # bovine names the Follow by its bare id in the Accept, addressed to amina.
    (accept,) = sent(world.bovine, "Accept", world.alice)
    assert accept["object"] == amina_follows_alice
    assert accept["to"] == amina
    assert query(
        world.jx, "SELECT target_uri, state FROM following WHERE follow_id = ?", amina_follows_alice
    ) == [(world.alice.actor_id, "accepted")]

    def listed() -> bool:
        """bovine lists amina among alice's followers."""
        return world.alice.collection("followers") == [amina]

    eventually(listed)


def test_a_bovine_actor_follows_a_jxfed_member_and_jxfed_accepts(
    world: World, bob_follows_bruno: str
) -> None:
    bruno = world.member("bruno")
    (follow,) = sent(world.bovine, "Follow", world.bob)
    assert follow["id"] == bob_follows_bruno and follow["object"] == bruno
    assert query(
        world.jx, "SELECT follower_uri FROM follower WHERE follow_id = ?", bob_follows_bruno
    ) == [(world.bob.actor_id,)]

    def listed() -> bool:
        """bovine took jxfed's Accept: bob's following collection lists bruno."""
        return world.bob.collection("following") == [bruno]

    eventually(listed)


def test_a_bovine_public_note_reaches_the_jxfed_member_following_it(
    world: World, amina_follows_alice: str
) -> None:
    amina = world.member("amina")
    world.alice.note(
        "Hearing in Bangui on Monday, @amina", mentions={f"@amina@{world.jx.domain}": amina}
    )
    world.alice.note("Report on pre-trial detention #Bangui", hashtags=("Bangui",))

    def both_sent() -> list[dict[str, Any]]:
        """bovine has sent both Creates."""
        creates = sent(world.bovine, "Create", world.alice)
        return creates if len(creates) == 2 else []

    creates = eventually(both_sent)
    assert {inbox for inbox, a in world.bovine.sent() if a in creates} == {f"{amina}/inbox"}
    notes = sorted((create["object"] for create in creates), key=lambda n: "#" in n["content"])
    # The variants compaction makes: the public address as "as:Public", one tag as an object.
    assert sorted(notes[0]["to"]) == sorted(["as:Public", amina])
    assert notes[1]["to"] == "as:Public"
    assert [note["tag"] for note in notes] == [
        {"type": "Mention", "href": amina, "name": f"@amina@{world.jx.domain}"},
        {"type": "Hashtag", "name": "#Bangui"},
    ]

    def arrived() -> bool:
        """amina's timeline on jxfed shows both notes."""
        timeline = world.jx.cli("users", "timeline", "amina").stdout
        return "Hearing in Bangui on Monday" in timeline and "pre-trial detention" in timeline

    eventually(arrived)
    posts = {
        uri: (public, document)
        for uri, public, document in query(
            world.jx,
            "SELECT uri, public, document FROM post WHERE author_uri = ?",
            world.alice.actor_id,
        )
    }
    assert set(posts) == {note["id"] for note in notes}
    mention, hashtag = (posts[note["id"]] for note in notes)
    assert mention[0] == 1 and hashtag[0] == 1  # stored as public
    assert json.loads(mention[1])["tag"] == [notes[0]["tag"]]
    assert json.loads(hashtag[1])["tag"] == [notes[1]["tag"]]
    assert query(
        world.jx,
        "SELECT h.name FROM post_hashtag h JOIN post p ON p.id = h.post_id WHERE p.uri = ?",
        notes[1]["id"],
    ) == [("bangui",)]


def test_a_jxfed_public_note_reaches_the_bovine_actor_following_its_author(
    world: World, bob_follows_bruno: str
) -> None:
    world.jx.cli("users", "post", "bruno", "Detention report published today")

    def delivered() -> dict[str, Any] | None:
        """bob's inbox on bovine holds bruno's Create."""
        return next(
            (
                a
                for a in world.bob.inbox()
                if a.get("type") == "Create" and id_of(a.get("actor")) == world.member("bruno")
            ),
            None,
        )

    create = eventually(delivered)
    note = create["object"]  # as bovine stores it: compacted with its own context
    assert note["type"] == "Note" and note["attributedTo"] == world.member("bruno")
    assert note["content"] == "<p>Detention report published today</p>"
    assert note["to"] == create["to"] == ["as:Public"]


def test_an_undo_of_a_follow_by_bare_id_removes_the_follower(world: World) -> None:
    celia, carol = world.member("celia"), world.carol
    follow_id = carol.follow(celia)

    def accepted() -> bool:
        """jxfed lists carol as celia's follower."""
        return followers_of(world.jx, "celia") == [(carol.actor_id, "accepted")]

    eventually(accepted)
    undo = carol.undo(follow_id)
    assert undo["object"] == follow_id  # the Follow by its bare id, as bovine sends it

    def removed() -> bool:
        """celia has no follower left on jxfed."""
        return followers_of(world.jx, "celia") == []

    eventually(removed)
    ((inbox, sent_undo),) = [(i, a) for i, a in world.bovine.sent() if a.get("type") == "Undo"]
    assert inbox == f"{celia}/inbox" and sent_undo["object"] == follow_id
