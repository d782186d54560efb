"""Backfill throughput and memory against bare trafilatura, measured in the same run.

    python benchmarks/backfill.py PATH [--workers N] [--repeat K]

PATH is a WARC file or a folder of .html/.html.gz pages (e.g. ../shared/corpus/fundus-dev/html).
Two measurements, each in a fresh subprocess so peak memory is its own:

* baseline: ``trafilatura.extract`` on every page, on a process pool of N workers;
* backfill: the full pipeline (extract + metadata + language + fingerprints + normalization +
  batched load into a scratch PostgreSQL database), same pages, same N.

Prints pages/second for both, the ratio backfill/baseline (1.0 = no overhead on top of
extraction), and peak RSS (parent + largest child) for both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _pages(path: Path) -> list[tuple[str | None, bytes]]:
    from etl.archives import discover_inputs, iter_records

    out = []
    for p, kind in discover_inputs([path]):
        if kind is None:
            continue
        for rec in iter_records(p, kind):
            if rec.payload:
                out.append((rec.url, rec.payload))
    return out


def _bare(page: tuple[str | None, bytes]) -> int:
    import trafilatura

    text = trafilatura.extract(page[1], url=page[0], with_metadata=True)
    return len(text or "")


def _peak_mb() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((me + kids) / 1024, 1)  # Linux reports KiB


def _materialize(path: Path, repeat: int, out: Path) -> int:
    """Write the pages (repeated K times under distinct URLs) as a WARC for both modes."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = _pages(path)
    with out.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for k in range(repeat):
            for i, (url, body) in enumerate(pages):
                u = (url or f"https://bench.example/page/{i}") + (f"?copy={k}" if k else "")
                h = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                w.write_record(
                    w.create_warc_record(u, "response", payload=io.BytesIO(body), http_headers=h)
                )
    return len(pages) * repeat


def run_mode(mode: str, warc: Path, workers: int) -> dict[str, float]:
    t0 = time.perf_counter()
    if mode == "baseline":
        pages = _pages(warc)
        t0 = time.perf_counter()
        import multiprocessing as mp

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            list(pool.map(_bare, pages, chunksize=8))
        n = len(pages)
    else:
        from etl.backfill import backfill
        from etl.scratch import scratch_database

        with scratch_database("etl_bench_backfill") as engine:
            t0 = time.perf_counter()  # setup (migrate + seed) is not the backfill's cost
            summary = backfill([warc], engine=engine, workers=workers)
            n = summary.records
    elapsed = time.perf_counter() - t0
    return {
        "pages": n,
        "seconds": round(elapsed, 3),
        "pages_per_s": round(n / elapsed, 2),
        "peak_rss_mb": _peak_mb(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="repeat the pages K times")
    ap.add_argument("--mode", choices=["baseline", "backfill"], help=argparse.SUPPRESS)
    ap.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.warc, args.workers)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "bench.warc.gz"
        n = _materialize(args.path, args.repeat, warc)
        print(f"{n} pages, {args.workers} workers")
        results = {}
        for mode in ("baseline", "backfill"):
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    str(args.path),
                    "--mode",
                    mode,
                    "--warc",
                    str(warc),
                    "--workers",
                    str(args.workers),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{mode} run failed (exit {proc.returncode})")
            results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{mode:9s} {results[mode]}")
    ratio = results["backfill"]["pages_per_s"] / results["baseline"]["pages_per_s"]
    mem = results["backfill"]["peak_rss_mb"] / results["baseline"]["peak_rss_mb"]
    print(f"throughput ratio backfill/baseline: {ratio:.2f} (1.00 = no overhead)")
    print(f"peak memory ratio backfill/baseline: {mem:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
