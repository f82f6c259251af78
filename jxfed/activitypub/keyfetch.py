"""Signers' public keys: read from the documents peers publish, fetched once, cached.

`KeyCache` knows nothing of HTTP: it is given an async `fetch(key_id)` and guarantees one fetch
in flight per key id however many requests wait for it, short-lived memory of failures, and at
most one fetch again when a cached key no longer verifies (the peer rotated it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from jxfed.activitypub.keys import multibase_to_ed25519_public
from jxfed.activitypub.policy import host_of
from jxfed.errors import JxfedError

log = logging.getLogger(__name__)

SignerKey: TypeAlias = RSAPublicKey | Ed25519PublicKey
_KEY_FIELDS = frozenset({"publicKeyPem", "publicKeyMultibase"})


class KeyFetchError(JxfedError):
    """A signer's key could not be obtained, or its document is unacceptable (answered 401)."""

    status = 401


@dataclass(frozen=True, slots=True)
class FetchedKey:
    """A public key as its owner publishes it; `fetched_at` is wall-clock (epoch) seconds."""

    key_id: str
    owner: str
    public_key: SignerKey
    fetched_at: float


KeyFetcher: TypeAlias = Callable[[str], Awaitable[FetchedKey]]
_Outcome: TypeAlias = FetchedKey | KeyFetchError


@dataclass(slots=True)
class _Entry:
    """What is known of one key id; times are on the cache's clock, not `fetched_at`'s."""

    key: FetchedKey | None = None
    key_at: float = float("-inf")
    failure: str | None = None
    failure_at: float = float("-inf")


class KeyCache:
    """Public keys by key id: cached for `ttl` seconds, failures for `failure_ttl` seconds.

    Each key id has at most one fetch in flight, shared by `get` and `refresh` and by every
    coroutine waiting for it; a waiter that is cancelled leaves without cancelling the fetch.
    When `max_entries` key ids are known, the one stored longest ago is dropped first.
    """

    def __init__(
        self,
        fetch: KeyFetcher,
        *,
        ttl: float = 3600,
        failure_ttl: float = 30,
        max_entries: int = 10_000,
        min_refresh_interval: float = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive, not {ttl}")
        if failure_ttl < 0 or min_refresh_interval < 0:
            raise ValueError("failure_ttl and min_refresh_interval cannot be negative")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self._fetch = fetch
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._max_entries = max_entries
        self._min_refresh_interval = min_refresh_interval
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._flights: dict[str, asyncio.Task[_Outcome]] = {}
        # Flights detached by `forget` are kept referenced here until they land.
        self._detached: set[asyncio.Task[_Outcome]] = set()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key_id: str) -> FetchedKey:
        """The key, from the cache if stored less than `ttl` seconds ago, else fetched.

        Raises `KeyFetchError` if the fetch fails, or failed less than `failure_ttl` seconds ago.
        """
        entry = self._entries.get(key_id)
        if entry is not None:
            now = self._clock()
            if entry.key is not None and now - entry.key_at < self._ttl:
                return entry.key
            self._raise_recent_failure(key_id, entry, now)
        return await self._join(key_id)

    async def refresh(self, key_id: str) -> FetchedKey:
        """The key fetched again, for when the cached one no longer verifies (rotation).

        A key fetched less than `min_refresh_interval` seconds ago is returned as it is, and a
        failure less than `failure_ttl` seconds old is raised again, so a flood of forged
        signatures cannot make us fetch repeatedly. A failed refresh keeps the cached key.
        """
        entry = self._entries.get(key_id)
        if entry is not None:
            now = self._clock()
            if entry.key is not None and now - entry.key_at < self._min_refresh_interval:
                return entry.key
            self._raise_recent_failure(key_id, entry, now)
        return await self._join(key_id)

    def forget(self, key_id: str) -> None:
        """Drop what is known of `key_id`; a fetch already in flight no longer fills the cache."""
        self._entries.pop(key_id, None)
        flight = self._flights.pop(key_id, None)
        if flight is not None:
            self._detached.add(flight)
            flight.add_done_callback(self._detached.discard)

    def _raise_recent_failure(self, key_id: str, entry: _Entry, now: float) -> None:
        if entry.failure is not None and now - entry.failure_at < self._failure_ttl:
            raise KeyFetchError(f"key {key_id} is unavailable (failed recently): {entry.failure}")

    async def _join(self, key_id: str) -> FetchedKey:
        flight = self._flights.get(key_id)
        if flight is None:
            flight = asyncio.get_running_loop().create_task(
                self._fly(key_id), name=f"fetch key {key_id}"
            )
            self._flights[key_id] = flight
        # Shielded: cancelling this waiter must not cancel the fetch the others wait for.
        outcome = await asyncio.shield(flight)
        if isinstance(outcome, KeyFetchError):
            raise KeyFetchError(outcome.message) from outcome
        return outcome

    async def _fly(self, key_id: str) -> _Outcome:
        """Fetch once and store the outcome; errors are returned, so none goes unretrieved."""
        try:
            outcome = await self._fetch_checked(key_id)
            if self._flights.get(key_id) is asyncio.current_task():
                self._store(key_id, outcome)
            return outcome
        finally:
            if self._flights.get(key_id) is asyncio.current_task():
                del self._flights[key_id]

    async def _fetch_checked(self, key_id: str) -> _Outcome:
        try:
            key = await self._fetch(key_id)
        except KeyFetchError as exc:
            return exc
        except Exception as exc:  # an unexpected failure is still the peer's 401, never our 500
            log.warning("fetching key %s failed unexpectedly", key_id, exc_info=True)
            error = KeyFetchError(f"fetching key {key_id} failed: {exc.__class__.__name__}")
            error.__cause__ = exc
            return error
        if key.key_id != key_id:
            return KeyFetchError(f"fetching key {key_id} returned another key, {key.key_id}")
        return key

    def _store(self, key_id: str, outcome: _Outcome) -> None:
        now = self._clock()
        entry = self._entries.pop(key_id, None)
        if entry is None:
            entry = _Entry()
        if isinstance(outcome, KeyFetchError):
            entry.failure, entry.failure_at = outcome.message, now
        else:
            entry.key, entry.key_at, entry.failure = outcome, now, None
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key_id] = entry


