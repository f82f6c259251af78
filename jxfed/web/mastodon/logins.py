"""Checking a member's password for an app, with failed attempts limited per IP and account.

Failures count per client address and account together, and per address alone (a larger
limit): a stranger failing from their address slows themselves, never the member logging in
from another. Nothing counts per account alone, since anyone could then lock a member out.
"""

from __future__ import annotations

import asyncio
from functools import cache

from jxfed.actors.models import Member
from jxfed.actors.passwords import check_password, hash_password
from jxfed.web.mastodon.api_errors import TooManyRequests
from jxfed.web.mastodon.ratelimit import Limits


@cache
def _decoy_hash() -> str:
    """A hash to check unknown names against, so they cost as much time as known ones."""
    return hash_password("not a password of anybody here")


def account_name(username: str, domain: str) -> str:
    """`name`, `@name` or `name@our-domain` as a member name, lower-cased."""
    name = username.strip().lstrip("@").lower()
    local, at, host = name.rpartition("@")
    return local if at and host == domain else name


async def login(
    limits: Limits, client_ip: str, username: str, password: str, domain: str
) -> Member | None:
    """The member these credentials name, or None; TooManyRequests once failures pile up."""
    name = account_name(username, domain)
    pair = f"{client_ip} {name}"  # a space: in neither an address nor a member name
    wait = max(
        limits.login_failures_per_ip.retry_after(client_ip),
        limits.login_failures_per_ip_and_account.retry_after(pair),
    )
    if wait:
        raise TooManyRequests(wait)
    member = await Member.get_or_none(actor__name=name).select_related("actor")
    stored = member.password_hash if member is not None else None
    # scrypt is slow on purpose: off the event loop, and run for unknown names too.
    ok = await asyncio.to_thread(lambda: check_password(password, stored or _decoy_hash()))
    if member is None or stored is None or not ok:
        limits.login_failures_per_ip.hit(client_ip)
        limits.login_failures_per_ip_and_account.hit(pair)
        return None
    # Only this address's failures on this account are forgiven: the per-address count stays,
    # or a guesser could reset it by logging in to an account of their own now and then.
    limits.login_failures_per_ip_and_account.clear(pair)
    return member
