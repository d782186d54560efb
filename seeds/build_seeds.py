#!/usr/bin/env python3
"""Generate the reference CSVs in ``seeds/`` (countries, minerals and their aliases).

Run from anywhere with ``python seeds/build_seeds.py``; the output only depends on the
installed pycountry version and the hand-curated tables in ``seeds/curated/``, and is
written in a stable order, so running it twice gives identical files.

Inputs
    pycountry                       ISO 3166-1 entries, official names, and its gettext
                                    translations of country names (``iso3166-1`` domain)
    curated/m49.csv                 UN M49 region / sub-region for every entry (+ XK)
    curated/country_aliases.csv     short forms, former names, demonyms, capitals (English)
                                    and names, adjectives, capitals in de/fr/es/ru/uk/be/zh
    curated/minerals.csv            commodities with category, group and list memberships
    curated/mineral_aliases.csv     names, plurals, ores, compounds, symbols, translations

Generated forms (each row's ``source`` says which rule made it)
    ru/uk/be    declension of nouns and adjectives (six cases; adjectives in all genders and
                the plural): "Китай" -> "Китая", "Китаю", "Китаем", "Китае"; "китайский" ->
                "китайская", "китайских", ... The matcher does exact (folded) look-ups only,
                so every inflected form it should find is listed here explicitly.
    de          genitive -s of names and mineral nouns ("Chinas", "Kupfers"), adjective
                endings (-e, -en, -er, -es, -em), weak forms of multi-word names
                ("Vereinigten Staaten")
    fr/es       feminine and plural adjective forms
    en          "St."/"St"/"Saint" and "and"/"&" variants

Outputs: countries.csv, country_aliases.csv, minerals.csv, mineral_aliases.csv
"""

from __future__ import annotations

import csv
import gettext
import itertools
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"

PYCOUNTRY = f"pycountry {getattr(pycountry, '__version__', '')}".strip()
# pycountry's locale directories -> our language codes
TRANSLATION_LANGS = {
    "de": "de",
    "fr": "fr",
    "es": "es",
    "ru": "ru",
    "uk": "uk",
    "be": "be",
    "zh_CN": "zh",
    "pt": "pt",
    "it": "it",
    "pl": "pl",
    # names only (no curated demonyms or inflection): news in these languages still finds
    # the countries it names; Latin-script ones only count in a text of that language
    "nl": "nl",
    "cs": "cs",
    "sk": "sk",
    "da": "da",
    "sv": "sv",
    "nb_NO": "no",
    "fi": "fi",
    "tr": "tr",
    "hu": "hu",
    "ro": "ro",
    "hr": "hr",
    "sl": "sl",
    "id": "id",
    "el": "el",
    "bg": "bg",
}
SLAVIC = {"ru", "uk", "be"}
CJK_LANGS = {"zh"}

COUNTRY_KINDS = ("name", "official", "short", "former", "demonym", "capital", "translation")
MINERAL_KINDS = (
    "name",
    "symbol",
    "plural",
    "adjective",
    "ore",
    "compound",
    "abbreviation",
    "translation",
)
# When one entity has the same alias (same language) under two kinds, the first kind wins.
KIND_PRECEDENCE: dict[str, int] = {}
for _i, _k in enumerate(COUNTRY_KINDS + MINERAL_KINDS):
    KIND_PRECEDENCE.setdefault(_k, _i)

CUR_CA = "curated (seeds/curated/country_aliases.csv)"
CUR_MA = "curated (seeds/curated/mineral_aliases.csv)"


# --------------------------------------------------------------------------- helpers


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _write_csv(path: Path, header: list[str], rows: Iterable[dict[str, str]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(h) is None else str(r.get(h)) for h in header])
            n += 1
    return n


def _b(v: bool) -> str:
    return "true" if v else "false"


def _is_cyrillic(s: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in s)


def _is_cjk(s: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in s)


