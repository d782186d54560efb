"""Build the labelled near-duplicate evaluation set from the hand-written sources.

    python evaluation/dedup/build_set.py

Reads ``source/*.yaml`` (all texts written for this set; outlets and people are fictional)
and writes, next to this file:

* ``articles.jsonl``  - one extracted article per line (id, source, url, title, text,
  published_at, lang), ids assigned in order of publication;
* ``families.jsonl``  - the ground truth behind the labels: the story every article belongs
  to, its family type, its role and the edits applied to it;
* ``pairs.jsonl``     - labelled pairs (same_story / different, with a kind).

The output is deterministic (fixed random seed), so re-running it reproduces the files.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).resolve().parent
SEED = 20250611
MIN_TOTAL_PAIRS = 410
MIN_RANDOM_PAIRS = 150

# name: (domain, timezone, url pattern)
OUTLETS = {
    "Meridian Wire": (
        "meridianwire.example",
        "Europe/London",
        "https://{d}/{section}/{slug}-{y}-{m}-{dd}/",
    ),
    "Continental Press Service": (
        "cps-news.example",
        "Europe/Brussels",
        "https://{d}/en/{section}/{n}-{slug}",
    ),
    "Ore & Alloy Daily": (
        "oreandalloy.example",
        "Europe/London",
        "https://{d}/news/{y}/{m}/{dd}/{slug}",
    ),
    "The Copper Ledger": (
        "copperledger.example",
        "America/Toronto",
        "https://{d}/markets/{slug}-{n}",
    ),
    "Minerva Markets": (
        "minervamarkets.example",
        "America/New_York",
        "https://{d}/articles/{n}/{slug}",
    ),
    "Northgate Business Times": (
        "northgatetimes.example",
        "America/New_York",
        "https://{d}/business/commodities/{y}{m}{dd}/{slug}.html",
    ),
    "Andes Mining Journal": (
        "andesmining.example",
        "America/Santiago",
        "https://{d}/{y}/{m}/{slug}/",
    ),
    "Perth Basin Post": (
        "perthbasinpost.example",
        "Australia/Perth",
        "https://{d}/business/{slug}-{n}",
    ),
    "Commodity Desk Asia": (
        "commoditydeskasia.example",
        "Asia/Singapore",
        "https://{d}/{section}/{slug}",
    ),
    "Energy Transition Monitor": (
        "etmonitor.example",
        "Europe/Berlin",
        "https://{d}/{y}/{m}/{dd}/{slug}/",
    ),
    "Metals Insight Weekly": (
        "metalsinsight.example",
        "Europe/London",
        "https://{d}/weekly/{y}/{m}/{slug}",
    ),
    "Copperbelt Courier": (
        "copperbeltcourier.example",
        "Africa/Lusaka",
        "https://{d}/news/{slug}-{n}",
    ),
    "Baltic Trade Gazette": (
        "baltictrade.example",
        "Europe/Riga",
        "https://{d}/{section}/{y}/{m}/{dd}/{slug}",
    ),
    "Pacific Resources Review": (
        "pacresources.example",
        "Australia/Sydney",
        "https://{d}/story/{n}/{slug}",
    ),
    "Rhein Industrie Kurier": (
        "rheinkurier.example",
        "Europe/Berlin",
        "https://{d}/wirtschaft/rohstoffe/{slug}-{n}.html",
    ),
    "El Observador Minero": (
        "observadorminero.example",
        "America/Lima",
        "https://{d}/noticias/{y}/{m}/{dd}/{slug}/",
    ),
    "Syrievoy Vestnik": (
        "syrievoy-vestnik.example",
        "Europe/Moscow",
        "https://{d}/news/{y}/{m}/{dd}/{n}-{slug}",
    ),
    "Nordic Energy Report": ("nordicenergy.example", "Europe/Oslo", "https://{d}/{section}/{slug}"),
    "Jakarta Resources Daily": (
        "jakartaresources.example",
        "Asia/Jakarta",
        "https://{d}/read/{n}/{slug}",
    ),
    "Brussels Trade Insider": (
        "tradeinsider.example",
        "Europe/Brussels",
        "https://{d}/{y}/{m}/{slug}/",
    ),
    "Highveld Mining Post": (
        "highveldpost.example",
        "Africa/Johannesburg",
        "https://{d}/mining/{slug}-{n}",
    ),
    "Arctic Resource Observer": (
        "arcticobserver.example",
        "America/Nuuk",
        "https://{d}/{y}/{m}/{dd}/{slug}",
    ),
}

# Outlet boilerplate that the extractor leaves in every article of that outlet.
OUTLET_FOOTER = {
    "Ore & Alloy Daily": (
        "Ore & Alloy Daily publishes wire copy from Meridian Wire under licence. Prices quoted "
        "are indicative and may differ from official settlement prices.\n\n"
        "Sign up for the Ore & Alloy morning briefing at oreandalloy.example/briefing and "
        "follow our live coverage of every LME session."
    ),
    "Metals Insight Weekly": (
        "Metals Insight Weekly is published every Friday. This newsletter is for information "
        "only and does not constitute investment advice.\n\n"
        "Forward this newsletter to a colleague, or subscribe at metalsinsight.example/subscribe."
    ),
}


def paragraphs(block: str | None) -> list[str]:
    if not block:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", block.strip()) if p.strip()]


def curly_quotes(text: str) -> str:
    text = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\[])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


_TRANSLIT = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ð": "d", "þ": "th"}
)


def slugify(title: str) -> str:
    t = unicodedata.normalize("NFKD", title.translate(_TRANSLIT))
    t = t.encode("ascii", "ignore").decode().lower()
    t = re.sub(r"^update \d+-", "", t)
    words = re.findall(r"[a-z0-9]+", t)
    return "-".join(words[:10])


def make_url(source: str, title: str, when: datetime, section: str, slug: str | None = None) -> str:
    domain, tz, pattern = OUTLETS[source]
    local = when.astimezone(ZoneInfo(tz))
    slug = slug or slugify(title)
    n = zlib.crc32(f"{source}|{slug}".encode()) % 900000 + 100000
    return pattern.format(
        d=domain,
        section=section,
        slug=slug,
        y=f"{local.year:04d}",
        m=f"{local.month:02d}",
        dd=f"{local.day:02d}",
        n=n,
    )


def local_iso(source: str, when: datetime) -> str:
    return when.astimezone(ZoneInfo(OUTLETS[source][1])).isoformat(timespec="seconds")


def parse_time(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def render(base: list[str], spec: dict) -> tuple[list[str], list[str]]:
    """Apply a copy's edits to the base paragraphs; return (paragraphs, edit flags)."""
    flags = []
    drop = set(spec.get("drop", []))
    replace = {int(k): paragraphs(v)[0] for k, v in (spec.get("replace") or {}).items()}
    insert = {int(k): paragraphs(v) for k, v in (spec.get("insert") or {}).items()}
    if spec.get("lead"):
        replace[0] = paragraphs(spec["lead"])[0]
        flags.append("lead_rewritten")
    if drop:
        flags.append("shortened")
    if insert:
        flags.append("paragraph_added")
    if replace and not spec.get("lead"):
        flags.append("paragraph_changed")
    body = list(insert.get(-1, []))
    for i, p in enumerate(base):
        if i not in drop:
            body.append(replace.get(i, p))
        body.extend(insert.get(i, []))
    subs = spec.get("subs") or []
    if subs:
        flags.append("copy_edited")
    out = []
    for p in body:
        for old, new in subs:
            p = p.replace(old, new)
        if spec.get("curly"):
            p = curly_quotes(p)
        out.append(p)
    if spec.get("curly"):
        flags.append("curly_quotes")
    return out, flags


