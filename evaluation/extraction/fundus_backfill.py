"""Backfill the fundus-dev corpus wrapped as a WARC and compare with its gold standard.

    python evaluation/extraction/fundus_backfill.py ../shared/corpus/fundus-dev [--workers N]

Wraps every ``html/<cc>/*.html.gz`` page into a WARC response record with its original URL,
backfills it into a scratch database (``etl_eval_fundus``, dropped afterwards unless
``--keep``), then prints the outcome counts and how many titles and publication dates match
``gold.jsonl``. Titles are compared exactly and after whitespace/quote normalization; dates
within 60 seconds and on the same day.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from etl.backfill import backfill
from etl.scratch import scratch_database


def wrap_as_warc(corpus: Path, out: Path) -> list[dict]:
    gold = [json.loads(line) for line in (corpus / "gold.jsonl").open(encoding="utf-8")]
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for g in gold:
            body = gzip.decompress((corpus / g["html_file"]).read_bytes())
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    g["url"], "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
    return gold


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    for a, b in (
        ("‘", "'"),
        ("’", "'"),
        ("“", '"'),
        ("”", '"'),
        ("„", '"'),
        ("«", '"'),
        ("»", '"'),
    ):
        s = s.replace(a, b)
    return " ".join(s.split()).casefold()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="path to fundus-dev (has gold.jsonl and html/)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--show", type=int, default=0, help="print N title/date mismatches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "fundus-dev.warc.gz"
        gold = wrap_as_warc(args.corpus, warc)
        with scratch_database("etl_eval_fundus", keep=args.keep) as engine:
            summary = backfill([warc], engine=engine, workers=args.workers)
            with engine.connect() as conn:
                by_rec = {
                    r.rec_url: r
                    for r in conn.execute(
                        sa.text(
                            "SELECT r.url AS rec_url, a.title, a.published_at, a.language "
                            "FROM ingest_records r JOIN articles a ON a.id = r.article_id"
                        )
                    )
                }
    print(json.dumps(summary.as_dict(), indent=2))
    from etl.urls import normalize_url

    n = len(gold)
    found = title_exact = title_norm = date_60s = date_day = has_date = lang_ok = 0
    misses: list[str] = []
    for g in gold:
        row = by_rec.get(normalize_url(g["url"]))
        if row is None:
            misses.append(f"not loaded: {g['html_file']}")
            continue
        found += 1
        title_exact += (row.title or "") == g["title"]
        ok = _norm(row.title) == _norm(g["title"])
        title_norm += ok
        if not ok:
            misses.append(f"title {g['html_file']}: {row.title!r} != {g['title']!r}")
        if g.get("html_lang_attr") and row.language == g["html_lang_attr"][:2].lower():
            lang_ok += 1
        if g.get("publishing_date") and row.published_at:
            has_date += 1
            gd = datetime.fromisoformat(g["publishing_date"])
            if gd.tzinfo is None:
                gd = gd.replace(tzinfo=UTC)
            if abs((gd - row.published_at).total_seconds()) <= 60:
                date_60s += 1
            else:
                misses.append(f"date {g['html_file']}: {row.published_at} != {gd}")
            date_day += gd.date() == row.published_at.date()
    with_gold_date = sum(1 for g in gold if g.get("publishing_date"))
    print(f"pages: {n}; loaded as articles: {found}")
    print(f"titles: exact {title_exact}/{found}, normalized {title_norm}/{found}")
    print(
        f"dates: gold has {with_gold_date}; within 60 s {date_60s}, same day {date_day}, "
        f"extracted {has_date}"
    )
    print(f"language equals <html lang>: {lang_ok}/{found}")
    for line in misses[: args.show]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
