"""`python -m bench.seed DIR NAME HOST...`: HOSTs become peers, and NAME gets a follower on each.

Benchmark set-up only, run before the server starts. The allowlist rows are written by
`allow_peer`, the function behind `jxfed peers allow` (200 command runs would take minutes).
The Follower rows are written directly, as the instance would after each host's Follow and
its Accept (as tests/federation/test_durability.py does): the sink that plays those hosts
only counts deliveries, it does not follow anyone itself.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from jxfed.activitypub.peers import allow_peer
from jxfed.actors.local_actors import member_by_name
from jxfed.actors.models import Follower, FollowState
from jxfed.instance_folder import open_instance
from jxfed.settings import load_settings


async def seed(directory: Path, name: str, hosts: list[str]) -> None:
    async with open_instance(load_settings(directory)):
        actor = (await member_by_name(name)).actor
        for host in hosts:
            await allow_peer(host)
        await Follower.bulk_create(
            [
                Follower(
                    followed=actor,
                    follower_uri=f"http://{host}/users/f{n}",
                    inbox=f"http://{host}/inbox",
                    follow_id=f"http://{host}/follows/{n}",
                    state=FollowState.ACCEPTED,
                )
                for n, host in enumerate(hosts)
            ]
        )


if __name__ == "__main__":
    asyncio.run(seed(Path(sys.argv[1]), sys.argv[2], sys.argv[3:]))