def finish(source: str, pre: list[str], body: list[str], post: list[str], flags: list[str]):
    post = post + paragraphs(OUTLET_FOOTER.get(source))
    if pre or post:
        flags = [*flags, "boilerplate"]
    return "\n\n".join(pre + body + post), flags


def load_sources() -> list[dict]:
    families = []
    for path in sorted((HERE / "source").glob("*.yaml")):
        families.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    return families


def build_articles(families: list[dict]) -> list[dict]:
    arts = []

    def add(
        story, ftype, role, source, title, text, when, lang, section, flags, url=None, slug=None
    ):
        arts.append(
            {
                "story": story,
                "family_type": ftype,
                "role": role,
                "flags": flags,
                "source": source,
                "title": title,
                "text": text,
                "when": when,
                "lang": lang,
                "url": url or make_url(source, title, when, section, slug),
            }
        )

    seen_stories = set()
    for fam in families:
        story, ftype = fam["story"], fam["type"]
        assert story not in seen_stories, story
        seen_stories.add(story)
        section = fam.get("section", "news")
        lang = fam.get("lang", "en")
        base = paragraphs(fam.get("text"))
        t0 = parse_time(fam["time"])
        if ftype in ("wire", "embedded"):
            for c in fam["copies"]:
                body, flags = render(base, c)
                text, flags = finish(
                    c["source"], paragraphs(c.get("pre")), body, paragraphs(c.get("post")), flags
                )
                add(
                    story,
                    ftype,
                    "copy",
                    c["source"],
                    c["title"],
                    text,
                    t0 + timedelta(minutes=c.get("delay", 0)),
                    c.get("lang", lang),
                    section,
                    flags,
                )
            for c in fam.get("containers", []):
                wire, _ = render(base, c.get("wire_edits") or {})
                page = paragraphs(c["text"])
                i = page.index("{{WIRE}}")
                body = page[:i] + wire + page[i + 1 :]
                text, flags = finish(
                    c["source"],
                    paragraphs(c.get("pre")),
                    body,
                    paragraphs(c.get("post")),
                    ["contains_wire_item"],
                )
                add(
                    story,
                    ftype,
                    "container",
                    c["source"],
                    c["title"],
                    text,
                    t0 + timedelta(minutes=c.get("delay", 0)),
                    lang,
                    c.get("section", section),
                    flags,
                )
        elif ftype == "update":
            url = make_url(fam["source"], fam["versions"][0]["title"], t0, section)
            body = base
            for k, v in enumerate(fam["versions"]):
                flags = []
                if k:
                    body, flags = render(body, v)
                text, flags = finish(
                    fam["source"],
                    paragraphs(v.get("pre", fam.get("pre"))),
                    body,
                    paragraphs(v.get("post", fam.get("post"))),
                    flags,
                )
                add(
                    story,
                    ftype,
                    f"version{k + 1}",
                    fam["source"],
                    v["title"],
                    text,
                    t0 + timedelta(minutes=v.get("delay", 0)),
                    lang,
                    section,
                    flags,
                    url=url,
                )
        elif ftype == "single":
            text, flags = finish(
                fam["source"], paragraphs(fam.get("pre")), base, paragraphs(fam.get("post")), []
            )
            add(
                story,
                ftype,
                fam.get("role", "single"),
                fam["source"],
                fam["title"],
                text,
                t0,
                lang,
                section,
                flags,
                slug=fam.get("slug"),
            )
        else:
            raise ValueError(f"{story}: unknown type {ftype}")

    arts.sort(key=lambda a: (a["when"], a["story"], a["source"]))
    for i, a in enumerate(arts, 1):
        a["id"] = f"d{i:03d}"
        a["published_at"] = local_iso(a["source"], a["when"])
    urls = {}
    for a in arts:
        other = urls.setdefault(a["url"], a)
        same_update = other["story"] == a["story"] and a["family_type"] == "update"
        assert other is a or same_update, a["url"]
    return arts


