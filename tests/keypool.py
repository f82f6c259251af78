"""Test-only economies: pre-made actor keys and a cheap scrypt cost.

An RSA-2048 key takes tens of milliseconds to make and every actor needs one; a test needs
distinct keys for its actors, not fresh ones. The pool makes its first keys on demand and then
hands them out again in turn, so no test with fewer than `SIZE` actors sees a key twice.
"""

from __future__ import annotations

import threading

from jxfed.activitypub.keys import KeyMaterial, generate_key_material

SIZE = 48
_made: list[KeyMaterial] = []
_lock = threading.Lock()
_fresh = generate_key_material


_turn = 0


def pooled_key_material() -> KeyMaterial:
    """A key pair from the pool (made on first use)."""
    global _turn
    with _lock:
        _turn += 1
        if len(_made) < SIZE:
            _made.append(_fresh())
            return _made[-1]
        return _made[_turn % SIZE]


# The cost of scrypt in tests that do not test passwords: N = 2**4 instead of 2**14.
CHEAP_SCRYPT_N = 2**4
