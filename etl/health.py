"""Pipeline health: per-source metrics and flags, frontier hygiene, and run reports.

A source that goes quiet is the failure nobody notices (a feed moves, a paywall appears, the
extractor stops finding text): the pipeline keeps "succeeding" with fewer articles. So every
configured source is compared with **its own history**:

* **volume** — articles first seen in the last day and the last 7 days against the source's
  daily rate over the 28 days before that week. A drop is flagged only when it is both large
  (below ``drop_ratio`` of the expectation) and unlikely by chance (Poisson lower tail below
  ``alpha``), so a source that publishes twice a week is not flagged for a quiet Monday.
* **extraction success rate** — of the article pages fetched and processed in the last 7
  days, the share that became articles (loaded, duplicate, seen, updated) against the same
  share in the 28 days before; flagged when it fell by ``rate_drop`` or more.
* **feeds failing** — every feed and sitemap of the source is unhealthy (consecutive failures).

Also reported, not flagged: last successful poll, last article, share of articles with a
published date, language mix. ``etl status`` prints all of it; the daily maintenance flow
records it in ``source_health`` and logs a warning per flagged source.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .runs import RunSummary, summary_markdown

__all__ = [
    "HealthPolicy",
    "SourceHealth",
    "abandon_stale_runs",
    "flag_source",
    "frontier_stats",
    "health_markdown",
    "poisson_cdf",
    "prune_fetch_log",
    "recent_runs",
    "record_health",
    "release_expired_leases",
    "run_report",
    "source_health",
]

log = logging.getLogger(__name__)

ARTICLE_OUTCOMES = ("loaded", "duplicate", "seen", "updated")


@dataclass(frozen=True)
class HealthPolicy:
    """When a source counts as unhealthy. Defaults suit hourly crawling of news sites."""

    history_days: int = 28  # the baseline: this many days before the last week
    min_history_days: float = 7.0  # younger sources are not judged on volume yet
    min_expected: float = 3.0  # below this many expected articles a window says nothing
    drop_ratio: float = 0.5  # observed below this share of the expectation ...
    alpha: float = 0.01  # ... and this unlikely under the source's own rate
    min_pages_7d: int = 10  # processed pages needed to judge an extraction rate
    min_pages_history: int = 20
    rate_drop: float = 0.2  # absolute fall of the extraction success rate


@dataclass
class SourceHealth:
    """One source's recent health. Rates are None when there is nothing to compute them on."""

    source_id: int
    name: str
    domain: str
    enabled: bool
    feeds: int = 0
    unhealthy_feeds: int = 0
    last_success_at: datetime | None = None
    last_article_at: datetime | None = None
    articles_1d: int = 0
    articles_7d: int = 0
    history_articles: int = 0
    history_days: float = 0.0
    pages_7d: int = 0  # article pages fetched and processed (extracted or skipped)
    ok_7d: int = 0  # of which became articles
    pages_history: int = 0
    ok_history: int = 0
    fetch_errors_7d: int = 0  # claimed URLs that could not be fetched (404, timeout, ...)
    dated_7d: int = 0
    languages_7d: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def expected_daily(self) -> float | None:
        """Articles per day in the history window; None for sources too new to judge."""
        if self.history_days <= 0:
            return None
        return self.history_articles / self.history_days

    @property
    def extraction_rate_7d(self) -> float | None:
        return self.ok_7d / self.pages_7d if self.pages_7d else None

    @property
    def extraction_rate_history(self) -> float | None:
        return self.ok_history / self.pages_history if self.pages_history else None

    @property
    def dated_share_7d(self) -> float | None:
        return self.dated_7d / self.articles_7d if self.articles_7d else None

    def language_mix(self, top: int = 3) -> str:
        """``en 80%, de 20%`` (the ``top`` languages of the last 7 days)."""
        total = sum(self.languages_7d.values())
        if not total:
            return "-"
        ranked = sorted(self.languages_7d.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return ", ".join(f"{lang} {100 * n / total:.0f}%" for lang, n in ranked)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form with the derived rates."""
        d = asdict(self)
        for k in ("last_success_at", "last_article_at"):
            d[k] = d[k].isoformat() if d[k] else None
        d["expected_daily"] = _round(self.expected_daily)
        d["extraction_rate_7d"] = _round(self.extraction_rate_7d)
        d["extraction_rate_history"] = _round(self.extraction_rate_history)
        d["dated_share_7d"] = _round(self.dated_share_7d)
        return d


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(lam), computed in log space (no underflow for large lam)."""
    if lam <= 0:
        return 1.0
    if k < 0:
        return 0.0
    terms = [-lam + i * math.log(lam) - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def flag_source(h: SourceHealth, policy: HealthPolicy = HealthPolicy()) -> SourceHealth:
    """Set ``h.flags`` and ``h.details`` from its metrics (pure; disabled sources are never
    flagged: going quiet is what they are expected to do)."""
    h.flags, h.details = [], {}
    if not h.enabled:
        return h
    rate = h.expected_daily
    if rate is not None and h.history_days >= policy.min_history_days:
        for days, observed in ((1, h.articles_1d), (7, h.articles_7d)):
            expected = rate * days
            if (
                expected >= policy.min_expected
                and observed < policy.drop_ratio * expected
                and poisson_cdf(observed, expected) < policy.alpha
            ):
                if "volume_drop" not in h.flags:
                    h.flags.append("volume_drop")
                h.details.setdefault(
                    "volume_drop",
                    f"{observed} articles in the last {days}d, expected {expected:.1f} "
                    f"({rate:.1f}/day over {h.history_days:.0f}d of history)",
                )
    now_rate, past_rate = h.extraction_rate_7d, h.extraction_rate_history
    if (
        now_rate is not None
        and past_rate is not None
        and h.pages_7d >= policy.min_pages_7d
        and h.pages_history >= policy.min_pages_history
        and now_rate <= past_rate - policy.rate_drop
    ):
        h.flags.append("extraction_drop")
        h.details["extraction_drop"] = (
            f"{100 * now_rate:.0f}% of {h.pages_7d} pages became articles in the last 7d, "
            f"{100 * past_rate:.0f}% of {h.pages_history} before"
        )
    if h.feeds and h.unhealthy_feeds == h.feeds:
        h.flags.append("feeds_failing")
        h.details["feeds_failing"] = f"all {h.feeds} feeds/sitemaps keep failing"
    return h


_SOURCES_SQL = """
WITH t AS (SELECT coalesce(CAST(:now AS timestamptz), now()) AS now),
feeds AS (
    SELECT source_id, count(*) AS feeds, count(*) FILTER (WHERE NOT healthy) AS unhealthy,
           max(last_success_at) AS last_success_at
    FROM source_feeds GROUP BY source_id),
arts AS (
    SELECT a.source_id,
           count(*) FILTER (WHERE a.first_seen_at > t.now - interval '1 day') AS n1,
           count(*) FILTER (WHERE a.first_seen_at > t.now - interval '7 days') AS n7,
           count(*) FILTER (WHERE a.first_seen_at > t.now - interval '7 days'
                              AND a.published_at IS NOT NULL) AS dated7,
           count(*) FILTER (WHERE a.first_seen_at <= t.now - interval '7 days'
                              AND a.first_seen_at > t.now - interval '7 days'
                                  - make_interval(days => :hist)) AS nhist
    FROM articles a, t
    WHERE a.first_seen_at > t.now - interval '7 days' - make_interval(days => :hist)
      AND a.first_seen_at <= t.now
    GROUP BY a.source_id),
span AS (
    SELECT source_id, min(first_seen_at) AS first_at, max(first_seen_at) AS last_at
    FROM articles WHERE source_id = ANY(SELECT id FROM sources WHERE configured)
    GROUP BY source_id),
pages AS (
    SELECT fr.source_id,
           count(*) FILTER (WHERE recent AND processed) AS pages7,
           count(*) FILTER (WHERE recent AND ok) AS ok7,
           count(*) FILTER (WHERE recent AND NOT processed) AS errors7,
           count(*) FILTER (WHERE NOT recent AND processed) AS pages_hist,
           count(*) FILTER (WHERE NOT recent AND ok) AS ok_hist
    FROM (SELECT fl.frontier_id,
                 fl.fetched_at > t.now - interval '7 days' AS recent,
                 fl.outcome IN ('loaded', 'duplicate', 'seen', 'updated') AS ok,
                 fl.outcome IN ('loaded', 'duplicate', 'seen', 'updated', 'skipped', 'failed')
                   OR fl.outcome LIKE 'skipped:%' OR fl.outcome LIKE 'failed:%' AS processed
          FROM fetch_log fl, t
          WHERE fl.kind = 'article'
            AND fl.fetched_at > t.now - interval '7 days' - make_interval(days => :hist)
            AND fl.fetched_at <= t.now) x
    JOIN frontier fr ON fr.id = x.frontier_id
    GROUP BY fr.source_id)
SELECT s.id, s.name, s.domain, s.enabled,
       coalesce(f.feeds, 0) AS feeds, coalesce(f.unhealthy, 0) AS unhealthy,
       f.last_success_at, sp.last_at AS last_article_at,
       coalesce(a.n1, 0) AS n1, coalesce(a.n7, 0) AS n7, coalesce(a.dated7, 0) AS dated7,
       coalesce(a.nhist, 0) AS nhist,
       -- Days of history the source really has inside the window (0: too new).
       greatest(0, least(CAST(:hist AS float8),
           extract(epoch FROM (t.now - interval '7 days') - sp.first_at) / 86400.0))
           AS history_days,
       coalesce(p.pages7, 0) AS pages7, coalesce(p.ok7, 0) AS ok7,
       coalesce(p.errors7, 0) AS errors7,
       coalesce(p.pages_hist, 0) AS pages_hist, coalesce(p.ok_hist, 0) AS ok_hist
FROM sources s CROSS JOIN t
LEFT JOIN feeds f ON f.source_id = s.id
LEFT JOIN arts a ON a.source_id = s.id
LEFT JOIN span sp ON sp.source_id = s.id
LEFT JOIN pages p ON p.source_id = s.id
WHERE s.configured
ORDER BY s.name, s.id
"""

_LANG_SQL = """
SELECT source_id, coalesce(language, '?') AS lang, count(*) AS n
FROM articles
WHERE first_seen_at > coalesce(CAST(:now AS timestamptz), now()) - interval '7 days'
  AND first_seen_at <= coalesce(CAST(:now AS timestamptz), now())
  AND source_id = ANY(SELECT id FROM sources WHERE configured)
GROUP BY 1, 2
"""


def source_health(
    engine: Engine, *, now: datetime | None = None, policy: HealthPolicy = HealthPolicy()
) -> list[SourceHealth]:
    """Metrics and flags for every configured source (``sources.yaml`` / ``sources add``),
    as of ``now`` (default: the database's clock)."""
    params = {"now": now, "hist": policy.history_days}
    with engine.connect() as conn:
        rows = conn.execute(sa.text(_SOURCES_SQL), params).all()
        langs: dict[int, dict[str, int]] = {}
        for r in conn.execute(sa.text(_LANG_SQL), {"now": now}):
            langs.setdefault(r.source_id, {})[r.lang] = int(r.n)
    out = []
    for r in rows:
        h = SourceHealth(
            source_id=int(r.id),
            name=r.name,
            domain=r.domain,
            enabled=bool(r.enabled),
            feeds=int(r.feeds),
            unhealthy_feeds=int(r.unhealthy),
            last_success_at=r.last_success_at,
            last_article_at=r.last_article_at,
            articles_1d=int(r.n1),
            articles_7d=int(r.n7),
            history_articles=int(r.nhist),
            history_days=float(r.history_days or 0.0),
            pages_7d=int(r.pages7),
            ok_7d=int(r.ok7),
            pages_history=int(r.pages_hist),
            ok_history=int(r.ok_hist),
            fetch_errors_7d=int(r.errors7),
            dated_7d=int(r.dated7),
            languages_7d=langs.get(int(r.id), {}),
        )
        out.append(flag_source(h, policy))
    return out


def record_health(engine: Engine, run_id: int | None, healths: Sequence[SourceHealth]) -> int:
    """Store one ``source_health`` row per source (the daily history of health)."""
    if not healths:
        return 0
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                """INSERT INTO source_health (run_id, source_id, articles_1d, articles_7d,
                       expected_1d, extraction_rate_7d, dated_share_7d, languages_7d,
                       last_success_at, last_article_at, flags, details)
                   VALUES (:run, :sid, :n1, :n7, :exp, :rate, :dated, CAST(:langs AS jsonb),
                           :ls, :la, :flags, CAST(:details AS jsonb))"""
            ),
            [
                {
                    "run": run_id,
                    "sid": h.source_id,
                    "n1": h.articles_1d,
                    "n7": h.articles_7d,
                    "exp": h.expected_daily,
                    "rate": h.extraction_rate_7d,
                    "dated": h.dated_share_7d,
                    "langs": json.dumps(h.languages_7d),
                    "ls": h.last_success_at,
                    "la": h.last_article_at,
                    "flags": h.flags,
                    "details": json.dumps(h.details),
                }
                for h in healths
            ],
        )
    return len(healths)


