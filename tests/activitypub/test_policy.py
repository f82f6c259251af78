"""The allowlist as decisions: hosts of URLs, hosts an activity names, where we may send."""

from __future__ import annotations

from typing import Any

import pytest

from jxfed.activitypub.policy import (
    PolicyError,
    check_activity_hosts,
    host_of,
    key_id_host,
    referenced_hosts,
)

OWN = "us.example"
PEERS = {"peer.example", "127.0.0.1:8002"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def is_peer(host: str) -> bool:
    return host in PEERS


def _note(note_id: str, author: str, **more: Any) -> dict[str, Any]:
    return {"id": note_id, "type": "Note", "attributedTo": author, "content": "hello", **more}


def _create(actor: str, note: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor,
        "object": note,
        "to": [PUBLIC],
        "cc": [f"{actor}/followers"],
    }


# --- host_of ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Peer.Example/users/alice", "peer.example"),
        ("https://peer.example:443/users/alice", "peer.example"),
        ("http://peer.example:80/", "peer.example"),
        ("https://peer.example:8443/users/alice", "peer.example:8443"),
        ("http://peer.example:443/", "peer.example:443"),
        ("HTTP://127.0.0.1:8002/actor", "127.0.0.1:8002"),
        ("https://peer.example./x", "peer.example"),
        ("https://[::1]:8443/actor", "[::1]:8443"),
        ("https://[2001:DB8:0:0::1]/actor", "[2001:db8::1]"),
        ("https://bücher.example/a", "xn--bcher-kva.example"),
        ("https://peer.example/users/alice#main-key", "peer.example"),
    ],
)
def test_the_host_of_a_url_is_lower_case_without_its_default_port(url: str, host: str) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    "url",
    [
        "",
        "peer.example/users/alice",
        "/users/alice",
        "acct:alice@peer.example",
        "ftp://peer.example/file",
        "https://",
        "https:///users/alice",
        "https://peer.example:99999/",
        "https://peer.example:0/",
        "https://peer.example:http/",
        "https://alice@peer.example/",
        "https://peer.example\\@evil.example/",
        "https://evil.example\\.peer.example/",
        "https://peer .example/",
        "https://peer.example/a b",
        "https://[::1%25eth0]/",
        "https://[not-ipv6]/",
        "https://peer_.exam*ple/",
    ],
)
def test_a_string_that_is_not_an_absolute_http_url_has_no_host(url: str) -> None:
    with pytest.raises(ValueError):
        host_of(url)


def test_a_value_that_is_not_a_string_has_no_host() -> None:
    with pytest.raises(ValueError):
        host_of(42)  # type: ignore[arg-type]


def test_a_key_id_host_ignores_the_fragment() -> None:
    assert key_id_host("https://Peer.example:443/users/alice#main-key") == "peer.example"
    with pytest.raises(ValueError):
        key_id_host("main-key")


# --- referenced_hosts ------------------------------------------------------------------------


def test_a_create_names_its_actor_and_note_and_not_its_addressees() -> None:
    activity = _create(
        "https://peer.example/users/alice",
        _note(
            "https://peer.example/notes/1",
            "https://peer.example/users/alice",
            to=["https://elsewhere.example/users/bob"],
            cc=["https://other.example/followers"],
            audience="https://third.example/groups/g",
        ),
    )
    activity["audience"] = "https://third.example/groups/g"
    assert referenced_hosts(activity) == {"peer.example"}


def test_an_announce_wrapping_a_create_names_every_level() -> None:
    note = _note(
        "https://b.example/notes/1",
        "https://c.example/users/carol",
        inReplyTo="https://d.example/notes/0",
    )
    announce = {
        "id": "https://a.example/activities/9",
        "type": "Announce",
        "actor": "https://a.example/groups/g",
        "object": _create("https://e.example/users/eve", note),
    }
    assert referenced_hosts(announce) == {
        "a.example",
        "b.example",
        "c.example",
        "d.example",
        "e.example",
    }


def test_an_undo_names_the_follow_it_undoes() -> None:
    undo = {
        "id": "https://peer.example/undo/1",
        "type": "Undo",
        "actor": "https://peer.example/users/alice",
        "object": {
            "id": "https://peer.example/follows/1",
            "type": "Follow",
            "actor": "https://peer.example/users/alice",
            "object": "https://us.example/spaces/s",
        },
    }
    assert referenced_hosts(undo) == {"peer.example", "us.example"}


