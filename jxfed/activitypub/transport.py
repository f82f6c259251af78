"""Signed HTTP to peers, and only to peers: one pooled aiohttp session for the process.

Every request is signed at send time (fresh Date). A peer that refuses a signature (401, or a
400 or 5xx to RFC 9421, which a broken parser answers) is tried once with the other scheme; only
when that try is accepted is the other scheme remembered for the host.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from jxfed.activitypub.policy import host_of
from jxfed.activitypub.signatures import HttpRequest, sign_cavage_request, sign_rfc9421_request
from jxfed.errors import JxfedError

log = logging.getLogger(__name__)
ACCEPT_AP = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_FETCH_BYTES = 1024 * 1024
USER_AGENT = "jxfed/0.1 (+ActivityPub)"


class NotAPeer(JxfedError):
    """An outbound request to a host that is not on the allowlist was refused."""

    status = 403


class FetchError(JxfedError):
    status = 502


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs a request: the key id and its private key."""

    key_id: str
    private_key: RSAPrivateKey


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    retry_after: str | None = None


SchemeMemory = Callable[[str], Awaitable[str]]
SchemeRecorder = Callable[[str, str], Awaitable[None]]


def refuses_scheme(scheme: str, status: int) -> bool:
    """Whether a peer's answer to a request signed with `scheme` calls for the other scheme.

    401 refuses either scheme. A 400 or 5xx to RFC 9421 may be the peer's parser failing on
    it, so cavage (which every peer reads) is worth one try; to cavage it is just the answer.
    """
    if status == 401:
        return True
    return scheme == "rfc9421" and (status == 400 or status >= 500)


def sign(method: str, url: str, body: bytes, signer: Signer, scheme: str) -> dict[str, str]:
    """The headers that sign this request with the given scheme."""
    request = HttpRequest(method, url, {}, body)
    if scheme == "rfc9421":
        return sign_rfc9421_request(request, key_id=signer.key_id, private_key=signer.private_key)
    return sign_cavage_request(request, key_id=signer.key_id, private_key=signer.private_key)


class Transport:
    """Outbound HTTP to peers. `is_peer` decides; nothing else is ever contacted."""

    def __init__(
        self,
        is_peer: Callable[[str], Awaitable[bool]],
        scheme_of: SchemeMemory,
        remember_scheme: SchemeRecorder,
        timeout: float = 10.0,
    ) -> None:
        self._is_peer = is_peer
        self._scheme_of = scheme_of
        self._remember_scheme = remember_scheme
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._sessions: dict[str, aiohttp.ClientSession] = {}
        self._schemes: dict[str, str] = {}

    def session(self, method: str = "POST") -> aiohttp.ClientSession:
        """The pooled client for deliveries (POST), or the one for fetches (GET).

        Two pools: a peer restarted with deliveries waiting gets up to eight of them at once,
        and to check their signatures it fetches our keys, which makes us fetch its key; in one
        shared pool that fetch could wait behind the eight deliveries, which wait for it.
        """
        kind = "fetch" if method == "GET" else "deliver"
        session = self._sessions.get(kind)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=256, limit_per_host=8, ttl_dns_cache=300)
            session = self._sessions[kind] = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, headers={"User-Agent": USER_AGENT}
            )
        return session

    def know_scheme(self, host: str, scheme: str) -> None:
        """Remember a host's signature scheme, read in bulk by the delivery worker."""
        self._schemes.setdefault(host, scheme)

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()

    async def _check_peer(self, url: str) -> str:
        host = host_of(url)
        if not await self._is_peer(host):
            raise NotAPeer(f"{host} is not a peer: no request is sent to it")
        return host

    async def _send(
        self, method: str, url: str, body: bytes, signer: Signer, scheme: str, extra: dict[str, str]
    ) -> Answer:
        headers = {**extra, **sign(method, url, body, signer, scheme)}
        async with self.session(method).request(
            method, url, data=body or None, headers=headers, allow_redirects=False
        ) as response:
            payload = await response.content.read(MAX_FETCH_BYTES + 1)
            return Answer(response.status, payload, response.headers.get("Retry-After"))

    async def request(
        self,
        method: str,
        url: str,
        signer: Signer,
        body: bytes = b"",
        extra: dict[str, str] | None = None,
    ) -> Answer:
        """Send a signed request to a peer, falling back once to the other signature scheme.

        The other scheme is tried when the peer refuses this one (`refuses_scheme`). Only if that
        try succeeds (below 400) is its scheme remembered for the host. Otherwise the remembered
        scheme stays as it was, and the answer is the retry's unless the peer refused the other
        scheme too, in which case it is the first (a 503 with its Retry-After, say).
        """
        host = await self._check_peer(url)
        scheme = self._schemes.get(host)
        if scheme is None:
            scheme = self._schemes[host] = await self._scheme_of(host)
        answer = await self._send(method, url, body, signer, scheme, extra or {})
        if not refuses_scheme(scheme, answer.status):
            return answer
        other = "rfc9421" if scheme == "cavage" else "cavage"
        retry = await self._send(method, url, body, signer, other, extra or {})
        if retry.status >= 400:
            log.info(
                "%s refused %s (%s), then %s (%s)", host, scheme, answer.status, other, retry.status
            )
            return answer if refuses_scheme(other, retry.status) else retry
        log.info(
            "%s refused %s (%s) but took %s: signing with it", host, scheme, answer.status, other
        )
        self._schemes[host] = other
        await self._remember_scheme(host, other)
        return retry

    async def fetch_json(self, url: str, signer: Signer) -> dict[str, Any]:
        """GET an ActivityPub document from a peer, signed; FetchError when it is not one."""
        try:
            answer = await self.request("GET", url, signer, extra={"Accept": ACCEPT_AP})
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise FetchError(f"fetching {url} failed: {exc.__class__.__name__}") from None
        if answer.status != 200:
            raise FetchError(f"fetching {url} answered {answer.status}")
        if len(answer.body) > MAX_FETCH_BYTES:
            raise FetchError(f"{url} is larger than {MAX_FETCH_BYTES} bytes")
        try:
            document = orjson.loads(answer.body)
        except orjson.JSONDecodeError:
            raise FetchError(f"{url} did not answer JSON") from None
        if not isinstance(document, dict):
            raise FetchError(f"{url} did not answer a JSON object")
        return document

    @asynccontextmanager
    async def stream(
        self, url: str, signer: Signer, read_timeout: float = 60.0
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """A signed GET to a peer whose body is read as it comes (a library content, however
        large): no total time limit, only one between two reads."""
        host = await self._check_peer(url)
        scheme = self._schemes.get(host) or await self._scheme_of(host)
        headers = sign("GET", url, b"", signer, scheme)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=read_timeout)
        async with self.session("GET").get(
            url, headers=headers, allow_redirects=False, timeout=timeout
        ) as response:
            yield response

    async def post_activity(self, inbox: str, body: bytes, signer: Signer) -> Answer:
        return await self.request(
            "POST", inbox, signer, body, {"Content-Type": "application/activity+json"}
        )
