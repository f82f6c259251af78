"""The key cache and key documents: one fetch per key however many wait, short memory of failures,
one fetch again when a key rotates; keys read from what Mastodon, GoToSocial and FEP-521a publish.
"""

from __future__ import annotations

import asyncio

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.keyfetch import (
    FetchedKey,
    KeyCache,
    KeyFetchError,
    key_owner_matches,
)

ACTOR = "https://peer.example/users/alice"
KEY_ID = f"{ACTOR}#main-key"
NOW = 1_700_000_000.0


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakePeer:
    """Serves key fetches: counts them, can hold them open, fail, or rotate the key."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.error: Exception | None = None
        self._gate: asyncio.Event | None = None
        self._generation = 0

    async def fetch(self, key_id: str) -> FetchedKey:
        self.calls.append(key_id)
        if self._gate is not None:
            await self._gate.wait()
        if self.error is not None:
            raise self.error
        public_key = Ed25519PrivateKey.generate().public_key()
        owner = key_id.partition("#")[0]
        return FetchedKey(key_id, owner, public_key, fetched_at=NOW + self._generation)

    def hold(self) -> None:
        """Keep every fetch in flight until `release`."""
        self._gate = asyncio.Event()

    def release(self) -> None:
        assert self._gate is not None
        self._gate.set()

    def rotate(self) -> None:
        """Later fetches return a new key (every fetch does; this only marks the moment)."""
        self._generation += 1

    def fetches_of(self, key_id: str) -> int:
        return self.calls.count(key_id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def peer() -> FakePeer:
    return FakePeer()


@pytest.fixture
def cache(peer: FakePeer, clock: FakeClock) -> KeyCache:
    return KeyCache(peer.fetch, clock=clock)


async def _settle() -> None:
    """Let tasks that were woken run to completion."""
    for _ in range(5):
        await asyncio.sleep(0)


# --- the cache -------------------------------------------------------------------------------


async def test_a_cached_key_is_served_without_fetching_again(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    first = await cache.get(KEY_ID)
    clock.advance(3599)
    assert await cache.get(KEY_ID) is first
    assert peer.calls == [KEY_ID]


async def test_a_key_older_than_its_ttl_is_fetched_again(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    first = await cache.get(KEY_ID)
    clock.advance(3600)
    assert await cache.get(KEY_ID) is not first
    assert peer.fetches_of(KEY_ID) == 2


async def test_a_thousand_waiters_share_one_fetch(cache: KeyCache, peer: FakePeer) -> None:
    peer.hold()
    waiters = [asyncio.create_task(cache.get(KEY_ID)) for _ in range(1000)]
    await _settle()
    peer.release()
    keys = await asyncio.gather(*waiters)
    assert peer.calls == [KEY_ID]
    assert all(key is keys[0] for key in keys)


async def test_a_thousand_first_time_signers_get_one_fetch_each(
    cache: KeyCache, peer: FakePeer
) -> None:
    key_ids = [f"https://peer.example/users/u{n}#main-key" for n in range(1000)]
    peer.hold()
    waiters = [asyncio.create_task(cache.get(key_id)) for key_id in key_ids * 3]
    await _settle()
    peer.release()
    await asyncio.gather(*waiters)
    assert sorted(peer.calls) == sorted(key_ids)


async def test_when_the_shared_fetch_fails_every_waiter_gets_the_error(
    cache: KeyCache, peer: FakePeer
) -> None:
    peer.hold()
    peer.error = KeyFetchError("fetching the key answered 404")
    waiters = [asyncio.create_task(cache.get(KEY_ID)) for _ in range(100)]
    await _settle()
    peer.release()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert peer.calls == [KEY_ID]
    assert all(isinstance(outcome, KeyFetchError) for outcome in outcomes)
    assert all("404" in str(outcome) for outcome in outcomes)


async def test_a_storm_of_requests_with_a_bad_key_fetches_it_once(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    peer.error = KeyFetchError("fetching the key answered 410")
    for _ in range(50):
        with pytest.raises(KeyFetchError, match="410"):
            await cache.get(KEY_ID)
        clock.advance(0.5)
    assert peer.calls == [KEY_ID]


async def test_a_failed_fetch_is_not_cached_beyond_its_short_ttl(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    peer.error = KeyFetchError("peer is down")
    with pytest.raises(KeyFetchError):
        await cache.get(KEY_ID)
    clock.advance(30)
    peer.error = None
    key = await cache.get(KEY_ID)
    assert key.owner == ACTOR
    assert peer.fetches_of(KEY_ID) == 2


async def test_an_unexpected_error_in_fetch_reaches_every_waiter_as_a_key_fetch_error(
    cache: KeyCache, peer: FakePeer
) -> None:
    peer.hold()
    peer.error = RuntimeError("connection reset")
    waiters = [asyncio.create_task(cache.get(KEY_ID)) for _ in range(3)]
    await _settle()
    peer.release()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(outcome, KeyFetchError) for outcome in outcomes)
    assert "RuntimeError" in str(outcomes[0])


async def test_a_fetch_that_returns_another_key_is_refused(
    clock: FakeClock,
) -> None:
    async def wrong_key(key_id: str) -> FetchedKey:
        public_key = Ed25519PrivateKey.generate().public_key()
        return FetchedKey(f"{ACTOR}#other-key", ACTOR, public_key, NOW)

    cache = KeyCache(wrong_key, clock=clock)
    with pytest.raises(KeyFetchError, match="another key"):
        await cache.get(KEY_ID)


async def test_refresh_fetches_again_once_when_a_cached_key_fails(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    old = await cache.get(KEY_ID)
    clock.advance(600)
    peer.rotate()
    # Many requests signed with the new key arrive at once; each fails with the old one.
    refreshed = await asyncio.gather(*(cache.refresh(KEY_ID) for _ in range(20)))
    assert peer.fetches_of(KEY_ID) == 2
    new = refreshed[0]
    assert new is not old and all(key is new for key in refreshed)
    assert await cache.refresh(KEY_ID) is new
    assert await cache.get(KEY_ID) is new
    assert peer.fetches_of(KEY_ID) == 2


async def test_concurrent_refreshes_share_one_fetch(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    await cache.get(KEY_ID)
    clock.advance(60)
    peer.hold()
    waiters = [asyncio.create_task(cache.refresh(KEY_ID)) for _ in range(200)]
    waiters += [asyncio.create_task(cache.get(KEY_ID)) for _ in range(10)]
    await _settle()
    peer.release()
    await asyncio.gather(*waiters)
    assert peer.fetches_of(KEY_ID) == 2


async def test_a_refresh_within_seconds_of_a_fetch_returns_the_cached_key(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    key = await cache.get(KEY_ID)
    for _ in range(9):
        clock.advance(0.5)
        assert await cache.refresh(KEY_ID) is key
    assert peer.fetches_of(KEY_ID) == 1
    clock.advance(0.5)
    assert await cache.refresh(KEY_ID) is not key
    assert peer.fetches_of(KEY_ID) == 2


async def test_a_failed_refresh_keeps_the_cached_key_and_is_not_repeated_at_once(
    cache: KeyCache, peer: FakePeer, clock: FakeClock
) -> None:
    key = await cache.get(KEY_ID)
    clock.advance(10)
    peer.error = KeyFetchError("peer is down")
    with pytest.raises(KeyFetchError):
        await cache.refresh(KEY_ID)
    with pytest.raises(KeyFetchError, match="failed recently"):
        await cache.refresh(KEY_ID)
    assert await cache.get(KEY_ID) is key
    assert peer.fetches_of(KEY_ID) == 2
    clock.advance(30)
    peer.error = None
    assert await cache.refresh(KEY_ID) is not key
    assert peer.fetches_of(KEY_ID) == 3


async def test_a_refresh_of_an_unknown_key_fetches_it(cache: KeyCache, peer: FakePeer) -> None:
    key = await cache.refresh(KEY_ID)
    assert await cache.get(KEY_ID) is key
    assert peer.calls == [KEY_ID]


async def test_cancelling_one_waiter_does_not_cancel_the_shared_fetch(
    cache: KeyCache, peer: FakePeer
) -> None:
    peer.hold()
    leaving = asyncio.create_task(cache.get(KEY_ID))
    staying = asyncio.create_task(cache.get(KEY_ID))
    await _settle()
    leaving.cancel()
    await _settle()
    peer.release()
    key = await staying
    assert key.key_id == KEY_ID
    assert leaving.cancelled()
    assert peer.calls == [KEY_ID]


async def test_a_fetch_whose_waiters_all_left_still_fills_the_cache(
    cache: KeyCache, peer: FakePeer
) -> None:
    peer.hold()
    waiter = asyncio.create_task(cache.get(KEY_ID))
    await _settle()
    waiter.cancel()
    peer.release()
    await _settle()
    await cache.get(KEY_ID)
    assert peer.calls == [KEY_ID]


async def test_the_cache_drops_its_oldest_entries_when_full(
    peer: FakePeer, clock: FakeClock
) -> None:
    cache = KeyCache(peer.fetch, max_entries=3, clock=clock)
    key_ids = [f"https://peer.example/users/u{n}#main-key" for n in range(4)]
    for key_id in key_ids:
        await cache.get(key_id)
    assert len(cache) == 3
    await cache.get(key_ids[3])
    assert peer.fetches_of(key_ids[3]) == 1
    await cache.get(key_ids[0])
    assert peer.fetches_of(key_ids[0]) == 2


async def test_failures_count_against_the_size_bound(peer: FakePeer, clock: FakeClock) -> None:
    cache = KeyCache(peer.fetch, max_entries=10, clock=clock)
    peer.error = KeyFetchError("no such key")
    for n in range(100):
        with pytest.raises(KeyFetchError):
            await cache.get(f"https://peer.example/users/nobody{n}#main-key")
    assert len(cache) == 10


async def test_forget_makes_the_next_get_fetch_again(cache: KeyCache, peer: FakePeer) -> None:
    first = await cache.get(KEY_ID)
    cache.forget(KEY_ID)
    assert await cache.get(KEY_ID) is not first
    assert peer.fetches_of(KEY_ID) == 2
    cache.forget("https://peer.example/users/unknown#main-key")


async def test_a_fetch_in_flight_when_forgotten_does_not_fill_the_cache(
    cache: KeyCache, peer: FakePeer
) -> None:
    peer.hold()
    waiter = asyncio.create_task(cache.get(KEY_ID))
    await _settle()
    cache.forget(KEY_ID)
    peer.release()
    assert (await waiter).key_id == KEY_ID
    await cache.get(KEY_ID)
    assert peer.fetches_of(KEY_ID) == 2


@pytest.mark.parametrize(
    "options",
    [{"ttl": 0}, {"failure_ttl": -1}, {"max_entries": 0}, {"min_refresh_interval": -1}],
)
def test_a_cache_with_impossible_limits_is_refused(
    peer: FakePeer, options: dict[str, float]
) -> None:
    with pytest.raises(ValueError):
        KeyCache(peer.fetch, **options)  # type: ignore[arg-type]


def test_only_the_key_owner_may_sign_an_actors_activities() -> None:
    key = FetchedKey(KEY_ID, ACTOR, Ed25519PrivateKey.generate().public_key(), NOW)
    assert key_owner_matches(key, ACTOR)
    assert not key_owner_matches(key, "https://peer.example/users/mallory")
    assert not key_owner_matches(key, f"{ACTOR}/")
    assert not key_owner_matches(key, "")