def test_lists_targets_origins_embedded_actors_and_links_are_followed() -> None:
    activity = {
        "type": "Move",
        "actor": {"id": "https://a.example/users/a", "type": "Person"},
        "object": ["https://b.example/x", {"type": "Link", "href": "https://c.example/y"}],
        "origin": "https://d.example/old",
        "target": {"type": "Collection", "attributedTo": ["https://e.example/users/e"]},
        "inReplyTo": None,
        "tag": [{"type": "Mention", "href": "https://f.example/users/f"}],
    }
    assert referenced_hosts(activity) == {
        "a.example",
        "b.example",
        "c.example",
        "d.example",
        "e.example",
    }


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "Like", "actor": "https://peer.example/users/a", "object": "note-1"},
        {"type": "Create", "actor": "https://peer.example/users/a", "object": {"id": 7}},
        {"type": "Create", "actor": "https://peer.example/users/a", "object": 7},
        {"type": "Create", "actor": "urn:uuid:1", "object": "https://peer.example/n/1"},
        {"id": "tag:peer.example,2024:1", "type": "Like", "actor": "https://peer.example/u"},
        {
            "type": "Announce",
            "actor": "https://peer.example/u",
            "object": {"type": "Create", "object": {"inReplyTo": "javascript:alert(1)"}},
        },
    ],
)
def test_a_reference_that_is_not_an_http_url_is_an_error(activity: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        referenced_hosts(activity)


def test_a_deeply_nested_activity_is_walked_without_recursion() -> None:
    activity: dict[str, Any] = {"id": "https://peer.example/n/0", "type": "Note"}
    for depth in range(1, 5000):
        activity = {"id": f"https://peer.example/a/{depth}", "type": "Announce", "object": activity}
    assert referenced_hosts(activity) == {"peer.example"}


# --- check_activity_hosts --------------------------------------------------------------------


def test_an_activity_naming_only_peers_and_ourselves_is_accepted() -> None:
    note = _note(
        "https://peer.example/notes/1",
        "https://peer.example/users/alice",
        inReplyTo="https://us.example/posts/7",
    )
    check_activity_hosts(_create("https://peer.example/users/alice", note), is_peer, OWN)


def test_a_loopback_peer_with_a_port_is_accepted() -> None:
    note = _note("http://127.0.0.1:8002/notes/1", "http://127.0.0.1:8002/users/a")
    check_activity_hosts(_create("http://127.0.0.1:8002/users/a", note), is_peer, OWN)


def test_our_own_host_is_recognised_whatever_its_case() -> None:
    follow = {
        "id": "https://peer.example/follows/1",
        "type": "Follow",
        "actor": "https://peer.example/users/alice",
        "object": "https://US.example/spaces/s",
    }
    check_activity_hosts(follow, is_peer, "US.Example")


def test_an_announce_wrapping_a_note_from_a_non_peer_is_refused() -> None:
    note = _note("https://stranger.example/notes/1", "https://stranger.example/users/s")
    announce = {
        "id": "https://peer.example/activities/1",
        "type": "Announce",
        "actor": "https://peer.example/groups/g",
        "object": _create("https://stranger.example/users/s", note),
    }
    with pytest.raises(PolicyError) as refused:
        check_activity_hosts(announce, is_peer, OWN)
    assert refused.value.status == 403
    assert refused.value.hosts == ("stranger.example",)
    assert "stranger.example" in refused.value.reason


def test_a_reply_to_a_note_on_a_non_peer_is_refused() -> None:
    note = _note(
        "https://peer.example/notes/2",
        "https://peer.example/users/alice",
        inReplyTo="https://stranger.example/notes/1",
    )
    with pytest.raises(PolicyError, match=r"stranger\.example"):
        check_activity_hosts(_create("https://peer.example/users/alice", note), is_peer, OWN)


def test_a_note_attributed_to_a_non_peer_is_refused() -> None:
    note = _note("https://peer.example/notes/2", "https://stranger.example/users/s")
    with pytest.raises(PolicyError):
        check_activity_hosts(_create("https://peer.example/users/alice", note), is_peer, OWN)


def test_a_delete_is_checked_like_any_other_activity() -> None:
    delete = {
        "id": "https://peer.example/deletes/1",
        "type": "Delete",
        "actor": "https://peer.example/users/alice",
        "object": {"id": "https://stranger.example/notes/1", "type": "Tombstone"},
    }
    with pytest.raises(PolicyError, match=r"stranger\.example"):
        check_activity_hosts(delete, is_peer, OWN)


def test_every_refused_host_is_named() -> None:
    note = _note("https://x.example/notes/1", "https://y.example/users/y")
    with pytest.raises(PolicyError) as refused:
        check_activity_hosts(_create("https://peer.example/users/a", note), is_peer, OWN)
    assert refused.value.hosts == ("x.example", "y.example")
    assert "x.example, y.example" in refused.value.message


def test_a_peer_on_another_port_is_not_that_peer() -> None:
    like = {
        "type": "Like",
        "actor": "http://127.0.0.1:8002/users/a",
        "object": "http://127.0.0.1:8003/notes/1",
    }
    with pytest.raises(PolicyError, match=r"127\.0\.0\.1:8003"):
        check_activity_hosts(like, is_peer, OWN)
