"""Validate the near-duplicate evaluation set and print its counts.

    python evaluation/dedup/check_set.py [DIR]

Checks that every line of articles.jsonl, families.jsonl and pairs.jsonl parses, that ids are
unique and every referenced id exists, that no pair appears twice (in either order), and that
labels agree with the ground-truth families: a pair is ``same_story`` exactly when both
articles belong to the same story, every pair of articles of one story is labelled, and each
kind matches what the families say (update = same outlet and URL, embedded = one side is the
longer page, translation = different languages, ...). Exits 1 on any error.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ARTICLE_KEYS = {"id", "source", "url", "title", "text", "published_at", "lang"}
PAIR_KEYS = {"a", "b", "label", "kind"}
SAME_KINDS = {"syndicated", "shortened", "lead_rewritten", "embedded", "update"}
DIFF_KINDS = {"translation", "same_topic", "templated", "random"}
LANGS = {"en", "de", "es", "ru"}
FAMILY_TYPES = {"wire", "embedded", "update", "single"}

errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            err(f"{path.name}:{n}: blank line")
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{path.name}:{n}: invalid JSON ({e})")
    return rows


def words(text: str) -> int:
    return len(text.split())


def check_articles(arts: list[dict]) -> dict[str, dict]:
    by_id = {}
    for a in arts:
        aid = a.get("id", "?")
        if set(a) != ARTICLE_KEYS:
            err(f"{aid}: keys {sorted(set(a) ^ ARTICLE_KEYS)} missing or unexpected")
            continue
        if not re.fullmatch(r"d\d{3}", aid):
            err(f"{aid}: id is not dNNN")
        if aid in by_id:
            err(f"{aid}: duplicate id")
        by_id[aid] = a
        if not re.fullmatch(r"https://[a-z0-9-]+\.example/\S+", a["url"]):
            err(f"{aid}: url {a['url']!r} is not https://<outlet>.example/...")
        try:
            ts = datetime.fromisoformat(a["published_at"])
            if ts.tzinfo is None:
                err(f"{aid}: published_at has no time zone")
        except ValueError:
            err(f"{aid}: published_at {a['published_at']!r} is not ISO 8601")
        if a["lang"] not in LANGS:
            err(f"{aid}: lang {a['lang']!r}")
        for field in ("source", "title", "text"):
            if not a[field].strip() or a[field] != a[field].strip():
                err(f"{aid}: {field} empty or not stripped")
        paras = a["text"].split("\n\n")
        if any(not p.strip() or "\n" in p for p in paras):
            err(f"{aid}: text is not plain paragraphs separated by single blank lines")
    return by_id


def check_languages(by_id: dict[str, dict]) -> None:
    try:
        from langdetect import DetectorFactory, detect
    except ImportError:
        warnings.append("langdetect not installed: declared languages not cross-checked")
        return
    DetectorFactory.seed = 0
    for aid, a in by_id.items():
        got = detect(a["text"])
        if got != a["lang"]:
            err(f"{aid}: lang is {a['lang']!r} but the text reads as {got!r}")


def check_families(fams: list[dict], by_id: dict[str, dict]) -> dict[str, dict]:
    fam = {}
    for f in fams:
        if f.get("id") not in by_id:
            err(f"families: unknown id {f.get('id')}")
            continue
        if f["id"] in fam:
            err(f"families: {f['id']} listed twice")
        if f.get("family_type") not in FAMILY_TYPES or not f.get("story"):
            err(f"families: {f['id']} has no story or a bad family_type")
        fam[f["id"]] = f
    for aid in by_id.keys() - fam.keys():
        err(f"families: {aid} has no family entry")
    stories = defaultdict(list)
    for f in fam.values():
        stories[f["story"]].append(f["id"])
    for story, ids in stories.items():
        types = {fam[i]["family_type"] for i in ids}
        if len(types) != 1:
            err(f"story {story}: mixed family types {types}")
        ftype = types.pop()
        if ftype == "single" and len(ids) != 1:
            err(f"story {story}: a single-article story has {len(ids)} articles")
        if ftype in ("wire", "update") and len(ids) < 2:
            err(f"story {story}: {ftype} story with fewer than two articles")
        if ftype == "update":
            arts = sorted((by_id[i] for i in ids), key=lambda a: a["published_at"])
            if len({a["url"] for a in arts}) != 1 or len({a["source"] for a in arts}) != 1:
                err(f"story {story}: update versions differ in outlet or URL")
            if len({a["title"] for a in arts}) != len(arts):
                err(f"story {story}: update versions share a headline")
        if ftype == "embedded":
            pages = [i for i in ids if fam[i]["role"] == "container"]
            copies = [i for i in ids if fam[i]["role"] == "copy"]
            if len(pages) != 1 or not copies:
                err(f"story {story}: needs one container page and at least one copy")
                continue
            page = by_id[pages[0]]["text"]
            for c in copies:
                body = by_id[c]["text"].split("\n\n")
                inside = sum(p in page for p in body)
                if inside < len(body) - 2 or inside < 3:
                    err(f"story {story}: {c} is not contained in {pages[0]} ({inside}/{len(body)})")
                if not 120 <= words(by_id[c]["text"]) <= 220:
                    warnings.append(f"{c}: embedded wire item has {words(by_id[c]['text'])} words")
            if words(page) < 800:
                warnings.append(f"{pages[0]}: container page has only {words(page)} words")
    urls = Counter(a["url"] for a in by_id.values())
    for url, n in urls.items():
        if n > 1:
            ids = [i for i, a in by_id.items() if a["url"] == url]
            types = {fam[i]["family_type"] for i in ids}
            if types != {"update"} or len({fam[i]["story"] for i in ids}) != 1:
                err(f"url {url} is shared by {ids}, which are not versions of one update")
    return fam


def check_pairs(pairs: list[dict], by_id: dict[str, dict], fam: dict[str, dict]) -> None:
    seen = set()
    for n, p in enumerate(pairs, 1):
        where = f"pairs:{n}"
        if set(p) != PAIR_KEYS:
            err(f"{where}: keys {sorted(set(p) ^ PAIR_KEYS)} missing or unexpected")
            continue
        a, b, label, kind = p["a"], p["b"], p["label"], p["kind"]
        if a not in by_id or b not in by_id:
            err(f"{where}: unknown id in {a}-{b}")
            continue
        if a == b:
            err(f"{where}: self pair {a}")
        key = frozenset((a, b))
        if key in seen:
            err(f"{where}: duplicate pair {a}-{b}")
        seen.add(key)
        if label not in ("same_story", "different"):
            err(f"{where}: label {label!r}")
            continue
        if kind not in (SAME_KINDS if label == "same_story" else DIFF_KINDS):
            err(f"{where}: kind {kind!r} is not a {label} kind")
        fa, fb = fam.get(a), fam.get(b)
        if not fa or not fb:
            continue
        same = fa["story"] == fb["story"]
        if same != (label == "same_story"):
            err(f"{where}: {a}-{b} labelled {label} but stories are {fa['story']} / {fb['story']}")
            continue
        roles = {fa["role"], fb["role"]}
        edits = set(fa["edits"]) | set(fb["edits"])
        A, B = by_id[a], by_id[b]
        if kind == "update" and not (
            fa["family_type"] == "update" and A["url"] == B["url"] and A["source"] == B["source"]
        ):
            err(f"{where}: update pair {a}-{b} is not two versions at one URL")
        if kind == "embedded" and "container" not in roles:
            err(f"{where}: embedded pair {a}-{b} has no container page")
        if kind in ("syndicated", "shortened", "lead_rewritten") and (
            "container" in roles or fa["family_type"] == "update"
        ):
            err(f"{where}: {kind} pair {a}-{b} involves an update or a container page")
        if kind == "shortened" and "shortened" not in edits:
            err(f"{where}: shortened pair {a}-{b} but neither copy was cut")
        if kind == "lead_rewritten" and "lead_rewritten" not in edits:
            err(f"{where}: lead_rewritten pair {a}-{b} but no lead was rewritten")
        if kind == "syndicated" and edits & {"shortened", "lead_rewritten"}:
            err(f"{where}: syndicated pair {a}-{b} should be kind shortened/lead_rewritten")
        if kind == "translation" and (A["lang"] == B["lang"] or "translation" not in roles):
            err(f"{where}: translation pair {a}-{b} is not a translation into another language")
        if (
            kind != "translation"
            and "translation" in roles
            and label == "different"
            and kind != "random"
        ):
            warnings.append(f"{where}: translation article in a {kind} pair")
    stories = defaultdict(list)
    for f in fam.values():
        stories[f["story"]].append(f["id"])
    for story, ids in stories.items():
        for a, b in itertools.combinations(sorted(ids), 2):
            if frozenset((a, b)) not in seen:
                err(f"story {story}: pair {a}-{b} is not labelled")


def main() -> int:
    here = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    arts = load(here / "articles.jsonl")
    fams = load(here / "families.jsonl")
    pairs = load(here / "pairs.jsonl")
    by_id = check_articles(arts)
    check_languages(by_id)
    fam = check_families(fams, by_id)
    check_pairs(pairs, by_id, fam)

    print(
        f"articles: {len(arts)}  stories: {len({f['story'] for f in fam.values()})}  "
        f"pairs: {len(pairs)}"
    )
    types = Counter(f["family_type"] for f in fam.values())
    print("articles per family type:", dict(sorted(types.items())))
    print("articles per language:   ", dict(sorted(Counter(a["lang"] for a in arts).items())))
    print("pairs per label:         ", dict(sorted(Counter(p["label"] for p in pairs).items())))
    print("pairs per kind:")
    for (label, kind), n in sorted(Counter((p["label"], p["kind"]) for p in pairs).items()):
        print(f"  {label:<11} {kind:<15} {n:>4}")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
