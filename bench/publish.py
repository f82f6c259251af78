"""`python -m bench.publish DIR NAME COUNT`: what `jxfed users post` does, COUNT times over.

Run as its own process by the fan-out benchmark, so that COUNT posts are written in a burst
(one interpreter start instead of COUNT): each post is `publish_note`, the function behind
`jxfed users post`, with its Create and one delivery row per follower inbox in one transaction.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from jxfed.actors.local_actors import member_by_name
from jxfed.commands import running
from jxfed.instance_folder import open_instance
from jxfed.settings import load_settings
from jxfed.spaces.posts import publish_note


async def publish(directory: Path, name: str, count: int) -> None:
    settings = load_settings(directory)
    async with open_instance(settings), running(settings) as services:
        actor = (await member_by_name(name)).actor
        for n in range(count):
            post = await publish_note(services, actor, f"Bulletin {n + 1} of {count}")
            print(post.uri, flush=True)


if __name__ == "__main__":
    asyncio.run(publish(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
