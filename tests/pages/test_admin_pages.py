"""The administrators' pages: the allowlist, members and spaces, for an administrator only."""

from __future__ import annotations

import pytest
from quart import Quart

from jxfed.activitypub.models import Peer
from jxfed.actors.models import Member, Profile
from jxfed.settings import Settings
from jxfed.spaces.models import Access, Space
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.pages.conftest import PASSWORD, Browser
from tests.web.client import PEER, fetch_peer_key, signed_get

pytestmark = pytest.mark.usefixtures("cast")

PAGES = ["/admin", "/admin/peers", "/admin/members", "/admin/spaces"]
FORMS = [
    ("/admin/peers", {"domain": "rogue.example"}),
    ("/admin/peers/remove", {"domain": PEER}),
    ("/admin/members", {"name": "zara", "password": PASSWORD, "profile": "administrator"}),
    ("/admin/members/profile", {"name": "amina", "profile": "member"}),
    ("/admin/members/profile", {"name": "bakari", "profile": "administrator"}),
    ("/admin/spaces", {"slug": "agora", "name": "Agora", "access": "open", "owner": "bakari"}),
    ("/admin/spaces/archive", {"slug": "sahel", "archived": "1"}),
]


@pytest.fixture
def app(instance: Settings) -> Quart:
    """The instance's app, whose key fetcher answers for peer.example without any network."""
    return create_app(start_services(instance, key_fetcher=fetch_peer_key))


def main_of(html: str) -> str:
    """The page's own content, without the header (which names the path and the form token)."""
    return html.split('<main id="main">', 1)[1]


async def html_of(response: object) -> str:
    return (await response.get_data()).decode()  # type: ignore[attr-defined]


async def nothing_changed() -> None:
    """What every refused admin form leaves as it was."""
    assert await Peer.all().values_list("host", flat=True) == [PEER]
    assert not await Member.filter(actor__name="zara").exists()
    assert (await Member.get(actor__name="amina")).profile == Profile.ADMINISTRATOR
    assert (await Member.get(actor__name="bakari")).profile == Profile.MEMBER
    assert not await Space.filter(actor__name="agora").exists()
    assert not (await Space.get(actor__name="sahel")).archived


@pytest.mark.parametrize("path", PAGES)
async def test_a_member_who_is_not_an_administrator_gets_the_404_of_a_free_name(
    browser: Browser, path: str
) -> None:
    await browser.sign_in("bakari")

    status, html = await browser.get(path)
    _, free = await browser.get("/no/such/page")

    assert status == 404
    assert main_of(html) == main_of(free)