def key_owner_matches(fetched: FetchedKey, actor: str) -> bool:
    """Whether the key belongs to `actor`: only an actor's own key may sign its activities."""
    return bool(actor) and fetched.owner == actor


def parse_key_document(key_id: str, document: Mapping[str, Any], now: float) -> FetchedKey:
    """Read the key `key_id` out of the document a peer answered when it was fetched.

    Accepts an actor publishing it in `publicKey` (an object or a list; Mastodon's keyId is
    `ACTOR#main-key`) or as a Multikey in `assertionMethod` (FEP-521a, Ed25519), and a bare
    key document (`id`, `owner` or `controller`, `publicKeyPem` or `publicKeyMultibase`).
    Raises `KeyFetchError` when the key is absent, unreadable or of an unsupported type, when
    it names no owner, when an actor publishes a key owned by someone else, or when the owner
    or the document lives on another host than the key id.
    """
    try:
        key_host = host_of(key_id)
    except ValueError:
        raise KeyFetchError(f"key id {key_id!r} is not an http(s) URL") from None
    if not isinstance(document, Mapping):
        raise KeyFetchError(f"the document for key {key_id} is not a JSON object")
    document_id = document.get("id")
    if document_id is not None and not _on_host(document_id, key_host):
        raise KeyFetchError(f"the document for key {key_id} has an id on another host")
    bare = document_id == key_id and not _KEY_FIELDS.isdisjoint(document.keys())
    entry = document if bare else _published_entry(key_id, document)
    owner = _owner_of(key_id, entry)
    if not _on_host(owner, key_host):
        raise KeyFetchError(f"key {key_id} is owned by {owner!r}, which is not on {key_host}")
    if not bare and owner != document_id:
        raise KeyFetchError(
            f"the actor document {document_id!r} publishes key {key_id}, owned by {owner}"
        )
    public_key = _public_key(key_id, entry)
    return FetchedKey(key_id=key_id, owner=owner, public_key=public_key, fetched_at=now)


def _published_entry(key_id: str, actor: Mapping[str, Any]) -> Mapping[str, Any]:
    """The entry of `publicKey` or `assertionMethod` whose id is `key_id`."""
    for field in ("publicKey", "assertionMethod"):
        value = actor.get(field)
        for candidate in value if isinstance(value, list) else [value]:
            if isinstance(candidate, Mapping) and candidate.get("id") == key_id:
                return candidate
    raise KeyFetchError(f"the document for key {key_id} publishes no key with that id")


def _owner_of(key_id: str, entry: Mapping[str, Any]) -> str:
    owner, controller = entry.get("owner"), entry.get("controller")
    if owner is not None and controller is not None and owner != controller:
        raise KeyFetchError(f"key {key_id} names two owners, {owner!r} and {controller!r}")
    found = owner if owner is not None else controller
    if not isinstance(found, str) or not found:
        raise KeyFetchError(f"key {key_id} names no owner")
    return found


def _public_key(key_id: str, entry: Mapping[str, Any]) -> SignerKey:
    pem, multibase = entry.get("publicKeyPem"), entry.get("publicKeyMultibase")
    if isinstance(pem, str):
        try:
            key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise KeyFetchError(f"the publicKeyPem of key {key_id} is not a readable key") from None
        if not isinstance(key, RSAPublicKey | Ed25519PublicKey):
            raise KeyFetchError(f"key {key_id} is neither RSA nor Ed25519")
        return key
    if isinstance(multibase, str):
        try:
            return multibase_to_ed25519_public(multibase)
        except ValueError as exc:
            raise KeyFetchError(f"the publicKeyMultibase of key {key_id}: {exc}") from None
    raise KeyFetchError(f"key {key_id} has neither publicKeyPem nor publicKeyMultibase")


def _on_host(url: object, host: str) -> bool:
    if not isinstance(url, str):
        return False
    try:
        return host_of(url) == host
    except ValueError:
        return False
