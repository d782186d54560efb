#!/usr/bin/env python
"""Score the country / mineral tagger against the hand-labelled evaluation set.

    python evaluation/normalization/evaluate.py [--sentences PATH] [--articles PATH]
        [--show-errors N] [--json] [--min-precision P] [--min-recall R] [--min-main-accuracy A]

Runs ``etl.normalize.default_normalizer().normalize(text, title=..., language=...)`` on every
item and compares *sets* of entities (not offsets):

* sentences.jsonl: for each sentence, the predicted country set and mineral set against the gold
  sets; micro precision / recall / F1 per kind over (sentence, entity) pairs, broken down by
  language and by tag, plus the sentences with the most errors.
* articles.jsonl: main-country accuracy (gold ``null`` is matched only by a ``None`` prediction),
  and the same set-level scores for countries and minerals over title + text.

Exit status: 0 normally; 2 when an input file is missing or the tagger cannot be imported;
1 when a ``--min-*`` threshold is given and not met (precision / recall thresholds apply to
both kinds, country and mineral, on sentences).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

KINDS = ("country", "mineral")
GOLD_FIELD = {"country": "countries", "mineral": "minerals"}


# ------------------------------------------------------------------------------------------
# Scoring helpers
# ------------------------------------------------------------------------------------------
@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], pred: set[str]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Prediction:
    sets: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    surfaces: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    main_country: str | None = None
    error: str | None = None


def norm_id(kind: str, value: Any) -> str | None:
    """Bring an entity id to the gold convention (ISO2 upper case; lower-case hyphenated slug)."""
    if value is None:
        return None
    for attr in ("entity_id", "id", "code", "slug"):  # tolerate an entity object
        if not isinstance(value, str | int) and hasattr(value, attr):
            value = getattr(value, attr)
            break
    text = str(value).strip()
    if not text:
        return None
    if kind == "country":
        return text.upper()
    return text.lower().replace("_", "-").replace(" ", "-")


def predict(normalizer: Any, text: str, title: str | None, language: str | None) -> Prediction:
    pred = Prediction()
    try:
        result = normalizer.normalize(text, title=title, language=language)
    except Exception as exc:  # one failing item must not stop the evaluation
        pred.error = f"{type(exc).__name__}: {exc}"
        return pred
    for m in getattr(result, "mentions", None) or []:
        kind = getattr(m, "kind", None)
        if kind not in KINDS:
            continue
        eid = norm_id(kind, getattr(m, "entity_id", None))
        if eid is None:
            continue
        pred.sets[kind].add(eid)
        surface = getattr(m, "surface", None)
        if surface:
            pred.surfaces.setdefault((kind, eid), []).append(str(surface))
    pred.main_country = norm_id("country", getattr(result, "main_country", None))
    return pred


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: invalid JSON: {exc}") from exc
    return rows


# ------------------------------------------------------------------------------------------
# Evaluation
# ------------------------------------------------------------------------------------------
def item_errors(item: dict[str, Any], pred: Prediction) -> dict[str, dict[str, list[str]]]:
    out = {}
    for kind in KINDS:
        gold = set(item.get(GOLD_FIELD[kind]) or [])
        got = pred.sets[kind]
        out[kind] = {"fp": sorted(got - gold), "fn": sorted(gold - got)}
    return out


def evaluate_sentences(items: list[dict[str, Any]], preds: list[Prediction]) -> dict[str, Any]:
    overall = {k: PRF() for k in KINDS}
    by_lang: dict[str, dict[str, PRF]] = defaultdict(lambda: {k: PRF() for k in KINDS})
    by_tag: dict[str, dict[str, PRF]] = defaultdict(lambda: {k: PRF() for k in KINDS})
    tag_items: Counter[str] = Counter()
    tag_wrong: Counter[str] = Counter()
    lang_items: Counter[str] = Counter()
    lang_exact: Counter[str] = Counter()
    errors = []
    for item, pred in zip(items, preds, strict=True):
        lang = item.get("lang", "?")
        tags = item.get("tags") or []
        lang_items[lang] += 1
        wrong = False
        for kind in KINDS:
            gold = set(item.get(GOLD_FIELD[kind]) or [])
            got = pred.sets[kind]
            overall[kind].add(gold, got)
            by_lang[lang][kind].add(gold, got)
            for tag in tags:
                by_tag[tag][kind].add(gold, got)
            wrong = wrong or gold != got
        for tag in tags:
            tag_items[tag] += 1
            tag_wrong[tag] += wrong
        if not wrong:
            lang_exact[lang] += 1
        errs = item_errors(item, pred)
        n_err = sum(len(v) for e in errs.values() for v in e.values())
        if n_err or pred.error:
            errors.append(_error_record(item, pred, errs, n_err))
    errors.sort(key=lambda e: (-e["n_errors"], e["id"]))
    return {
        "items": len(items),
        "exact_match": sum(lang_exact.values()),
        "overall": {k: v.as_dict() for k, v in overall.items()},
        "by_language": {
            lang: {
                "items": lang_items[lang],
                "exact_match": lang_exact[lang],
                **{k: v.as_dict() for k, v in kinds.items()},
            }
            for lang, kinds in sorted(by_lang.items())
        },
        "by_tag": {
            tag: {
                "items": tag_items[tag],
                "items_with_error": tag_wrong[tag],
                **{k: v.as_dict() for k, v in kinds.items()},
            }
            for tag, kinds in sorted(by_tag.items())
        },
        "errors": errors,
        "exceptions": sum(1 for p in preds if p.error),
    }


def evaluate_articles(items: list[dict[str, Any]], preds: list[Prediction]) -> dict[str, Any]:
    overall = {k: PRF() for k in KINDS}
    main_ok: Counter[str] = Counter()
    main_n: Counter[str] = Counter()
    null_n = null_ok = 0
    errors = []
    for item, pred in zip(items, preds, strict=True):
        lang = item.get("lang", "?")
        for kind in KINDS:
            overall[kind].add(set(item.get(GOLD_FIELD[kind]) or []), pred.sets[kind])
        gold_main = item.get("main_country")
        ok = pred.main_country == gold_main
        main_n[lang] += 1
        main_ok[lang] += ok
        if gold_main is None:
            null_n += 1
            null_ok += ok
        errs = item_errors(item, pred)
        n_err = sum(len(v) for e in errs.values() for v in e.values()) + (0 if ok else 1)
        if n_err or pred.error:
            rec = _error_record(item, pred, errs, n_err)
            rec["main_country"] = {"gold": gold_main, "predicted": pred.main_country, "ok": ok}
            errors.append(rec)
    # wrong main country first, then by number of set errors
    errors.sort(key=lambda e: (e["main_country"]["ok"], -e["n_errors"], e["id"]))
    total = sum(main_n.values())
    correct = sum(main_ok.values())
    return {
        "items": total,
        "main_country": {
            "correct": correct,
            "accuracy": round(correct / total, 4) if total else 1.0,
            "gold_null": {"items": null_n, "correct": null_ok},
            "by_language": {
                lang: {
                    "items": main_n[lang],
                    "correct": main_ok[lang],
                    "accuracy": round(main_ok[lang] / main_n[lang], 4),
                }
                for lang in sorted(main_n)
            },
        },
        "overall": {k: v.as_dict() for k, v in overall.items()},
        "errors": errors,
        "exceptions": sum(1 for p in preds if p.error),
    }


def _error_record(item: dict[str, Any], pred: Prediction, errs: dict, n_err: int) -> dict:
    rec: dict[str, Any] = {"id": item["id"], "lang": item.get("lang"), "n_errors": n_err}
    if item.get("title"):
        rec["title"] = item["title"]
    rec["text"] = item["text"]
    if item.get("tags"):
        rec["tags"] = item["tags"]
    for kind in KINDS:
        e = errs[kind]
        rec[kind] = {
            "gold": sorted(item.get(GOLD_FIELD[kind]) or []),
            "predicted": sorted(pred.sets[kind]),
            "fp": [
                {"id": i, "surfaces": sorted(set(pred.surfaces.get((kind, i), [])))}
                for i in e["fp"]
            ],
            "fn": e["fn"],
        }
    if pred.error:
        rec["exception"] = pred.error
    return rec


def unknown_ids(items: Iterable[dict[str, Any]], preds: Iterable[Prediction]) -> dict[str, list]:
    """Predicted ids that never occur in any gold label: usually a naming-convention mismatch."""
    items, preds = list(items), list(preds)
    known = {k: {e for it in items for e in it.get(GOLD_FIELD[k]) or []} for k in KINDS}
    seen: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for p in preds:
        for k in KINDS:
            seen[k].update(p.sets[k] - known[k])
    return {k: [f"{i} ({n})" for i, n in seen[k].most_common()] for k in KINDS}


# ------------------------------------------------------------------------------------------
# Output
# ------------------------------------------------------------------------------------------
def _fmt_prf(d: dict[str, Any]) -> str:
    return (
        f"P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}  "
        f"(tp {d['tp']}, fp {d['fp']}, fn {d['fn']})"
    )


def print_report(report: dict[str, Any], show_errors: int) -> None:
    s = report.get("sentences")
    if s:
        print(
            f"== Sentences: {s['items']} items, {s['exact_match']} fully correct "
            f"({s['exact_match'] / max(s['items'], 1):.1%})"
        )
        for kind in KINDS:
            print(f"  {kind:8s} {_fmt_prf(s['overall'][kind])}")
        print("\n-- by language")
        print(
            f"  {'lang':5s} {'items':>5s} {'exact':>6s}   {'country P/R/F1':^23s}   "
            f"{'mineral P/R/F1':^23s}"
        )
        for lang, d in s["by_language"].items():
            c, m = d["country"], d["mineral"]
            print(
                f"  {lang:5s} {d['items']:5d} {d['exact_match']:6d}   "
                f"{c['precision']:.3f} {c['recall']:.3f} {c['f1']:.3f}     "
                f"{m['precision']:.3f} {m['recall']:.3f} {m['f1']:.3f}"
            )
        print("\n-- by tag (sorted by share of items with an error)")
        print(f"  {'tag':22s} {'items':>5s} {'wrong':>5s}   country fp/fn   mineral fp/fn")
        tags = sorted(
            s["by_tag"].items(), key=lambda kv: (-kv[1]["items_with_error"] / kv[1]["items"], kv[0])
        )
        for tag, d in tags:
            print(
                f"  {tag:22s} {d['items']:5d} {d['items_with_error']:5d}   "
                f"{d['country']['fp']:5d}/{d['country']['fn']:<5d}    "
                f"{d['mineral']['fp']:5d}/{d['mineral']['fn']:<5d}"
            )
        if s["exceptions"]:
            print(f"\n  !! normalize() raised on {s['exceptions']} sentences")
    a = report.get("articles")
    if a:
        mc = a["main_country"]
        print(f"\n== Articles: {a['items']} items")
        print(
            f"  main country accuracy {mc['accuracy']:.3f} ({mc['correct']}/{a['items']}); "
            f"gold null matched {mc['gold_null']['correct']}/{mc['gold_null']['items']}"
        )
        for lang, d in mc["by_language"].items():
            print(f"    {lang:5s} {d['correct']:3d}/{d['items']:<3d} {d['accuracy']:.3f}")
        for kind in KINDS:
            print(f"  {kind:8s} {_fmt_prf(a['overall'][kind])}")
        if a["exceptions"]:
            print(f"\n  !! normalize() raised on {a['exceptions']} articles")
    unk = report.get("unknown_predicted_ids") or {}
    if any(unk.values()):
        print("\n-- predicted ids never used in the gold labels (naming convention?)")
        for kind in KINDS:
            if unk.get(kind):
                print(f"  {kind}: {', '.join(unk[kind][:30])}")
    if show_errors > 0:
        if s and s["errors"]:
            print(
                f"\n== Worst sentence errors ({min(show_errors, len(s['errors']))} "
                f"of {len(s['errors'])})"
            )
            for e in s["errors"][:show_errors]:
                _print_error(e)
        if a and a["errors"]:
            print(
                f"\n== Worst article errors ({min(show_errors, len(a['errors']))} "
                f"of {len(a['errors'])})"
            )
            for e in a["errors"][:show_errors]:
                _print_error(e)


def _print_error(e: dict[str, Any]) -> None:
    head = f"[{e['id']} {e['lang']}]"
    if e.get("title"):
        head += f" {e['title']} |"
    text = e["text"] if len(e["text"]) <= 300 else e["text"][:297] + "..."
    print(f"\n{head} {text}")
    if e.get("tags"):
        print(f"    tags: {', '.join(e['tags'])}")
    if "main_country" in e and not e["main_country"]["ok"]:
        print(
            f"    main_country: gold {e['main_country']['gold']}, "
            f"predicted {e['main_country']['predicted']}"
        )
    for kind in KINDS:
        k = e[kind]
        if not k["fp"] and not k["fn"]:
            continue
        fps = ", ".join(
            f"{x['id']}" + (f" <{'|'.join(x['surfaces'])}>" if x["surfaces"] else "")
            for x in k["fp"]
        )
        print(f"    {kind}: gold {k['gold']} predicted {k['predicted']}")
        if fps:
            print(f"      FP: {fps}")
        if k["fn"]:
            print(f"      FN: {', '.join(k['fn'])}")
    if e.get("exception"):
        print(f"    exception: {e['exception']}")


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sentences", type=Path, default=HERE / "sentences.jsonl")
    ap.add_argument("--articles", type=Path, default=HERE / "articles.jsonl")
    ap.add_argument(
        "--show-errors",
        type=int,
        default=15,
        metavar="N",
        help="print the N worst sentence and article errors (default 15; 0 = none)",
    )
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument(
        "--min-precision",
        type=float,
        default=None,
        help="exit 1 if sentence precision of either kind is below this",
    )
    ap.add_argument(
        "--min-recall",
        type=float,
        default=None,
        help="exit 1 if sentence recall of either kind is below this",
    )
    ap.add_argument(
        "--min-main-accuracy",
        type=float,
        default=None,
        help="exit 1 if article main-country accuracy is below this",
    )
    return ap.parse_args(argv)


def run(normalizer: Any, sentences: list[dict], articles: list[dict]) -> dict[str, Any]:
    t0 = time.perf_counter()
    s_preds = [predict(normalizer, it["text"], None, it.get("lang")) for it in sentences]
    a_preds = [predict(normalizer, it["text"], it.get("title"), it.get("lang")) for it in articles]
    elapsed = time.perf_counter() - t0
    report: dict[str, Any] = {}
    if sentences:
        report["sentences"] = evaluate_sentences(sentences, s_preds)
    if articles:
        report["articles"] = evaluate_articles(articles, a_preds)
    report["unknown_predicted_ids"] = unknown_ids(sentences + articles, s_preds + a_preds)
    report["seconds"] = round(elapsed, 3)
    return report


def check_thresholds(report: dict[str, Any], args: argparse.Namespace) -> list[str]:
    failures = []
    s, a = report.get("sentences"), report.get("articles")
    for name, attr in (("precision", args.min_precision), ("recall", args.min_recall)):
        if attr is None or not s:
            continue
        for kind in KINDS:
            value = s["overall"][kind][name]
            if value < attr:
                failures.append(f"sentence {kind} {name} {value:.3f} < {attr}")
    if args.min_main_accuracy is not None and a:
        value = a["main_country"]["accuracy"]
        if value < args.min_main_accuracy:
            failures.append(f"main-country accuracy {value:.3f} < {args.min_main_accuracy}")
    return failures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [str(p) for p in (args.sentences, args.articles) if not p.is_file()]
    if missing:
        print(f"error: missing input file(s): {', '.join(missing)}", file=sys.stderr)
        return 2
    sentences, articles = load_jsonl(args.sentences), load_jsonl(args.articles)
    try:
        from etl.normalize import default_normalizer
    except ImportError as exc:
        print(f"error: cannot import etl.normalize.default_normalizer: {exc}", file=sys.stderr)
        return 2
    report = run(default_normalizer(), sentences, articles)
    if args.json:
        out = dict(report)
        for part in ("sentences", "articles"):
            if part in out and args.show_errors >= 0:
                out[part] = {**out[part], "errors": out[part]["errors"][: args.show_errors]}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print_report(report, args.show_errors)
        print(f"\n({report['seconds']:.2f}s for {len(sentences) + len(articles)} items)")
    failures = check_thresholds(report, args)
    if failures:
        for f in failures:
            print(f"THRESHOLD FAILED: {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