def _parse_gram(gram: str) -> dict[str, str]:
    """``"f;st=Египт;forms=a/b"`` -> ``{"f": "", "st": "Египт", "forms": "a/b"}``."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in gram.split(";"))):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip()
    return out


def _fold_key(s: str) -> str:
    """Approximation of the matcher's folding, used to detect cross-entity collisions:
    Latin diacritics dropped, Cyrillic letters kept (й, ї are letters of their own)."""
    out = []
    for ch in unicodedata.normalize("NFC", s):
        d = unicodedata.normalize("NFD", ch)
        out.append(d[0] if d[0].isascii() and d[0].isalpha() else ch)
    s = "".join(out).replace("ё", "е").replace("Ё", "Е").replace("’", "'").replace("-", " ")
    return " ".join(s.lower().split())


# --------------------------------------------------------------------------- Slavic grammar
#
# Paradigm slots: [nominative, genitive, dative, accusative, instrumental, locative]; a slot
# may hold alternatives. Multi-word names inflect their leading adjectives and the head
# noun slot by slot ("Южная Корея" -> "Южной Кореи", ...); words after the head (genitive
# complements such as "Конго" in "Республика Конго") stay as they are.

Slots = list[list[str]]
VOWELS = set("аеёиоуыэюяіїєў")
VELAR = set("гкх")
HUSH = set("жшчщц")

# Head nouns whose class cannot be read from their ending.
HEAD_NOUNS: dict[str, dict[str, str]] = {
    "ru": {
        "Острова": "pl_a",
        "острова": "pl_a",
        "Остров": "m",
        "Королевство": "n",
        "Государство": "n",
        "Содружество": "n",
        "Штаты": "pl",
        "Эмираты": "pl",
        "металлы": "pl",
        "элементы": "pl",
    },
    "uk": {
        "Острови": "pl",
        "острови": "pl",
        "Острів": "m",
        "Королівство": "n",
        "Князівство": "n",
        "Штати": "pl",
        "Емірати": "pl",
        "метали": "pl",
        "елементи": "pl",
    },
    "be": {
        "Астравы": "pl",
        "астравы": "pl",
        "Востраў": "m",
        "Каралеўства": "n",
        "Штаты": "pl",
        "Эміраты": "pl",
        "металы": "pl",
        "элементы": "pl",
    },
}
ADJ_ENDINGS = {
    "ru": ("ая", "яя", "ый", "ий", "ой", "ое", "ее", "ые", "ие"),
    "uk": (
        "ський",
        "цький",
        "зький",
        "ний",
        "ій",
        "ий",
        "ська",
        "цька",
        "зька",
        "на",
        "ова",
        "ька",
        "ські",
        "цькі",
        "зькі",
        "ні",
        "ові",
        "ське",
        "цьке",
        "не",
        "ове",
    ),
    "be": ("ая", "яя", "ы", "ае", "яе", "ыя", "ія", "ні", "кі"),
}
ADJ_WORDS = {"uk": {"Велика", "Нова", "Мала"}, "be": set(), "ru": set()}


def _indeclinable(w: str, lang: str) -> bool:
    lw = w.lower()
    if len(w) <= 2 or w.isupper() or not _is_cyrillic(w):
        return True
    if lw[-1] in "оеэиуюіїє":
        return True
    return lw[-1] == "а" and lw[-2] in VOWELS  # Самоа, Антигуа, Папуа


def _noun_slots(
    w: str, lang: str, gram: dict[str, str], cls: str | None = None
) -> tuple[Slots, str]:
    """Return (slots, gender) for a noun; gender in m, f, n, pl."""
    st = gram.get("st")
    if "i" in gram:
        return [[w]] * 6, "n"
    if cls is None and "-" in w and not st:
        head, _, tail = w.rpartition("-")
        if not _indeclinable(tail, lang):
            slots, g = _noun_slots(tail, lang, {})
            return [[f"{head}-{f}" for f in s] for s in slots], g
        if not _indeclinable(head, lang) and "-" not in head:
            slots, g = _noun_slots(head, lang, {})
            return [[f"{f}-{tail}" for f in s] for s in slots], g
        return [[w]] * 6, "n"
    lw = w.lower()
    if cls is None:
        if "f" in gram:
            cls = "f_soft"
        elif "n" in gram:
            cls = "n"
        elif "pl0" in gram or "pl" in gram:
            cls = "pl"
        elif _indeclinable(w, lang):
            return [[w]] * 6, "n"
        elif (lang in ("ru", "be") and lw[-1] == "ы") or (lang == "uk" and lw[-1] == "и"):
            cls = "pl"
        elif lw.endswith(("ия", "ія", "ыя")):
            cls = "f_iya"
        elif lw[-1] == "я":
            cls = "f_ya"
        elif lw[-1] == "а":
            cls = "f_a"
        elif lw.endswith(("ий", "ій", "ый")):
            cls = "m_iy"
        elif lw[-1] == "й":
            cls = "m_y"
        elif lw[-1] == "ь":
            cls = "m_soft"
        else:
            cls = "m"
    zero_gen = "pl0" in gram
    if cls == "m":
        s = st or w
        ins = [s + "ом"] if s[-1].lower() not in HUSH else [s + "ом", s + "ем"]
        if lang == "ru":
            return [[w], [s + "а"], [s + "у"], [w], ins, [s + "е"]], "m"
        if lang == "uk":
            return [
                [w],
                [s + "у", s + "а"],
                [s + "у", s + "ові"],
                [w],
                ins,
                [s + "і", s + "у"],
            ], "m"
        return [[w], [s + "а", s + "у"], [s + "у"], [w], [s + "ам"], [s + "е", s + "у"]], "m"
    if cls == "m_y":
        s = st or w[:-1]
        if lang == "ru":
            return [[w], [s + "я"], [s + "ю"], [w], [s + "ем"], [s + "е"]], "m"
        if lang == "uk":
            return [[w], [s + "ю", s + "я"], [s + "ю", s + "єві"], [w], [s + "єм"], [s + "ї"]], "m"
        return [[w], [s + "я"], [s + "ю"], [w], [s + "ем"], [s + "і"]], "m"
    if cls == "m_iy":
        if lang == "ru":
            s = st or w[:-2]
            return [[w], [s + "ия"], [s + "ию"], [w], [s + "ием"], [s + "ии"]], "m"
        if lang == "uk":
            s = st or w[:-2]
            return [
                [w],
                [s + "ію", s + "ія"],
                [s + "ію", s + "ієві"],
                [w],
                [s + "ієм"],
                [s + "ії"],
            ], "m"
        s = st or w[:-1]  # be: літый -> літы-
        return [[w], [s + "я"], [s + "ю"], [w], [s + "ем"], [s + "і"]], "m"
    if cls == "m_soft":
        s = st or w[:-1]
        if lang == "ru":
            return [[w], [s + "я"], [s + "ю"], [w], [s + "ем"], [s + "е"]], "m"
        if lang == "uk":
            return [[w], [s + "ю", s + "я"], [s + "ю", s + "еві"], [w], [s + "ем"], [s + "і"]], "m"
        return [[w], [s + "я"], [s + "ю"], [w], [s + "ем"], [s + "і"]], "m"
    if cls == "f_soft":
        s = st or w[:-1]
        if lang == "ru":
            return [[w], [s + "и"], [s + "и"], [w], [s + "ью"], [s + "и"]], "f"
        double = s + s[-1] + "ю"
        return [[w], [s + "і"], [s + "і"], [w], [double], [s + "і"]], "f"
    if cls == "f_iya":
        if lang == "ru":
            s = w[:-2]
            return [[w], [s + "ии"], [s + "ии"], [s + "ию"], [s + "ией"], [s + "ии"]], "f"
        if lang == "uk":
            s = w[:-2]
            return [[w], [s + "ії"], [s + "ії"], [s + "ію"], [s + "ією"], [s + "ії"]], "f"
        s = w[:-1]
        return [[w], [s + "і"], [s + "і"], [s + "ю"], [s + "яй"], [s + "і"]], "f"
    if cls == "f_ya":
        s = w[:-1]
        if lang == "ru":
            return [[w], [s + "и"], [s + "е"], [s + "ю"], [s + "ей"], [s + "е"]], "f"
        if lang == "uk":
            return [[w], [s + "ї"], [s + "ї"], [s + "ю"], [s + "єю"], [s + "ї"]], "f"
        return [[w], [s + "і"], [s + "і"], [s + "ю"], [s + "яй"], [s + "і"]], "f"
    if cls == "f_a":
        s = st or w[:-1]
        c = s[-1].lower()
        if lang == "ru":
            gen = s + ("и" if c in (VELAR | HUSH) - {"ц"} else "ы")
            ins = [s + "ой"] if c not in HUSH else [s + "ей", s + "ой"]
            return [[w], [gen], [s + "е"], [s + "у"], ins, [s + "е"]], "f"
        if lang == "uk":
            gen = s + ("і" if c in "жчшщ" else "и")
            mut = {"к": "ц", "г": "з", "х": "с"}.get(c)
            dl = [s + "і"] if not mut else [s[:-1] + mut + "і"]
            ins = [s + "ою"] if c not in "жчшщ" else [s + "ею"]
            return [[w], [gen], dl, [s + "у"], ins, dl], "f"
        gen = s + ("і" if c in VELAR else "ы")
        if c in VELAR:
            dl = [s[:-1] + {"к": "ц", "г": "з", "х": "с"}[c] + "ы"]
        elif c in "чшжр" or s.lower().endswith("шч"):
            dl = [s + "ы"]
        elif c == "д":
            dl = [s[:-1] + "дзе", s + "е"]
        elif c == "т":
            dl = [s[:-1] + "це", s + "е"]
        else:
            dl = [s + "е"]
        return [[w], [gen], dl, [s + "у"], [s + "ай", s + "аю"], dl], "f"
    if cls == "n":
        s = st or w[:-1]
        if lang == "ru":
            return [[w], [s + "а"], [s + "у"], [w], [s + "ом"], [s + "е"]], "n"
        if lang == "uk":
            if w.endswith("я"):
                return [[w], [s + "я"], [s + "ю"], [w], [s + "ям"], [s + "і"]], "n"
            return [[w], [s + "а"], [s + "у", s + "ові"], [w], [s + "ом"], [s + "і", s + "у"]], "n"
        return [[w], [s + "а"], [s + "у"], [w], [s + "ам"], [s + "е"]], "n"
    if cls in ("pl", "pl_a"):
        s = st or w[:-1]
        if lang == "ru":
            gen = s if zero_gen else s + "ов"
            return [[w], [gen], [s + "ам"], [w], [s + "ами"], [s + "ах"]], "pl"
        if lang == "uk":
            gen = s if zero_gen else s + "ів"
            return [[w], [gen], [s + "ам"], [w], [s + "ами"], [s + "ах"]], "pl"
        gen = s if zero_gen else s + "аў"
        return [[w], [gen], [s + "ам"], [w], [s + "амі"], [s + "ах"]], "pl"
    raise ValueError(cls)


def _adj_stem(w: str, lang: str) -> tuple[str, str]:
    """Return (stem, type) of an adjective in any form: type hard, velar or soft."""
    lw = w.lower()
    for end in sorted(
        (
            "ий",
            "ый",
            "ой",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ій",
            "а",
            "я",
            "е",
            "є",
            "і",
            "ы",
            "ае",
            "яе",
            "ыя",
            "ія",
        ),
        key=len,
        reverse=True,
    ):
        if lw.endswith(end) and len(lw) > len(end) + 1:
            stem = w[: -len(end)]
            last = stem[-1].lower()
            if lang == "be" and end in ("і", "яя", "яе", "ія") and last == "н":
                return stem, "soft"
            return stem, "velar" if last in VELAR | HUSH else "hard"
    return w, "hard"


def _adj_slots(w: str, lang: str, gender: str) -> Slots:
    stem, typ = _adj_stem(w, lang)
    s = stem
    if lang == "ru":
        y = "и" if typ == "velar" else "ы"
        m_nom = w if w.lower().endswith(("ий", "ый", "ой")) else s + y + "й"
        table = {
            "m": [[m_nom], [s + "ого"], [s + "ому"], [m_nom], [s + y + "м"], [s + "ом"]],
            "f": [[s + "ая"], [s + "ой"], [s + "ой"], [s + "ую"], [s + "ой", s + "ою"], [s + "ой"]],
            "n": [[s + "ое"], [s + "ого"], [s + "ому"], [s + "ое"], [s + y + "м"], [s + "ом"]],
            "pl": [
                [s + y + "е"],
                [s + y + "х"],
                [s + y + "м"],
                [s + y + "е"],
                [s + y + "ми"],
                [s + y + "х"],
            ],
        }
    elif lang == "uk":
        table = {
            "m": [
                [s + "ий"],
                [s + "ого"],
                [s + "ому"],
                [s + "ий"],
                [s + "им"],
                [s + "ому", s + "ім"],
            ],
            "f": [[s + "а"], [s + "ої"], [s + "ій"], [s + "у"], [s + "ою"], [s + "ій"]],
            "n": [
                [s + "е"],
                [s + "ого"],
                [s + "ому"],
                [s + "е"],
                [s + "им"],
                [s + "ому", s + "ім"],
            ],
            "pl": [[s + "і"], [s + "их"], [s + "им"], [s + "і"], [s + "ими"], [s + "их"]],
        }
    elif typ == "soft":  # be soft: Усходні
        table = {
            "m": [[s + "і"], [s + "яга"], [s + "яму"], [s + "і"], [s + "ім"], [s + "ім"]],
            "f": [[s + "яя"], [s + "яй"], [s + "яй"], [s + "юю"], [s + "яй"], [s + "яй"]],
            "n": [[s + "яе"], [s + "яга"], [s + "яму"], [s + "яе"], [s + "ім"], [s + "ім"]],
            "pl": [[s + "ія"], [s + "іх"], [s + "ім"], [s + "ія"], [s + "імі"], [s + "іх"]],
        }
    else:
        y = "і" if typ == "velar" else "ы"
        table = {
            "m": [[s + y], [s + "ага"], [s + "аму"], [s + y], [s + y + "м"], [s + y + "м"]],
            "f": [[s + "ая"], [s + "ай"], [s + "ай"], [s + "ую"], [s + "ай", s + "аю"], [s + "ай"]],
            "n": [[s + "ае"], [s + "ага"], [s + "аму"], [s + "ае"], [s + y + "м"], [s + y + "м"]],
            "pl": [
                [s + y + "я"],
                [s + y + "х"],
                [s + y + "м"],
                [s + y + "я"],
                [s + y + "мі"],
                [s + y + "х"],
            ],
        }
    return table[gender]


def _is_adj_word(word: str, lang: str) -> bool:
    if word in HEAD_NOUNS.get(lang, {}) or (
        "-" in word and not word.lower().endswith(ADJ_ENDINGS[lang])
    ):
        return False
    return word in ADJ_WORDS.get(lang, set()) or word.lower().endswith(ADJ_ENDINGS[lang])


def slavic_noun_forms(alias: str, lang: str, gram: dict[str, str]) -> list[str]:
    """All case forms of a (possibly multi-word) name, the alias itself first."""
    words = alias.split(" ")
    start = 0
    for i, wd in enumerate(words):  # "Папуа — Новая Гвинея": inflect after the dash
        if wd in ("—", "–"):
            start = i + 1
    if start >= len(words):
        return [alias]
    i = start
    adjs: list[str] = []
    while i < len(words) - 1 and _is_adj_word(words[i], lang):
        adjs.append(words[i])
        i += 1
    head = words[i]
    cls = HEAD_NOUNS.get(lang, {}).get(head)
    if cls == "pl_a":  # ru "Острова": plural in -а
        s = head[:-1]
        head_slots: Slots = [[head], [s + "ов"], [s + "ам"], [head], [s + "ами"], [s + "ах"]]
        gender = "pl"
    else:
        head_slots, gender = _noun_slots(head, lang, gram, cls)
    adj_slots = [_adj_slots(a, lang, gender) for a in adjs]
    prefix = " ".join(words[:start])
    suffix = " ".join(words[i + 1 :])
    out: list[str] = [alias]
    for slot in range(6):
        choices = [a[slot] for a in adj_slots] + [head_slots[slot]]
        for combo in itertools.product(*choices):
            parts = [p for p in (prefix, " ".join(combo), suffix) if p]
            form = " ".join(parts)
            if form not in out:
                out.append(form)
    return out


def slavic_adjective_forms(alias: str, lang: str) -> list[str]:
    out = [alias]
    for gender in ("m", "f", "n", "pl"):
        for slot in _adj_slots(alias, lang, gender):
            for f in slot:
                if f not in out:
                    out.append(f)
    return out


# --------------------------------------------------------------------------- other languages


def german_genitive(alias: str) -> list[str]:
    """``China`` -> ``Chinas``; feminine names (-e, -ei) and sibilant endings take none."""
    if (
        " " in alias
        or alias.isupper()
        or alias.lower().endswith(("s", "ß", "x", "z", "e", "ei", "sch"))
    ):
        return []
    return [alias + "s"]


def german_weak(alias: str) -> list[str]:
    """``Vereinigte Staaten`` -> ``Vereinigten Staaten`` (dative/genitive after an article)."""
    words = alias.split(" ")
    if len(words) < 2:
        return []
    changed = [
        w + "n" if i < len(words) - 1 and w.endswith("e") and w[0].isupper() else w
        for i, w in enumerate(words)
    ]
    if changed == words:
        return []
    out = [" ".join(changed)]
    if words[-1].endswith("e"):
        out.append(" ".join([*changed[:-1], words[-1] + "n"]))
    return out


def german_adjective(alias: str) -> list[str]:
    if alias[0].isupper():  # "Schweizer" is invariable
        return [alias]
    return [alias] + [alias + e for e in ("e", "en", "er", "es", "em")]


def romance_adjective(masc: str, fems: list[str], lang: str) -> list[str]:
    def plural(w: str) -> str:
        if lang == "fr":
            return w if w.endswith(("s", "x")) else w + "s"
        if w[-1] in "aeiouáéó":
            return w + "s"
        if w[-1] in "íú":
            return w + "es"
        base = w
        for a, b in (("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u")):
            idx = base.rfind(a)
            if idx >= len(base) - 3:
                base = base[:idx] + b + base[idx + 1 :]
        return base + "es"

    out = [masc, plural(masc)]
    for f in fems:
        out += [f, plural(f)]
    return list(dict.fromkeys(out))


def english_variants(alias: str) -> list[str]:
    out = [alias]
    for a, bs in (
        ("Saint ", ("St. ", "St ")),
        ("St. ", ("Saint ", "St ")),
        ("St ", ("Saint ", "St. ")),
    ):
        if alias.startswith(a):
            out += [b + alias[len(a) :] for b in bs]
    more = []
    for v in out:
        if " and " in v:
            more.append(v.replace(" and ", " & "))
    return list(dict.fromkeys(out + more))


# --------------------------------------------------------------------------- countries


def _inverted(name: str) -> bool:
    _head, _, tail = name.partition(", ")
    if not tail:
        return False
    t = tail.lower()
    return (
        t.endswith((" of", " of the", " de", " del", " du", " da", " do"))
        or t.startswith(
            ("the ", "province", "republic", "islamic", "plurinational", "federated", "united")
        )
        or tail in ("British", "U.S.")
    )


def build_countries() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    m49 = {r["iso2"]: r for r in _read_csv(CURATED / "m49.csv")}
    countries: list[dict[str, str]] = []
    aliases: list[dict[str, str]] = []

    def add(
        iso: str,
        alias: str,
        lang: str,
        kind: str,
        source: str,
        cs: bool | None = None,
        amb: bool = False,
    ) -> None:
        alias = " ".join(alias.split())
        if not alias:
            return
        aliases.append(
            {
                "iso2": iso,
                "alias": alias,
                "lang": lang,
                "kind": kind,
                "cs": "" if cs is None else _b(cs),
                "ambiguous": _b(amb),
                "source": source,
            }
        )

    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        iso = c.alpha_2
        region = m49[iso]
        name = getattr(c, "common_name", None) or c.name
        official = getattr(c, "official_name", None) or ""
        if official.lower().startswith("the "):
            official = official[4:]
        src = f"ISO 3166-1 via {PYCOUNTRY}; region: UN M49 (seeds/curated/m49.csv)"
        if region["note"]:
            src += f"; {region['note']}"
        countries.append(
            {
                "iso2": iso,
                "iso3": c.alpha_3,
                "numeric": c.numeric,
                "name": name,
                "official_name": official,
                "region": region["region"],
                "sub_region": region["sub_region"],
                "source": src,
            }
        )
        # English names from ISO 3166-1. Inverted forms ("Korea, Republic of") never occur in
        # running text and are skipped; parentheses give the bare name too.
        for attr, kind in (
            ("name", "name"),
            ("common_name", "name"),
            ("official_name", "official"),
        ):
            val = getattr(c, attr, None)
            if not val or _inverted(val):
                continue
            if val.lower().startswith("the "):
                val = val[4:]
            for v in {val, re.sub(r"\s*\([^)]*\)", "", val)}:
                for var in english_variants(v):
                    add(iso, var, "en", kind, f"ISO 3166-1 {attr} via {PYCOUNTRY}")
    r = m49["XK"]
    countries.append(
        {
            "iso2": "XK",
            "iso3": "XKX",
            "numeric": "",
            "name": "Kosovo",
            "official_name": "Republic of Kosovo",
            "region": r["region"],
            "sub_region": r["sub_region"],
            "source": "user-assigned code XK/XKX (not in ISO 3166-1; as used by the European "
            "Commission, IMF and SWIFT); " + r["note"],
        }
    )
    add("XK", "Kosovo", "en", "name", "user-assigned code XK; curated")

    # pycountry's gettext translations of the ISO names
    per_lang: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for loc, lang in TRANSLATION_LANGS.items():
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc])
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                val = getattr(c, attr, None)
                if not val:
                    continue
                t = tr.gettext(val)
                if t == val and lang not in ("pt", "it", "es", "de", "fr", "pl"):
                    continue  # untranslated
                per_lang[lang][c.alpha_2].append(
                    (t, f"{PYCOUNTRY} gettext iso3166-1 [{loc}] {attr} '{val}'")
                )
    # an English name of another country wins over a translation that spells it (Dutch
    # "Sint-Maarten" is the French part, MF; English "Sint Maarten" is SX)
    english: dict[str, set[str]] = defaultdict(set)
    for a in aliases:
        if a["lang"] == "en":
            english[_fold_key(a["alias"])].add(a["iso2"])
    for row in _read_csv(CURATED / "country_aliases.csv"):  # added below; known here
        if row["lang"] == "en":
            english[_fold_key(row["alias"])].add(row["iso2"])
    for lang, by_iso in per_lang.items():
        # heads of inverted names ("Iran, Islamische Republik" -> "Iran") only when unique
        heads: dict[str, set[str]] = defaultdict(set)
        for iso, vals in by_iso.items():
            for t, _ in vals:
                heads[t.partition(",")[0].strip()].add(iso)
        for iso, vals in sorted(by_iso.items()):
            for t, src in vals:
                cands = []
                if "," in t:
                    head = t.partition(",")[0].strip()
                    if len(heads[head]) == 1:
                        cands.append(head)
                else:
                    cands.append(t)
                    bare = re.sub(r"\s*[(（][^)）]*[)）]", "", t).strip()
                    if bare != t:
                        cands.append(bare)
                for cand in cands:
                    if lang in SLAVIC and cand[:1].islower():
                        cand = cand[0].upper() + cand[1:]
                    if lang == "en" or iso not in english.get(_fold_key(cand), {iso}):
                        continue
                    add(iso, cand, lang, "translation", src)

    # curated aliases
    for row in _read_csv(CURATED / "country_aliases.csv"):
        iso, lang, kind, alias = row["iso2"], row["lang"], row["kind"], row["alias"]
        amb = row["ambiguous"] == "true"
        cs = {"true": True, "false": False}.get(row["case_sensitive"])
        gram = _parse_gram(row["gram"])
        src = CUR_CA + (f"; {row['note']}" if row["note"] else "")
        if lang == "en":
            for var in english_variants(alias):
                add(iso, var, lang, kind, src, cs, amb)
            continue
        forms = [alias]
        fem = [f for f in gram.get("forms", "").split("/") if f]
        if lang in ("fr", "es") and kind == "demonym":
            forms = romance_adjective(alias, fem, lang)
        elif lang == "de" and kind == "demonym":
            forms = german_adjective(alias)
        add(iso, alias, lang, kind, src, cs, amb)
        for f in forms[1:]:
            add(
                iso,
                f,
                lang,
                kind,
                f"generated from '{alias}': {lang} adjective forms (build_seeds.py)",
                cs,
                amb,
            )
        if lang in SLAVIC and "i" not in gram:  # "i": listed as is (nationality nouns)
            if kind == "demonym":
                gen = slavic_adjective_forms(alias, lang)
            else:
                gen = slavic_noun_forms(alias, lang, gram)
            for f in gen[1:]:
                add(
                    iso,
                    f,
                    lang,
                    kind,
                    f"generated from '{alias}': {lang} declension (build_seeds.py)",
                    cs,
                    amb,
                )
    # declension of the pycountry translations and German genitives / weak forms
    extra: list[tuple[str, str, str, str, str, bool | None, bool]] = []
    curated_keys = {
        (a["iso2"], a["alias"], a["lang"]) for a in aliases if a["source"].startswith("curated")
    }
    for a in aliases:
        if a["source"].startswith(("curated", "generated")):
            continue
        if (
            a["lang"] in SLAVIC
            and a["kind"] == "translation"
            and not a["alias"].isupper()
            and "(" not in a["alias"]
        ):
            if (a["iso2"], a["alias"], a["lang"]) in curated_keys:
                continue  # the curated row was declined already
            for f in slavic_noun_forms(a["alias"], a["lang"], {})[1:]:
                extra.append(
                    (
                        a["iso2"],
                        f,
                        a["lang"],
                        "translation",
                        f"generated from '{a['alias']}': {a['lang']} declension (build_seeds.py)",
                        None,
                        False,
                    )
                )
    for a in list(aliases):
        if (
            a["lang"] == "de"
            and a["kind"] in ("translation", "short", "former", "capital")
            and "(" not in a["alias"]
        ):
            for f in german_genitive(a["alias"]) + german_weak(a["alias"]):
                extra.append(
                    (
                        a["iso2"],
                        f,
                        "de",
                        a["kind"],
                        f"generated from '{a['alias']}': de genitive/weak form (build_seeds.py)",
                        None,
                        a["ambiguous"] == "true",
                    )
                )
    for iso, f, lang, kind, src, cs, amb in extra:
        add(iso, f, lang, kind, src, cs, amb)
    return countries, aliases


# --------------------------------------------------------------------------- minerals


def build_minerals() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    minerals = []
    src_lists = (
        "lists: USGS 2022 List of Critical Minerals (87 FR 10381); USGS 2025 List of Critical "
        "Minerals (Federal Register, 2025-11-07); EU CRMA Regulation (EU) 2024/1252 "
        "Annex I (strategic) and Annex II (critical)"
    )
    for r in _read_csv(CURATED / "minerals.csv"):
        src = "curated (seeds/curated/minerals.csv); " + src_lists
        if r["note"]:
            src += f"; {r['note']}"
        minerals.append(
            {
                k: r[k]
                for k in (
                    "id",
                    "name",
                    "symbol",
                    "category",
                    "group_id",
                    "usgs_2022",
                    "usgs_2025",
                    "eu_crm_2023",
                    "eu_srm_2023",
                )
            }
            | {"source": src}
        )
    aliases: list[dict[str, str]] = []

    def add(
        mid: str, alias: str, lang: str, kind: str, source: str, cs: bool | None, amb: bool
    ) -> None:
        aliases.append(
            {
                "mineral_id": mid,
                "alias": " ".join(alias.split()),
                "lang": lang,
                "kind": kind,
                "cs": "" if cs is None else _b(cs),
                "ambiguous": _b(amb),
                "source": source,
            }
        )

    for m in minerals:
        add(
            m["id"],
            m["name"].lower(),
            "en",
            "name",
            "curated (seeds/curated/minerals.csv) name",
            None,
            False,
        )
    for row in _read_csv(CURATED / "mineral_aliases.csv"):
        mid, lang, kind, alias = row["mineral_id"], row["lang"], row["kind"], row["alias"]
        amb = row["ambiguous"] == "true"
        cs = {"true": True, "false": False}.get(row["case_sensitive"])
        gram = _parse_gram(row["gram"])
        src = CUR_MA + (f"; {row['note']}" if row["note"] else "")
        add(mid, alias, lang, kind, src, cs, amb)
        gen: list[str] = []
        if lang in SLAVIC and not alias.isupper() and "i" not in gram:
            gen = (
                slavic_adjective_forms(alias, lang)
                if kind == "adjective"
                else slavic_noun_forms(alias, lang, gram)
            )
        elif lang == "de" and kind == "translation":
            gen = [alias, *german_genitive(alias), *german_weak(alias)]
        for f in gen[1:]:
            add(
                mid,
                f,
                lang,
                kind,
                f"generated from '{alias}': {lang} declension (build_seeds.py)",
                cs,
                amb,
            )
    return minerals, aliases


# --------------------------------------------------------------------------- post-processing


def _default_case_sensitive(alias: str, lang: str, kind: str, entity_kind: str) -> bool:
    """Whether the alias's capitalization is required (see seeds/README.md)."""
    if _is_cjk(alias):
        return False
    letters = [ch for ch in alias if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) <= 6:
        return True  # acronyms: US, UAE, DRC, REE, LNG, США
    if entity_kind == "country":
        # proper nouns are capitalized in every language we cover; adjectives outside
        # English are written in lower case, so they match in any case
        return alias[:1].isupper()
    return False


