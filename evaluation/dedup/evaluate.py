#!/usr/bin/env python
"""Precision and recall of the "same story" decision on the labelled pairs.

    python evaluation/dedup/evaluate.py [--json] [--sweep] [--show-errors N]
        [--min-precision P] [--min-recall R]

Runs ``etl.dedup.same_story`` — the function the loader calls for every candidate pair — on
each pair of ``pairs.jsonl``, with the articles as the loader sees them: normalized URL, outlet
(the URL's domain), title, publication time, language and text. Reports:

* the thresholds in force (``etl.dedup.DEFAULT_THRESHOLDS``);
* precision, recall and F1 of ``same_story`` over all pairs, and per kind: recall for the
  same-story kinds, false-positive rate for the different kinds, and which rule decided;
* candidate recall: how many same-story pairs the PostgreSQL candidate index would surface
  (shared MOD-16 samples passing ``candidate_ok``, or the same content hash, URL or outlet +
  title); a pair the index never proposes cannot be linked by the loader;
* clusters: the linking rule of ``etl.clusters`` applied to all 126 articles in story order
  (candidates from the samples, then ``same_story``), scored as pairwise precision / recall of
  "in the same cluster" against the labelled pairs and against every pair of articles
  (``families.jsonl``);
* with ``--sweep``, precision / recall for a range of ``cross_source`` thresholds.

Exit status: 0 normally; 2 when an input file is missing; 1 when ``--min-precision`` or
``--min-recall`` is given and the pair-level score is below it.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from etl.clusters import link_in_order, story_key
from etl.dedup import (
    DEFAULT_THRESHOLDS,
    StoryDoc,
    Thresholds,
    candidate_ok,
    same_story,
    sample_shingles,
    title_key,
)
from etl.urls import domain_of, normalize_url

SAME_KINDS = ("syndicated", "shortened", "lead_rewritten", "embedded", "update")
DIFF_KINDS = ("translation", "same_topic", "templated", "random")


def load(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def docs_of(articles: list[dict[str, Any]]) -> dict[str, StoryDoc]:
    """Articles as the loader sees them."""
    out = {}
    for a in articles:
        url = normalize_url(a["url"])
        out[a["id"]] = StoryDoc(
            a["text"],
            url=url,
            title=a["title"],
            source=domain_of(url),
            published_at=datetime.fromisoformat(a["published_at"]),
            language=a["lang"],
        )
    return out


@dataclasses.dataclass
class PRF:
    """Counts of a binary decision."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

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
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score_pairs(
    pairs: list[dict[str, Any]], docs: dict[str, StoryDoc], t: Thresholds
) -> tuple[PRF, dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Run same_story on every pair; overall counts, per-kind report and the errors."""
    total = PRF()
    kinds: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"pairs": 0, "correct": 0, "rules": Counter()}
    )
    errors = []
    for p in pairs:
        gold = p["label"] == "same_story"
        d = same_story(docs[p["a"]], docs[p["b"]], t)
        total.add(gold, d.same)
        k = kinds[p["kind"]]
        k["pairs"] += 1
        k["correct"] += int(gold == d.same)
        k["rules"][d.rule] += 1
        if gold != d.same:
            errors.append({**p, "rule": d.rule, "coverage": d.coverage})
    return total, dict(kinds), errors


def candidate_recall(
    pairs: list[dict[str, Any]], docs: dict[str, StoryDoc], t: Thresholds
) -> dict[str, Any]:
    """Same-story pairs the candidate index would propose (either direction)."""
    samples = {i: sample_shingles(d.words, t) for i, d in docs.items()}
    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for p in pairs:
        if p["label"] != "same_story":
            continue
        a, b = docs[p["a"]], docs[p["b"]]
        sa, sb = set(samples[p["a"]]), set(samples[p["b"]])
        ok = (
            a.url == b.url
            or a.sha == b.sha
            or candidate_ok(len(sa & sb), len(sa), len(sb), t)
            or (
                a.source == b.source
                and title_key(a.title) is not None
                and title_key(a.title) == title_key(b.title)
            )
        )
        total[p["kind"]] += 1
        hit[p["kind"]] += int(ok)
    n = sum(total.values())
    return {
        "found": sum(hit.values()),
        "pairs": n,
        "recall": round(sum(hit.values()) / n, 4) if n else 1.0,
        "by_kind": {k: f"{hit[k]}/{total[k]}" for k in total},
        "samples_per_article": {
            "min": min(len(s) for s in samples.values()),
            "median": sorted(len(s) for s in samples.values())[len(samples) // 2],
            "max": max(len(s) for s in samples.values()),
        },
    }


def cluster_articles(docs: dict[str, StoryDoc], t: Thresholds) -> dict[str, str]:
    """The linking rule of etl.clusters on all articles: article id -> first article id."""
    ids = sorted(docs, key=lambda i: story_key(docs[i].published_at, docs[i].url or ""))
    samples = [set(sample_shingles(docs[i].words, t)) for i in ids]

    def similar(i: int) -> Any:
        me = docs[ids[i]]
        for j in range(i):  # earliest first; link_in_order only needs the first match
            other = docs[ids[j]]
            shared = len(samples[i] & samples[j])
            if not (
                me.url == other.url
                or me.sha == other.sha
                or candidate_ok(shared, len(samples[i]), len(samples[j]), t)
                or (
                    me.source == other.source
                    and title_key(me.title) is not None
                    and title_key(me.title) == title_key(other.title)
                )
            ):
                continue
            if same_story(me, other, t):
                yield j
                return

    roots = link_in_order(len(ids), similar)
    return {ids[i]: ids[r] for i, r in enumerate(roots)}


def score_clusters(
    clusters: dict[str, str],
    pairs: list[dict[str, Any]],
    families: list[dict[str, Any]],
) -> dict[str, Any]:
    """Pairwise precision / recall of cluster co-membership."""
    on_pairs = PRF()
    for p in pairs:
        on_pairs.add(p["label"] == "same_story", clusters[p["a"]] == clusters[p["b"]])
    story = {f["id"]: f["story"] for f in families}
    all_pairs = PRF()
    for a, b in itertools.combinations(sorted(clusters), 2):
        all_pairs.add(story[a] == story[b], clusters[a] == clusters[b])
    sizes = Counter(Counter(clusters.values()).values())
    return {
        "labelled_pairs": on_pairs.as_dict(),
        "all_pairs": all_pairs.as_dict(),
        "clusters": len(set(clusters.values())),
        "stories": len(set(story.values())),
        "cluster_sizes": dict(sorted(sizes.items())),
    }


def sweep(
    pairs: list[dict[str, Any]], docs: dict[str, StoryDoc], t: Thresholds
) -> list[dict[str, Any]]:
    """Precision / recall as the cross-source threshold moves."""
    out = []
    for thr in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        tt = dataclasses.replace(t, cross_source=thr)
        prf, _, _ = score_pairs(pairs, docs, tt)
        out.append({"cross_source": thr, **prf.as_dict()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=Path, default=HERE / "articles.jsonl")
    ap.add_argument("--pairs", type=Path, default=HERE / "pairs.jsonl")
    ap.add_argument("--families", type=Path, default=HERE / "families.jsonl")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--sweep", action="store_true", help="also sweep the cross-source threshold")
    ap.add_argument("--show-errors", type=int, default=20, metavar="N")
    ap.add_argument("--min-precision", type=float)
    ap.add_argument("--min-recall", type=float)
    args = ap.parse_args(argv)
    for path in (args.articles, args.pairs, args.families):
        if not path.exists():
            print(f"missing input: {path}", file=sys.stderr)
            return 2
    t = DEFAULT_THRESHOLDS
    started = time.monotonic()
    articles, pairs, families = load(args.articles), load(args.pairs), load(args.families)
    docs = docs_of(articles)
    prf, kinds, errors = score_pairs(pairs, docs, t)
    seconds = time.monotonic() - started
    report: dict[str, Any] = {
        "thresholds": dataclasses.asdict(t),
        "articles": len(articles),
        "pairs": len(pairs),
        "same_story": prf.as_dict(),
        "by_kind": {
            k: {
                "pairs": v["pairs"],
                ("recall" if k in SAME_KINDS else "false_positive_rate"): round(
                    (v["correct"] if k in SAME_KINDS else v["pairs"] - v["correct"]) / v["pairs"],
                    4,
                ),
                "rules": dict(v["rules"]),
            }
            for k, v in sorted(kinds.items(), key=lambda kv: (kv[0] not in SAME_KINDS, kv[0]))
        },
        "errors": errors[: args.show_errors],
        "candidates": candidate_recall(pairs, docs, t),
        "clusters": score_clusters(cluster_articles(docs, t), pairs, families),
        "seconds": round(seconds, 2),
    }
    # Updates are decided by their shared URL; how would the content decide them? Once as
    # if from two outlets, once as a re-post by the same outlet at a new URL (stricter
    # threshold, plus the title rule).
    updates = [p for p in pairs if p["kind"] == "update"]

    def without_url(d: StoryDoc, same_outlet: bool) -> StoryDoc:
        return StoryDoc(
            d.text,
            title=d.title,
            source=d.source if same_outlet else None,
            published_at=d.published_at,
            language=d.language,
        )

    def linked(same_outlet: bool) -> str:
        n = sum(
            bool(
                same_story(
                    without_url(docs[p["a"]], same_outlet),
                    without_url(docs[p["b"]], same_outlet),
                    t,
                )
            )
            for p in updates
        )
        return f"{n}/{len(updates)}"

    report["update_pairs_without_url"] = {
        "as_two_outlets": linked(False),
        "same_outlet_new_url": linked(True),
    }
    if args.sweep:
        report["sweep"] = sweep(pairs, docs, t)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)
    failed = (args.min_precision is not None and prf.precision < args.min_precision) or (
        args.min_recall is not None and prf.recall < args.min_recall
    )
    return 1 if failed else 0


def print_report(r: dict[str, Any]) -> None:
    """Human-readable report."""
    t = r["thresholds"]
    print(f"Same-story decision on {r['pairs']} labelled pairs over {r['articles']} articles")
    print(
        "thresholds: aligned coverage (blocks >= {min_block} words) >= {cross_source} across "
        "outlets, >= {same_source} within one outlet, >= {min_aligned_words} shared words; "
        "title rule: same outlet + title key, <= {title_days} days, coverage >= "
        "{title_coverage}; candidates: 1/{sample_mod} of {shingle}-shingles, shared >= "
        "{candidate_min_shared} and >= {candidate_min_ratio} of the smaller sample".format(**t)
    )
    s = r["same_story"]
    print(
        f"\nprecision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
        f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, tn {s['tn']})"
    )
    print(f"\n{'kind':<16}{'pairs':>6}  {'score':<28}rules")
    for kind, k in r["by_kind"].items():
        metric = "recall" if "recall" in k else "false_positive_rate"
        label = f"{'recall' if metric == 'recall' else 'false positives'} {k[metric]:.3f}"
        rules = ", ".join(f"{n} {c}" for n, c in sorted(k["rules"].items()))
        print(f"{kind:<16}{k['pairs']:>6}  {label:<28}{rules}")
    u = r["update_pairs_without_url"]
    print(
        f"\nupdate pairs without their shared URL: {u['as_two_outlets']} as copies from two "
        f"outlets, {u['same_outlet_new_url']} as a same-outlet re-post at a new URL"
    )
    c = r["candidates"]
    print(
        f"candidate recall (index would propose the pair): {c['found']}/{c['pairs']} "
        f"= {c['recall']:.4f}  by kind {c['by_kind']}; "
        f"samples per article {c['samples_per_article']}"
    )
    cl = r["clusters"]
    lp, ap = cl["labelled_pairs"], cl["all_pairs"]
    print(
        f"clusters (linking rule over all articles): {cl['clusters']} clusters for "
        f"{cl['stories']} true stories; sizes {cl['cluster_sizes']}"
    )
    print(
        f"  labelled pairs: precision {lp['precision']:.4f} recall {lp['recall']:.4f}; "
        f"all {r['articles'] * (r['articles'] - 1) // 2} pairs: precision {ap['precision']:.4f} "
        f"recall {ap['recall']:.4f}"
    )
    if r.get("sweep"):
        print("\ncross_source  precision  recall")
        for row in r["sweep"]:
            print(f"{row['cross_source']:>12}  {row['precision']:>9.4f}  {row['recall']:>6.4f}")
    if r["errors"]:
        print("\nerrors:")
        for e in r["errors"]:
            print(
                f"  {e['a']} {e['b']} {e['label']}/{e['kind']}: rule {e['rule']} "
                f"coverage {e['coverage']}"
            )
    print(f"\n({r['seconds']} s for the pairs)")


if __name__ == "__main__":
    sys.exit(main())
