"""`python -m bench [ingest|fanout|feed|library|replication|all] [--database sqlite|postgres|both]`

Runs the benchmarks against real `jxfed serve` processes on loopback, from this separate client
process, and prints their figures against the budgets of DESIGN.md ("Performance budgets").
Each benchmark gets a fresh instance and a fresh database (PostgreSQL: a scratch database
`jxfed_bench_<random>` created on the `test` database and dropped afterwards; set
JXFED_BENCH_POSTGRES_URL to use another server than postgres://postgres@127.0.0.1:5432).

Exit status: 0 when every benchmark ran (budgets missed or not: the table says), 1 when one
could not run, 2 on bad arguments. `--profile DIR` samples the server with py-spy during the
measured phases (PY_SPY names the executable, default /tmp/pyspy/bin/py-spy).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NoReturn

from bench import fanout, feed, ingest, library, replication
from bench.common import (
    BenchError,
    Skipped,
    load_average,
    scratch_database,
    workspace,
)
from bench.figures import Row, print_table
from bench.peers import SPAWN, generate_key_pairs, signing_pool

BENCHMARKS = ("ingest", "fanout", "feed", "library", "replication")
MAX_SECONDS = 30.0  # each run stays well under 2 minutes


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seconds {value!r} is not a number") from None
    if not 1 <= number <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"--seconds must be between 1 and {MAX_SECONDS:.0f}")
    return number


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = Parser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("benchmark", nargs="?", default="all", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--database", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument(
        "--seconds",
        type=seconds,
        default=10.0,
        help="length of the ingest's timed phase (default 10)",
    )
    parser.add_argument("--profile", type=Path, help="write py-spy samples of the server here")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> int:
    benchmarks = BENCHMARKS if args.benchmark == "all" else (args.benchmark,)
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    failed = False
    pool: ProcessPoolExecutor | None = None
    try:
        if "ingest" in benchmarks:
            with ProcessPoolExecutor(2, SPAWN) as generator:
                key_pairs = await generate_key_pairs(generator)
            pool = signing_pool([private for private, _ in key_pairs])
        for kind in databases:
            for name in benchmarks:
                print(f"== {name} on {kind} ({load_average()} before it)", flush=True)
                started = time.perf_counter()
                try:
                    async with scratch_database(kind) as database, workspace(name) as root:
                        if name == "ingest":
                            assert pool is not None
                            rows += await ingest.run(
                                root, database, pool, key_pairs, args.seconds, args.profile
                            )
                        elif name == "fanout":
                            rows += await fanout.run(root, database, args.seconds, args.profile)
                        elif name == "library":
                            rows += await library.run(root, database)
                        elif name == "replication":
                            rows += await replication.run(root, database)
                        else:
                            rows += await feed.run(root, database, args.profile)
                except Skipped as skipped:
                    print(f"    skipped: {skipped}")
                    rows.append(Row(kind, name, "-", "-", "skipped", str(skipped)))
                except BenchError as error:
                    failed = True
                    print(f"    failed: {error}")
                    rows.append(Row(kind, name, "-", "-", "failed", str(error).splitlines()[0]))
                print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    print()
    print_table(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
