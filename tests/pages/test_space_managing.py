"""A space manager's forms on the space's page: join requests, invitations, roles, removal and
archiving, each refused to anyone who is not a space manager (or does not see the space)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from jxfed.activitypub.models import Delivery
from jxfed.activitypub.peers import allow_peer
from jxfed.actors.models import Member, RemoteActor
from jxfed.spaces import joining
from jxfed.spaces.models import Membership, MembershipState, Post, Role, Space
from tests.pages.conftest import Browser

pytestmark = pytest.mark.usefixtures("cast")
BASE = "https://jxfed.test"
BAKARI = f"{BASE}/users/bakari"
CLARA = "https://peer.example/users/clara"


async def submit(browser: Browser, page: str, action: str, fields: dict[str, str]) -> Any:
    """Send the form of `page` to `action`; the answer is the test client's response."""
    return await browser.submit(page, action, fields)


async def body(response: Any) -> tuple[int, str]:
    return response.status_code, (await response.get_data()).decode()


async def membership(slug: str, uri: str) -> Membership | None:
    return await Membership.get_or_none(space__actor__name=slug, actor_uri=uri)


async def add_bakari(slug: str, role: Role = Role.CONTRIBUTOR, state: str = "accepted") -> int:
    found = await Membership.create(
        space=await Space.get(actor__name=slug),
        member=await Member.get(actor__name="bakari"),
        actor_uri=BAKARI,
        role=role,
        state=MembershipState(state),
    )
    return found.id


async def test_a_manager_accepts_a_join_request_from_the_page(app: object) -> None:
    bakari, amina = Browser(app.test_client()), Browser(app.test_client())  # type: ignore[attr-defined]
    await bakari.sign_in("bakari")
    await submit(bakari, "/spaces/vigil", "/spaces/vigil/join", {})
    await amina.sign_in("amina")

    _, html = await amina.get("/spaces/vigil")
    request_id = str((await membership("vigil", BAKARI)).id)  # type: ignore[union-attr]
    response = await submit(
        amina,
        "/spaces/vigil",
        "/spaces/vigil/requests",
        {"membership": request_id, "decision": "accept"},
    )

    assert 'action="/spaces/vigil/requests"' in html and "bakari@jxfed.test" in html
    assert response.status_code == 303
    assert (await membership("vigil", BAKARI)).state == MembershipState.ACCEPTED  # type: ignore[union-attr]
    _, theirs = await bakari.get("/spaces/vigil")
    assert "You are a member of this space" in theirs
    assert 'action="/spaces/vigil/posts"' in theirs


async def test_a_rejected_request_leaves_no_membership(browser: Browser) -> None:
    request_id = await add_bakari("vigil", state="pending")
    await browser.sign_in("amina")

    await submit(
        browser,
        "/spaces/vigil",
        "/spaces/vigil/requests",
        {"membership": str(request_id), "decision": "reject"},
    )

    assert await membership("vigil", BAKARI) is None


async def test_a_member_who_is_no_manager_may_not_answer_requests(browser: Browser) -> None:
    await add_bakari("vigil")
    await Membership.create(
        space=await Space.get(actor__name="vigil"),
        actor_uri=CLARA,
        inbox="https://peer.example/inbox",
        role=Role.READER,
        state=MembershipState.PENDING,
    )
    await browser.sign_in("bakari")
    request_id = str((await membership("vigil", CLARA)).id)  # type: ignore[union-attr]

    _, html = await browser.get("/spaces/vigil")
    status, _ = await body(
        await submit(
            browser,
            "/spaces/vigil",
            "/spaces/vigil/requests",
            {"membership": request_id, "decision": "accept"},
        )
    )

    assert 'action="/spaces/vigil/requests"' not in html and "clara" not in html
    assert status == 403
    assert (await membership("vigil", CLARA)).state == MembershipState.PENDING  # type: ignore[union-attr]


async def test_a_manager_invites_a_member_of_a_peer(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await allow_peer("peer.example")
    await RemoteActor.create(
        uri=CLARA,
        kind="Person",
        name="Clara",
        preferred_username="clara",
        inbox=f"{CLARA}/inbox",
        shared_inbox="https://peer.example/inbox",
        document={"id": CLARA, "type": "Person"},
        fetched_at=datetime.now(UTC),
    )

    async def webfinger(services: object, handle: str) -> str:  # the peer's answer, no network
        assert handle == "clara@peer.example"
        return CLARA

    monkeypatch.setattr(joining, "resolve_account", webfinger)
    await browser.sign_in("amina")

    response = await submit(
        browser, "/spaces/litigation", "/spaces/litigation/invite", {"handle": "clara@peer.example"}
    )

    assert response.status_code == 303
    invited = await membership("litigation", CLARA)
    assert invited is not None and invited.state == MembershipState.INVITED
    assert await Delivery.filter(inbox="https://peer.example/inbox").exists()


@pytest.mark.parametrize("handle", ["bakari", "@bakari", "bakari@jxfed.test"])
async def test_a_member_here_invited_into_a_confidential_space_accepts_from_its_page(
    app: object, handle: str
) -> None:
    amina, bakari = Browser(app.test_client()), Browser(app.test_client())  # type: ignore[attr-defined]
    await amina.sign_in("amina")
    await bakari.sign_in("bakari")
    assert (await bakari.get("/spaces/litigation"))[0] == 404

    response = await submit(
        amina, "/spaces/litigation", "/spaces/litigation/invite", {"handle": handle}
    )
    status, html = await bakari.get("/spaces/litigation")

    assert response.status_code == 303
    assert (await membership("litigation", BAKARI)).state == MembershipState.INVITED  # type: ignore[union-attr]
    assert status == 200 and "Accept the invitation" in html
    assert not await Delivery.all().exists()  # nothing leaves the instance
    await submit(bakari, "/spaces/litigation", "/spaces/litigation/join", {})
    assert (await membership("litigation", BAKARI)).state == MembershipState.ACCEPTED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("handle", "status", "kept"),
    [("", 422, 'value=""'), ("not an address", 400, 'value="not an address"')],
    ids=["empty", "not-name-at-host"],
)
async def test_a_bad_invitation_is_shown_again_next_to_its_field(
    browser: Browser, handle: str, status: int, kept: str
) -> None:
    await browser.sign_in("amina")

    got, html = await body(
        await submit(browser, "/spaces/sahel", "/spaces/sahel/invite", {"handle": handle})
    )

    assert got == status
    assert 'id="e-handle"' in html and kept in html
    assert await Membership.filter(space__actor__name="sahel").count() == 1