def recent_runs(engine: Engine, limit: int = 10) -> list[dict[str, Any]]:
    """The last runs (any kind), newest first, with duration and outcome counts."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                """SELECT id, kind, status, started_at, finished_at, records, counts, error,
                          extract(epoch FROM coalesce(finished_at, now()) - started_at)
                              AS seconds
                   FROM ingest_runs ORDER BY id DESC LIMIT :n"""
            ),
            {"n": limit},
        ).all()
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "status": r.status,
            "started_at": r.started_at.isoformat(),
            "seconds": round(float(r.seconds or 0.0), 1),
            "records": r.records,
            "counts": r.counts,
            "error": r.error,
        }
        for r in rows
    ]


# -- hygiene ----------------------------------------------------------------------------------


def release_expired_leases(engine: Engine, lease_seconds: float = 900.0) -> int:
    """Put URLs whose claim expired (their worker died or hung) back to ``pending``.

    Claims already take over expired leases; releasing them keeps ``in_progress`` meaning
    "someone is working on it" in the stats and clears the dead worker's name."""
    with engine.begin() as conn:
        n = conn.execute(
            sa.text(
                """UPDATE frontier SET state = 'pending', claimed_by = NULL, claimed_at = NULL,
                          next_attempt_at = now()
                   WHERE state = 'in_progress'
                     AND claimed_at < now() - make_interval(secs => :lease)"""
            ),
            {"lease": lease_seconds},
        ).rowcount
    if n:
        log.warning("event=leases_released urls=%d lease_seconds=%.0f", n, lease_seconds)
    return int(n or 0)


