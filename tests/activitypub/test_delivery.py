"""Delivery against a scripted peer: retries, Retry-After, giving up, pausing, scheme fallback.

Given deliveries queued in a real database and a peer (an aiohttp server on loopback) that
answers what each test scripts, when the delivery worker runs a round, then the peer sees what a
real peer would, and the rows record when to try again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiohttp import web

from jxfed.activitypub import delivery
from jxfed.activitypub.delivery import DeliveryWorker, enqueue
from jxfed.activitypub.models import Delivery, HostState, QueueState
from jxfed.activitypub.peers import allow_peer
from jxfed.activitypub.queue import utcnow
from jxfed.actors.local_actors import add_member
from jxfed.runtime import Services
from jxfed.settings import Settings
from tests.servers import free_port


@dataclass
class ScriptedPeer:
    """Answers each POST with the next scripted (status, headers); records what it got."""

    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    seen: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def inbox(self, request: web.Request) -> web.Response:
        await request.read()
        self.seen.append(dict(request.headers))
        status, headers = self.script.pop(0) if self.script else (202, {})
        if status == 401 and "Signature-Input" in request.headers:
            status = 202  # this peer only takes RFC 9421
        return web.Response(status=status, headers=headers)


@pytest.fixture
async def peer() -> AsyncIterator[ScriptedPeer]:
    scripted = ScriptedPeer(port=free_port())
    app = web.Application()
    app.router.add_post("/inbox", scripted.inbox)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", scripted.port).start()
    yield scripted
    await runner.cleanup()


@pytest.fixture
async def worker(
    instance: Settings, peer: ScriptedPeer
) -> AsyncIterator[tuple[DeliveryWorker, int]]:
    await allow_peer(peer.host)
    services = Services(instance)
    member = await add_member("amina")
    yield (
        DeliveryWorker(services.transport, services.signer_by_id, retry_seconds=30),
        member.actor.id,
    )
    await services.close()


async def queue_one(peer: ScriptedPeer, sender_id: int, n: int = 1) -> None:
    activity = {"id": f"https://jxfed.test/activities/{n}", "type": "Create"}
    await enqueue(activity, sender_id, [f"http://{peer.host}/inbox"], lambda host: True)


async def only_row() -> Delivery:
    [row] = await Delivery.all()
    return row


async def test_a_delivery_is_signed_and_done_when_the_peer_accepts(worker, peer) -> None:
    sender, sender_id = worker
    await queue_one(peer, sender_id)
    assert await sender.send_due() == 1
    row = await only_row()
    assert row.state == QueueState.DONE
    assert 'keyId="https://jxfed.test/users/amina#main-key"' in peer.seen[0]["Signature"]
    assert peer.seen[0]["Digest"].startswith("SHA-256=")


async def test_a_server_error_is_retried_later_with_backoff(worker, peer) -> None:
    sender, sender_id = worker
    peer.script = [(503, {})]
    await queue_one(peer, sender_id)
    await sender.send_due()
    row = await only_row()
    assert (row.state, row.attempts, row.last_status) == (QueueState.PENDING, 1, 503)
    assert timedelta(seconds=20) < row.next_try_at - utcnow() <= timedelta(seconds=30)
    assert await sender.send_due() == 0  # not due yet


async def test_retry_after_from_a_busy_peer_is_honoured(worker, peer) -> None:
    sender, sender_id = worker
    peer.script = [(429, {"Retry-After": "600"})]
    await queue_one(peer, sender_id)
    await sender.send_due()
    row = await only_row()
    assert row.state == QueueState.PENDING
    assert timedelta(seconds=590) < row.next_try_at - utcnow() <= timedelta(seconds=600)


async def test_a_4xx_other_than_401_408_429_is_not_retried(worker, peer) -> None:
    sender, sender_id = worker
    peer.script = [(404, {})]
    await queue_one(peer, sender_id)
    await sender.send_due()
    row = await only_row()
    assert (row.state, row.last_status) == (QueueState.FAILED, 404)


async def test_a_peer_that_refuses_cavage_gets_rfc9421_and_it_is_remembered(worker, peer) -> None:
    sender, sender_id = worker
    peer.script = [(401, {}), (401, {})]
    await queue_one(peer, sender_id, 1)
    await sender.send_due()
    assert (await only_row()).state == QueueState.DONE
    assert "Signature" in peer.seen[0] and "Signature-Input" in peer.seen[1]
    assert (await HostState.get(host=peer.host)).signature_scheme == "rfc9421"
    await queue_one(peer, sender_id, 2)
    await sender.send_due()
    assert "Signature-Input" in peer.seen[2]  # straight to the scheme that worked
    assert len(peer.seen) == 3


async def test_a_host_that_keeps_failing_is_paused_and_resumes_when_it_answers(
    worker, peer, monkeypatch
) -> None:
    sender, sender_id = worker
    monkeypatch.setattr(delivery, "backoff", lambda *args: utcnow())  # retry at once
    peer.script = [(500, {})] * delivery.PAUSE_AFTER_FAILURES
    await queue_one(peer, sender_id)
    for _ in range(delivery.PAUSE_AFTER_FAILURES):
        await sender.send_due()
    state = await HostState.get(host=peer.host)
    assert state.failures == delivery.PAUSE_AFTER_FAILURES
    assert state.paused_until is not None and state.paused_until > utcnow()
    await sender.send_due()  # paused: nothing is sent, the row waits for the pause to end
    assert len(peer.seen) == delivery.PAUSE_AFTER_FAILURES
    assert (await only_row()).next_try_at >= state.paused_until - timedelta(seconds=1)
    await HostState.filter(host=peer.host).update(paused_until=utcnow())
    await Delivery.all().update(next_try_at=utcnow())
    await sender.send_due()
    assert (await only_row()).state == QueueState.DONE
    state = await HostState.get(host=peer.host)
    assert (state.failures, state.paused_until) == (0, None)


async def test_deliveries_to_a_non_peer_are_never_written(instance: Settings) -> None:
    member = await add_member("amina")
    written = await enqueue(
        {"id": "https://jxfed.test/activities/9"},
        member.actor.id,
        [
            "https://peer.example/inbox",
            "https://stranger.example/inbox",
            "https://peer.example/inbox",
        ],
        lambda host: host == "peer.example",
    )
    assert written == 1
    assert [row.host for row in await Delivery.all()] == ["peer.example"]
