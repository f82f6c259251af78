"""The inbox dispatch table: (activity type, object type) → one handler each.

It is filled at start-up by `actors/` and `spaces/`, so this layer never learns what a space is.
A handler does its network work first (fetching actors) and returns an `Apply`: the database
effect, which the worker runs in the same transaction that marks the activity processed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

Activity = Mapping[str, Any]
Apply = Callable[[], Awaitable[None]]
Handler = Callable[[Activity], Awaitable[Apply | None]]


def object_type(activity: Activity) -> str | None:
    """The type of the activity's embedded object, or None when it is a bare id."""
    target = activity.get("object")
    if isinstance(target, Mapping):
        kind = target.get("type")
        return kind if isinstance(kind, str) else None
    return None


class Dispatcher:
    """One handler per (activity type, object type); `None` as object type matches a bare id."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str | None], Handler] = {}
        self._internal: dict[str, Handler] = {}

    def register(self, activity_type: str, object_type: str | None, handler: Handler) -> None:
        key = (activity_type, object_type)
        if key in self._handlers:
            raise ValueError(f"a handler for {key} is already registered")
        self._handlers[key] = handler

    def register_internal(self, job_type: str, handler: Handler) -> None:
        """A handler for this instance's own durable work, kept in the inbox's rows: never one
        the door takes from a peer (`handler_for` does not see it)."""
        if job_type in self._internal:
            raise ValueError(f"a handler for {job_type} is already registered")
        self._internal[job_type] = handler

    def handler_for(self, activity: Activity) -> Handler | None:
        """The handler of an activity from a peer (the door accepts only what has one)."""
        kind = activity.get("type")
        if not isinstance(kind, str):
            return None
        found = self._handlers.get((kind, object_type(activity)))
        return found or self._handlers.get((kind, "*"))

    async def prepare(self, activity: Activity) -> Apply | None:
        """Run the handler's network part; None when nothing is to be done (or no handler)."""
        handler = self.handler_for(activity) or self._internal.get(str(activity.get("type")))
        if handler is None:
            log.info("no handler for %s(%s): ignored", activity.get("type"), object_type(activity))
            return None
        return await handler(activity)
