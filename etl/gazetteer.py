"""Seed loading, text folding and the Aho-Corasick automaton behind :mod:`etl.normalize`.

Folding
    Matching runs on a *folded* copy of the text that has exactly the same length as the
    NFC-normalized input, so an offset in the folded text is an offset in the original
    (``fold`` is a per-character table followed by ``str.lower``; characters whose lower case
    would change the length, such as ``İ``, are mapped 1:1 first). It drops Latin diacritics
    (``Côte`` = ``Cote``), maps ``ё`` to ``е``, typographic apostrophes to ``'`` and every
    dash and white-space character to a plain space, so ``Guinea-Bissau`` = ``Guinea Bissau``
    and ``rare-earth`` = ``rare earth``. Full Unicode case folding (``ß`` -> ``ss``) is not
    used because it changes lengths; ``ß`` stays ``ß`` on both sides. Text that is not in NFC
    (decomposed accents) goes through :func:`fold_with_map`, which keeps an explicit offset
    map back to the original string.

Aliases
    Each folded alias is one key of the automaton; its value lists every entry (country,
    mineral or blocking phrase) with that key. Case-sensitive aliases are checked against
    the original surface afterwards (:func:`case_ok`).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

__all__ = [
    "SEED_FILES",
    "AliasEntry",
    "Gazetteer",
    "case_ok",
    "fold",
    "fold_with_map",
    "is_cjk",
    "is_word_char",
]

SEED_FILES = ("countries.csv", "country_aliases.csv", "minerals.csv", "mineral_aliases.csv")
# Sub-national places (regions, non-capital cities, mining districts) and their country:
# hints for the main country only, never mentions. Optional, so older seed folders load.
PLACE_HINTS_FILE = "place_hints.csv"

# --------------------------------------------------------------------------- folding


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        d = unicodedata.normalize("NFD", ch)
        if len(d) > 1 and d[0].isascii() and d[0].isalpha():
            table[cp] = d[0]
    for a, b in {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ё": "е",
        "Ё": "Е",
        "ς": "σ",
    }.items():
        table[ord(a)] = b
    for q in "’‘‛`´ʼʻ′":
        table[ord(q)] = "'"
    for dash in "-‐‑‒–—―−﹣－":
        table[ord(dash)] = " "
    spaces = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, *range(0x2000, 0x200B)]
    for cp in [*spaces, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]:
        table[cp] = " "
    # The only character whose lower case is longer than one character is U+0130 (İ -> i̇);
    # tests/test_normalize.py checks this against the running Python's Unicode tables.
    for ch in LENGTH_CHANGING_LOWER:
        table[ord(ch)] = ch.lower()[0]
    return table


LENGTH_CHANGING_LOWER = "\u0130"


_TABLE = _build_table()


def _ascii_table() -> bytes:
    table = bytearray(range(256))
    for cp in range(128):
        ch = chr(cp)
        table[cp] = ord(_TABLE.get(cp, ch).lower())
    return bytes(table)


_ASCII_TABLE = _ascii_table()


def _special_chars() -> dict[str, str]:
    """Lower-case characters that the table changes, with their folded form."""
    chars = {chr(cp) for cp in _TABLE} | {chr(cp).lower() for cp in _TABLE}
    return {c: fold_slow(c) for c in sorted(chars) if len(c) == 1 and fold_slow(c) != c}


def fold_slow(text: str) -> str:
    """Reference implementation of :func:`fold` (a per-character table, then lower case)."""
    return text.translate(_TABLE).lower()


def fold(text: str) -> str:
    """Fold NFC text for matching; ``len(fold(t)) == len(t)``."""
    if text.isascii():  # one byte-table pass instead of a per-character dict look-up
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    # Lower-case first (fast), then replace only the few characters the table changes;
    # equivalent to fold_slow because the table commutes with lower() (İ excepted).
    if "\u0130" in text:
        text = text.replace("\u0130", "I")
    low = text.lower()
    return _SPECIAL.sub(lambda m: _LOW_TABLE[m.group(0)], low)


def fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """Return ``(folded, index_map)``. ``index_map`` is None when offsets are the identity
    (the text is NFC); otherwise ``index_map[i]`` is the original offset of folded
    character ``i`` and ``index_map[len(folded)] == len(text)``."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return fold(text), None
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        index.extend([i] * len(piece))
        i = j
    index.append(n)
    folded = fold("".join(out))
    return folded, index


_LOW_TABLE = _special_chars()
_SPECIAL = re.compile("[" + "".join(re.escape(c) for c in _LOW_TABLE) + "]")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x2FA1F
    )


