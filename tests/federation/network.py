"""Three real instances for federation tests, and a way to sign requests as one of them.

A and B are peers of each other; C trusts both, but neither trusts C. A uses the test's
database (SQLite or PostgreSQL); B and C use SQLite in their folders.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request
from tests.servers import Instance, InstanceFactory, start_all

AP = {"Accept": "application/activity+json"}
FAST_RETRY = "retry_seconds = 1\n"

# A story whose outcome does not hang on the database runs on SQLite only (DESIGN: stories across
# servers on SQLite, with PostgreSQL where the database matters); confidentiality, durability,
# replayed activities and field limits keep both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Network:
    a: Instance
    b: Instance
    c: Instance


def make_network(instances: InstanceFactory) -> Network:
    a, b, c = (instances.create(name) for name in ("a", "b", "c"))
    for instance in (a, b, c):
        with (instance.directory / "instance.toml").open("a") as config:
            config.write(FAST_RETRY)
    a.allow(b.domain)
    b.allow(a.domain)
    c.allow(a.domain, b.domain)
    a.add_members("amina")
    a.add_space("sahel", "Sahel", "open", "amina")
    a.add_space("detention", "Detention", "on_request", "amina")
    a.add_space("litigation", "Litigation", "confidential", "amina")
    b.add_members("bruno")
    c.add_members("carla")
    start_all((a, b, c))
    return network_of(a, b, c)


def network_of(a: Instance, b: Instance, c: Instance) -> Network:
    return Network(a, b, c)


def private_key_of(instance: Instance, name: str | None = None) -> tuple[str, object]:
    """(key id, private key) of a SQLite instance's actor: the instance actor by default."""
    with sqlite3.connect(instance.directory / "jxfed.sqlite3") as db:
        if name is None:
            row = db.execute("SELECT rsa_private_pem FROM local_actor WHERE kind='application'")
            key_id = f"{instance.url}/actor#main-key"
        else:
            row = db.execute("SELECT rsa_private_pem FROM local_actor WHERE name=?", (name,))
            key_id = f"{instance.url}/users/{name}#main-key"
        pem = row.fetchone()[0]
    return key_id, load_pem_private_key(pem.encode(), password=None)


async def signed(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    key: tuple[str, object],
    body: bytes = b"",
) -> tuple[int, dict]:
    """Send a request signed (cavage, as Mastodon) with `key`; return status and JSON body."""
    key_id, private_key = key
    headers = {"Accept": AP["Accept"]}
    if body:
        headers["Content-Type"] = "application/activity+json"
    headers.update(
        sign_cavage_request(
            HttpRequest(method, url, headers, body),
            key_id=key_id,
            private_key=private_key,  # type: ignore[arg-type]
        )
    )
    async with session.request(method, url, data=body or None, headers=headers) as response:
        try:
            return response.status, await response.json(content_type=None)
        except ValueError:
            return response.status, {}


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 40.0) -> None:
    """Wait until `check` holds (federation is asynchronous); fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"still not true after {seconds} s: {check.__doc__ or check}")


def lines(result_stdout: str) -> list[str]:
    return [line for line in result_stdout.splitlines() if line.strip()]


async def invite_bruno(net: Network, slug: str, role: str = "contributor") -> None:
    """amina invites bruno (B) into a space of A; bruno accepts; A lists him as a member."""
    space = f"{net.a.url}/spaces/{slug}"
    bruno = f"{net.b.url}/users/bruno"
    net.a.cli("spaces", "invite", slug, f"bruno@{net.b.domain}", "--by", "amina", "--role", role)

    async def invited() -> bool:
        """bruno has the invitation on B."""
        return space in net.b.cli("users", "invitations", "bruno").stdout

    await eventually(invited)
    net.b.cli("users", "accept-invite", "bruno", space)

    async def member() -> bool:
        """A lists bruno with that role."""
        return f"{bruno}\t{role}\taccepted" in net.a.cli("spaces", "members", slug).stdout

    await eventually(member)
