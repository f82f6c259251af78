"""Outbox rows for tests.

There is no posting service yet (it comes with federation): tests create `OutboxActivity` rows
directly, the way the server will store what an actor publishes.
"""

from __future__ import annotations

import uuid

from jxfed.actors.models import LocalActor, OutboxActivity
from tests.web.client import BASE


async def publish(
    actor: LocalActor, count: int = 1, *, public: bool = True, kind: str = "Create"
) -> list[str]:
    """Store `count` activities of `actor`, oldest first; return their ids in that order."""
    uris = []
    for _ in range(count):
        uri = f"{BASE}/activities/{uuid.uuid4().hex}"
        await OutboxActivity.create(
            uri=uri,
            actor=actor,
            type=kind,
            public=public,
            document={"id": uri, "type": kind, "actor": f"{BASE}/users/{actor.name}"},
        )
        uris.append(uri)
    return uris
