"""An in-process sliding-window rate limiter (per key: a client IP, or an IP and an account).

Each `jxfed serve` process counts on its own, so with N processes a client gets at most N
times the limit: enough to stop password guessing, without a shared store.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class SlidingWindow:
    """At most `limit` events per key in any `window` seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, key: str) -> int:
        """0 when another event is allowed now, else the seconds to wait (at least 1)."""
        events = self._recent(key)
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[0] + self.window - self.clock()))

    def hit(self, key: str) -> None:
        self._recent(key).append(self.clock())

    def clear(self, key: str) -> None:
        self._events.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        horizon = self.clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if len(self._events) > 10_000:  # forget idle keys so the table stays small
            for stale in [k for k, v in self._events.items() if not v and k != key]:
                del self._events[stale]
        return events


@dataclass(slots=True)
class Limits:
    """The limits of one running app: token requests per IP; failed logins per IP and account
    together (so that failures from one address never lock the member out from another), and
    more of them per IP alone (so that one address trying many accounts is slowed too)."""

    token_per_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(60, 300.0))
    login_failures_per_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 900.0))
    login_failures_per_ip_and_account: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(5, 900.0)
    )