def is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks continue a word; CJK characters do not need
    word boundaries (Chinese is written without spaces)."""
    return (ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M") and not is_cjk(ch)


# --------------------------------------------------------------------------- case check

FUNCTION_WORDS = frozenset(
    [
        "of",
        "the",
        "and",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "d",
        "l",
        "et",
        "y",
        "del",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "van",
        "von",
        "der",
        "den",
        "und",
        "al",
        "el",
        "upon",
        "on",
        "in",
        "i",
        "и",
        "і",
        "та",
        "й",
    ]
)


def _words(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(s):
        if ch.isalpha():
            if start < 0:
                start = i
        elif start >= 0:
            spans.append((start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(s)))
    return spans


def case_ok(surface: str, alias: str, strict_lower: bool = False) -> bool:
    """Whether ``surface`` has the capitalization the (case-sensitive) ``alias`` requires.

    Per word of the alias: an acronym (all capitals, ``US``, ``DRC``) must be all capitals;
    a word with inner capitals (``Nd``, ``NdPr``, ``LiOH``) must match exactly; a capitalized
    word must start with a capital letter (``CHINA`` in an all-caps headline is fine,
    ``china`` is not); lower-case function words (of, the, de...) may take any case. With
    ``strict_lower`` lower-case alias words must be lower case in the text too (used where
    the capitalized form is another entity: ``германий`` vs ``Германия``).
    """
    if surface == alias:
        return True
    if len(surface) != len(alias):
        surface = unicodedata.normalize("NFC", surface)
        if len(surface) != len(alias):
            a0 = next((c for c in alias if c.isalpha()), "")
            s0 = next((c for c in surface if c.isalpha()), "")
            return not a0 or (a0.isupper() == s0.isupper())
    for a, b in _words(alias):
        aw = alias[a:b]
        sw = surface[a:b]
        if len(aw) >= 2 and aw.isupper():
            if not sw.isupper():
                return False
        elif any(c.isupper() for c in aw[1:]):
            if sw != aw:
                return False
        elif aw[0].isupper():
            if not sw[0].isupper():
                return False
            if len(aw) <= 3 and len(sw) > 1 and sw.isupper():
                return False  # "ROM" is not "Rom", "LAO" not "Lao"
        elif strict_lower:
            if sw != aw:
                return False
        elif aw.lower() in FUNCTION_WORDS:
            continue
    return True


# --------------------------------------------------------------------------- seeds

COUNTRY_FLAGS = {
    "demonym": ("demonym",),
    "capital": ("capital",),
    "former": ("former",),
    "short": ("short",),
    "translation": ("translation",),
}
MINERAL_FLAGS = {
    "symbol": ("abbreviation",),
    "abbreviation": ("abbreviation",),
    "ore": ("ore",),
    "compound": ("ore",),
    "translation": ("translation",),
}
ENGLISH = frozenset({"", "en"})


@dataclass(frozen=True, slots=True)
class AliasEntry:
    etype: str  # 'country' | 'mineral' | 'block'
    entity_id: str  # iso2, mineral slug, or for blocks the scope ('country'|'mineral'|'all')
    alias: str  # the alias as written in the seeds (NFC)
    kind: str
    lang: str
    case_sensitive: bool
    ambiguous: bool
    flags: tuple[str, ...]
    foreign_latin: bool  # Latin-script alias of another language: gated by the language hint
    compound_ok: bool  # German noun that may start a compound (Kupferpreis)

    def active(self, language: str | None) -> bool:
        """Latin-script aliases of another language count in texts of that language; with
        no language hint only their capitalized, unambiguous names do ("Weißrussland"),
        not lower-case adjectives that may be English words (Spanish "china")."""
        if not self.foreign_latin:
            return True
        if language is None:
            return self.case_sensitive and not self.ambiguous
        return language == self.lang


def _bool(v: str | None) -> bool:
    return (v or "").strip().lower() in ("true", "1", "yes", "t", "y")


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _latin(s: str) -> bool:
    return _LATIN_LETTER.search(s) is not None


class Gazetteer:
    """Seed tables compiled into one automaton. Built once per process."""

    def __init__(self, seeds_dir: str | os.PathLike[str], blockers: list[tuple[str, str, str]]):
        self.seeds_dir = Path(seeds_dir)
        digest = hashlib.sha256()
        for name in SEED_FILES:
            digest.update(name.encode())
            digest.update((self.seeds_dir / name).read_bytes())
        hints = self.seeds_dir / PLACE_HINTS_FILE
        if hints.exists():
            digest.update(PLACE_HINTS_FILE.encode())
            digest.update(hints.read_bytes())
        self.seeds_digest = digest.hexdigest()

        self.countries: dict[str, dict[str, str]] = {}
        self.minerals: dict[str, dict[str, str]] = {}
        for crow in self._rows("countries.csv"):
            self.countries[crow["iso2"]] = crow
        for mrow in self._rows("minerals.csv"):
            self.minerals[mrow["id"]] = mrow
        self.group_ids = frozenset(i for i, r in self.minerals.items() if r["category"] == "group")

        by_key: dict[str, list[AliasEntry]] = {}
        self.n_aliases = 0
        symbols: set[str] = set()
        self.chain_symbols: dict[str, list[AliasEntry]] = {}
        normalize = unicodedata.normalize
        for etype, fname, key in (
            ("country", "country_aliases.csv", "iso2"),
            ("mineral", "mineral_aliases.csv", "mineral_id"),
        ):
            known = self.countries if etype == "country" else self.minerals
            flag_map = COUNTRY_FLAGS if etype == "country" else MINERAL_FLAGS
            flag_cache: dict[tuple[str, str, bool], tuple[str, ...]] = {}
            header, *rows = self._table(fname)
            col = {h: i for i, h in enumerate(header)}
            i_ent, i_alias, i_lang, i_kind = col[key], col["alias"], col["lang"], col["kind"]
            i_cs, i_amb = col["case_sensitive"], col["ambiguous"]
            for row in rows:
                ent = row[i_ent]
                if ent not in known:
                    continue
                alias = row[i_alias]
                if not alias.isascii():
                    alias = normalize("NFC", alias)
                lang, kind = row[i_lang], row[i_kind]
                group = etype == "mineral" and ent in self.group_ids
                fk = (kind, lang, group)
                fl = flag_cache.get(fk)
                if fl is None:
                    f = set(flag_map.get(kind, ()))
                    if lang not in ENGLISH:
                        f.add("translation")
                    if group:
                        f.add("group")
                    fl = flag_cache[fk] = tuple(sorted(f))
                foreign = lang not in ENGLISH
                entry = AliasEntry(
                    etype,
                    ent,
                    alias,
                    kind,
                    lang,
                    row[i_cs] == "true",
                    row[i_amb] == "true",
                    fl,
                    foreign and _latin(alias),
                    etype == "mineral" and lang == "de" and len(alias) >= 2,
                )
                k = fold(alias)
                if kind == "symbol":
                    symbols.add(alias)
                    if entry.ambiguous:
                        # "In", "As", "U": never matched alone; only inside element-symbol
                        # chains ("Nd-Pr", "Ni/Co"), found by a regex in the matcher
                        self.chain_symbols.setdefault(alias, []).append(entry)
                        self.n_aliases += 1
                        continue
                lst = by_key.get(k)
                if lst is None:
                    by_key[k] = [entry]
                else:
                    lst.append(entry)
                self.n_aliases += 1
        self.symbols = frozenset(symbols)
        for phrase, scope, lang in blockers:
            entry = AliasEntry(
                "block", scope, phrase, "block", lang, False, False, (), False, False
            )
            by_key.setdefault(fold(phrase), []).append(entry)

        # Automaton value: (key length, needs left boundary, needs right boundary, right
        # boundary relaxed for German compounds, ((etype, entries), ...)). Entries that
        # differ only in a language whose script cannot be confused (ru/uk "Китай") are
        # merged; the English entry comes first.
        self.automaton = ahocorasick.Automaton()
        for key, entries in by_key.items():
            k = key.strip()
            if not k:
                continue
            left = is_word_char(k[0])
            right = is_word_char(k[-1])
            groups: dict[str, list[AliasEntry]] = {}
            seen: set[tuple[object, ...]] = set()
            for e in sorted(entries, key=lambda e: (e.lang not in ENGLISH, e.foreign_latin)):
                sig = (
                    e.etype,
                    e.entity_id,
                    e.alias,
                    e.kind,
                    e.case_sensitive,
                    e.ambiguous,
                    e.flags,
                    e.lang if e.foreign_latin else "",
                    e.compound_ok,
                )
                if sig in seen:
                    continue
                seen.add(sig)
                groups.setdefault(e.etype, []).append(e)
            compound = any(e.compound_ok for es in groups.values() for e in es)
            value = (
                len(k),
                left,
                right and not compound,  # German compounds check the right side themselves
                right and compound,
                tuple((t, tuple(es)) for t, es in groups.items()),
            )
            self.automaton.add_word(k, value)
        self.automaton.make_automaton()
        self.keys = len(by_key)
        self.place_automaton = self._place_automaton() if hints.exists() else None

    def _place_automaton(self) -> ahocorasick.Automaton | None:
        """Folded place name -> (key length, ISO code, prefix match?, capital required?).
        A name listed for two countries is left out: a hint must point one way. A name
        written with a capital matches only capitalized ("Perth", not "perth"); one that
        starts lower case ("bayerisch", "eMalahleni") matches as written."""
        by_key: dict[str, set[tuple[str, bool, bool]]] = {}
        for row in self._rows(PLACE_HINTS_FILE):
            if row["iso2"] not in self.countries:
                continue
            name = unicodedata.normalize("NFC", row["name"]).strip()
            key = fold(name)
            if key:
                by_key.setdefault(key, set()).add(
                    (row["iso2"], row["match"] == "prefix", name[:1] != name[:1].lower())
                )
        auto = ahocorasick.Automaton()
        n = 0
        for key, targets in by_key.items():
            if len({t[0] for t in targets}) != 1:
                continue
            iso = next(iter(targets))[0]
            prefix = all(t[1] for t in targets)
            auto.add_word(key, (len(key), iso, prefix, all(t[2] for t in targets)))
            n += 1
        if not n:
            return None
        auto.make_automaton()
        return auto

    def _table(self, name: str) -> list[list[str]]:
        with (self.seeds_dir / name).open(encoding="utf-8", newline="") as fh:
            return [[v.strip() for v in r] for r in csv.reader(fh)]

    def _rows(self, name: str) -> list[dict[str, str]]:
        header, *rows = self._table(name)
        return [dict(zip(header, r, strict=False)) for r in rows]
