"""A space's page: its feed and paging, posting as the role allows, joining and leaving, the
list of spaces, a peer's space as this instance holds it, and a confidential space that is a
free name to everyone outside it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.actors.models import Following, FollowState, Member, RemoteActor
from jxfed.spaces.models import Membership, MembershipState, Post, Role, Space
from tests.pages.conftest import Browser

pytestmark = pytest.mark.usefixtures("cast")
BASE = "https://jxfed.test"
DELTA = "https://peer.example/spaces/delta"


async def submit(browser: Browser, page: str, action: str, fields: dict[str, str]) -> Any:
    """Send the form of `page` to `action`; the answer is the test client's response."""
    return await browser.submit(page, action, fields)


async def body(response: Any) -> tuple[int, str]:
    return response.status_code, (await response.get_data()).decode()


async def member_of(slug: str, name: str, role: Role = Role.CONTRIBUTOR) -> None:
    member = await Member.get(actor__name=name)
    await Membership.create(
        space=await Space.get(actor__name=slug),
        member=member,
        actor_uri=f"{BASE}/users/{name}",
        role=role,
    )


async def test_a_member_posts_and_sees_the_post_in_the_feed(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await submit(
        browser,
        "/spaces/sahel",
        "/spaces/sahel/posts",
        {"title": "Weekly brief", "text": "Wells dry."},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/spaces/sahel"
    post = await Post.get(title="Weekly brief")
    assert post.local and post.space_id == (await Space.get(actor__name="sahel")).id  # type: ignore[attr-defined]
    status, html = await browser.get("/spaces/sahel")
    assert status == 200
    assert "Weekly brief" in html and "Wells dry." in html
    assert 'action="/spaces/sahel/posts"' in html  # the space manager may post again
    assert f'action="/posts/{post.id}/comments"' in html


async def test_a_reader_sees_no_post_form_and_a_post_is_refused(browser: Browser) -> None:
    await member_of("sahel", "bakari", Role.READER)
    await browser.sign_in("bakari")

    status, html = await browser.get("/spaces/sahel")
    response = await submit(browser, "/spaces/sahel", "/spaces/sahel/posts", {"text": "Hello"})
    status_after, refused = await body(response)

    assert status == 200 and 'action="/spaces/sahel/posts"' not in html
    assert 'action="/spaces/sahel/leave"' in html  # a member, as a reader
    assert status_after == 403
    assert "contributor role" in refused
    assert await Post.all().count() == 0


@pytest.mark.parametrize(
    ("fields", "kept"),
    [
        ({"title": "Kept title", "text": "  "}, 'value="Kept title"'),
        ({"text": "x" * 20_001}, "x" * 50),
    ],
    ids=["empty", "too-long"],
)
async def test_a_bad_post_is_shown_again_with_its_message_and_what_was_typed(
    browser: Browser, fields: dict[str, str], kept: str
) -> None:
    await browser.sign_in("amina")

    status, html = await body(await submit(browser, "/spaces/sahel", "/spaces/sahel/posts", fields))

    assert status == 422
    assert 'id="e-text"' in html
    assert kept in html
    assert await Post.all().count() == 0


async def test_a_post_without_the_form_token_is_refused_and_nothing_is_stored(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")

    response = await browser.client.post(
        "/spaces/sahel/posts", form={"text": "forged"}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 403
    assert await Post.all().count() == 0


async def test_the_feed_pages_by_cursor_twenty_then_the_older_five(browser: Browser) -> None:
    sahel = await Space.get(actor__name="sahel")
    for number in range(25):
        uri = f"{BASE}/objects/p{number}"
        await Post.create(
            uri=uri,
            author_uri=f"{BASE}/users/amina",
            audience=f"{BASE}/spaces/sahel",
            space=sahel,
            public=True,
            local=True,
            content=f"<p>item-{number:02d}.</p>",
            published=datetime.now(UTC),
            document={"id": uri},
        )

    _, first = await browser.get("/spaces/sahel")
    older = first.split('href="/spaces/sahel?max_id=', 1)[1].split('"', 1)[0]
    _, second = await browser.get(f"/spaces/sahel?max_id={older}")

    assert first.count("item-") == 20 and "item-24." in first and "item-05." in first
    assert 'href="/spaces/sahel?min_id=' not in first  # the newest page has no "newer" link
    assert second.count("item-") == 5 and "item-04." in second and "item-00." in second
    assert 'href="/spaces/sahel?max_id=' not in second
    assert 'href="/spaces/sahel?min_id=' in second
    newer = second.split('href="/spaces/sahel?min_id=', 1)[1].split('"', 1)[0]
    _, back = await browser.get(f"/spaces/sahel?min_id={newer}")
    assert back.count("item-") == 20 and "item-05." in back and "item-24." in back


async def test_joining_an_open_space_makes_a_member_at_once(browser: Browser) -> None:
    await browser.sign_in("bakari")

    response = await submit(browser, "/spaces/sahel", "/spaces/sahel/join", {})

    assert response.status_code == 303
    membership = await Membership.get(space__actor__name="sahel", actor_uri=f"{BASE}/users/bakari")
    assert membership.state == MembershipState.ACCEPTED and membership.role == Role.CONTRIBUTOR
    _, html = await browser.get("/spaces/sahel")
    assert 'action="/spaces/sahel/posts"' in html and "2 members" in html


async def test_asking_to_join_a_space_on_request_waits_for_a_manager(browser: Browser) -> None:
    await browser.sign_in("bakari")

    await submit(browser, "/spaces/vigil", "/spaces/vigil/join", {})

    membership = await Membership.get(space__actor__name="vigil", actor_uri=f"{BASE}/users/bakari")
    assert membership.state == MembershipState.PENDING
    _, html = await browser.get("/spaces/vigil")
    assert "waiting for a space manager" in html
    assert 'action="/spaces/vigil/posts"' not in html


async def test_a_member_leaves_but_the_last_manager_is_told_why_not(browser: Browser) -> None:
    await member_of("sahel", "bakari")
    await browser.sign_in("bakari")
    assert (await submit(browser, "/spaces/sahel", "/spaces/sahel/leave", {})).status_code == 303
    assert not await Membership.filter(actor_uri=f"{BASE}/users/bakari").exists()

    await submit(browser, "/spaces/sahel", "/sign-out", {})
    await browser.sign_in("amina")
    status, html = await body(await submit(browser, "/spaces/sahel", "/spaces/sahel/leave", {}))

    assert status == 409 and "last space manager" in html
    assert await Membership.filter(
        actor_uri=f"{BASE}/users/amina", space__actor__name="sahel"
    ).exists()


async def test_a_confidential_space_is_shown_to_its_members(browser: Browser) -> None:
    await browser.sign_in("amina")

    status, html = await browser.get("/spaces/litigation")

    assert status == 200 and "Litigation" in html and "Confidential space" in html


@pytest.mark.parametrize("who", ["anonymous", "bakari", "member of another space"])
async def test_a_confidential_space_is_a_free_name_to_anyone_outside_it(
    browser: Browser, who: str
) -> None:
    if who == "member of another space":
        await member_of("sahel", "bakari")
    if who != "anonymous":
        await browser.sign_in("bakari")

    hidden_status, hidden = await browser.get("/spaces/litigation")
    free_status, free = await browser.get("/spaces/nowhere")
    posted = await submit(browser, "/spaces/nowhere", "/spaces/litigation/posts", {"text": "hi"})

    assert hidden_status == free_status == 404
    assert hidden.replace("litigation", "NAME") == free.replace("nowhere", "NAME")
    assert "Litigation" not in hidden
    assert posted.status_code == (404 if who != "anonymous" else 303)  # a stranger signs in first
    assert await Post.all().count() == 0


async def test_spaces_lists_my_spaces_then_the_directory_as_i_may_see_it(
    browser: Browser,
) -> None:
    await member_of("sahel", "bakari")
    await browser.sign_in("bakari")
    _, theirs = await browser.get("/spaces")
    await submit(browser, "/spaces", "/sign-out", {})
    await browser.sign_in("amina")
    _, mine = await browser.get("/spaces")

    assert theirs.split('id="directory"')[0].count('href="/spaces/sahel"') == 1
    assert "litigation" not in theirs.lower()
    assert 'href="/spaces/litigation"' in mine.split('id="directory"')[1]


async def _peer_space(discoverable: bool) -> None:
    await RemoteActor.create(
        uri=DELTA,
        kind="Group",
        name="Delta",
        preferred_username="delta",
        inbox=f"{DELTA}/inbox",
        document={
            "id": DELTA,
            "type": "Group",
            "summary": "<p>Delta's <script>x</script>desk</p>",
            "manuallyApprovesFollowers": False,
            "discoverable": discoverable,
        },
        fetched_at=datetime.now(UTC),
    )
    await Post.create(
        uri="https://peer.example/objects/1",
        author_uri="https://peer.example/users/bruno",
        audience=DELTA,
        public=discoverable,
        content="<p>From the delta.</p>",
        published=datetime.now(UTC),
        document={"id": "https://peer.example/objects/1"},
    )


async def test_a_peers_space_is_shown_from_what_this_instance_holds(browser: Browser) -> None:
    await _peer_space(discoverable=True)
    await browser.sign_in("bakari")

    status, html = await browser.get("/spaces/delta@peer.example")

    assert status == 200
    assert "Delta" in html and "From the delta." in html and "<script>" not in html
    assert 'action="/spaces/delta@peer.example/join"' in html


async def test_a_peers_space_that_hides_itself_is_a_free_name_to_outsiders(
    browser: Browser,
) -> None:
    await _peer_space(discoverable=False)
    await browser.sign_in("bakari")

    hidden_status, hidden = await browser.get("/spaces/delta@peer.example")
    free_status, free = await browser.get("/spaces/omega@peer.example")

    assert hidden_status == free_status == 404
    assert hidden.replace("delta", "NAME") == free.replace("omega", "NAME")


async def test_each_post_shows_its_latest_comments(browser: Browser) -> None:
    sahel = await Space.get(actor__name="sahel")
    for number, parent in [(1, None), (2, f"{BASE}/objects/1"), (3, f"{BASE}/objects/1")]:
        await Post.create(
            uri=f"{BASE}/objects/{number}",
            author_uri=f"{BASE}/users/amina",
            audience=f"{BASE}/spaces/sahel",
            space=sahel,
            in_reply_to=parent,
            public=True,
            content=f"<p>text-{number}</p>",
            published=datetime.now(UTC),
            document={},
        )

    _, html = await browser.get("/spaces/sahel")

    assert html.count('class="post"') == 3
    assert html.index("text-1") < html.index("text-2") < html.index("text-3")
    assert "2 comments" in html


async def test_a_member_of_a_peers_space_posts_into_it_through_the_space(
    browser: Browser,
) -> None:
    await allow_peer("peer.example")
    await _peer_space(discoverable=True)
    bakari = await Member.get(actor__name="bakari")
    await Following.create(
        follower_id=bakari.actor_id,  # type: ignore[attr-defined]
        target_uri=DELTA,
        follow_id=f"{BASE}/activities/join-delta",
        state=FollowState.ACCEPTED,
    )
    await browser.sign_in("bakari")

    _, html = await browser.get("/spaces/delta@peer.example")
    response = await submit(
        browser, "/spaces/delta@peer.example", "/spaces/delta@peer.example/posts", {"text": "Hi"}
    )

    assert 'action="/spaces/delta@peer.example/leave"' in html
    assert response.status_code == 303
    post = await Post.get(author_uri=f"{BASE}/users/bakari")
    assert post.audience == DELTA and post.local
    assert await Delivery.filter(inbox=f"{DELTA}/inbox").exists()
