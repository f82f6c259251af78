"""The summary table every benchmark prints: each figure against its budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Row:
    """One line of the summary table: a figure measured against a budget."""

    database: str
    scenario: str
    measured: str
    budget: str
    verdict: str  # "ok", "MISSED", "skipped", "failed", or "" for information only
    note: str = ""


def print_table(rows: Sequence[Row]) -> None:
    headers = ("database", "scenario", "measured", "budget", "verdict", "note")
    cells = [
        headers,
        *((r.database, r.scenario, r.measured, r.budget, r.verdict, r.note) for r in rows),
    ]
    widths = [max(len(str(line[i])) for line in cells) for i in range(len(headers) - 1)]
    rule = "-+-".join("-" * w for w in widths) + "-+-" + "-" * 20
    for n, line in enumerate(cells):
        text = " | ".join(str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True))
        print(f"{text} | {line[-1]}".rstrip())
        if n == 0:
            print(rule)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