# Hand-declared different-story pairs: (group A, group B, kind). A group is a story key,
# "story@Outlet" for one copy, "@Outlet" for all articles of an outlet, or a list of such;
# all cross-story pairs are labelled. With group B = None, all cross-story pairs inside A.
CONFOUNDERS = [
    # the same commodity, the same day, different reports
    ("W01", "W02", "same_topic"),  # Chile lithium tender vs Australian lithium closure
    ("W05", "W06", "same_topic"),  # EU graphite duties vs US tungsten/antimony tariffs
    ("W07", "S-PERU-SLIDE", "same_topic"),  # two mine accidents on the same day
    ("S-ALU-ICE", "S-ALU-KY", "same_topic"),
    ("S-COBALT-DRC", "S-COBALT-ZM", "same_topic"),
    ("S-POTASH-BY", "S-POTASH-CA", "same_topic"),
    ("S-STEEL-UK", "S-STEEL-MX", "same_topic"),
    ("S-PERMIT-ON", "S-PERMIT-QC", "same_topic"),
    # correction notice and follow-ups vs the original story
    ("W07", "C-W07-CORR", "same_topic"),
    ("W10", "F-W10-APPEAL", "same_topic"),
    ("W12", "F-W12-PRICES", "same_topic"),
    ("W05", "F-W05-CHINA", "same_topic"),
    # templated market reports and briefs (same template, different day / company)
    (["W03", "W04", "S-CU-DAY3"], None, "templated"),
    (["S-LME-D1", "S-LME-D2", "S-LME-D3"], None, "templated"),  # automated price report
    ("S-LME-D1", "W03", "same_topic"),  # same day, same closing prices, different report
    ("S-LME-D2", "W04", "same_topic"),
    ("S-LME-D3", "S-CU-DAY3", "same_topic"),
    ("W11", "S-GOLD-WEEK2", "templated"),
    (
        ["S-EARN-HALDEN", "S-EARN-RIDGEBACK", "S-EARN-TAMAR", "S-EARN-SOLANO", "S-EARN-KORU"],
        None,
        "templated",
    ),
    (["S-OIL-D1", "S-OIL-D2", "S-OIL-D3", "S-OIL-D4"], None, "templated"),
    ("E1@Metals Insight Weekly", "E3@Metals Insight Weekly", "templated"),  # two weekly roundups
    # different stories carrying the same long outlet footer: every pair of Ore & Alloy Daily
    # copies of different stories (the pair of copper reports is already listed above)
    ("@Ore & Alloy Daily", None, "templated"),
    # translations of a story are a different article
    ("W01", "T-W01-ES", "translation"),
    ("W08", "T-W08-DE", "translation"),
    ("S-POLAR-EN", "T-POLAR-RU", "translation"),
    ("S-RHINE-EN", "T-RHINE-DE", "translation"),
]


