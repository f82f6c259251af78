"""The allowlist: which instances are peers."""

from __future__ import annotations

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