def abandon_stale_runs(engine: Engine, older_than_hours: float = 24.0) -> int:
    """Mark runs still ``running`` after ``older_than_hours`` as ``interrupted`` (their
    process died without recording an end), so status pages do not show them forever."""
    with engine.begin() as conn:
        n = conn.execute(
            sa.text(
                """UPDATE ingest_runs SET status = 'interrupted', finished_at = now(),
                          error = 'abandoned: no end recorded after '
                                  || CAST(:h AS text) || ' h (the process died?)'
                   WHERE status = 'running'
                     AND started_at < now() - make_interval(secs => :h * 3600)"""
            ),
            {"h": older_than_hours},
        ).rowcount
    if n:
        log.warning("event=runs_abandoned runs=%d older_than_hours=%s", n, older_than_hours)
    return int(n or 0)


def prune_fetch_log(engine: Engine, keep_days: int = 90) -> int:
    """Delete ``fetch_log`` rows older than ``keep_days`` (health reads 35 days)."""
    with engine.begin() as conn:
        n = conn.execute(
            sa.text("DELETE FROM fetch_log WHERE fetched_at < now() - make_interval(days => :d)"),
            {"d": keep_days},
        ).rowcount
    return int(n or 0)


def frontier_stats(engine: Engine) -> dict[str, Any]:
    """URLs per frontier state, how many are due now, the oldest due URL's wait, and the
    feeds that are unhealthy."""
    with engine.connect() as conn:
        states: dict[str, int] = {
            str(r.state): int(r.n)
            for r in conn.execute(
                sa.text("SELECT state, count(*) AS n FROM frontier GROUP BY state")
            )
        }
        due = conn.execute(
            sa.text(
                """SELECT count(*) AS n,
                          extract(epoch FROM now() - min(next_attempt_at)) AS oldest
                   FROM frontier WHERE state = 'pending' AND next_attempt_at <= now()"""
            )
        ).one()
        feeds = conn.execute(
            sa.text(
                """SELECT count(*) AS n, count(*) FILTER (WHERE NOT healthy) AS unhealthy,
                          count(*) FILTER (WHERE next_fetch_at <= now()) AS due
                   FROM source_feeds"""
            )
        ).one()
    return {
        "frontier": dict(sorted(states.items())),
        "due_now": int(due.n),
        "oldest_due_seconds": round(float(due.oldest), 1) if due.oldest is not None else None,
        "feeds": int(feeds.n),
        "feeds_unhealthy": int(feeds.unhealthy),
        "feeds_due": int(feeds.due),
    }


