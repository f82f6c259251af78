"""Signers for the ingest benchmark: RSA key pairs, a key server peer, pre-signed requests.

The key server is an aiohttp app on a loopback port of this process, allowed as a peer of the
instance under test. It answers `GET /users/<name>` with an actor document whose `publicKey`
the server fetches (signed by its instance actor) and caches, and it counts those fetches.

Generating an RSA-2048 key costs about 55 ms, so 1,200 signers do not each get their own
key pair: they get their own actor and key id (which is what the server caches and fetches by)
over a small pool of key pairs. The server parses and verifies each key id's key on its own,
so its work is the same as with distinct keys.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import orjson
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
KEY_PAIRS = 16
SPAWN = multiprocessing.get_context("spawn")  # not fork: this process runs threads and a loop


def _new_key_pem(_: int) -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


async def generate_key_pairs(
    pool: ProcessPoolExecutor, count: int = KEY_PAIRS
) -> list[tuple[bytes, str]]:
    """`count` RSA-2048 key pairs as (private PEM, public PEM)."""
    loop = asyncio.get_running_loop()
    return list(
        await asyncio.gather(*(loop.run_in_executor(pool, _new_key_pem, n) for n in range(count)))
    )


# --- the key server ------------------------------------------------------------------------


@dataclass
class KeyServer:
    """A peer serving the actor documents (with public keys) of many signers; counts fetches."""

    public_pems: list[str]
    delay: float = 0.0  # seconds before answering, as a peer across a network would
    port: int = 0
    fetches: Counter[str] = field(default_factory=Counter)
    signed_fetches: int = 0
    _runner: web.AppRunner | None = None

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def actor_uri(self, name: str) -> str:
        return f"http://{self.domain}/users/{name}"

    def key_id(self, name: str) -> str:
        return f"{self.actor_uri(name)}#main-key"

    def pair_of(self, name: str) -> int:
        """Which key pair signer `name` uses (its number modulo the pool)."""
        return int(name.lstrip("abcdefghijklmnopqrstuvwxyz_")) % len(self.public_pems)

    async def _actor(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.fetches[name] += 1
        if "Signature" in request.headers or "Signature-Input" in request.headers:
            self.signed_fetches += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        uri = self.actor_uri(name)
        document = {
            "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
            "id": uri,
            "type": "Person",
            "preferredUsername": name,
            "inbox": f"{uri}/inbox",
            "outbox": f"{uri}/outbox",
            "publicKey": {
                "id": self.key_id(name),
                "owner": uri,
                "publicKeyPem": self.public_pems[self.pair_of(name)],
            },
        }
        return web.Response(body=orjson.dumps(document), content_type="application/activity+json")

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/users/{name}", self._actor)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.port = port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fetch_summary(self, names: list[str]) -> tuple[int, int, int, int]:
        """(fetches of these names, names fetched once, names fetched more than once, never)."""
        counts = [self.fetches.get(name, 0) for name in names]
        return (
            sum(counts),
            sum(1 for c in counts if c == 1),
            sum(1 for c in counts if c > 1),
            sum(1 for c in counts if c == 0),
        )


# --- signed requests -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready to send: the signer's name, headers (signed) and body."""

    signer: str
    headers: dict[str, str]
    body: bytes


def create_note(actor: str, n: int) -> bytes:
    """A Create(Note) of about 1 KB with a unique id, as a Mastodon peer would send it."""
    note_id = f"{actor}/statuses/{uuid.uuid4().hex}"
    published = "2026-01-01T12:00:00Z"
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": actor,
        "published": published,
        "to": [AS_PUBLIC],
        "cc": [f"{actor}/followers"],
        "sensitive": False,
        "url": note_id,
        "summary": None,
        "inReplyTo": None,
        "content": "<p>Rapport de suivi n° " + str(n) + " : audience reportée, "
        "les observateurs restent mobilisés. Monitoring report: hearing postponed, "
        "observers remain on site. " + "Détails à suivre. " * 12 + "</p>",
        "tag": [],
        "attachment": [],
    }
    create = {
        "@context": AS_CONTEXT,
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": actor,
        "published": published,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }
    return orjson.dumps(create)


_private_keys: list[object] = []


def _load_keys(private_pems: list[bytes]) -> None:
    """Process-pool initialiser: parse the private keys once per worker process."""
    _private_keys[:] = [
        serialization.load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)
        for pem in private_pems
    ]


def _sign_chunk(url: str, jobs: list[tuple[int, str, bytes]]) -> list[dict[str, str]]:
    from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request

    signed = []
    for pair, key_id, body in jobs:
        headers = {"Content-Type": "application/activity+json"}
        headers.update(
            sign_cavage_request(
                HttpRequest("POST", url, headers, body),
                key_id=key_id,
                private_key=_private_keys[pair],  # type: ignore[arg-type]
            )
        )
        signed.append(headers)
    return signed


def signing_pool(private_pems: list[bytes], workers: int = 2) -> ProcessPoolExecutor:
    """Processes that sign requests (with jxfed's own cavage signer, as the tests do)."""
    return ProcessPoolExecutor(workers, SPAWN, initializer=_load_keys, initargs=(private_pems,))


async def presign(
    pool: ProcessPoolExecutor, keys: KeyServer, url: str, signers: list[str], chunk: int = 250
) -> list[Prepared]:
    """One signed Create(Note) to `url` for each entry of `signers` (names may repeat)."""
    bodies = [create_note(keys.actor_uri(name), n) for n, name in enumerate(signers)]
    jobs = [
        (keys.pair_of(name), keys.key_id(name), body)
        for name, body in zip(signers, bodies, strict=True)
    ]
    loop = asyncio.get_running_loop()
    parts = await asyncio.gather(
        *(
            loop.run_in_executor(pool, _sign_chunk, url, jobs[start : start + chunk])
            for start in range(0, len(jobs), chunk)
        )
    )
    headers = [h for part in parts for h in part]
    return [Prepared(name, h, body) for name, h, body in zip(signers, headers, bodies, strict=True)]
