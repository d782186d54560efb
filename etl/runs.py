"""Ingest runs: one ``ingest_runs`` row per run, with its outcome counts."""

from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

__all__ = ["RunSummary", "fail_run", "finish_run", "start_run", "summary_markdown"]


@dataclass
class RunSummary:
    """What a run did. ``counts`` maps ``outcome`` or ``outcome:reason`` to record numbers;
    every record read in the run is in exactly one of them."""

    run_id: int
    kind: str
    status: str = "running"
    counts: Counter[str] = field(default_factory=Counter)
    files: Counter[str] = field(default_factory=Counter)  # read, already_done, unsupported
    feeds: Counter[str] = field(default_factory=Counter)  # feed/sitemap polls by outcome
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    error: str | None = None

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def by_outcome(self) -> Counter[str]:
        """Counts folded to the outcome alone (``skipped:too_short`` → ``skipped``)."""
        out: Counter[str] = Counter()
        for k, v in self.counts.items():
            out[k.split(":", 1)[0]] += v
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "status": self.status,
            "records": self.records,
            "outcomes": dict(self.by_outcome()),
            "counts": dict(sorted(self.counts.items())),
            "files": dict(self.files),
            "feeds": dict(self.feeds),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "elapsed_s": round(self.elapsed, 3),
            "error": self.error,
        }


def start_run(engine: Engine, kind: str, params: dict[str, Any]) -> RunSummary:
    """Insert a ``running`` row and return the summary object that tracks it."""
    with engine.begin() as conn:
        run_id = conn.scalar(
            sa.text(
                """INSERT INTO ingest_runs (kind, params, host, pid)
                   VALUES (:k, CAST(:p AS jsonb), :h, :pid) RETURNING id"""
            ),
            {
                "k": kind,
                "p": json.dumps(params, default=str),
                "h": socket.gethostname(),
                "pid": os.getpid(),
            },
        )
    return RunSummary(run_id=int(run_id), kind=kind)


def finish_run(
    engine: Engine, summary: RunSummary, status: str, error: str | None = None
) -> RunSummary:
    """Record the final status and counts of a run."""
    summary.status = status
    summary.error = error
    summary.elapsed = time.monotonic() - summary.started
    counts = dict(sorted(summary.counts.items()))
    counts.update({f"files:{k}": v for k, v in summary.files.items()})
    counts.update({f"feeds:{k}": v for k, v in summary.feeds.items()})
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                """UPDATE ingest_runs SET status = :s, finished_at = now(),
                       counts = CAST(:c AS jsonb), records = :n, error = :e WHERE id = :id"""
            ),
            {
                "s": status,
                "c": json.dumps(counts),
                "n": summary.records,
                "e": error,
                "id": summary.run_id,
            },
        )
    return summary


def fail_run(engine: Engine, summary: RunSummary, exc: BaseException) -> RunSummary:
    """Record a run that stopped on an exception: ``interrupted`` for Ctrl-C, else
    ``failed`` with the error. Counts of the batches already committed are kept."""
    if isinstance(exc, KeyboardInterrupt):
        return finish_run(engine, summary, "interrupted", "interrupted by the user")
    return finish_run(engine, summary, "failed", f"{type(exc).__name__}: {exc}")


def summary_markdown(summary: RunSummary) -> str:
    """A markdown table of a run's counts (for Prefect artifacts and reports)."""
    lines = [
        f"## {summary.kind} run {summary.run_id}: {summary.status}",
        "",
        f"{summary.records} records; files: "
        + ", ".join(f"{k}={v}" for k, v in sorted(summary.files.items())),
        "",
        "| outcome | reason | records |",
        "|---|---|---:|",
    ]
    for key, n in sorted(summary.counts.items()):
        outcome, _, reason = key.partition(":")
        lines.append(f"| {outcome} | {reason} | {n} |")
    return "\n".join(lines) + "\n"
