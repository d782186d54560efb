"""The reference CSVs in seeds/: completeness, integrity and reproducibility."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pycountry
import pytest

from etl.gazetteer import PLACE_HINTS_FILE, SEED_FILES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

COUNTRY_KINDS = {"name", "official", "short", "former", "demonym", "capital", "translation"}
MINERAL_KINDS = {
    "name",
    "symbol",
    "plural",
    "adjective",
    "ore",
    "compound",
    "abbreviation",
    "translation",
}
CATEGORIES = {
    "rare-earth-element",
    "platinum-group-metal",
    "battery-metal",
    "base-metal",
    "precious-metal",
    "minor-metal",
    "energy",
    "fertilizer",
    "industrial",
    "group",
}
REE = {
    "lanthanum",
    "cerium",
    "praseodymium",
    "neodymium",
    "promethium",
    "samarium",
    "europium",
    "gadolinium",
    "terbium",
    "dysprosium",
    "holmium",
    "erbium",
    "thulium",
    "ytterbium",
    "lutetium",
    "scandium",
    "yttrium",
}
PGM = {"platinum", "palladium", "rhodium", "ruthenium", "iridium", "osmium"}


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    header, rows = _read("countries.csv")
    assert header == [
        "iso2",
        "iso3",
        "numeric",
        "name",
        "official_name",
        "region",
        "sub_region",
        "source",
    ]
    return rows


@pytest.fixture(scope="module")
def country_aliases() -> list[dict[str, str]]:
    header, rows = _read("country_aliases.csv")
    assert header == ["iso2", "alias", "lang", "kind", "case_sensitive", "ambiguous", "source"]
    return rows


@pytest.fixture(scope="module")
def minerals() -> list[dict[str, str]]:
    header, rows = _read("minerals.csv")
    assert header == [
        "id",
        "name",
        "symbol",
        "category",
        "group_id",
        "usgs_2022",
        "usgs_2025",
        "eu_crm_2023",
        "eu_srm_2023",
        "source",
    ]
    return rows


@pytest.fixture(scope="module")
def mineral_aliases() -> list[dict[str, str]]:
    header, rows = _read("mineral_aliases.csv")
    assert header == [
        "mineral_id",
        "alias",
        "lang",
        "kind",
        "case_sensitive",
        "ambiguous",
        "source",
    ]
    return rows


# ----------------------------------------------------------------------------- countries


def test_every_iso_3166_1_entry_and_kosovo(countries: list[dict[str, str]]) -> None:
    by_iso = {r["iso2"]: r for r in countries}
    assert len(countries) == len(by_iso) == len(pycountry.countries) + 1
    for c in pycountry.countries:
        row = by_iso[c.alpha_2]
        assert row["iso3"] == c.alpha_3
        assert row["numeric"] == c.numeric
    assert by_iso["XK"]["iso3"] == "XKX"
    assert "user-assigned" in by_iso["XK"]["source"]


def test_m49_regions(countries: list[dict[str, str]]) -> None:
    regions = {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    by_iso = {r["iso2"]: r for r in countries}
    for r in countries:
        if r["iso2"] == "AQ":
            assert r["region"] == ""
            continue
        assert r["region"] in regions, r
        assert r["sub_region"], r
    assert by_iso["CD"]["sub_region"] == "Sub-Saharan Africa"
    assert by_iso["GE"]["sub_region"] == "Western Asia"
    assert by_iso["BY"]["sub_region"] == "Eastern Europe"
    assert by_iso["US"]["sub_region"] == "Northern America"
    assert by_iso["AU"]["sub_region"] == "Australia and New Zealand"


def test_country_aliases_reference_countries_and_are_unique(
    countries: list[dict[str, str]], country_aliases: list[dict[str, str]]
) -> None:
    isos = {r["iso2"] for r in countries}
    keys = Counter((r["iso2"], r["alias"], r["lang"]) for r in country_aliases)
    assert not [k for k, n in keys.items() if n > 1]
    for r in country_aliases:
        assert r["iso2"] in isos, r
        assert r["kind"] in COUNTRY_KINDS, r
        assert r["case_sensitive"] in ("true", "false"), r
        assert r["ambiguous"] in ("true", "false"), r
        assert r["alias"] and r["alias"] == r["alias"].strip(), r
        assert r["source"], r


def test_every_country_has_a_name_alias(
    countries: list[dict[str, str]], country_aliases: list[dict[str, str]]
) -> None:
    named = {r["iso2"] for r in country_aliases if r["lang"] == "en" and r["kind"] == "name"}
    assert {r["iso2"] for r in countries} <= named


def _aliases(rows: list[dict[str, str]], key: str) -> dict[tuple[str, str], dict[str, str]]:
    return {(r[key], r["alias"]): r for r in rows}


@pytest.mark.parametrize(
    ("iso", "alias", "kind"),
    [
        ("US", "U.S.", "short"),
        ("US", "U.S.A.", "short"),
        ("US", "USA", "short"),
        ("US", "US", "short"),
        ("US", "America", "short"),
        ("GB", "UK", "short"),
        ("GB", "U.K.", "short"),
        ("GB", "Britain", "name"),
        ("GB", "Great Britain", "name"),
        ("AE", "UAE", "short"),
        ("CD", "DRC", "short"),
        ("CD", "DR Congo", "name"),
        ("CD", "Zaire", "former"),
        ("CN", "PRC", "short"),
        ("KR", "ROK", "short"),
        ("KP", "DPRK", "short"),
        ("CZ", "Czechia", "name"),
        ("CZ", "Czech Republic", "name"),
        ("CI", "Ivory Coast", "name"),
        ("CI", "Côte d'Ivoire", "name"),
        ("TR", "Türkiye", "name"),
        ("MM", "Burma", "former"),
        ("SZ", "Swaziland", "former"),
        ("BY", "Belarusian", "demonym"),
        ("CN", "Chinese", "demonym"),
        ("AE", "Emirati", "demonym"),
        ("KZ", "Kazakh", "demonym"),
        ("KZ", "Kazakhstani", "demonym"),
        ("PH", "Filipino", "demonym"),
        ("CN", "Beijing", "capital"),
        ("UA", "Kyiv", "capital"),
        ("UA", "Kiev", "capital"),
        ("RU", "Moscow", "capital"),
        ("AU", "Canberra", "capital"),
        ("CA", "Ottawa", "capital"),
        ("ZA", "Pretoria", "capital"),
        ("CD", "Kinshasa", "capital"),
        ("ID", "Jakarta", "capital"),
        ("US", "Washington", "capital"),
        ("CL", "Santiago", "capital"),
    ],
)
def test_english_aliases(
    country_aliases: list[dict[str, str]], iso: str, alias: str, kind: str
) -> None:
    rows = [
        r for r in country_aliases if r["iso2"] == iso and r["alias"] == alias and r["lang"] == "en"
    ]
    assert rows, (iso, alias)
    assert rows[0]["kind"] == kind


def test_brussels_is_not_a_country(country_aliases: list[dict[str, str]]) -> None:
    assert not [r for r in country_aliases if r["alias"] == "Brussels"]


@pytest.mark.parametrize(
    ("alias", "isos"),
    [
        ("Congolese", {"CD", "CG"}),
        ("Georgia", {"GE"}),
        ("Jordan", {"JO"}),
        ("Chad", {"TD"}),
        ("Niger", {"NE"}),
        ("Congo", {"CD", "CG"}),
        ("Korea", {"KR"}),
        ("Dominica", {"DM"}),
        ("Guinea", {"GN"}),
        ("Turkey", {"TR"}),
        ("China", {"CN"}),
        ("Washington", {"US"}),
        ("Victoria", {"SC"}),
        ("Santiago", {"CL"}),
        ("America", {"US"}),
    ],
)
def test_ambiguous_aliases_are_flagged(
    country_aliases: list[dict[str, str]], alias: str, isos: set[str]
) -> None:
    rows = [r for r in country_aliases if r["alias"] == alias and r["lang"] == "en"]
    assert {r["iso2"] for r in rows} == isos
    assert all(r["ambiguous"] == "true" for r in rows)


@pytest.mark.parametrize(
    "alias", ["US", "Chad", "China", "Turkey", "Niger", "Jordan", "Georgia", "Guinea"]
)
def test_case_sensitive_aliases(country_aliases: list[dict[str, str]], alias: str) -> None:
    rows = [r for r in country_aliases if r["alias"] == alias and r["lang"] == "en"]
    assert rows and all(r["case_sensitive"] == "true" for r in rows)


@pytest.mark.parametrize(
    ("iso", "lang", "forms"),
    [
        (
            "CN",
            "ru",
            [
                "Китай",
                "Китая",
                "Китаю",
                "Китаем",
                "Китае",
                "китайский",
                "китайская",
                "китайские",
                "китайских",
            ],
        ),
        ("CN", "uk", ["Китай", "Китаю", "Китаєм", "Китаї", "китайський", "китайська", "китайські"]),
        ("CN", "be", ["Кітай", "Кітая", "кітайскі", "кітайская"]),
        (
            "BY",
            "ru",
            ["Беларусь", "Беларуси", "Белоруссия", "Белоруссии", "белорусский", "белорусского"],
        ),
        ("BY", "uk", ["Білорусь", "Білорусі", "Білоруссю", "білоруський"]),
        ("BY", "be", ["Беларусь", "Беларусі", "беларускі"]),
        ("BY", "de", ["Belarus", "Weißrussland", "belarussisch", "belarussische"]),
        ("KR", "ru", ["Южная Корея", "Южной Кореи", "Южную Корею"]),
        ("US", "ru", ["США", "Соединённые Штаты", "Соединённых Штатов"]),
        ("CN", "de", ["China", "Chinas", "chinesisch", "chinesischen"]),
        ("CN", "fr", ["Chine", "chinois", "chinoise", "chinoises"]),
        ("CN", "es", ["China", "chino", "chinos"]),
        ("CN", "zh", ["中国", "北京"]),
        ("DE", "ru", ["Германия", "Германии", "немецкий", "немецкая"]),
    ],
)
def test_translations_with_inflected_forms(
    country_aliases: list[dict[str, str]], iso: str, lang: str, forms: list[str]
) -> None:
    have = {r["alias"] for r in country_aliases if r["iso2"] == iso and r["lang"] == lang}
    assert set(forms) <= have, set(forms) - have


def test_generated_rows_say_how(country_aliases: list[dict[str, str]]) -> None:
    row = next(r for r in country_aliases if r["alias"] == "Китаем" and r["lang"] == "ru")
    assert "declension" in row["source"] and "Китай" in row["source"]
    row = next(r for r in country_aliases if r["alias"] == "China" and r["lang"] == "de")
    assert "pycountry" in row["source"]


# ----------------------------------------------------------------------------- minerals


def test_minerals_integrity(minerals: list[dict[str, str]]) -> None:
    ids = [m["id"] for m in minerals]
    assert len(ids) == len(set(ids))
    for m in minerals:
        assert m["id"] == m["id"].lower() and " " not in m["id"], m
        assert m["category"] in CATEGORIES, m
        assert not m["group_id"] or m["group_id"] in ids, m
        for flag in ("usgs_2022", "usgs_2025", "eu_crm_2023", "eu_srm_2023"):
            assert m[flag] in ("true", "false"), m
        assert m["source"], m
    for required in (
        "lithium",
        "cobalt",
        "aluminum",
        "rare-earth-elements",
        "platinum-group-metals",
        "iron-ore",
        "crude-oil",
        "natural-gas",
        "coal",
        "coking-coal",
        "uranium",
        "potash",
        "phosphate",
        "phosphorus",
        "graphite",
        "bauxite",
        "fluorspar",
        "barite",
        "feldspar",
        "helium",
        "silicon",
        "boron",
        "strontium",
        "copper",
        "nickel",
        "zinc",
        "lead",
        "tin",
        "gold",
        "silver",
        "manganese",
        "chromium",
        "tungsten",
        "vanadium",
        "titanium",
        "zirconium",
        "hafnium",
        "niobium",
        "tantalum",
        "gallium",
        "germanium",
        "indium",
        "antimony",
        "bismuth",
        "arsenic",
        "tellurium",
        "beryllium",
        "magnesium",
        "cesium",
        "rubidium",
        "rhenium",
        "molybdenum",
    ):
        assert required in ids, required


def test_rare_earth_group_is_exactly_the_17(minerals: list[dict[str, str]]) -> None:
    members = {m["id"] for m in minerals if m["group_id"] == "rare-earth-elements"}
    assert members == REE
    assert all(m["category"] == "rare-earth-element" for m in minerals if m["id"] in REE)
    assert {m["id"] for m in minerals if m["category"] == "rare-earth-element"} == REE
    for not_ree in ("lithium", "cobalt", "titanium", "nickel", "graphite"):
        row = next(m for m in minerals if m["id"] == not_ree)
        assert row["group_id"] != "rare-earth-elements"
        assert row["category"] != "rare-earth-element"


def test_platinum_group_is_six(minerals: list[dict[str, str]]) -> None:
    members = {m["id"] for m in minerals if m["group_id"] == "platinum-group-metals"}
    assert members == PGM
    assert {m["id"] for m in minerals if m["category"] == "platinum-group-metal"} == PGM


def test_coking_coal_is_coal(minerals: list[dict[str, str]]) -> None:
    row = next(m for m in minerals if m["id"] == "coking-coal")
    assert row["group_id"] == "coal"


def test_critical_mineral_lists(minerals: list[dict[str, str]]) -> None:
    usgs22 = {m["id"] for m in minerals if m["usgs_2022"] == "true" and m["category"] != "group"}
    assert len(usgs22) == 50  # the 2022 list has 50 entries, promethium and osmium not among them
    assert "promethium" not in usgs22 and "osmium" not in usgs22 and "uranium" not in usgs22
    # the final 2025 list: all 50 of 2022 plus ten additions, 60 in all
    usgs25 = {m["id"] for m in minerals if m["usgs_2025"] == "true" and m["category"] != "group"}
    added = {"boron", "copper", "lead", "coking-coal", "phosphate", "potash", "rhenium"}
    added |= {"silicon", "silver", "uranium"}
    assert usgs25 == usgs22 | added and len(usgs25) == 60
    crm = {m["id"] for m in minerals if m["eu_crm_2023"] == "true"}
    for m in (
        "bauxite",
        "aluminum",
        "coking-coal",
        "feldspar",
        "helium",
        "phosphate",
        "phosphorus",
        "silicon",
        "strontium",
        "titanium",
        "copper",
        "nickel",
        "scandium",
        "platinum-group-metals",
    ):
        assert m in crm, m
    srm = {m["id"] for m in minerals if m["eu_srm_2023"] == "true"}
    assert srm <= crm
    assert {"neodymium", "dysprosium", "terbium"} <= srm
    assert "lanthanum" not in srm


def test_mineral_aliases_integrity(
    minerals: list[dict[str, str]], mineral_aliases: list[dict[str, str]]
) -> None:
    ids = {m["id"] for m in minerals}
    keys = Counter((r["mineral_id"], r["alias"], r["lang"]) for r in mineral_aliases)
    assert not [k for k, n in keys.items() if n > 1]
    for r in mineral_aliases:
        assert r["mineral_id"] in ids, r
        assert r["kind"] in MINERAL_KINDS, r
        assert r["case_sensitive"] in ("true", "false"), r
        assert r["ambiguous"] in ("true", "false"), r
        assert r["source"], r
    named = {r["mineral_id"] for r in mineral_aliases if r["kind"] == "name" and r["lang"] == "en"}
    assert ids <= named


@pytest.mark.parametrize(
    ("mid", "alias"),
    [
        ("aluminum", "aluminium"),
        ("rare-earth-elements", "rare earths"),
        ("rare-earth-elements", "rare-earth"),
        ("rare-earth-elements", "REE"),
        ("rare-earth-elements", "REEs"),
        ("platinum-group-metals", "PGMs"),
        ("lithium", "spodumene"),
        ("lithium", "lithium carbonate"),
        ("lithium", "lithium hydroxide"),
        ("cobalt", "cobalt hydroxide"),
        ("tin", "cassiterite"),
        ("tungsten", "wolframite"),
        ("copper", "chalcopyrite"),
        ("copper", "copper concentrate"),
        ("uranium", "yellowcake"),
        ("natural-gas", "LNG"),
        ("crude-oil", "Brent"),
        ("crude-oil", "WTI"),
        ("tantalum", "coltan"),
        ("coking-coal", "metallurgical coal"),
    ],
)
def test_mineral_english_aliases(
    mineral_aliases: list[dict[str, str]], mid: str, alias: str
) -> None:
    assert any(r["mineral_id"] == mid and r["alias"] == alias for r in mineral_aliases)


def test_unsafe_symbols_are_flagged(mineral_aliases: list[dict[str, str]]) -> None:
    rows = _aliases(mineral_aliases, "mineral_id")
    for mid, sym in (("lithium", "Li"), ("cobalt", "Co"), ("nickel", "Ni"), ("tin", "Sn")):
        row = rows[(mid, sym)]
        assert row["kind"] == "symbol"
        assert row["ambiguous"] == "true" and row["case_sensitive"] == "true"


@pytest.mark.parametrize(
    ("mid", "lang", "forms"),
    [
        ("lithium", "ru", ["литий", "лития", "литием", "литиевый", "литиевых"]),
        ("copper", "ru", ["медь", "меди", "медью"]),
        ("coal", "ru", ["уголь", "угля", "углем"]),
        ("lead", "ru", ["свинец", "свинца", "свинцом"]),
        ("rare-earth-elements", "ru", ["редкоземельные металлы", "редкоземельных металлов"]),
        ("lithium", "uk", ["літій", "літію"]),
        ("potash", "be", ["калій"]),
        ("copper", "de", ["Kupfer", "Kupfers"]),
        ("rare-earth-elements", "zh", ["稀土"]),
        ("rare-earth-elements", "fr", ["terres rares"]),
        ("rare-earth-elements", "es", ["tierras raras"]),
    ],
)
def test_mineral_translations(
    mineral_aliases: list[dict[str, str]], mid: str, lang: str, forms: list[str]
) -> None:
    have = {r["alias"] for r in mineral_aliases if r["mineral_id"] == mid and r["lang"] == lang}
    assert set(forms) <= have, set(forms) - have


# ----------------------------------------------------------------------------- generator


def test_generator_reproduces_the_committed_csvs(
    tmp_path: Path, countries: list[dict[str, str]]
) -> None:
    """``python seeds/build_seeds.py`` must give exactly the committed files (the pycountry
    version is part of every generated source string; a different one is skipped)."""
    version = getattr(pycountry, "__version__", "")
    if f"pycountry {version};" not in countries[0]["source"]:
        pytest.skip(f"seeds were generated with another pycountry than {version}")
    spec = importlib.util.spec_from_file_location("build_seeds", SEEDS / "build_seeds.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_seeds"] = module
    try:
        spec.loader.exec_module(module)
        assert module.main(tmp_path) == 0
    finally:
        sys.modules.pop("build_seeds", None)
    for name in (*SEED_FILES, PLACE_HINTS_FILE):
        assert (tmp_path / name).read_bytes() == (SEEDS / name).read_bytes(), name


def test_place_hints_point_at_one_known_country_each(countries: list[dict[str, str]]) -> None:
    with (SEEDS / "place_hints.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 1000
    isos = {c["iso2"] for c in countries}
    assert {r["iso2"] for r in rows} <= isos
    assert all(r["source"] and r["match"] in ("word", "prefix") for r in rows)
    assert all(len(r["name"]) >= 5 for r in rows if r["match"] == "prefix")
    by_name: dict[str, set[str]] = {}
    for r in rows:
        by_name.setdefault(r["name"].casefold(), set()).add(r["iso2"])
    assert {n: i for n, i in by_name.items() if len(i) > 1} == {}
    # ISO 3166-2 sources are real subdivisions of the row's country
    for r in rows:
        if r["source"].startswith("ISO 3166-2:"):
            code = r["source"].removeprefix("ISO 3166-2:")
            sub = pycountry.subdivisions.get(code=code)
            assert sub is not None and sub.country_code == r["iso2"], r
    names = {r["name"] for r in rows}
    assert {"Pilbara", "Katanga", "Lausitz", "Nevada"} <= names
    assert "Georgia" not in names and "Victoria" not in names  # shared names are left out


def test_etl_seed_loader_accepts_the_files() -> None:
    """The warehouse loader's column and non-empty checks (without a database)."""
    from etl.seeds import _read as read_seed

    read_seed(SEEDS / "countries.csv", ["iso2", "iso3", "name", "source"])
    read_seed(SEEDS / "country_aliases.csv", ["iso2", "alias", "lang", "kind", "source"])
    read_seed(SEEDS / "minerals.csv", ["id", "name", "category", "source"])
    read_seed(SEEDS / "mineral_aliases.csv", ["mineral_id", "alias", "lang", "kind", "source"])
