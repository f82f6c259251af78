"""Two real instances for the browser stories, peers of each other.

A (the test's database: SQLite or PostgreSQL): amina, an administrator, owns sahel (open) and
vigil and wake (on request: one for each script mode, since a join request is answered once).
B (SQLite): bakari, a member of sahel through his instance. sahel holds one post of amina's.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import Profile
from jxfed.settings import Settings
from tests.browser.visitor import PASSWORD
from tests.servers import Instance, InstanceFactory, start_all

FAST_RETRY = "retry_seconds = 1\n"
CALENDAR = "Calendar of hearings"  # amina's first post in sahel, there before any story
CALENDAR_TEXT = "Niamey on Monday, Tunis on Thursday."


@dataclass(frozen=True)
class Network:
    a: Instance
    b: Instance


def member_with_password(name: str, profile: Profile) -> Callable[[Settings], Awaitable[None]]:
    async def add(settings: Settings) -> None:
        await add_member(name, password=PASSWORD, profile=profile)

    return add


def make_network(factory: InstanceFactory) -> Network:
    """Start A and B; bakari joins sahel from B, as `jxfed users join` does."""
    a, b = factory.create("a"), factory.create("b")
    for instance in (a, b):
        with (instance.directory / "instance.toml").open("a") as config:
            config.write(FAST_RETRY)
    a.allow(b.domain)
    b.allow(a.domain)
    a.seed(member_with_password("amina", Profile.ADMINISTRATOR))
    b.seed(member_with_password("bakari", Profile.MEMBER))
    a.add_space("sahel", "Sahel", "open", "amina")
    for slug, name in (("vigil", "Vigil"), ("wake", "Wake")):
        a.add_space(slug, name, "on_request", "amina")
    start_all((a, b))
    b.cli("users", "join", "bakari", f"sahel@{a.domain}")
    bakari = f"{b.url}/users/bakari"
    deadline = time.monotonic() + 20
    while not (
        f"{bakari}\tcontributor\taccepted" in a.cli("spaces", "members", "sahel").stdout
        and "sahel" in a.cli("fetch", f"{bakari}/following?page=true").stdout
    ):  # A has him, and B has heard so
        assert time.monotonic() < deadline, "bakari's join of sahel was not accepted"
        time.sleep(0.2)
    a.cli("users", "post", "amina", CALENDAR_TEXT, "--space", "sahel", "--title", CALENDAR)
    return Network(a, b)
