"""The allowlist: which instances are peers."""

from __future__ import annotations

import asyncio
import time

from jxfed.activitypub.models import Peer
from jxfed.errors import NotFound
from jxfed.settings import parse_domain


async def allow_peer(host: str) -> str:
    """Add HOST[:PORT] to the allowlist (idempotent); return it normalised."""
    domain = parse_domain(host)
    await Peer.get_or_create(host=domain)
    return domain


async def remove_peer(host: str) -> str:
    domain = parse_domain(host)
    deleted = await Peer.filter(host=domain).delete()
    if not deleted:
        raise NotFound(f"{domain} is not a peer")
    return domain


async def list_peers() -> list[str]:
    return [peer.host for peer in await Peer.all().order_by("host")]


class PeerSet:
    """The allowlist as a running process sees it, read again at most `max_age` seconds later.

    `jxfed peers allow/remove` write the table; every server and worker process picks the
    change up within a second, without a restart.
    """

    def __init__(self, own_domain: str, max_age: float = 1.0) -> None:
        self.own_domain = own_domain
        self._max_age = max_age
        self._hosts: frozenset[str] = frozenset()
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        if time.monotonic() - self._loaded_at < self._max_age:
            return
        async with self._lock:
            if time.monotonic() - self._loaded_at < self._max_age:
                return
            self._hosts = frozenset(await Peer.all().values_list("host", flat=True))  # type: ignore[arg-type]
            self._loaded_at = time.monotonic()

    def forget(self) -> None:
        """The allowlist changed in this process: read it again at the next question."""
        self._loaded_at = float("-inf")

    async def contains(self, host: str) -> bool:
        """True when `host` (host[:port], lower-case) is a peer."""
        await self.refresh()
        return host in self._hosts

    def known(self, host: str) -> bool:
        """The answer as of the last refresh (for synchronous policy checks right after one)."""
        return host in self._hosts
