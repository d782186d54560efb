#!/usr/bin/env python
"""Main-country accuracy on real news pages: the fundus-dev corpus (held-out test).

    python evaluation/normalization/evaluate_fundus.py ../shared/corpus/fundus-dev [--json]

``fundus_main_country.jsonl`` (next to this script) holds a main-country label for each of
the 125 fundus-dev pages, written by a helper who never saw the tagger. Only labels are
stored here (file name, language, ISO code, confidence, a category of our own words); the
pages and their text stay in the corpus, whose path is the first argument.

For each page the tagger gets the corpus's gold title and body text (Fundus's reviewed
extraction, so extraction errors do not count against the tagger) and the labelled
language. A label is either a country referred to in the page (``main_country``), or null:
a page with no single country focus, or whose focus is only implied by places that are not
countries or capitals (``implied``). Reports accuracy overall, on high-confidence labels,
on pages in the languages the gazetteer covers, and the CLIFF-style "most mentioned
country" baseline on the same pages, and on two fixed halves (:func:`half_of`): the
``dev`` half's errors were read to find general rules, the ``test`` half is held out.
``--errors`` lists the dev half's misses only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

LABELS = HERE / "fundus_main_country.jsonl"
# languages with curated aliases, demonyms and capitals in seeds/ (others: ISO names only)
COVERED = {"en", "de", "fr", "es", "ru", "uk", "be", "zh", "pt", "it", "pl"}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def most_mentioned(result: Any) -> str | None:
    """The baseline: the country with the most mentions (ties: the earliest mentioned)."""
    counts: Counter[str] = Counter(result.country_counts)
    if not counts:
        return None
    first: dict[str, int] = {}
    for i, m in enumerate(result.mentions):
        if m.kind == "country":
            first.setdefault(m.entity_id, i)
    return min(counts, key=lambda c: (-counts[c], first.get(c, 0)))


def half_of(html_file: str) -> str:
    """The fixed split of the pages: ``dev`` (errors may be read, about 55 pages) or
    ``test`` (aggregate only, about 70), by a hash of the file name."""
    return "dev" if int(hashlib.sha1(html_file.encode()).hexdigest(), 16) % 2 == 0 else "test"


def _acc(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    n = len(rows)
    ok = sum(1 for r in rows if r[key] == r["gold"])
    return {"n": n, "correct": ok, "accuracy": round(ok / n, 3) if n else None}


def evaluate(corpus: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from etl.normalize import default_normalizer

    gold = {d["html_file"]: d for d in _read_jsonl(corpus / "gold.jsonl")}
    labels = _read_jsonl(LABELS)
    missing = [x["html_file"] for x in labels if x["html_file"] not in gold]
    if missing:
        raise SystemExit(f"{len(missing)} labelled pages not in {corpus}/gold.jsonl: {missing[:3]}")
    norm = default_normalizer()
    rows = []
    for lab in labels:
        page = gold[lab["html_file"]]
        res = norm.normalize(page["body_text"], title=page["title"], language=lab["lang"])
        rows.append(
            {
                "html_file": lab["html_file"],
                "lang": lab["lang"],
                "confidence": lab["confidence"],
                "gold": lab["main_country"],
                "implied": lab.get("implied"),
                "pred": res.main_country,
                "baseline": most_mentioned(res),
            }
        )
    subsets = {
        "all": rows,
        "high_confidence": [r for r in rows if r["confidence"] == "high"],
        "covered_languages": [r for r in rows if r["lang"] in COVERED],
        "gold_country": [r for r in rows if r["gold"] is not None],
        "gold_null": [r for r in rows if r["gold"] is None],
        "dev_half": [r for r in rows if half_of(r["html_file"]) == "dev"],
        "test_half": [r for r in rows if half_of(r["html_file"]) == "test"],
    }
    report: dict[str, Any] = {
        name: {"tagger": _acc(sub, "pred"), "most_mentioned": _acc(sub, "baseline")}
        for name, sub in subsets.items()
    }
    wrong = [r for r in rows if r["pred"] != r["gold"]]
    report["errors_by_kind"] = dict(
        Counter(
            "predicted none"
            if r["pred"] is None
            else "predicted a country for a null label"
            if r["gold"] is None
            else "other country"
            for r in wrong
        )
    )
    return report, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="the fundus-dev folder (with gold.jsonl)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--errors", action="store_true", help="list the dev half's misses")
    args = ap.parse_args(argv)
    if not (args.corpus / "gold.jsonl").is_file():
        print(f"no gold.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    report, rows = evaluate(args.corpus)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{'subset':<20} {'n':>4} {'tagger':>8} {'most mentioned':>15}")
        for name, r in report.items():
            if name == "errors_by_kind":
                continue
            t, b = r["tagger"], r["most_mentioned"]
            print(f"{name:<20} {t['n']:>4} {t['accuracy']!s:>8} {b['accuracy']!s:>15}")
        print("errors:", ", ".join(f"{k} {v}" for k, v in report["errors_by_kind"].items()))
    if args.errors:
        for r in rows:
            if r["pred"] != r["gold"] and half_of(r["html_file"]) == "dev":
                print(f"  {r['html_file']}: gold {r['gold']} pred {r['pred']} ({r['confidence']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