# English ISO names that are also ordinary words or names; the matcher has a context rule
# (or a case rule) for each of them, see etl/normalize.py.
EN_AMBIGUOUS = {
    ("GE", "Georgia"),
    ("JO", "Jordan"),
    ("TD", "Chad"),
    ("NE", "Niger"),
    ("GN", "Guinea"),
    ("DM", "Dominica"),
    ("TR", "Turkey"),
    ("CN", "China"),
    ("JE", "Jersey"),
    ("GG", "Guernsey"),
}


def finalize(rows: list[dict[str, str]], key: str, entity_kind: str) -> list[dict[str, str]]:
    best: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        if r["lang"] == "en" and (r[key], r["alias"]) in EN_AMBIGUOUS:
            r["ambiguous"] = "true"
        k = (r[key], r["alias"], r["lang"])
        if k not in best or KIND_PRECEDENCE[r["kind"]] < KIND_PRECEDENCE[best[k]["kind"]]:
            if k in best and best[k]["ambiguous"] == "true":
                r["ambiguous"] = "true"
            best[k] = r
        elif r["ambiguous"] == "true":
            best[k]["ambiguous"] = "true"
    out = []
    for r in best.values():
        cs = r.pop("cs")
        r["case_sensitive"] = cs or _b(
            _default_case_sensitive(r["alias"], r["lang"], r["kind"], entity_kind)
        )
        out.append(r)
    return out


