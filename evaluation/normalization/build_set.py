"""Validate the hand-written sources and write the evaluation files.

    python evaluation/normalization/build_set.py

Reads ``source_sentences.py`` and ``source_articles.py`` (all texts written for this set) and
writes, next to this file, ``sentences.jsonl`` and ``articles.jsonl``. Ids are assigned in
source order; label lists are sorted and de-duplicated. The script fails loudly on an unknown
ISO code, mineral slug or tag, a duplicate text, or an empty text, so a typo in a label cannot
slip into the set. Output is deterministic.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from source_articles import ARTICLES
from source_sentences import SENTENCES

LANGS = {"en", "de", "ru", "uk", "es", "fr", "zh"}

MINERALS = set(
    """
    lithium cobalt nickel copper zinc lead tin gold silver platinum palladium rhodium iridium
    ruthenium osmium platinum-group-metals rare-earth-elements
    lanthanum cerium praseodymium neodymium promethium samarium europium gadolinium terbium
    dysprosium holmium erbium thulium ytterbium lutetium yttrium scandium
    graphite manganese chromium tungsten vanadium titanium zirconium niobium tantalum gallium
    germanium indium antimony bismuth tellurium beryllium magnesium molybdenum uranium iron-ore
    bauxite aluminum potash phosphate phosphorus fluorspar barite helium silicon boron crude-oil
    natural-gas coal coking-coal
    """.split()  # noqa: SIM905
)

TAGS = {
    # countries
    "country-name": "plain country name (incl. other languages)",
    "short-form": "short form: U.S., UK, Britain, UAE, DRC, PRC, США, EE.UU., Holland",
    "demonym": "adjective / demonym: Chinese, Belarusian, Emirati, Kazakh, Aussie",
    "capital-metonym": "capital standing for its government: Beijing, Washington, Kyiv",
    "capital": "capital city as a place (counts as its country)",
    "former-name": "former or dated name: Burma, Swaziland, Zaire, Weißrussland",
    "inflected": "inflected form: Китая, Білорусі, Китаєм, Chinas",
    "georgia": "Georgia the country vs the US state / a person / a company",
    "jordan": "Jordan the country vs a person / the river",
    "chad": "Chad the country vs a first name / Lake Chad",
    "niger-nigeria": "Niger vs Nigeria (and the Niger river)",
    "congo": "DRC vs Republic of the Congo, the river and basin",
    "korea": "North vs South Korea, Korean Peninsula",
    "dominica": "Dominica vs Dominican Republic",
    "guinea": "Guinea, Guinea-Bissau, Equatorial Guinea, Papua New Guinea, New Guinea, guinea pig",
    "turkey": "Turkey / Türkiye vs the bird, Turkish delight",
    "china-lowercase": "china (porcelain)",
    "america": "America meaning the United States",
    "america-region": "Americas, Latin/South/North America (no country)",
    "us-state": "US state or US place name (Georgia, Washington state, New Mexico, Indiana)",
    "jersey": "Jersey the Crown dependency vs New Jersey / a shirt",
    "dependent-territory": "territory with its own ISO code: New Caledonia, Greenland, Jersey",
    "region": "supranational or subnational region: EU, West Africa, Inner Mongolia, Katanga",
    "city": "non-capital city (does not count as a country)",
    "geo-feature": "sea, river, lake, island, peninsula named after a country or ambiguous name",
    "fixed-expression": "fixed expression with a country word: French fries, Chinese checkers",
    "person-name": "person whose name is a country, capital or mineral word",
    "company-name": "company whose name contains a country or mineral word",
    "language-name": "language name (English, Spanish-language)",
    "homograph": "common word spelled like a country/mineral word: polish, us, or, argent, chile",
    "substring": "country/mineral word hidden inside another word: woman, coalition, Eisenbahn",
    "exchange-name": "exchange name with a capital (London Metal Exchange, LME)",
    "multi-country": "two or more countries (added automatically)",
    # minerals
    "lead": "lead the metal vs the verb / noun",
    "tin": "tin the metal vs a tin (container), Tin Pan Alley, Tintin",
    "iron": "iron ore / pig iron vs iron out, Iron Curtain, railway words",
    "gold": "gold the commodity vs gold medal, golden, Goldman",
    "silver": "silver the commodity vs silver lining / medal, Silver Lake, argent, plata",
    "copper": "copper the commodity vs copper-bottomed, copper (police)",
    "nickel": "nickel ore / nickel pig iron / Nornickel",
    "cobalt": "cobalt the commodity vs cobalt blue",
    "platinum": "platinum the commodity vs platinum record / card",
    "coal": "coal vs coals to Newcastle, Kohle (money), coalition",
    "oil": "crude oil vs olive / palm oil, oil painting",
    "gas": "natural gas vs greenhouse / tear gas, Gas geben, газета",
    "salt": "salt is never labelled",
    "steel": "steel is not iron ore",
    "idiom": "metaphorical use of a mineral word (no mineral)",
    "rare-earths": "rare earths / REEs / rare-earth magnets",
    "named-ree": "individual rare-earth element named (own slug)",
    "ree-misnomer": "text wrongly calls lithium / cobalt rare earths",
    "pgm": "platinum-group metals, palladium, rhodium, iridium",
    "ore-synonym": "ore or trade name: spodumene, coltan, yellowcake, cassiterite, chromite",
    "battery-chemistry": "battery chemistry naming a metal: lead-acid, lithium-ion, vanadium redox",
    "energy": "energy commodities: Brent, WTI, LNG",
    "multi-mineral": "two or more minerals (added automatically)",
    # general
    "no-entity": "no country and no mineral (added automatically)",
}


def _codes(field: str, where: str) -> list[str]:
    out = sorted(set(field.split()))
    for code in out:
        if pycountry.countries.get(alpha_2=code) is None:
            raise SystemExit(f"{where}: unknown ISO 3166-1 alpha-2 code {code!r}")
    return out


def _slugs(field: str, where: str) -> list[str]:
    out = sorted(set(field.split()))
    for slug in out:
        if slug not in MINERALS:
            raise SystemExit(f"{where}: unknown mineral slug {slug!r}")
    return out


def build_sentences() -> list[dict]:
    rows, seen = [], set()
    for n, (lang, text, countries, minerals, tags) in enumerate(SENTENCES, start=1):
        sid = f"s{n:04d}"
        if lang not in LANGS:
            raise SystemExit(f"{sid}: unknown language {lang!r}")
        text = text.strip()
        if not text or text in seen:
            raise SystemExit(f"{sid}: empty or duplicate text {text!r}")
        seen.add(text)
        c, m = _codes(countries, sid), _slugs(minerals, sid)
        auto = {"no-entity", "multi-country", "multi-mineral"}
        tag_set = set(tags.split()) - auto
        if not c and not m:
            tag_set.add("no-entity")
        if len(c) >= 2:
            tag_set.add("multi-country")
        if len(m) >= 2:
            tag_set.add("multi-mineral")
        tag_list = sorted(tag_set)
        for t in tag_list:
            if t not in TAGS:
                raise SystemExit(f"{sid}: unknown tag {t!r}")
        rows.append(
            {"id": sid, "lang": lang, "text": text, "countries": c, "minerals": m, "tags": tag_list}
        )
    return rows


def build_articles(articles: list | None = None, prefix: str = "a") -> list[dict]:
    rows, seen = [], set()
    for n, (lang, title, text, main, countries, minerals) in enumerate(
        ARTICLES if articles is None else articles, start=1
    ):
        aid = f"{prefix}{n:03d}"
        if text.strip() in seen:
            raise SystemExit(f"{aid}: duplicate text")
        seen.add(text.strip())
        if lang not in LANGS:
            raise SystemExit(f"{aid}: unknown language {lang!r}")
        c, m = _codes(countries, aid), _slugs(minerals, aid)
        if main is not None and main not in c:
            raise SystemExit(f"{aid}: main_country {main!r} not among countries {c}")
        rows.append(
            {
                "id": aid,
                "lang": lang,
                "title": title.strip(),
                "text": text.strip(),
                "main_country": main,
                "countries": c,
                "minerals": m,
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# Later article sets, each written by someone who had not seen the tagger:
# (source module, id prefix, output file). A module that is absent is skipped.
EXTRA_ARTICLE_SETS = [
    ("source_articles_dev", "d", "articles_dev.jsonl"),  # development: tune on it
    ("source_articles_test2", "t", "articles_test2.jsonl"),  # second held-out test
]


def main() -> None:
    sentences, articles = build_sentences(), build_articles()
    write_jsonl(HERE / "sentences.jsonl", sentences)
    write_jsonl(HERE / "articles.jsonl", articles)
    for module, prefix, out in EXTRA_ARTICLE_SETS:
        if not (HERE / f"{module}.py").is_file():
            continue
        rows = build_articles(__import__(module).ARTICLES, prefix)
        write_jsonl(HERE / out, rows)
        nulls = sum(1 for r in rows if r["main_country"] is None)
        langs = dict(sorted(Counter(r["lang"] for r in rows).items()))
        print(f"{out}: {len(rows)} {langs}; main_country null: {nulls}")
    langs = Counter(r["lang"] for r in sentences)
    empty = sum(1 for r in sentences if not r["countries"] and not r["minerals"])
    print(
        f"sentences: {len(sentences)} {dict(sorted(langs.items()))}; "
        f"no country and no mineral: {empty} ({empty / len(sentences):.0%})"
    )
    alangs = Counter(r["lang"] for r in articles)
    nulls = sum(1 for r in articles if r["main_country"] is None)
    print(f"articles: {len(articles)} {dict(sorted(alangs.items()))}; main_country null: {nulls}")
    tags = Counter(t for r in sentences for t in r["tags"])
    unused = sorted(set(TAGS) - set(tags))
    print("tags:", ", ".join(f"{t}={n}" for t, n in sorted(tags.items())))
    if unused:
        print("unused tags:", ", ".join(unused))


if __name__ == "__main__":
    main()