def resolve(group, arts) -> list[dict]:
    keys = group if isinstance(group, list) else [group]
    out = []
    for key in keys:
        story, _, source = key.partition("@")
        hit = [
            a
            for a in arts
            if (not story or a["story"] == story) and (not source or a["source"] == source)
        ]
        assert hit, f"no article for {key}"
        if story and source:
            assert len(hit) == 1, f"{key} is ambiguous"
        out.extend(hit)
    return out


SAME_KIND_PRIORITY = ["embedded", "update", "lead_rewritten", "shortened", "syndicated"]


def same_story_kind(a: dict, b: dict) -> str:
    if "container" in (a["role"], b["role"]):
        return "embedded"
    if a["family_type"] == "update":
        return "update"
    flags = set(a["flags"]) | set(b["flags"])
    if "lead_rewritten" in flags:
        return "lead_rewritten"
    if "shortened" in flags:
        return "shortened"
    return "syndicated"


def build_pairs(arts: list[dict]) -> list[dict]:
    pairs, seen = [], set()

    def add(a, b, label, kind, skip_seen=False):
        key = tuple(sorted((a["id"], b["id"])))
        assert a["id"] != b["id"]
        if skip_seen and key in seen:
            return
        assert key not in seen, (key, kind)
        seen.add(key)
        pairs.append({"a": key[0], "b": key[1], "label": label, "kind": kind})

    by_story = {}
    for a in arts:
        by_story.setdefault(a["story"], []).append(a)
    for members in by_story.values():
        for a, b in itertools.combinations(members, 2):
            add(a, b, "same_story", same_story_kind(a, b))
    for ga, gb, kind in CONFOUNDERS:
        if gb is None:  # all cross-story pairs inside one template group
            members = resolve(ga, arts)
            for a, b in itertools.combinations(members, 2):
                if a["story"] != b["story"]:
                    add(a, b, "different", kind, skip_seen=True)
        else:
            for a in resolve(ga, arts):
                for b in resolve(gb, arts):
                    assert a["story"] != b["story"]
                    add(a, b, "different", kind)
    rng = random.Random(SEED)
    n_random = max(MIN_RANDOM_PAIRS, MIN_TOTAL_PAIRS - len(pairs))
    ids = [a for a in arts]
    added = 0
    while added < n_random:
        a, b = rng.sample(ids, 2)
        key = tuple(sorted((a["id"], b["id"])))
        if a["story"] == b["story"] or key in seen:
            continue
        add(a, b, "different", "random")
        added += 1
    pairs.sort(key=lambda p: (p["label"] != "same_story", p["kind"], p["a"], p["b"]))
    return pairs


def main() -> None:
    arts = build_articles(load_sources())
    pairs = build_pairs(arts)
    public = ["id", "source", "url", "title", "text", "published_at", "lang"]
    with (HERE / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for a in arts:
            fh.write(json.dumps({k: a[k] for k in public}, ensure_ascii=False) + "\n")
    with (HERE / "families.jsonl").open("w", encoding="utf-8") as fh:
        for a in arts:
            rec = {
                "id": a["id"],
                "story": a["story"],
                "family_type": a["family_type"],
                "role": a["role"],
                "edits": a["flags"],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p) + "\n")
    print(f"{len(arts)} articles, {len(pairs)} pairs")


if __name__ == "__main__":
    main()