def mark_collisions(c_alias: list[dict[str, str]], m_alias: list[dict[str, str]]) -> list[str]:
    """An alias form that names two entities is ambiguous for both (the matcher's context
    rules choose); a form shared by a country and a mineral must be matched with its case."""
    report = []
    for rows, key in ((c_alias, "iso2"), (m_alias, "mineral_id")):
        ents: dict[tuple[str, bool], set[str]] = defaultdict(set)
        for r in rows:
            ents[
                (_fold_key(r["alias"]), r["case_sensitive"] == "true" and r["alias"][:1].isupper())
            ].add(r[key])
        for r in rows:
            k = (_fold_key(r["alias"]), r["case_sensitive"] == "true" and r["alias"][:1].isupper())
            if len(ents[k]) > 1 and r["ambiguous"] != "true":
                r["ambiguous"] = "true"
                report.append(
                    f"ambiguous within {key}: {r['alias']!r} ({r['lang']}) -> {sorted(ents[k])}"
                )
    c_keys = defaultdict(list)
    for r in c_alias:
        c_keys[_fold_key(r["alias"])].append(r)
    for r in m_alias:
        for c in c_keys.get(_fold_key(r["alias"]), []):
            if c["alias"] == r["alias"]:
                report.append(f"same alias for a country and a mineral: {r['alias']!r}")
                continue
            for x in (r, c):
                x["case_sensitive"] = "true"
            r["ambiguous"] = "true"
            report.append(
                f"{c['alias']!r} ({c['iso2']}) vs {r['alias']!r} ({r['mineral_id']}): cased"
            )
    return report


