"""Which signature scheme a peer gets, and when the transport changes its mind (issue 10).

Given a peer (an aiohttp server on loopback) that answers according to the signature scheme of
each request, when the transport sends to it, then the peer sees which scheme each request
used, and the scheme remembered for the host changes only when the other scheme was taken.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from jxfed.activitypub.delivery import DeliveryWorker, enqueue
from jxfed.activitypub.models import Delivery, HostState, QueueState
from jxfed.activitypub.peers import allow_peer
from jxfed.activitypub.transport import Signer, Transport, refuses_scheme
from jxfed.actors.local_actors import add_member
from jxfed.runtime import Services
from jxfed.settings import Settings

BODY = b'{"type":"Create"}'


@dataclass
class SchemePeer:
    """Answers each request with the status scripted for its scheme; records each scheme seen.

    `answers` maps a scheme to the statuses it gets, in turn (the last one repeats).
    """

    answers: dict[str, list[int]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def inbox(self) -> str:
        return f"http://{self.host}/inbox"

    async def answer(self, request: web.Request) -> web.Response:
        await request.read()
        scheme = "rfc9421" if "Signature-Input" in request.headers else "cavage"
        if "Signature" not in request.headers:
            scheme = "unsigned"
        self.seen.append(scheme)
        statuses = self.answers.get(scheme, [202])
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        headers = {"Retry-After": "600"} if status == 503 else {}
        return web.Response(status=status, headers=headers)


@dataclass
class Memory:
    """The schemes remembered for each host (what HostState keeps), and every change made."""

    schemes: dict[str, str] = field(default_factory=dict)
    changes: list[tuple[str, str]] = field(default_factory=list)

    async def scheme_of(self, host: str) -> str:
        return self.schemes.get(host, "cavage")

    async def remember(self, host: str, scheme: str) -> None:
        self.schemes[host] = scheme
        self.changes.append((host, scheme))


async def any_host(host: str) -> bool:
    return True


@pytest.fixture(scope="module")
def signer() -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Signer("https://jxfed.test/users/amina#main-key", key)


@pytest.fixture
async def peer() -> AsyncIterator[SchemePeer]:
    scripted = SchemePeer()
    app = web.Application()
    app.router.add_route("*", "/inbox", scripted.answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    scripted.port = runner.addresses[0][1]
    yield scripted
    await runner.cleanup()


@pytest.fixture
async def memory_and_transport() -> AsyncIterator[tuple[Memory, Transport]]:
    memory = Memory()
    transport = Transport(any_host, memory.scheme_of, memory.remember)
    yield memory, transport
    await transport.close()


async def post(transport: Transport, peer: SchemePeer, signer: Signer) -> int:
    return (await transport.post_activity(peer.inbox, BODY, signer)).status


async def test_a_peer_that_refuses_cavage_and_takes_rfc9421_gets_rfc9421_from_then_on(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    peer.answers = {"cavage": [401], "rfc9421": [202]}

    assert await post(transport, peer, signer) == 202
    assert await post(transport, peer, signer) == 202

    assert peer.seen == ["cavage", "rfc9421", "rfc9421"]
    assert memory.changes == [(peer.host, "rfc9421")]


async def test_a_failed_rfc9421_retry_leaves_cavage_remembered(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    peer.answers = {"cavage": [401, 202], "rfc9421": [500]}

    assert await post(transport, peer, signer) == 401  # the peer's word on cavage
    assert await post(transport, peer, signer) == 202

    assert peer.seen == ["cavage", "rfc9421", "cavage"]
    assert memory.changes == []


@pytest.mark.parametrize("refusal", [401, 400, 500, 502])
async def test_a_peer_refusing_rfc9421_with_401_400_or_5xx_gets_cavage_and_it_is_remembered(
    peer, signer, memory_and_transport, refusal: int
) -> None:
    memory, transport = memory_and_transport
    memory.schemes[peer.host] = "rfc9421"
    peer.answers = {"rfc9421": [refusal], "cavage": [202]}

    assert await post(transport, peer, signer) == 202
    assert await post(transport, peer, signer) == 202
    assert await post(transport, peer, signer) == 202

    assert peer.seen == ["rfc9421", "cavage", "cavage", "cavage"]
    assert memory.changes == [(peer.host, "cavage")]


async def test_a_peer_refusing_both_schemes_keeps_the_remembered_one_and_each_try_falls_back_once(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    memory.schemes[peer.host] = "rfc9421"
    peer.answers = {"rfc9421": [500], "cavage": [401]}

    assert await post(transport, peer, signer) == 500
    assert await post(transport, peer, signer) == 500

    assert peer.seen == ["rfc9421", "cavage", "rfc9421", "cavage"]
    assert memory.changes == []


async def test_a_busy_peer_keeps_its_scheme_and_its_retry_after_reaches_the_caller(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    memory.schemes[peer.host] = "rfc9421"
    peer.answers = {"rfc9421": [503], "cavage": [401]}

    answer = await transport.post_activity(peer.inbox, BODY, signer)

    assert (answer.status, answer.retry_after) == (503, "600")
    assert peer.seen == ["rfc9421", "cavage"]
    assert memory.changes == []


async def test_a_retry_that_is_read_but_not_taken_gives_its_answer_and_changes_nothing(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    peer.answers = {"cavage": [401], "rfc9421": [404]}

    assert await post(transport, peer, signer) == 404

    assert peer.seen == ["cavage", "rfc9421"]
    assert memory.changes == []


@pytest.mark.parametrize(("scheme", "status"), [("cavage", 500), ("cavage", 400), ("rfc9421", 404)])
async def test_answers_that_do_not_refuse_the_scheme_are_not_retried(
    peer, signer, memory_and_transport, scheme: str, status: int
) -> None:
    memory, transport = memory_and_transport
    memory.schemes[peer.host] = scheme
    peer.answers = {scheme: [status]}

    assert await post(transport, peer, signer) == status

    assert peer.seen == [scheme]
    assert memory.changes == []


async def test_a_signed_get_falls_back_and_remembers_like_a_post(
    peer, signer, memory_and_transport
) -> None:
    memory, transport = memory_and_transport
    memory.schemes[peer.host] = "rfc9421"
    peer.answers = {"rfc9421": [500], "cavage": [200]}

    assert (await transport.request("GET", peer.inbox, signer)).status == 200

    assert peer.seen == ["rfc9421", "cavage"]
    assert memory.schemes[peer.host] == "cavage"


def test_which_answers_refuse_a_scheme() -> None:
    assert [s for s in (200, 400, 401, 403, 404, 500, 503) if refuses_scheme("cavage", s)] == [401]
    assert [
        s for s in (200, 302, 400, 401, 403, 404, 500, 503) if refuses_scheme("rfc9421", s)
    ] == [
        400,
        401,
        500,
        503,
    ]


# --- Through the delivery worker and the database (HostState) ----------------------------


@pytest.fixture
async def worker(instance: Settings, peer: SchemePeer) -> AsyncIterator[tuple[DeliveryWorker, int]]:
    await allow_peer(peer.host)
    services = Services(instance)
    member = await add_member("amina")
    yield DeliveryWorker(services.transport, services.signer_by_id), member.actor.id
    await services.close()


async def deliver_one(worker: tuple[DeliveryWorker, int], peer: SchemePeer, n: int) -> Delivery:
    sender, sender_id = worker
    activity = {"id": f"https://jxfed.test/activities/{n}", "type": "Create"}
    await enqueue(activity, sender_id, [peer.inbox], lambda host: True)
    await sender.send_due()
    return await Delivery.get(activity_id=activity["id"])


async def test_a_delivery_refused_by_a_broken_rfc9421_parser_goes_out_in_cavage_from_then_on(
    worker, peer
) -> None:
    await HostState.create(host=peer.host, signature_scheme="rfc9421")
    peer.answers = {"rfc9421": [500], "cavage": [202]}

    first = await deliver_one(worker, peer, 1)
    second = await deliver_one(worker, peer, 2)

    assert (first.state, second.state) == (QueueState.DONE, QueueState.DONE)
    assert peer.seen == ["rfc9421", "cavage", "cavage"]
    assert (await HostState.get(host=peer.host)).signature_scheme == "cavage"


async def test_a_delivery_whose_retry_fails_too_leaves_the_stored_scheme_alone(
    worker, peer
) -> None:
    await HostState.create(host=peer.host, signature_scheme="cavage")
    peer.answers = {"cavage": [401], "rfc9421": [500]}

    row = await deliver_one(worker, peer, 1)

    assert (row.state, row.last_status) == (QueueState.PENDING, 401)
    assert peer.seen == ["cavage", "rfc9421"]
    assert (await HostState.get(host=peer.host)).signature_scheme == "cavage"
