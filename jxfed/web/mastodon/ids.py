"""The ids the client API shows: statuses by post id, accounts by a parity scheme.

Accounts: a local actor (member or space, one table) has the id `2 * local_actor.id`, a cached
actor of a peer `2 * remote_actor.id + 1`. Both tables keep their ids, so ids never change,
and an id alone says which table to read. Statuses: `str(post.id)`; post ids grow with time,
so a newer status has a larger id (the order clients and pagination rely on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jxfed.errors import NotFound


def local_account_id(local_actor_id: int) -> str:
    return str(2 * local_actor_id)


def remote_account_id(remote_actor_id: int) -> str:
    return str(2 * remote_actor_id + 1)


@dataclass(frozen=True, slots=True)
class AccountKey:
    table: Literal["local", "remote"]
    id: int


def parse_account_id(value: str) -> AccountKey:
    """Which actor an account id names; NotFound for anything that is not one of ours."""
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) < 2:
        raise NotFound("Record not found")
    number = int(value)
    return AccountKey("remote", number // 2) if number % 2 else AccountKey("local", number // 2)


def status_id(post_id: int) -> str:
    return str(post_id)


def parse_status_id(value: str) -> int:
    """The post id behind a status id; NotFound for anything else."""
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        raise NotFound("Record not found")
    return int(value)
