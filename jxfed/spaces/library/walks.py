"""The walk of a peer's space's library, as rows of the durable inbox (one per page).

A step is this instance's own work, not a peer's activity: its type has a handler registered
with `Dispatcher.register_internal` (`replicating.Replication`), which the inbox's door never
consults, and the handler runs only a step whose actor is this instance's own actor. Being a
row, a step outlives a restart, is claimed by one worker and retried with the inbox's backoff.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from jxfed.activitypub.models import InboxItem
from jxfed.activitypub.queue import utcnow
from jxfed.actors.local_actors import instance_actor
from jxfed.spaces.library.documents import library_of

if TYPE_CHECKING:
    from jxfed.runtime import Services

REPLICATE = "jxfed:ReplicateLibrary"  # a step's type: no peer's activity has it


async def schedule(services: Services, space_uri: str) -> None:
    """Queue the walk of a peer's space's library: its first step reads the collection."""
    walk = f"{services.settings.base_url}/replications/{uuid.uuid4()}"
    await queue_step(services, walk, 0, space_uri, library_of(space_uri))


async def queue_step(services: Services, walk: str, step: int, space_uri: str, url: str) -> None:
    """Queue step number `step` of `walk`: read `url` (the collection or one of its pages)."""
    actor = services.actor_uri(await instance_actor())
    document = {
        "id": f"{walk}/{step}",
        "type": REPLICATE,
        "actor": actor,
        "object": url,
        "target": space_uri,
        "jxfed:walk": walk,
        "jxfed:step": step,
    }
    await InboxItem.create(
        activity_id=document["id"], actor=actor, document=document, next_try_at=utcnow()
    )
    services.work_arrived.set()
