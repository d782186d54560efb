"""Tag real news text from the fundus-dev corpus and print what the normalizer finds.

    python evaluation/normalization/sample_fundus.py CORPUS [--n 10] [--lang en]

There is no gold standard for mentions in that corpus: this prints, per article, the title,
the main country and every distinct (kind, id, surface) with its count, for a person to
read and spot mistakes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from etl.extract import ExtractedArticle, extract_page
from etl.normalize import default_normalizer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--lang", default="en", help="html_lang_attr prefix to keep ('' = all)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    gold = [json.loads(line) for line in (args.corpus / "gold.jsonl").open(encoding="utf-8")]
    pool = [g for g in gold if (g.get("html_lang_attr") or "").startswith(args.lang)]
    random.Random(args.seed).shuffle(pool)
    norm = default_normalizer()
    totals: Counter[str] = Counter()
    for g in pool[: args.n]:
        art = extract_page(gzip.decompress((args.corpus / g["html_file"]).read_bytes()), g["url"])
        if not isinstance(art, ExtractedArticle):
            print(f"\n## {g['html_file']}: skipped ({art.reason})")
            continue
        res = norm.normalize(art.text, title=art.title, language=art.language)
        print(f"\n## {g['html_file']} [{art.language}] {art.title}")
        print(f"   main country: {res.main_country}")
        seen = Counter((m.kind, m.entity_id, m.surface) for m in res.mentions)
        for (kind, eid, surface), c in sorted(seen.items()):
            print(f"   {kind:8s} {eid:22s} {surface!r} x{c}")
            totals[kind] += c
    print(f"\nmentions: {dict(totals)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
