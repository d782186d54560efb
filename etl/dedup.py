"""Content fingerprints and the "same story" decision.

Layers, cheapest first (:func:`same_story` applies them in this order):

``url``       the same page: equal normalized URLs, or the ``www.`` twin (see :mod:`etl.urls`).
``language``  both languages known and different: never the same story (a translation is a
              separate article).
``exact``     equal :func:`content_sha256` of the normalized text.
``near``      aligned coverage (below) of the shorter text by the longer one reaches
              ``Thresholds.cross_source`` (0.6), or ``Thresholds.same_source`` (0.8) when
              both come from one outlet.
``title``     one outlet, the same :func:`title_key`, published within ``title_days`` (3), and
              at least ``title_coverage`` (0.3) of the text in common: a story the outlet
              re-published at a new URL with substantial changes.

**Aligned coverage** is the share of the shorter text's words that lie in blocks of at least
``min_block`` (16) consecutive words found *in the same order* in the other text
(:func:`aligned_coverage`). It is a containment measure, so a 150-word wire item printed
whole inside a 900-word weekly roundup scores ~0.95, and copies with a rewritten lead, cut
paragraphs or outlet boilerplate score 0.7-1.0. Requiring long, ordered blocks is what
separates copies from different stories that share vocabulary: templated market reports
(numbers break every block) score at most 0.22 in the labelled set, same-topic stories 0.11,
stories sharing only an outlet footer or two recycled background paragraphs ~0.3-0.4. A
bag-of-shingles Jaccard or containment cannot tell sentences reused out of order from a copy;
this measure can, up to a point: texts drawn from a small pool of reshuffled sentences (the
test fixtures of ``tests/pages.py``) still reach ~0.6, which is one reason a single outlet,
where recycled paragraphs and templates live, must reach 0.8. The price of the order: a copy
whose paragraphs were reordered wholesale is missed.

**Candidates** come from Broder's MOD-m sampling (1997): every word 3-shingle whose 64-bit hash
is divisible by ``sample_mod`` (16) is kept (:func:`sample_shingles`). The selection depends
on the shingle alone, so a shingle sampled in a short wire item is also sampled in any page
that contains it: shared samples estimate *containment*, which MinHash signatures (they
estimate Jaccard, ~0.16 for an embedded item) cannot do. ``etl.clusters`` stores the samples
in PostgreSQL and finds candidates with indexed lookups; the precise check above then decides.

The thresholds are calibrated on ``evaluation/dedup`` (``evaluate.py`` prints them with
precision and recall per pair kind).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FINGERPRINT_VERSION",
    "Decision",
    "StoryDoc",
    "Thresholds",
    "aligned_coverage",
    "candidate_ok",
    "content_sha256",
    "normalize_for_hash",
    "same_story",
    "sample_shingles",
    "shingle_containment",
    "simhash64",
    "simhash_distance",
    "title_key",
    "words",
]

_WORD = re.compile(r"\w+", re.UNICODE)

# Bump when shingling or sampling changes: stored samples of an older version are rebuilt by
# ``etl.clusters.recluster``.
FINGERPRINT_VERSION = 1


def normalize_for_hash(text: str) -> str:
    """Case-folded words joined by single spaces: insensitive to whitespace, punctuation
    and quote styles, so cosmetic re-rendering of the same text hashes the same."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def words(text: str) -> list[str]:
    """The words of :func:`normalize_for_hash`, as a list."""
    return normalize_for_hash(text).split()


def content_sha256(text: str) -> str:
    """Hex SHA-256 of :func:`normalize_for_hash` of the text."""
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")


def _signed(value: int) -> int:
    """An unsigned 64-bit value as PostgreSQL's signed bigint."""
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash64(text: str, shingle: int = 3) -> int:
    """64-bit SimHash over word shingles, returned as a *signed* int (fits PostgreSQL bigint).

    Near-identical texts differ in few bits (see :func:`simhash_distance`). Kept as a compact
    fingerprint in ``articles.simhash``; the same-story decision does not use it (copies with a
    rewritten lead are 10-20 bits apart, as far as unrelated templated reports).
    """
    ws = words(text)
    if not ws:
        return 0
    if len(ws) < shingle:
        features = [" ".join(ws)]
    else:
        features = [" ".join(ws[i : i + shingle]) for i in range(len(ws) - shingle + 1)]
    # Column-wise bit counting over the binary strings runs in C (zip/str.count), ~20x faster
    # than shifting every feature hash 64 times in Python.
    rows = [format(_feature_hash(f), "064b") for f in features]
    half = len(rows) / 2
    columns = zip(*rows, strict=True)
    bits = "".join("1" if "".join(col).count("1") > half else "0" for col in columns)
    return _signed(int(bits, 2))