@pytest.mark.parametrize("path", PAGES)
async def test_an_anonymous_visitor_is_sent_to_sign_in_first(browser: Browser, path: str) -> None:
    response = await browser.client.get(path, headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/sign-in?next={path}"


@pytest.mark.parametrize(("action", "fields"), FORMS)
async def test_no_admin_form_changes_anything_for_a_member_or_a_stranger(
    app: Quart, browser: Browser, action: str, fields: dict[str, str]
) -> None:
    await Peer.create(host=PEER)
    await browser.sign_in("bakari")
    stranger = Browser(app.test_client())

    by_member = await browser.submit("/password", action, fields)
    by_stranger = await stranger.submit("/sign-in", action, fields)

    assert by_member.status_code == 404  # type: ignore[attr-defined]
    assert by_stranger.status_code == 303  # type: ignore[attr-defined]
    assert by_stranger.headers["Location"].startswith("/sign-in")  # type: ignore[attr-defined]
    await nothing_changed()


@pytest.mark.parametrize(("action", "fields"), FORMS)
async def test_an_admin_form_without_its_token_is_refused_and_changes_nothing(
    browser: Browser, action: str, fields: dict[str, str]
) -> None:
    await Peer.create(host=PEER)
    await browser.sign_in("amina")

    response = await browser.client.post(action, form=fields, headers={"Accept": "text/html"})

    assert response.status_code == 403
    await nothing_changed()


async def test_the_overview_counts_peers_members_and_spaces(browser: Browser) -> None:
    await Peer.create(host=PEER)
    await browser.sign_in("amina")

    status, html = await browser.get("/admin")

    assert status == 200
    assert "1 instance on the allowlist" in html
    assert "2 members" in html and "3 spaces" in html
    for path in PAGES[1:]:
        assert f'href="{path}"' in html


async def test_a_peer_allowed_on_the_page_is_let_in_at_once_and_removed_at_once(
    browser: Browser,
) -> None:
    await browser.sign_in("amina")
    assert (await signed_get(browser.client, "/users/amina")).status_code == 403

    allowed = await browser.submit("/admin/peers", "/admin/peers", {"domain": " Peer.Example "})

    assert allowed.status_code == 303  # type: ignore[attr-defined]
    assert await Peer.all().values_list("host", flat=True) == [PEER]
    assert (await signed_get(browser.client, "/users/amina")).status_code == 200
    _, html = await browser.get("/admin/peers")
    assert f'<td dir="ltr">{PEER}</td>' in html

    removed = await browser.submit("/admin/peers", "/admin/peers/remove", {"domain": PEER})

    assert removed.status_code == 303  # type: ignore[attr-defined]
    assert not await Peer.all().exists()
    assert (await signed_get(browser.client, "/users/amina")).status_code == 403


async def test_a_bad_domain_is_shown_again_with_its_message(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit("/admin/peers", "/admin/peers", {"domain": "bad_host!"})
    html = await html_of(response)

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="e-domain"' in html and "HOST:PORT" in html
    assert 'value="bad_host!"' in html
    assert not await Peer.all().exists()


async def test_removing_an_instance_that_is_no_peer_says_so(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit(
        "/admin/peers", "/admin/peers/remove", {"domain": "stranger.example"}
    )

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "stranger.example is not on the allowlist" in await html_of(response)


async def test_a_member_added_on_the_page_can_sign_in(app: Quart, browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit(
        "/admin/members",
        "/admin/members",
        {"name": "zara", "password": "a long passphrase", "profile": "trusted"},
    )

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert (await Member.get(actor__name="zara")).profile == Profile.TRUSTED
    _, html = await browser.get("/admin/members")
    assert 'href="/users/zara"' in html
    await Browser(app.test_client()).sign_in("zara", "a long passphrase")


@pytest.mark.parametrize(
    ("name", "password", "field", "message"),
    [
        ("bakari", "a long passphrase", "name", "already taken"),
        ("sahel", "a long passphrase", "name", "already taken"),
        ("Zara!", "a long passphrase", "name", "lower-case letters"),
        ("admin", "a long passphrase", "name", "reserved"),
        ("zara", "short", "password", "At least 8 characters"),
        ("", "a long passphrase", "name", "required"),
    ],
    ids=[
        "taken-by-a-member",
        "taken-by-a-space",
        "bad-name",
        "reserved",
        "short-password",
        "no-name",
    ],
)
async def test_a_bad_new_member_is_shown_again_with_the_message_by_its_field(
    browser: Browser, name: str, password: str, field: str, message: str
) -> None:
    await browser.sign_in("amina")
    before = await Member.all().count()

    response = await browser.submit(
        "/admin/members",
        "/admin/members",
        {"name": name, "password": password, "profile": "trusted"},
    )
    html = await html_of(response)

    assert response.status_code == 422  # type: ignore[attr-defined]
    error = html.split(f'id="e-{field}"', 1)[1].split("</strong>", 1)[0]
    assert message in error
    assert f'value="{name}"' in html
    assert '<option value="trusted" selected>' in html
    assert password not in html
    assert await Member.all().count() == before


async def test_an_administrator_sets_a_members_profile(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit(
        "/admin/members", "/admin/members/profile", {"name": "bakari", "profile": "trusted"}
    )

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert (await Member.get(actor__name="bakari")).profile == Profile.TRUSTED


async def test_the_last_administrator_keeps_the_administrator_profile(browser: Browser) -> None:
    await browser.sign_in("amina")

    response = await browser.submit(
        "/admin/members", "/admin/members/profile", {"name": "amina", "profile": "member"}
    )

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="pe-amina"' in await html_of(response)
    assert (await Member.get(actor__name="amina")).profile == Profile.ADMINISTRATOR


async def test_an_administrator_who_is_not_the_last_may_step_down(browser: Browser) -> None:
    await browser.sign_in("amina")
    await browser.submit(
        "/admin/members", "/admin/members/profile", {"name": "bakari", "profile": "administrator"}
    )

    response = await browser.submit(
        "/admin/members", "/admin/members/profile", {"name": "amina", "profile": "member"}
    )

    assert response.headers["Location"] == "/home"  # type: ignore[attr-defined]
    assert (await Member.get(actor__name="amina")).profile == Profile.MEMBER
    assert (await browser.get("/admin"))[0] == 404


async def test_the_spaces_page_lists_every_space_confidential_ones_too(browser: Browser) -> None:
    await browser.sign_in("amina")

    status, html = await browser.get("/admin/spaces")

    assert status == 200
    for slug in ("sahel", "vigil", "litigation"):
        assert f'href="/spaces/{slug}"' in html
    assert "Confidential" in html


async def test_a_space_created_on_the_page_is_in_the_directory_until_archived(
    app: Quart, browser: Browser
) -> None:
    visitor = Browser(app.test_client())
    await browser.sign_in("amina")

    created = await browser.submit(
        "/admin/spaces",
        "/admin/spaces",
        {
            "slug": "agora",
            "name": "Agora",
            "access": "open",
            "language": "fr",
            "owner": "bakari",
            "description": "Un lieu <script>x()</script>ouvert",
        },
    )

    assert created.status_code == 303  # type: ignore[attr-defined]
    space = await Space.get(actor__name="agora")
    assert space.access == Access.OPEN and space.language == "fr"
    assert "<script>" not in space.description
    assert 'href="/spaces/agora"' in (await visitor.get("/"))[1]

    archived = await browser.submit(
        "/admin/spaces", "/admin/spaces/archive", {"slug": "agora", "archived": "1"}
    )

    assert archived.status_code == 303  # type: ignore[attr-defined]
    assert (await Space.get(actor__name="agora")).archived
    assert 'href="/spaces/agora"' not in (await visitor.get("/"))[1]
    assert "Archived" in (await browser.get("/admin/spaces"))[1]

    await browser.submit(
        "/admin/spaces", "/admin/spaces/archive", {"slug": "agora", "archived": "0"}
    )

    assert 'href="/spaces/agora"' in (await visitor.get("/"))[1]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Agora Space"}, "slug", "lower-case letters"),
        ({"slug": "sahel"}, "slug", "already taken"),
        ({"slug": "bakari"}, "slug", "already taken"),
        ({"owner": "nobody"}, "owner", "No member has this name"),
        ({"name": ""}, "name", "required"),
        ({"access": "secret"}, "access", "Choose one"),
    ],
    ids=[
        "bad-slug",
        "taken-by-a-space",
        "taken-by-a-member",
        "unknown-owner",
        "no-name",
        "bad-access",
    ],
)
async def test_a_bad_new_space_is_shown_again_with_the_message_by_its_field(
    browser: Browser, changes: dict[str, str], field: str, message: str
) -> None:
    await browser.sign_in("amina")
    fields = {"slug": "agora", "name": "Agora", "access": "on_request", "language": "de"}
    fields |= {"owner": "amina", "description": "Kept text"} | changes

    response = await browser.submit("/admin/spaces", "/admin/spaces", fields)
    html = await html_of(response)

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert message in html.split(f'id="e-{field}"', 1)[1].split("</strong>", 1)[0]
    assert f'value="{fields["slug"]}"' in html and ">Kept text</textarea>" in html
    assert '<option value="de" selected>' in html
    assert await Space.all().count() == 3
