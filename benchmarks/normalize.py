"""Normalization cost against extraction, measured on the same pages in the same run.

    python benchmarks/normalize.py PATH [--limit N]

PATH: a WARC file or a folder of .html/.html.gz pages (e.g. ../shared/corpus/fundus-dev/html
or examples/sample-archive). For every page: time ``trafilatura.bare_extraction`` (the
extraction stage's core) and ``Normalizer.normalize`` on the extracted title and text, in one
process. Prints per-page medians and totals and the ratio normalize/extract (the target is
"well under" 1), plus the one-off cost of building the normalizer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    import trafilatura

    from etl.archives import discover_inputs, iter_records
    from etl.normalize import Normalizer

    t = time.perf_counter()
    norm = Normalizer.from_seeds()
    build = time.perf_counter() - t
    ext_t: list[float] = []
    norm_t: list[float] = []
    chars = 0
    for path, kind in discover_inputs([args.path]):
        if kind is None:
            continue
        for rec in iter_records(path, kind):
            if not rec.payload:
                continue
            t = time.perf_counter()
            doc = trafilatura.bare_extraction(rec.payload, url=rec.url, with_metadata=True)
            ext_t.append(time.perf_counter() - t)
            text = (getattr(doc, "text", None) or "") if doc is not None else ""
            title = getattr(doc, "title", None) if doc is not None else None
            chars += len(text)
            t = time.perf_counter()
            norm.normalize(text, title=title)
            norm_t.append(time.perf_counter() - t)
            if args.limit and len(ext_t) >= args.limit:
                break
    if not ext_t:
        print("no pages found")
        return 1
    print(f"pages: {len(ext_t)}, text chars: {chars}, normalizer build: {build * 1000:.0f} ms")
    print(f"extract   median {statistics.median(ext_t) * 1000:7.2f} ms  total {sum(ext_t):7.2f} s")
    print(
        f"normalize median {statistics.median(norm_t) * 1000:7.2f} ms  total {sum(norm_t):7.2f} s"
    )
    print(f"ratio normalize/extract (totals): {sum(norm_t) / sum(ext_t):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
