"""Nothing accepted is lost: kill -9 at any moment, several workers on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import pytest

from bench.sink import Sink
from jxfed import db
from jxfed.actors.models import Follower, FollowState, LocalActor
from jxfed.settings import load_settings
from tests.federation.network import Network, eventually, make_network
from tests.servers import Instance, InstanceFactory, jxfed

pytestmark = pytest.mark.server


def kill_hard(instance: Instance) -> None:
    assert instance.process is not None
    instance.process.send_signal(signal.SIGKILL)
    instance.process.wait()
    instance.process = None


async def test_kill_9_of_either_side_loses_no_post_and_applies_each_once(
    instances: InstanceFactory,
) -> None:
    net: Network = make_network(instances)
    net.b.cli("users", "follow", "bruno", f"amina@{net.a.domain}")

    async def following() -> bool:
        """bruno's follow of amina is accepted."""
        return "amina" in net.a.cli("fetch", f"{net.b.url}/users/bruno/following?page=true").stdout

    await eventually(following)
    for n in range(1, 13):
        # A command process each, as an operator's would be: its pace (about half a second)
        # leaves B time to fetch A's key before A dies; a failed key fetch is remembered for
        # 30 s (KeyCache.failure_ttl), which the deliveries then wait out.
        jxfed("--dir", str(net.a.directory), "users", "post", "amina", f"Report number {n:02d}")
        if n == 3:
            kill_hard(net.b)  # B dies while receiving
        if n == 6:
            net.b.start()
        if n == 9:
            kill_hard(net.a)  # A dies while delivering; posts 10-12 wait in its queue
    net.a.start()

    async def all_arrived() -> bool:
        """All twelve reports are in bruno's timeline."""
        return net.b.cli("users", "timeline", "bruno").stdout.count("Report number") == 12

    await eventually(all_arrived, seconds=90)
    timeline = net.b.cli("users", "timeline", "bruno").stdout
    assert sorted(line.split("Report number ")[1][:2] for line in timeline.splitlines()) == [
        f"{n:02d}" for n in range(1, 13)
    ]


# Several worker processes share one database only on PostgreSQL (SQLite serves one process).
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_several_workers_on_one_postgresql_database_never_send_twice(
    instances: InstanceFactory, database_url: str
) -> None:
    a = instances.create("a")
    a.cli("users", "add", "amina")
    sink = Sink()
    await sink.start(20)
    try:
        for host in sink.hosts:
            a.cli("peers", "allow", host)
        await _add_followers(a, "amina", [f"http://{host}/inbox" for host in sink.hosts])
        workers = [jxfed_process(a, "worker") for _ in range(3)]
        try:
            for n in range(10):
                a.cli("users", "post", "amina", f"Bulletin {n}")

            async def delivered() -> bool:
                """Every host got all ten bulletins."""
                return sink.total >= 200

            await eventually(delivered, seconds=60)
            await asyncio.sleep(1.5)  # time for any duplicate to show up
        finally:
            for worker in workers:
                worker.terminate()
                await asyncio.to_thread(worker.wait, 10)
    finally:
        await sink.stop()
    assert sink.total == 200
    assert set(sink.received.values()) == {1}
    assert len({host for host, _ in sink.received}) == 20


def jxfed_process(instance: Instance, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jxfed", "--dir", str(instance.directory), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _add_followers(instance: Instance, name: str, inboxes: list[str]) -> None:
    """Followers on many hosts (the sink's ports), written as A would after their Follows."""
    settings = load_settings(instance.directory)
    await db.open_database(settings.database_url)
    try:
        actor = await LocalActor.get(name=name)
        for n, inbox in enumerate(inboxes):
            await Follower.create(
                followed=actor,
                follower_uri=inbox.replace("/inbox", f"/users/f{n}"),
                inbox=inbox,
                follow_id=f"{inbox}/follows/{n}",
                state=FollowState.ACCEPTED,
            )
    finally:
        await db.close_database()