# -- reports ----------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def run_report(engine: Engine, summary: RunSummary, top_errors: int = 10) -> str:
    """Markdown for a run's artifact: counts per outcome, per source, seconds per stage, and
    the most frequent errors (from ``fetch_log`` and ``ingest_records`` of the run)."""
    parts = [summary_markdown(summary)]
    if summary.feeds:
        parts.append(
            "Feed and sitemap polls: "
            + ", ".join(f"{k}={v}" for k, v in sorted(summary.feeds.items()))
            + "\n"
        )
    if summary.timings:
        rows = ["| stage | seconds |", "|---|---:|"]
        rows += [f"| {k} | {v:.2f} |" for k, v in summary.timings.items()]
        parts.append("### Timings\n\n" + "\n".join(rows) + "\n")
    with engine.connect() as conn:
        per_source = conn.execute(
            sa.text(
                """SELECT coalesce(s.name, '(none)') AS source, x.outcome, x.n FROM (
                       SELECT fr.source_id, split_part(fl.outcome, ':', 1) AS outcome,
                              count(*) AS n
                       FROM fetch_log fl JOIN frontier fr ON fr.id = fl.frontier_id
                       WHERE fl.run_id = :r AND fl.kind = 'article' GROUP BY 1, 2
                       UNION ALL
                       SELECT a.source_id, r.outcome, count(*)
                       FROM ingest_records r LEFT JOIN articles a ON a.id = r.article_id
                       WHERE r.run_id = :r
                         AND NOT EXISTS (SELECT 1 FROM fetch_log WHERE run_id = :r)
                       GROUP BY 1, 2) x
                   LEFT JOIN sources s ON s.id = x.source_id"""
            ),
            {"r": summary.run_id},
        ).all()
        errors = conn.execute(
            sa.text(
                """SELECT kind, outcome, coalesce(error, '') AS error, count(*) AS n,
                          min(url) AS example
                   FROM fetch_log
                   WHERE run_id = :r AND outcome NOT IN
                         ('loaded', 'duplicate', 'seen', 'updated', 'ok', 'not_modified',
                          'unchanged')
                   GROUP BY 1, 2, 3 ORDER BY n DESC, outcome LIMIT :k"""
            ),
            {"r": summary.run_id, "k": top_errors},
        ).all()
    if per_source:
        table: dict[str, Counter[str]] = {}
        for r in per_source:
            table.setdefault(r.source, Counter())[r.outcome] += int(r.n)
        cols = sorted({o for c in table.values() for o in c})
        rows = ["| source | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
        for src in sorted(table):
            rows.append(
                f"| {_md_escape(src)} | " + " | ".join(str(table[src][c]) for c in cols) + " |"
            )
        parts.append("### Per source\n\n" + "\n".join(rows) + "\n")
    if errors:
        rows = ["| kind | outcome | error | count | example |", "|---|---|---|---:|---|"]
        for r in errors:
            rows.append(
                f"| {r.kind} | {r.outcome} | {_md_escape(r.error[:120])} | {r.n} "
                f"| {_md_escape(r.example)} |"
            )
        parts.append("### Top errors\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def health_markdown(healths: Iterable[SourceHealth], hygiene: dict[str, Any] | None = None) -> str:
    """Markdown for the maintenance artifact: one row per source, flagged ones first."""
    hs = sorted(healths, key=lambda h: (not h.flags, h.name))
    flagged = [h for h in hs if h.flags]
    lines = [
        f"## Source health: {len(flagged)} of {len(hs)} sources flagged",
        "",
        "| source | flags | last success | articles 1d / 7d | expected/day "
        "| extraction 7d | dated | languages |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for h in hs:
        lines.append(
            f"| {_md_escape(h.name)} | {', '.join(h.flags) or 'ok'} "
            f"| {_fmt_time(h.last_success_at)} | {h.articles_1d} / {h.articles_7d} "
            f"| {_fmt(h.expected_daily, '{:.1f}')} | {_fmt(h.extraction_rate_7d, '{:.0%}')} "
            f"| {_fmt(h.dated_share_7d, '{:.0%}')} | {h.language_mix()} |"
        )
    if flagged:
        lines += ["", "### Why", ""]
        lines += [f"* **{_md_escape(h.name)}**: " + "; ".join(h.details.values()) for h in flagged]
    if hygiene:
        lines += ["", "### Frontier and runs", ""]
        lines += [f"* {k}: {v}" for k, v in hygiene.items()]
    return "\n".join(lines) + "\n"


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else spec.format(x)


def _fmt_time(t: datetime | None) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ") if t else "never"
