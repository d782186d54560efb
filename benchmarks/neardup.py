"""Near-duplicate lookup cost with 1,000,000 articles' signatures in PostgreSQL.

    python benchmarks/neardup.py [--articles N] [--queries Q] [--batch B] [--json] [--keep]

Builds a scratch database (``etl.scratch.scratch_database``: ``DATABASE_URL`` or the embedded
server, never the warehouse itself) with N synthetic articles and their fingerprints: 8-48
MOD-16 shingle samples each (28 on average, what a ~450-word article gets), 90% uniformly
random 64-bit values and 10% drawn, heavily skewed, from a pool of 50,000 "common" values,
so that some posting lists are long (boilerplate and stock phrases) and the per-sample LIMIT
of the lookup is exercised. Bulk load, then index build, then VACUUM ANALYZE.

Then times ``etl.clusters.lookup_candidates`` — the loader's near-duplicate query — for Q query
articles: half are near-duplicates of stored articles (70% of their samples kept, 30%
replaced), half are new. Reported per article, p50 / p95 / mean in milliseconds, once with
one article per query and once in loader-sized batches of B articles. The baseline, measured
in the same run on the same connection: a primary-key lookup of one article (``SELECT ...
FROM articles WHERE id = %s``); the ratio says how many primary-key lookups one near-duplicate
lookup costs. Also printed: table and index sizes, and the share of near-duplicate queries
whose source article came back as a candidate.

It takes a few minutes and ~5 GB of disk at N = 1,000,000. It is not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.clusters import SAMPLE_CAP, lookup_candidates
from etl.scratch import scratch_database

DB_NAME = "etl_bench_neardup"


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "p50": round(statistics.median(s), 3),
        "p95": round(s[min(len(s) - 1, int(len(s) * 0.95))], 3),
        "mean": round(statistics.fmean(s), 3),
    }


def _load(cur: Any, n: int, log: Any) -> dict[str, float]:
    """Synthetic articles, fingerprints and samples; indexes built after the bulk load."""
    timings = {}
    t = time.monotonic()
    cur.execute("INSERT INTO sources (domain, name) VALUES ('bench.example', 'Bench') RETURNING id")
    source_id = cur.fetchone()[0]
    cur.execute(
        """INSERT INTO articles (url, source_id, text, word_count, content_sha256,
                                 extractor_version, published_at)
           SELECT 'https://bench.example/a/' || g, %s, 'x', 450,
                  md5(g::text) || md5((g + 1)::text), 'bench',
                  timestamptz '2020-01-01' + g * interval '2 minutes'
           FROM generate_series(1, %s) AS g""",
        (source_id, n),
    )
    timings["articles_s"] = time.monotonic() - t
    log(f"articles: {n} rows in {timings['articles_s']:.0f} s")
    t = time.monotonic()
    cur.execute("ALTER TABLE article_fingerprints DISABLE TRIGGER article_fingerprints_insert")
    cur.execute("DROP INDEX article_samples_lookup_idx")
    # Samples are multiples of 16 like real MOD-16 samples. 10% come from a pool of 50,000
    # common values, skewed (power 3) so a few of them are in tens of thousands of articles.
    cur.execute(
        """INSERT INTO article_fingerprints (article_id, version, source_id, title_key,
                                             published_at, word_count, samples)
           SELECT a.id, 1, a.source_id, NULL, a.published_at, 450,
                  ARRAY(SELECT CASE WHEN random() < 0.1
                                    THEN floor(power(random(), 3) * 50000)::bigint * 16
                                    ELSE (floor((random() - 0.5) * 1.1e18)::bigint) * 16 END
                        FROM generate_series(1, 8 + (a.id % 41)::int))
           FROM articles a"""
    )
    cur.execute(
        """INSERT INTO article_samples (sample, published_at, article_id)
           SELECT s, f.published_at, f.article_id
           FROM article_fingerprints f CROSS JOIN LATERAL unnest(f.samples) AS s"""
    )
    timings["fingerprints_s"] = time.monotonic() - t
    log(f"fingerprints and samples in {timings['fingerprints_s']:.0f} s")
    t = time.monotonic()
    cur.execute("SET maintenance_work_mem = '1GB'")
    cur.execute(
        "CREATE INDEX article_samples_lookup_idx "
        "ON article_samples (sample, published_at, article_id)"
    )
    cur.execute("ALTER TABLE article_fingerprints ENABLE TRIGGER article_fingerprints_insert")
    timings["index_s"] = time.monotonic() - t
    log(f"index built in {timings['index_s']:.0f} s")
    t = time.monotonic()
    for table in ("articles", "article_fingerprints", "article_samples"):
        cur.execute(f"VACUUM ANALYZE {table}")
    timings["vacuum_s"] = time.monotonic() - t
    return {k: round(v, 1) for k, v in timings.items()}


def _sizes(cur: Any) -> dict[str, Any]:
    cur.execute(
        """SELECT c.relname, pg_relation_size(c.oid)
           FROM pg_class c
           WHERE c.relname IN ('article_samples', 'article_samples_lookup_idx',
                               'article_fingerprints', 'article_fingerprints_pkey',
                               'article_fingerprints_title_idx', 'articles')"""
    )
    sizes = {name: round(b / 2**20, 1) for name, b in cur.fetchall()}
    cur.execute("SELECT pg_total_relation_size('article_fingerprints') / 1048576.0")
    fp_total = float(cur.fetchone()[0])
    cur.execute("SELECT count(*) FROM article_samples")
    rows = cur.fetchone()[0]
    return {
        "mb": sizes,
        "sample_rows": rows,
        "near_dup_total_mb": round(
            fp_total + sizes["article_samples"] + sizes["article_samples_lookup_idx"], 1
        ),
    }


def _queries(
    cur: Any, n_articles: int, q: int, rnd: random.Random
) -> list[tuple[int | None, list[int]]]:
    """(source article or None, samples): half near-duplicates of stored articles, half new."""
    ids = rnd.sample(range(1, n_articles + 1), q // 2)
    cur.execute(
        "SELECT article_id, samples FROM article_fingerprints WHERE article_id = ANY(%s)",
        (ids,),
    )
    out: list[tuple[int | None, list[int]]] = []
    for aid, samples in cur.fetchall():
        kept = [s for s in samples if rnd.random() < 0.7]
        fresh = [rnd.randrange(-(2**59), 2**59) * 16 for _ in range(len(samples) - len(kept))]
        out.append((aid, sorted(set(kept + fresh))))
    for _ in range(q - len(out)):
        n = 8 + rnd.randrange(41)
        out.append(
            (
                None,
                sorted(
                    {
                        int(rnd.random() ** 3 * 50000) * 16
                        if rnd.random() < 0.1
                        else rnd.randrange(-(2**59), 2**59) * 16
                        for _ in range(n)
                    }
                ),
            )
        )
    rnd.shuffle(out)
    return out


def _bench(
    cur: Any, queries: list[tuple[int | None, list[int]]], batch: int, n: int, rnd: random.Random
) -> dict[str, Any]:
    # Warm-up: the first probes pay for loading the upper index levels into memory.
    for _src, samples in queries[:50]:
        lookup_candidates(cur, [(0, samples, None, None, None)])
    single: list[float] = []
    found = 0
    near = 0
    for src, samples in queries:
        t = time.perf_counter()
        cands = lookup_candidates(cur, [(0, samples, None, None, None)])
        single.append((time.perf_counter() - t) * 1000)
        if src is not None:
            near += 1
            found += int(src in cands.get(0, []))
    batched: list[float] = []
    for start in range(0, len(queries), batch):
        chunk = queries[start : start + batch]
        t = time.perf_counter()
        lookup_candidates(cur, [(i, s, None, None, None) for i, (_src, s) in enumerate(chunk)])
        batched.append((time.perf_counter() - t) * 1000 / len(chunk))
    baseline: list[float] = []
    for _ in range(len(queries)):
        aid = rnd.randrange(1, n + 1)
        t = time.perf_counter()
        cur.execute("SELECT id, url, published_at FROM articles WHERE id = %s", (aid,))
        cur.fetchall()
        baseline.append((time.perf_counter() - t) * 1000)
    one = _ms(single)
    base = _ms(baseline)
    return {
        "lookup_ms_per_article": one,
        "batched_ms_per_article": {**_ms(batched), "batch": batch},
        "baseline_pk_lookup_ms": base,
        "ratio_p50_lookup_over_pk": round(one["p50"] / base["p50"], 1),
        "near_duplicates_found": f"{found}/{near}",
        "samples_per_query_mean": round(statistics.fmean(len(s) for _q, s in queries), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        if not args.json:
            print(msg, flush=True)

    rnd = random.Random(args.seed)
    with scratch_database(DB_NAME, keep=args.keep) as engine:
        raw = engine.raw_connection()
        try:
            conn: Any = raw.driver_connection
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT version()")
                server = cur.fetchone()[0].split(" on ")[0]
                load = _load(cur, args.articles, log)
                sizes = _sizes(cur)
                log(f"sizes (MB): {sizes['mb']}")
                queries = _queries(cur, args.articles, args.queries, rnd)
                result = _bench(cur, queries, args.batch, args.articles, rnd)
        finally:
            raw.close()
    report = {
        "articles": args.articles,
        "queries": args.queries,
        "sample_cap": SAMPLE_CAP,
        "server": server,
        "load_seconds": load,
        "sizes": sizes,
        **result,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        one, bat, base = (
            result["lookup_ms_per_article"],
            result["batched_ms_per_article"],
            result["baseline_pk_lookup_ms"],
        )
        print(f"\n{args.articles:,} articles, {sizes['sample_rows']:,} sample rows ({server})")
        print(
            f"near-duplicate lookup, one article per query: p50 {one['p50']} ms, "
            f"p95 {one['p95']} ms, mean {one['mean']} ms"
        )
        print(
            f"  in batches of {bat['batch']}: p50 {bat['p50']} ms, p95 {bat['p95']} ms per article"
        )
        print(
            f"baseline primary-key lookup: p50 {base['p50']} ms, p95 {base['p95']} ms; "
            f"ratio (p50) {result['ratio_p50_lookup_over_pk']}x"
        )
        print(f"near duplicates found: {result['near_duplicates_found']}")
        print(
            f"index article_samples_lookup_idx {sizes['mb']['article_samples_lookup_idx']} MB, "
            f"table article_samples {sizes['mb']['article_samples']} MB, "
            f"article_fingerprints (with indexes and TOAST) + samples: "
            f"{sizes['near_dup_total_mb']} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
