#!/usr/bin/env python
"""Score the country / mineral tagger on the sample-archive articles (development set).

    python evaluation/normalization/evaluate_sample_archive.py [--archive DIR] [--errors] [--json]

Reads ``DIR/*/truth.jsonl`` (default ``examples/sample-archive``), extracts every page that
is an article and has a ``main_country`` key with :func:`etl.extract.extract_page`, runs
``default_normalizer().normalize(text, title=..., language=...)`` and reports main-country
accuracy (a gold ``null`` is matched only by ``None``) and micro P/R/F1 of the country and
mineral sets. These 38 pages are the *development* set for the tagger; the held-out test set
is ``articles.jsonl`` (see ``evaluate.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _items(archive: Path) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for truth in sorted(archive.glob("*/truth.jsonl")):
        for line in truth.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if not d.get("is_article", True) or "main_country" not in d:
                continue
            out.append((truth.parent / d["file"], d))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, default=REPO_ROOT / "examples" / "sample-archive")
    ap.add_argument("--errors", action="store_true", help="list every wrong item")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = ap.parse_args(argv)

    from etl.extract import Skip, extract_page
    from etl.normalize import default_normalizer

    norm = default_normalizer()
    items = _items(args.archive)
    if not items:
        print(f"no labelled articles under {args.archive}", file=sys.stderr)
        return 2
    main_ok = 0
    prf = {k: [0, 0, 0] for k in ("country", "mineral")}
    errors: list[str] = []
    for path, d in items:
        page = extract_page(path.read_bytes(), d.get("url") or "")
        if isinstance(page, Skip):  # scored as an empty prediction
            text, title, language = "", None, d.get("language")
        else:
            text, title, language = page.text or "", page.title, page.language
        res = norm.normalize(text, title=title, language=language)
        pred = {
            "country": set(res.country_counts),
            "mineral": set(res.mineral_counts),
        }
        gold = {"country": set(d.get("countries") or []), "mineral": set(d.get("minerals") or [])}
        msgs = []
        for k in prf:
            prf[k][0] += len(gold[k] & pred[k])
            prf[k][1] += len(pred[k] - gold[k])
            prf[k][2] += len(gold[k] - pred[k])
            if gold[k] != pred[k]:
                msgs.append(
                    f"    {k}: FP {sorted(pred[k] - gold[k])} FN {sorted(gold[k] - pred[k])}"
                )
        ok = res.main_country == d["main_country"]
        main_ok += ok
        if not ok:
            msgs.insert(0, f"    main: gold {d['main_country']} predicted {res.main_country}")
        if msgs:
            errors.append(f"[{d['file']}] {title}\n" + "\n".join(msgs))

    def scores(tp: int, fp: int, fn: int) -> dict[str, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}

    report: dict[str, Any] = {
        "articles": len(items),
        "main_country_accuracy": round(main_ok / len(items), 3),
        "main_country_correct": main_ok,
        **{k: {**scores(*v), "tp": v[0], "fp": v[1], "fn": v[2]} for k, v in prf.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"== Sample archive: {len(items)} articles")
        print(
            f"  main country accuracy {report['main_country_accuracy']:.3f} "
            f"({main_ok}/{len(items)})"
        )
        for k in prf:
            s = report[k]
            print(
                f"  {k:8} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
                f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"
            )
        if args.errors:
            print()
            print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
