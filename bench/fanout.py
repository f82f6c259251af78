"""Fan-out: one post by a member whose followers sit on 200 distinct instances.

The 200 instances are the Sink on 200 loopback ports of this process, all peers of the
instance under test; each holds one follower of the member (set up by bench.seed). One
`jxfed serve` process runs the web app and, inside it, the workers (the default).

Phases:
  1 post    `jxfed users post` once: 200 signed deliveries, one per instance;
  10 posts  `python -m bench.publish` (the same function, ten times in one process):
            2,000 deliveries, for a steadier rate.

Each phase reports three rates: from the start of the posting command until the sink holds
every delivery (the budget's wording: it includes the command's interpreter start-up), from the
commit of the first post (its delivery rows' `created_at`; includes the worker's wake-up, which
polls every 0.5 s when the post comes from another process), and from the first delivery to the
last (the delivery worker alone), with deliveries per server CPU-second ("per core"). Every
instance must get exactly one delivery per post; 50 deliveries' signatures are verified with the
member's published key.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_public_key

from bench.common import (
    BenchError,
    Database,
    Instance,
    Meter,
    free_port,
    jxfed_command,
    report_log,
)
from bench.figures import Row, verdict
from bench.sink import Sink
from jxfed.activitypub.signatures import (
    HttpRequest,
    SignatureError,
    parse_request_signature,
    verify_request_signature,
)

INSTANCES = 200
POSTS = 10
MEMBER = "amina"
MEMBER_KEY_QUERY = "SELECT rsa_public_pem FROM local_actor WHERE name = 'amina'"
BUDGET_PER_SECOND = 1500
DUPLICATE_WAIT = 1.0
SAMPLES = 50  # deliveries whose signatures are checked (they are all signed, this checks how)
TIMEOUTS = {1: 20.0, POSTS: 40.0}  # seconds to wait for each phase's deliveries


async def run_module(*args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"python -m {args[0]} failed: {err.decode(errors='replace').strip()}")


async def check_signatures(instance: Instance, sink: Sink) -> Row:
    """Verify the kept deliveries' signatures with the member's published key, as a peer would."""
    [(pem,)] = await instance.query(MEMBER_KEY_QUERY)
    public_key = load_pem_public_key(str(pem).encode())
    key_id = f"{instance.url}/users/{MEMBER}#main-key"
    good, problems = 0, Counter[str]()
    for url, headers, body in sink.samples:
        request = HttpRequest("POST", url, headers, body)
        try:
            signature = parse_request_signature(request)
            if signature.key_id != key_id:
                raise SignatureError(f"signed by {signature.key_id}")
            verify_request_signature(request, public_key, signature=signature)  # type: ignore[arg-type]
            good += 1
        except SignatureError as exc:
            problems[str(exc)[:80]] += 1
    print(f"    signatures: {good}/{len(sink.samples)} sampled deliveries verify {dict(problems)}")
    return Row(
        instance.database.kind,
        "fan-out: sampled signatures",
        f"{good}/{len(sink.samples)} verify",
        "all signed, valid",
        verdict(good == len(sink.samples) > 0),
        f"draft-cavage, key {MEMBER}#main-key; {dict(problems) or 'no failure'}",
    )


async def first_commit(instance: Instance, activities: set[str]) -> float:
    """When the first of these activities' delivery rows was written (epoch seconds).

    `created_at` is set as the rows are built, inside the post's transaction, a few
    milliseconds before its commit.
    """
    rows = await instance.query("SELECT activity_id, created_at FROM delivery")
    times = [
        (when if isinstance(when, datetime) else datetime.fromisoformat(str(when))).timestamp()
        for activity, when in rows
        if activity in activities
    ]
    return min(times)


def pauses(arrivals: list[float], at_least: float = 0.05, *, summary: bool = False) -> str:
    """The pauses between consecutive deliveries longer than `at_least` seconds."""
    gaps = [
        (later - earlier, n)
        for n, (earlier, later) in enumerate(itertools.pairwise(arrivals), 1)
        if later - earlier >= at_least
    ]
    if not gaps:
        return f"no pause over {at_least * 1000:.0f} ms between deliveries"
    total = sum(gap for gap, _ in gaps)
    if summary:
        return f"{len(gaps)} pauses over {at_least * 1000:.0f} ms, {total:.2f} s in all"
    shown = ", ".join(f"{gap * 1000:.0f} ms after #{n}" for gap, n in gaps[:6])
    return f"pauses over {at_least * 1000:.0f} ms: {total:.2f} s in all ({shown})"


async def phase(
    label: str,
    instance: Instance,
    sink: Sink,
    command: list[str],
    posts: int,
    timeout: float,
    profile: Path | None,
) -> list[Row]:
    db = instance.database.kind
    expected = posts * INSTANCES
    seen_before = set(sink.received)
    first_index = len(sink.arrivals)
    signed_before = sink.signed
    if profile is not None:
        instance.start_profiler(profile / f"fanout-{db}-{posts}.txt", min(timeout, 15))
    meter = Meter(instance.pid)
    start = meter.started
    wall_offset = time.time() - time.perf_counter()  # sink times are perf_counter times
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    command_done = asyncio.ensure_future(process.communicate())
    command_end: list[float] = []
    command_done.add_done_callback(lambda _: command_end.append(time.perf_counter()))
    deadline = start + timeout
    usage = None
    while time.perf_counter() < deadline and instance.alive():
        if len(sink.arrivals) - first_index >= expected:
            usage = meter.stop(sink.arrivals[first_index + expected - 1])
            break
        await asyncio.sleep(0.005)
    _, err = await command_done
    if process.returncode != 0:
        raise BenchError(f"{' '.join(command[2:])} failed: {err.decode(errors='replace')}")
    command_seconds = command_end[0] - start
    await instance.stop_profiler()
    await asyncio.sleep(DUPLICATE_WAIT)  # time for a duplicate delivery to show up

    arrivals = sink.arrivals[first_index:]
    received = len(arrivals)
    new = Counter({key: n for key, n in sink.received.items() if key not in seen_before})
    per_host = Counter(host for host, _ in new.elements())
    activities = {activity for _, activity in new}
    repeated = sum(1 for n in new.values() if n > 1)
    exact = sum(1 for host in sink.hosts if per_host.get(host, 0) == posts)
    signed = sink.signed - signed_before
    rows: list[Row] = []
    if usage is None:  # timed out
        last = arrivals[-1] if arrivals else time.perf_counter()
        rows.append(
            Row(
                db,
                f"fan-out, {label}",
                f"{received:,}/{expected:,} in {last - start:.1f} s",
                f">= {BUDGET_PER_SECOND:,}/s",
                "MISSED",
                f"stopped waiting after {timeout:.0f} s; server log: {instance.log_tail(3)}",
            )
        )
        return rows
    commit = await first_commit(instance, activities) - wall_offset
    last, first = arrivals[expected - 1], arrivals[0]
    end_to_end, from_commit, sending = last - start, last - commit, last - first
    rate, commit_rate = expected / end_to_end, expected / from_commit
    send_rate = (expected - 1) / sending if sending > 0 else float("inf")
    per_cpu = expected / usage.server_cpu if usage.server_cpu > 0 else float("inf")
    print(
        f"    {label}: {expected:,} deliveries to {INSTANCES} instances. Command ran "
        f"{command_seconds:.2f} s, its first post committed at {commit - start:.2f} s; first "
        f"delivery at {first - start:.2f} s, last at {end_to_end:.2f} s:\n"
        f"      {rate:,.0f}/s from the command, {commit_rate:,.0f}/s from the commit, "
        f"{send_rate:,.0f}/s first to last; {per_cpu:,.0f} deliveries per server CPU-second\n"
        f"      {usage.describe()}\n"
        f"      {signed:,} signed, {repeated} repeated, {len(activities)} activities; "
        f"{pauses(arrivals[:expected])}"
    )
    rows += [
        Row(
            db,
            f"fan-out, {label}: from the command",
            f"{rate:,.0f}/s",
            f">= {BUDGET_PER_SECOND:,}/s",
            verdict(rate >= BUDGET_PER_SECOND),
            f"{expected:,} in {end_to_end:.2f} s; the command itself ran {command_seconds:.2f} s",
        ),
        Row(
            db,
            f"fan-out, {label}: from the commit",
            f"{commit_rate:,.0f}/s",
            f">= {BUDGET_PER_SECOND:,}/s",
            verdict(commit_rate >= BUDGET_PER_SECOND),
            f"first delivery {(first - commit) * 1000:,.0f} ms after the post was committed",
        ),
        Row(
            db,
            f"fan-out, {label}: first to last",
            f"{send_rate:,.0f}/s; {per_cpu:,.0f}/CPU-s",
            f">= {BUDGET_PER_SECOND:,}/s/core",
            verdict(min(send_rate, per_cpu) >= BUDGET_PER_SECOND),
            f"server CPU {usage.server_cpu:.2f} s, waited for a core "
            f"{usage.server_waited / usage.elapsed:.0%} of the time; "
            f"{pauses(arrivals[:expected], summary=True)}",
        ),
    ]
    ok = received == expected and repeated == 0 and exact == INSTANCES and signed == expected
    rows.append(
        Row(
            db,
            f"fan-out, {label}: per instance",
            f"{exact}/{INSTANCES} got exactly {posts}",
            f"{posts} each (1 per post)",
            verdict(ok),
            f"{received:,} received, {repeated} duplicates, {signed:,} signed",
        )
    )
    return rows


async def run(root: Path, database: Database, seconds: float, profile: Path | None) -> list[Row]:
    db = database.kind
    sink = Sink(keep_samples=SAMPLES)
    await sink.start(INSTANCES)
    instance = Instance(root / f"fanout-{db}", free_port(), database)
    rows: list[Row] = []
    try:
        await instance.init()
        await instance.cli("users", "add", MEMBER)
        await run_module("bench.seed", str(instance.directory), MEMBER, *sink.hosts)
        await instance.start()  # workers inside (the default)
        directory = str(instance.directory)
        rows += await phase(
            "1 post",
            instance,
            sink,
            jxfed_command("--dir", directory, "users", "post", MEMBER, "One report for all"),
            1,
            TIMEOUTS[1],
            profile,
        )
        rows += await phase(
            f"{POSTS} posts",
            instance,
            sink,
            [sys.executable, "-m", "bench.publish", directory, MEMBER, str(POSTS)],
            POSTS,
            TIMEOUTS[POSTS],
            profile,
        )
        rows.append(await check_signatures(instance, sink))
        report_log(instance)
    finally:
        await instance.stop()
        await sink.stop()
    return rows