PLACE_KINDS = {"region", "city", "district"}


def build_place_hints(
    isos: set[str], c_alias: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[str]]:
    """Sub-national places from ``curated/place_hints.csv``, checked: a known ISO code, a
    known match and kind, prefixes of at least 5 characters, and no name that is also a
    country alias (a capital or a country name is a mention, not a hint). Returns the rows
    and the names dropped, with why."""
    path = CURATED / "place_hints.csv"
    if not path.exists():
        return [], []
    aliases = {_fold_key(r["alias"]) for r in c_alias}
    rows, dropped, seen = [], [], set()
    for r in _read_csv(path):
        name = r["name"].strip()
        key = (_fold_key(name), r["iso2"])
        why = (
            "unknown iso2"
            if r["iso2"] not in isos
            else "bad match"
            if r["match"] not in ("word", "prefix")
            else "bad kind"
            if r["kind"] not in PLACE_KINDS
            else "short prefix"
            if r["match"] == "prefix" and len(name) < 5
            else "country alias"
            if _fold_key(name) in aliases
            else "duplicate"
            if key in seen
            else ""
        )
        if why:
            dropped.append(f"{name} ({r['iso2']}): {why}")
            continue
        seen.add(key)
        rows.append({**r, "name": name, "source": r["source"] or "curated"})
    rows.sort(key=lambda r: (r["iso2"], r["kind"], r["name"], r["lang"]))
    return rows, dropped