def simhash_distance(a: int, b: int) -> int:
    """Hamming distance between two 64-bit SimHashes (signed or unsigned)."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


# Thresholds ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every tunable of the same-story decision and of candidate generation."""

    shingle: int = 3  # words per shingle (sampling and the containment pre-filter)
    sample_mod: int = 16  # keep shingles whose hash is divisible by this (MOD-m sampling)
    min_block: int = 16  # shortest run of words in the same order that counts as shared
    cross_source: float = 0.6  # aligned coverage for copies from different outlets
    same_source: float = 0.8  # ... within one outlet (recycled paragraphs, templates)
    min_aligned_words: int = 40  # and at least this many shared words
    title_coverage: float = 0.3  # the title rule still needs this much text in common
    title_days: float = 3.0  # the title rule's window
    title_min_words: int = 4  # shorter titles ("Markets", "Gold price today") are generic
    candidate_min_shared: int = 2  # samples shared with a candidate...
    candidate_min_ratio: float = 0.3  # ...and their share of the smaller sample set


DEFAULT_THRESHOLDS = Thresholds()


def candidate_ok(shared: int, n_a: int, n_b: int, t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether ``shared`` common samples make two articles with ``n_a`` and ``n_b`` samples
    worth the precise check (an estimate of containment from the samples alone)."""
    smaller = min(n_a, n_b)
    if smaller <= 0 or shared <= 0:
        return False
    return shared >= min(t.candidate_min_shared, smaller) and shared >= (
        t.candidate_min_ratio * smaller
    )


def _shingle_hashes(ws: list[str], k: int) -> list[int]:
    if len(ws) < k:
        return [_feature_hash(" ".join(ws))] if ws else []
    return [_feature_hash(" ".join(ws[i : i + k])) for i in range(len(ws) - k + 1)]


def sample_shingles(
    text_or_words: str | list[str], t: Thresholds = DEFAULT_THRESHOLDS
) -> list[int]:
    """MOD-m sample of the text's word shingles: sorted distinct signed 64-bit hashes.

    About one shingle in ``t.sample_mod`` is kept, chosen by its hash alone, so a passage
    keeps the same samples in whichever page it appears.
    """
    ws = words(text_or_words) if isinstance(text_or_words, str) else text_or_words
    return sorted({_signed(h) for h in _shingle_hashes(ws, t.shingle) if h % t.sample_mod == 0})


_TITLE_MARKERS = re.compile(
    r"^(?:(?:update|updated|corrected|correction|refile|refiled|exclusive|breaking|"
    r"live|urgent|rpt|wrapup)(?: \d+)? )+"
)


def title_key(title: str | None, t: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """A headline reduced for the title rule: case-folded words without wire prefixes such as
    ``UPDATE 2-`` or ``CORRECTED-``; None when fewer than ``t.title_min_words`` words remain."""
    if not title:
        return None
    key = _TITLE_MARKERS.sub("", normalize_for_hash(title))
    return key if len(key.split()) >= t.title_min_words else None


# Documents and the decision -------------------------------------------------------------------


class StoryDoc:
    """One article as the same-story decision sees it; word lists and shingle sets are
    computed on first use and cached (candidates are compared with several articles)."""

    __slots__ = (
        "_sha",
        "_shingles",
        "_title_key",
        "_words",
        "language",
        "published_at",
        "source",
        "text",
        "title",
        "url",
    )

    def __init__(
        self,
        text: str,
        *,
        url: str | None = None,
        title: str | None = None,
        source: object = None,
        published_at: datetime | None = None,
        language: str | None = None,
        content_sha256: str | None = None,
    ) -> None:
        self.text = text
        self.url = url
        self.title = title
        self.source = source  # anything comparable: a domain or a sources.id
        self.published_at = published_at
        self.language = language
        self._sha = content_sha256
        self._words: list[str] | None = None
        self._shingles: tuple[int, frozenset[int]] | None = None
        self._title_key: tuple[int, str | None] | None = None

    @property
    def words(self) -> list[str]:
        """Normalized words of the text."""
        if self._words is None:
            self._words = words(self.text)
        return self._words

    @property
    def sha(self) -> str:
        """:func:`content_sha256` of the text."""
        if self._sha is None:
            self._sha = hashlib.sha256(" ".join(self.words).encode("utf-8")).hexdigest()
        return self._sha

    def shingle_set(self, k: int) -> frozenset[int]:
        """Word k-shingles, hashed with Python's hash (in-process comparisons only)."""
        if self._shingles is None or self._shingles[0] != k:
            ws = self.words
            self._shingles = (
                k,
                frozenset(hash(tuple(ws[i : i + k])) for i in range(max(1, len(ws) - k + 1))),
            )
        return self._shingles[1]

    def title_key(self, t: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
        """:func:`title_key` of the title (cached)."""
        if self._title_key is None or self._title_key[0] != t.title_min_words:
            self._title_key = (t.title_min_words, title_key(self.title, t))
        return self._title_key[1]

    def __repr__(self) -> str:
        return f"StoryDoc(url={self.url!r}, words={len(self.words)})"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of :func:`same_story`: truthy when the two articles are one story.

    ``rule`` names the layer that decided (``url``, ``language``, ``exact``, ``near``,
    ``title``, or ``different`` when no layer matched); ``coverage`` is the aligned coverage
    when it was computed.
    """

    same: bool
    rule: str
    coverage: float | None = None

    def __bool__(self) -> bool:
        return self.same


def shingle_containment(a: StoryDoc, b: StoryDoc, k: int = 3) -> float:
    """Share of the smaller shingle set found in the other (an upper bound of the aligned
    coverage, up to the block edges; used to skip the alignment)."""
    sa, sb = a.shingle_set(k), b.shingle_set(k)
    if len(sa) > len(sb):
        sa, sb = sb, sa
    return len(sa & sb) / len(sa) if sa else 0.0


def _common_blocks(a: list[str], b: list[str], min_block: int) -> list[tuple[int, int, int]]:
    """Maximal runs of at least ``min_block`` words common to ``a`` and ``b``, as
    (start in a, start in b, length), ordered by their start in ``a``."""
    index: dict[int, list[int]] = {}
    for j in range(len(b) - min_block + 1):
        index.setdefault(hash(tuple(b[j : j + min_block])), []).append(j)
    blocks = []
    covered_to: dict[int, int] = {}  # diagonal (j - i) -> end in `a` of its last block
    for i in range(len(a) - min_block + 1):
        for j in index.get(hash(tuple(a[i : i + min_block])), ()):
            diagonal = j - i
            if covered_to.get(diagonal, -1) > i:
                continue  # inside a block already found on this diagonal
            if a[i : i + min_block] != b[j : j + min_block]:
                continue  # hash collision
            # Scanning `a` left to right meets every block at its first word, so it is only
            # extended to the right.
            k = i + min_block
            while k < len(a) and k + diagonal < len(b) and a[k] == b[k + diagonal]:
                k += 1
            blocks.append((i, j, k - i))
            covered_to[diagonal] = k
    return blocks


_MAX_BLOCKS = 1500  # repetitive pages: chain the longest blocks only (the chaining is O(n²))


def aligned_coverage(a: list[str], b: list[str], min_block: int = 16) -> tuple[float, int]:
    """Share of the shorter word list covered by blocks of ``min_block`` or more words that
    occur in the same order in the other list; returns (share, covered words).

    Common blocks are found through an index of ``min_block``-grams, then the in-order,
    non-overlapping chain of blocks covering most words is chosen (a block may lose its start
    to the previous one, if ``min_block`` words remain). Linear in the text lengths for
    ordinary pages: a 6,000-word pair takes a few tens of milliseconds.
    """
    if len(a) > len(b):
        a, b = b, a
    if len(a) < min_block:
        return 0.0, 0
    blocks = _common_blocks(a, b, min_block)
    if not blocks:
        return 0.0, 0
    if len(blocks) > _MAX_BLOCKS:
        blocks = sorted(sorted(blocks, key=lambda x: -x[2])[:_MAX_BLOCKS])
    best: list[int] = []  # most words covered by a chain ending with block x
    for x, (i, j, length) in enumerate(blocks):
        top = length
        for y in range(x):
            iy, jy, ly = blocks[y]
            if iy >= i or jy >= j:
                continue
            usable = length - max(0, iy + ly - i, jy + ly - j)
            if usable >= min_block and best[y] + usable > top:
                top = best[y] + usable
        best.append(top)
    covered = max(best)
    return covered / len(a), covered


def _same_page(a: str, b: str) -> bool:
    """Equal URLs, or equal but for a ``www.`` (see :func:`etl.urls.www_twin`)."""
    return a == b or a.replace("://www.", "://", 1) == b.replace("://www.", "://", 1)


def _within(a: datetime | None, b: datetime | None, days: float) -> bool:
    if a is None or b is None:
        return False
    return abs((a - b).total_seconds()) <= days * 86400


def same_story(a: StoryDoc, b: StoryDoc, t: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Decide whether two articles carry the same story (see the module docstring).

    Used by the loader for every candidate pair and by ``evaluation/dedup/evaluate.py``.
    URLs are compared as given (pass normalized URLs); ``source`` is compared with ``==``.
    The decision is symmetric.
    """
    if a.url and b.url and _same_page(a.url, b.url):
        return Decision(True, "url")
    if a.language and b.language and a.language != b.language:
        return Decision(False, "language")
    if a.sha == b.sha:
        return Decision(True, "exact", 1.0)
    one_outlet = a.source is not None and a.source == b.source
    need = t.same_source if one_outlet else t.cross_source
    title_match = (
        one_outlet
        and (ka := a.title_key(t)) is not None
        and ka == b.title_key(t)
        and _within(a.published_at, b.published_at, t.title_days)
    )
    floor = min(need, t.title_coverage) if title_match else need
    # The bag of shingles bounds the aligned coverage from above (blocks of >= 16 words lose
    # at most 2 shingles each at their edges), so most pairs are settled without aligning.
    if shingle_containment(a, b, t.shingle) < floor * 0.8:
        return Decision(False, "different")
    coverage, shared = aligned_coverage(a.words, b.words, t.min_block)
    if coverage >= need and shared >= t.min_aligned_words:
        return Decision(True, "near", coverage)
    if title_match and coverage >= t.title_coverage:
        return Decision(True, "title", coverage)
    return Decision(False, "different", coverage)
