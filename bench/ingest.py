"""Inbox ingest: signed Create(Note) activities from many keys, verified, stored, answered 202.

One `jxfed serve --no-workers` process is the server under test (the inbox queue only grows:
this measures acceptance, not processing). A key server in this process is its one peer and
publishes the keys of 200 signer actors; the server fetches each key once, then caches it.

Phases:
  warm-up  one activity from each of the 200 signers (each key is fetched here, once);
  timed    activities from the 200 signers, round robin, over 64 connections, for --seconds;
  storm    1,000 first-time signers at once, two activities each sent back to back, while the
           key server answers after 20 ms as a distant peer would: one fetch per key expected.

Requests are signed before each phase, in two worker processes: RSA signing (about 0.4 ms)
would otherwise take a third of this client's core at 1,000 requests a second. A signature is
valid for 5 minutes and each activity needs a unique id, so the pool is bounded: it holds
2,000 requests per second of the timed phase, and the phase ends early if it runs out.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.common import (
    BenchError,
    Database,
    Instance,
    Meter,
    free_port,
    percentile,
    report_log,
)
from bench.figures import Row, verdict
from bench.peers import KeyServer, Prepared, presign

SIGNERS = 200
STORM_SIGNERS = 1000
STORM_REPEATS = 2
CONCURRENCY = 64
STORM_CONCURRENCY = 256
STORM_KEY_DELAY = 0.020
POOL_PER_SECOND = 2000
BUDGET_PER_SECOND = 1000


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int  # 0 when the request failed without an HTTP answer
    latency: float
    stored: bool
    done_at: float
    error: str = ""


async def send(session: aiohttp.ClientSession, url: str, request: Prepared) -> Outcome:
    started = time.perf_counter()
    try:
        async with session.post(url, data=request.body, headers=request.headers) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        now = time.perf_counter()
        return Outcome(0, now - started, False, now, exc.__class__.__name__)
    now = time.perf_counter()
    return Outcome(status, now - started, status == 202 and b'"accepted"' in body, now)


async def drive(
    url: str, requests: Iterable[Prepared], concurrency: int, deadline: float | None = None
) -> list[Outcome]:
    """Send `requests` over `concurrency` connections, each sending its next one when answered."""
    pending = iter(requests)
    outcomes: list[Outcome] = []

    async def connection(session: aiohttp.ClientSession) -> None:
        for request in pending:
            if deadline is not None and time.perf_counter() >= deadline:
                return
            outcomes.append(await send(session, url, request))

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(connection(session) for _ in range(concurrency)))
    if not outcomes:
        raise BenchError(f"no request was sent to {url}")
    return outcomes


def statuses(outcomes: list[Outcome]) -> str:
    counts = Counter(o.status if o.status else o.error for o in outcomes)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items(), key=str))


def errors(outcomes: list[Outcome]) -> Counter[str]:
    return Counter(str(o.status or o.error) for o in outcomes if o.status != 202)


async def run(
    root: Path,
    database: Database,
    pool: ProcessPoolExecutor,
    key_pairs: list[tuple[bytes, str]],
    seconds: float,
    profile: Path | None,
) -> list[Row]:
    db = database.kind
    keys = KeyServer([public for _, public in key_pairs])
    await keys.start(free_port())
    instance = Instance(root / f"ingest-{db}", free_port(), database)
    rows: list[Row] = []
    try:
        await instance.init()
        await instance.cli("peers", "allow", keys.domain)
        url = f"{instance.url}/inbox"
        signers = [f"u{n}" for n in range(SIGNERS)]
        started = time.perf_counter()
        warmup = await presign(pool, keys, url, signers)
        pool_size = int(seconds * POOL_PER_SECOND)
        timed = await presign(pool, keys, url, [signers[n % SIGNERS] for n in range(pool_size)])
        print(
            f"    signed {len(warmup) + len(timed):,} requests in "
            f"{time.perf_counter() - started:.1f} s (before any timing)"
        )
        await instance.start("--no-workers")

        # Warm-up: every key fetched once (and the server's code paths warmed).
        outcomes = await drive(url, warmup, CONCURRENCY)
        stored_by_warmup = sum(1 for o in outcomes if o.stored)
        fetched, once, repeated, never = keys.fetch_summary(signers)
        print(
            f"    warm-up: {len(outcomes)} requests ({statuses(outcomes)}); "
            f"key server saw {fetched} fetches for {SIGNERS} keys"
        )

        # Timed phase.
        if profile is not None:
            instance.start_profiler(profile / f"ingest-{db}.txt", seconds)
        meter = Meter(instance.pid)
        start = meter.started
        outcomes = await drive(url, timed, CONCURRENCY, deadline=start + seconds)
        usage = meter.stop()
        elapsed = max(o.done_at for o in outcomes) - start
        await instance.stop_profiler()
        accepted = [o for o in outcomes if o.status == 202]
        stored_by_timed = sum(1 for o in outcomes if o.stored)
        latencies = [o.latency * 1000 for o in outcomes]
        rate = len(accepted) / elapsed
        exhausted = " (pre-signed pool used up)" if len(outcomes) == len(timed) else ""
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        print(
            f"    timed: {len(outcomes):,} requests in {elapsed:.2f} s{exhausted}: "
            f"{rate:,.0f} accepted/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms; {statuses(outcomes)};\n"
            f"      {usage.describe()}; "
            f"{usage.server_cpu / max(len(outcomes), 1) * 1e6:,.0f} µs of server CPU per request"
        )
        bad = errors(outcomes)
        fetched_after, _, repeated_after, _ = keys.fetch_summary(signers)
        rows.append(
            Row(
                db,
                "inbox ingest (200 keys, 64 conns)",
                f"{rate:,.0f}/s",
                f">= {BUDGET_PER_SECOND:,}/s",
                verdict(rate >= BUDGET_PER_SECOND and not bad),
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(outcomes):,} req in {elapsed:.1f} s, "
                f"errors {dict(bad) or 0}; server CPU {usage.server_cpu / usage.elapsed:.0%}, "
                f"{usage.server_cpu / max(len(outcomes), 1) * 1e6:,.0f} µs/req, waited for a core "
                f"{usage.server_waited / usage.elapsed:.0%}",
            )
        )
        rows.append(
            Row(
                db,
                "key fetches, 200 signers",
                f"{fetched_after} fetches / {SIGNERS} keys",
                "1 per key",
                verdict(fetched_after == SIGNERS and repeated_after == 0),
                f"{once} once, {repeated_after} repeated, {never} never; "
                f"{keys.signed_fetches} signed GETs",
            )
        )

        # Key-fetch storm.
        storm_signers = [f"s{n}" for n in range(STORM_SIGNERS)]
        storm = await presign(
            pool, keys, url, [name for name in storm_signers for _ in range(STORM_REPEATS)]
        )
        keys.delay = STORM_KEY_DELAY
        meter = Meter(instance.pid)
        outcomes = await drive(url, storm, STORM_CONCURRENCY)
        usage = meter.stop()
        elapsed = usage.elapsed
        fetched, once, repeated, never = keys.fetch_summary(storm_signers)
        most = max(keys.fetches.get(name, 0) for name in storm_signers)
        bad = errors(outcomes)
        print(
            f"    storm: {len(storm):,} requests from {STORM_SIGNERS:,} new signers in "
            f"{elapsed:.2f} s ({statuses(outcomes)}); key server ({STORM_KEY_DELAY * 1000:.0f}"
            f" ms per answer) saw {fetched:,} fetches, at most {most} for one key;\n"
            f"      {usage.describe()}"
        )
        rows.append(
            Row(
                db,
                "key-fetch storm (1,000 new signers)",
                f"{fetched:,} fetches / {STORM_SIGNERS:,} keys",
                "1 per key, none repeated",
                verdict(fetched == STORM_SIGNERS and repeated == 0 and never == 0 and not bad),
                f"{once:,} once, {repeated} repeated (max {most}), {never} never; "
                f"{len(storm):,} req at {STORM_CONCURRENCY} conns in {elapsed:.1f} s, "
                f"errors {dict(bad) or 0}",
            )
        )

        stored = int((await instance.query("SELECT count(*) FROM inbox_item"))[0][0])  # type: ignore[call-overload]
        expected = stored_by_warmup + stored_by_timed + sum(1 for o in outcomes if o.stored)
        print(f"    inbox_item rows: {stored:,} ({expected:,} answered 'accepted')")
        if stored != expected:
            rows.append(
                Row(
                    db,
                    "ingest: stored rows",
                    f"{stored:,}",
                    f"{expected:,}",
                    "failed",
                    "rows stored differ from activities answered 'accepted'",
                )
            )
        report_log(instance)
    finally:
        await instance.stop()
        await keys.stop()
    return rows