def main(out_dir: Path = HERE) -> int:
    countries, c_alias = build_countries()
    minerals, m_alias = build_minerals()
    c_alias = finalize(c_alias, "iso2", "country")
    m_alias = finalize(m_alias, "mineral_id", "mineral")
    report = mark_collisions(c_alias, m_alias)

    isos = {c["iso2"] for c in countries}
    mids = {m["id"] for m in minerals}
    bad = [r for r in c_alias if r["iso2"] not in isos] + [
        r for r in m_alias if r["mineral_id"] not in mids
    ]
    bad += [m for m in minerals if m["group_id"] and m["group_id"] not in mids]
    if bad:
        print("unknown ids:", bad[:5], file=sys.stderr)
        return 1

    def order(r: dict[str, str], key: str) -> tuple[str, str, str, str]:
        return (r[key], r["lang"], KIND_PRECEDENCE[r["kind"]].__str__().zfill(2), r["alias"])

    c_alias.sort(key=lambda r: order(r, "iso2"))
    m_alias.sort(key=lambda r: order(r, "mineral_id"))
    countries.sort(key=lambda r: r["iso2"])
    n1 = _write_csv(
        out_dir / "countries.csv",
        ["iso2", "iso3", "numeric", "name", "official_name", "region", "sub_region", "source"],
        countries,
    )
    n2 = _write_csv(
        out_dir / "country_aliases.csv",
        ["iso2", "alias", "lang", "kind", "case_sensitive", "ambiguous", "source"],
        c_alias,
    )
    n3 = _write_csv(
        out_dir / "minerals.csv",
        [
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
        ],
        minerals,
    )
    n4 = _write_csv(
        out_dir / "mineral_aliases.csv",
        ["mineral_id", "alias", "lang", "kind", "case_sensitive", "ambiguous", "source"],
        m_alias,
    )
    places, dropped = build_place_hints(isos, c_alias)
    n5 = _write_csv(
        out_dir / "place_hints.csv", ["name", "iso2", "lang", "match", "kind", "source"], places
    )
    print(
        f"countries={n1} country_aliases={n2} minerals={n3} mineral_aliases={n4} "
        f"place_hints={n5} (dropped {len(dropped)})"
    )
    if dropped and "-v" in sys.argv:
        print("dropped place hints:", *dropped, sep="\n  ")
    if "-v" in sys.argv:
        print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