async def test_a_manager_changes_a_role(browser: Browser) -> None:
    bakari = await add_bakari("sahel")
    await browser.sign_in("amina")

    response = await submit(
        browser,
        "/spaces/sahel",
        "/spaces/sahel/roles",
        {"membership": str(bakari), "role": "reader"},
    )

    assert response.status_code == 303
    assert (await membership("sahel", BAKARI)).role == Role.READER  # type: ignore[union-attr]


async def test_the_last_manager_cannot_be_demoted_and_is_told_why(browser: Browser) -> None:
    await browser.sign_in("amina")
    own = str((await membership("sahel", f"{BASE}/users/amina")).id)  # type: ignore[union-attr]

    status, html = await body(
        await submit(
            browser, "/spaces/sahel", "/spaces/sahel/roles", {"membership": own, "role": "reader"}
        )
    )
    unknown_role, _ = await body(
        await submit(
            browser, "/spaces/sahel", "/spaces/sahel/roles", {"membership": own, "role": "emperor"}
        )
    )

    assert status == 409
    assert "the last space manager cannot be demoted" in html and 'role="alert"' in html
    assert unknown_role == 422
    assert (await membership("sahel", f"{BASE}/users/amina")).role == Role.SPACE_MANAGER  # type: ignore[union-attr]


async def test_a_manager_removes_a_member(browser: Browser) -> None:
    bakari = await add_bakari("sahel")
    await browser.sign_in("amina")

    response = await submit(
        browser, "/spaces/sahel", "/spaces/sahel/remove", {"membership": str(bakari)}
    )

    assert response.status_code == 303
    assert await membership("sahel", BAKARI) is None


async def test_a_manager_archives_the_space_which_then_takes_no_posts(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await submit(browser, "/spaces/sahel", "/spaces/sahel/archive", {"archived": "yes"})

    assert response.status_code == 303
    assert (await Space.get(actor__name="sahel")).archived
    _, html = await browser.get("/spaces/sahel")
    assert "Archived" in html and 'action="/spaces/sahel/posts"' not in html
    refused, _ = await body(
        await submit(browser, "/spaces/sahel", "/spaces/sahel/posts", {"text": "late"})
    )
    assert refused == 403 and await Post.all().count() == 0


async def test_only_a_space_manager_archives(browser: Browser) -> None:
    await add_bakari("sahel", Role.CONTENT_MANAGER)
    await browser.sign_in("bakari")

    status, _ = await body(
        await submit(browser, "/spaces/sahel", "/spaces/sahel/archive", {"archived": "yes"})
    )

    assert status == 403
    assert not (await Space.get(actor__name="sahel")).archived


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("requests", {"membership": "1", "decision": "accept"}),
        ("invite", {"handle": "clara@peer.example"}),
        ("roles", {"membership": "1", "role": "reader"}),
        ("remove", {"membership": "1"}),
        ("archive", {"archived": "yes"}),
    ],
)
async def test_managing_a_confidential_space_from_outside_is_a_free_name(
    browser: Browser, action: str, fields: dict[str, str]
) -> None:
    await add_bakari("sahel")
    await browser.sign_in("bakari")

    hidden, hidden_html = await body(
        await submit(browser, "/spaces/sahel", f"/spaces/litigation/{action}", fields)
    )
    free, free_html = await body(
        await submit(browser, "/spaces/sahel", f"/spaces/nowhere/{action}", fields)
    )

    assert hidden == free == 404
    assert hidden_html.replace("litigation", "NAME") == free_html.replace("nowhere", "NAME")
    assert not (await Space.get(actor__name="litigation")).archived
    assert await Membership.filter(space__actor__name="litigation").count() == 1


async def test_a_managers_form_without_its_token_changes_nothing(browser: Browser) -> None:
    bakari = await add_bakari("sahel")
    await browser.sign_in("amina")

    response = await browser.client.post(
        "/spaces/sahel/remove", form={"membership": str(bakari)}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 403
    assert await membership("sahel", BAKARI) is not None
