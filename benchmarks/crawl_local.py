"""Crawl a local test site of many hosts and measure throughput and politeness.

    python benchmarks/crawl_local.py [--hosts 20] [--pages 100] [--delay 0.5] [--workers N]

Starts HOSTS HTTP servers on 127.0.1.x (loopback only), each with PAGES generated article
pages, an RSS feed, a sitemap and a robots.txt; syncs them as sources into a scratch
database; runs one crawl cycle; and prints pages per second, outcome counts, and politeness
measured on the server side: the minimum gap between two requests to one host (must be
>= the delay) and the longest gap any host waited beyond its delay while it still had
pages to serve. A baseline in the same run: the same pages fetched with one plain
``httpx`` GET each, no politeness, same concurrency (the ratio shows what politeness,
extraction and loading cost on top of raw transfer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import itertools

from pages import sample_pages
from servers import TestServer, respond

from etl.config import Settings
from etl.crawl import crawl
from etl.scratch import scratch_database
from etl.sources import SourceConfig, sync_sources


def build(hosts: int, pages: int) -> list[tuple[TestServer, list[str]]]:
    out = []
    for h in range(hosts):
        host = f"127.0.1.{h + 1}"
        srv = TestServer(host)
        paths = []
        for i, (_, html) in enumerate(sample_pages(pages, host=host, start=h * 10_000)):
            path = f"/news/{i}.html"
            srv.routes[path] = respond(200, html)
            paths.append(path)
        items = "".join(f"<url><loc>{srv.url(p)}</loc></url>" for p in paths)
        srv.routes["/sitemap.xml"] = respond(
            200,
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{items}</urlset>',
            "application/xml",
        )
        srv.routes["/robots.txt"] = respond(
            200, "User-agent: *\nDisallow: /private/\n", "text/plain"
        )
        out.append((srv.start(), paths))
    return out


async def baseline(urls: list[str], concurrency: int) -> float:
    import httpx

    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient() as client:

        async def get(u: str) -> None:
            async with sem:
                (await client.get(u)).raise_for_status()

        t = time.perf_counter()
        await asyncio.gather(*(get(u) for u in urls))
        return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--delay", type=float, default=0.5, help="host_delay in seconds")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    servers = build(args.hosts, args.pages)
    total = args.hosts * args.pages
    try:
        urls = [s.url(p) for s, paths in servers for p in paths]
        base_s = asyncio.run(baseline(urls, args.concurrency))
        for s, _ in servers:
            s._hits.clear()  # the crawl's politeness is measured on its own requests
        with tempfile.TemporaryDirectory() as tmp, scratch_database("etl_bench_crawl") as eng:
            settings = Settings(
                allow_private_addresses=True,
                host_delay=args.delay,
                max_concurrency=args.concurrency,
                data_dir=Path(tmp),
                workers=args.workers or Settings().workers,
            )
            sync_sources(
                eng,
                [
                    SourceConfig(
                        name=f"host{i}", homepage=s.url("/"), sitemaps=[s.url("/sitemap.xml")]
                    )
                    for i, (s, _) in enumerate(servers)
                ],
            )
            t = time.perf_counter()
            summary = crawl(eng, settings)
            elapsed = time.perf_counter() - t
        min_gap = float("inf")
        worst_extra = 0.0
        extras = []
        for s, _paths in servers:
            times = sorted(s.times(exclude={"/robots.txt", "/sitemap.xml"}))
            gaps = [b - a for a, b in itertools.pairwise(times)]
            if gaps:
                min_gap = min(min_gap, min(gaps))
                worst_extra = max(worst_extra, max(g - args.delay for g in gaps))
                extras.extend(g - args.delay for g in gaps)
        extras.sort()
        p95 = extras[int(0.95 * (len(extras) - 1))] if extras else 0.0
        lower_bound = args.pages * args.delay
        report = {
            "hosts": args.hosts,
            "pages": total,
            "host_delay_s": args.delay,
            "crawl_seconds": round(elapsed, 2),
            "pages_per_s": round(total / elapsed, 1),
            "politeness_lower_bound_s": lower_bound,
            "efficiency_vs_politeness_bound": round(lower_bound / elapsed, 2),
            "baseline_plain_get_seconds": round(base_s, 2),
            "ratio_crawl_vs_plain_get_throughput": round(base_s / elapsed, 3),
            "min_gap_between_requests_to_one_host_s": round(min_gap, 3),
            "longest_wait_beyond_delay_s": round(worst_extra, 3),
            "p95_wait_beyond_delay_s": round(p95, 3),
            "outcomes": dict(Counter(summary.counts)),
            "feeds": dict(summary.feeds),
            "timings": {k: round(v, 2) for k, v in summary.timings.items()},
        }
        print(json.dumps(report, indent=2))
    finally:
        for s, _ in servers:
            s.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
