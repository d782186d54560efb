"""Loading processed records into the warehouse, one transaction per batch.

Every statement here is multi-row (``unnest`` of arrays, or ``COPY`` for mentions), so a batch
of hundreds of records costs a dozen round trips. Each record of the batch ends with exactly
one row in ``ingest_records``; the outcomes are:

``loaded``     a new article.
``duplicate``  a new URL whose normalized text equals an earlier article's: stored, with
               ``duplicate_of`` pointing at the first-seen article (nothing is thrown away).
``seen``       the URL is already in the warehouse with the same text: nothing added.
``updated``    the URL is known but its text changed: the old text goes to
               ``article_versions`` and the article row is updated.
``skipped``    not an article (``reason`` says why: not_html, too_short, http_404, ...).
``failed``     an unexpected error while processing this record (``reason`` has it).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg

from .extract import ExtractedArticle
from .urls import domain_of

if TYPE_CHECKING:
    from .normalize import NormalizationResult

__all__ = ["ArchiveDone", "Processed", "load_batch", "write_normalization"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Processed:
    """The result of processing one input record (what crosses back from a worker)."""

    archive_id: int
    offset: int
    url: str | None
    outcome: str  # 'article', 'skipped' or 'failed' before loading
    reason: str | None = None
    article: ExtractedArticle | None = None
    norm: NormalizationResult | None = None
    # Set by load_batch: the recorded (outcome, reason, article id).
    final: tuple[str, str | None, int | None] | None = None


@dataclass(slots=True, frozen=True)
class ArchiveDone:
    """Marker that follows the last record of an archive through the pipeline."""

    archive_id: int
    error: str | None = None


def _upsert_sources(cur: psycopg.Cursor[Any], items: list[Processed]) -> dict[str, int]:
    names: dict[str, str] = {}
    for p in items:
        assert p.article is not None
        dom = domain_of(p.article.url)
        if dom and dom not in names:
            names[dom] = p.article.sitename or dom
    if not names:
        return {}
    doms = list(names)
    cur.execute(
        """INSERT INTO sources (domain, name, homepage)
           SELECT d, n, 'https://' || d || '/' FROM unnest(%s::text[], %s::text[]) AS t(d, n)
           ON CONFLICT ON CONSTRAINT sources_domain_key DO NOTHING""",
        (doms, [names[d] for d in doms]),
    )
    cur.execute("SELECT domain, id FROM sources WHERE domain = ANY(%s)", (doms,))
    return {d: i for d, i in cur.fetchall()}


_ARTICLE_COLS = (
    "url, canonical_url, source_id, title, authors, published_at, language, "
    "language_confidence, declared_language, description, text, word_count, content_sha256, "
    "simhash, duplicate_of, extractor_version, normalizer_version, main_country"
)


def _article_row(
    a: ExtractedArticle,
    source_id: int | None,
    dup: int | None,
    norm: NormalizationResult | None,
    norm_version: str | None,
) -> tuple[Any, ...]:
    return (
        a.url,
        a.canonical_url,
        source_id,
        a.title,
        a.authors,
        a.published_at,
        a.language,
        a.language_confidence,
        a.declared_language,
        a.description,
        a.text,
        a.word_count,
        a.content_sha256,
        a.simhash,
        dup,
        a.extractor_version,
        norm_version if norm is not None else None,
        norm.main_country if norm is not None else None,
    )


def _insert_articles(cur: psycopg.Cursor[Any], rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """Multi-row insert; returns url -> id for rows actually inserted (conflicts are absent)."""
    if not rows:
        return {}
    cols = list(zip(*rows, strict=True))
    # authors is text[] per row; unnest cannot take a ragged 2-D array, so it travels as JSON.
    authors_json = [json.dumps(a) for a in cols[4]]
    cur.execute(
        f"""INSERT INTO articles ({_ARTICLE_COLS})
            SELECT url, canonical_url, source_id, title,
                   ARRAY(SELECT jsonb_array_elements_text(authors::jsonb)),
                   published_at, language, language_confidence, declared_language,
                   description, text, word_count, content_sha256, simhash, duplicate_of,
                   extractor_version, normalizer_version, main_country
            FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
                        %s::timestamptz[], %s::text[], %s::real[], %s::text[], %s::text[],
                        %s::text[], %s::int[], %s::text[], %s::bigint[], %s::bigint[],
                        %s::text[], %s::text[], %s::text[])
                 AS t(url, canonical_url, source_id, title, authors, published_at, language,
                      language_confidence, declared_language, description, text, word_count,
                      content_sha256, simhash, duplicate_of, extractor_version,
                      normalizer_version, main_country)
            ON CONFLICT ON CONSTRAINT articles_url_key DO NOTHING
            RETURNING url, id""",
        (
            list(cols[0]),
            list(cols[1]),
            list(cols[2]),
            list(cols[3]),
            authors_json,
            *[list(c) for c in cols[5:]],
        ),
    )
    return {u: i for u, i in cur.fetchall()}


def write_normalization(
    cur: psycopg.Cursor[Any], pairs: list[tuple[int, NormalizationResult]], replace: bool = False
) -> int:
    """Store mentions, per-article counts and country-mineral links for many articles.

    With ``replace`` the articles' previous normalization rows are deleted first (re-runs).
    Returns the number of mentions written.
    """
    if not pairs:
        return 0
    ids = [aid for aid, _ in pairs]
    if replace:
        for table in ("mentions", "article_countries", "article_minerals", "country_mineral_links"):
            cur.execute(f"DELETE FROM {table} WHERE article_id = ANY(%s)", (ids,))
    n = 0
    with cur.copy(
        "COPY mentions (article_id, kind, country_iso2, mineral_id, surface, field, "
        "start_char, end_char, sentence_index, flags) FROM STDIN"
    ) as copy:
        for aid, norm in pairs:
            seen: set[tuple[str, int, str]] = set()
            for m in norm.mentions:
                key = (m.field, m.start, m.kind)
                if key in seen:  # the primary key allows one mention per kind per position
                    continue
                seen.add(key)
                iso = m.entity_id if m.kind == "country" else None
                mid = m.entity_id if m.kind == "mineral" else None
                copy.write_row(
                    (
                        aid,
                        m.kind,
                        iso,
                        mid,
                        m.surface,
                        m.field,
                        m.start,
                        m.end,
                        m.sentence,
                        list(m.flags),
                    )
                )
                n += 1
    ac = [
        (aid, iso, c, iso == norm.main_country)
        for aid, norm in pairs
        for iso, c in norm.country_counts.items()
    ]
    am = [(aid, mid, c) for aid, norm in pairs for mid, c in norm.mineral_counts.items()]
    links = [(aid, iso, mid, c) for aid, norm in pairs for iso, mid, c in norm.links]
    if ac:
        a, b, c_, d = (list(x) for x in zip(*ac, strict=True))
        cur.execute(
            """INSERT INTO article_countries (article_id, country_iso2, mention_count, is_main)
               SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::bool[])""",
            (a, b, c_, d),
        )
    if am:
        a, b, c_ = (list(x) for x in zip(*am, strict=True))
        cur.execute(
            """INSERT INTO article_minerals (article_id, mineral_id, mention_count)
               SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[])""",
            (a, b, c_),
        )
    if links:
        a, b, c_, d = (list(x) for x in zip(*links, strict=True))
        cur.execute(
            """INSERT INTO country_mineral_links (article_id, country_iso2, mineral_id,
                                                  sentence_count)
               SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::int[])""",
            (a, b, c_, d),
        )
    return n


def load_batch(
    conn: psycopg.Connection[Any],
    run_id: int,
    batch: list[Processed | ArchiveDone],
    normalizer_version: str | None,
) -> Counter[str]:
    """Load one batch in one transaction and record one outcome per record.

    Returns a counter keyed by ``outcome`` or ``outcome:reason`` (for skipped/failed).
    """
    items = [p for p in batch if isinstance(p, Processed)]
    done = [m for m in batch if isinstance(m, ArchiveDone)]
    counts: Counter[str] = Counter()
    outcome: dict[int, tuple[str, str | None, int | None]] = {}  # index -> (outcome, reason, id)
    with conn.transaction(), conn.cursor() as cur:
        arts = [(i, p) for i, p in enumerate(items) if p.outcome == "article" and p.article]
        urls = list({p.article.url for _, p in arts if p.article})
        hashes = list({p.article.content_sha256 for _, p in arts if p.article})
        existing: dict[str, tuple[int, str]] = {}
        by_hash: dict[str, int] = {}
        if urls:
            cur.execute("SELECT url, id, content_sha256 FROM articles WHERE url = ANY(%s)", (urls,))
            existing = {u: (i, h) for u, i, h in cur.fetchall()}
            cur.execute(
                """SELECT content_sha256, min(coalesce(duplicate_of, id)) FROM articles
                   WHERE content_sha256 = ANY(%s) GROUP BY content_sha256""",
                (hashes,),
            )
            by_hash = dict(cur.fetchall())
        sources = _upsert_sources(cur, [p for _, p in arts])

        originals: list[tuple[int, Processed]] = []
        copies: list[tuple[int, Processed, int | str]] = []  # dup of an id, or of a batch hash
        updates: list[tuple[int, Processed, int]] = []
        batch_urls: dict[str, int] = {}  # url -> index of the first item with it
        batch_hash: dict[str, int] = {}  # hash -> index of first new original with it
        for i, p in arts:
            a = p.article
            assert a is not None
            if a.url in existing:
                aid, old_hash = existing[a.url]
                if old_hash == a.content_sha256:
                    outcome[i] = ("seen", None, aid)
                else:
                    updates.append((i, p, aid))
                    existing[a.url] = (aid, a.content_sha256)
                continue
            if a.url in batch_urls:
                # The same page twice in one batch: the first copy is what gets stored.
                outcome[i] = ("seen", "same_url_in_batch", None)
                continue
            batch_urls[a.url] = i
            if a.content_sha256 in by_hash:
                copies.append((i, p, by_hash[a.content_sha256]))
            elif a.content_sha256 in batch_hash:
                copies.append((i, p, a.content_sha256))
            else:
                batch_hash[a.content_sha256] = i
                originals.append((i, p))

        def row(p: Processed, dup: int | None) -> tuple[Any, ...]:
            a = p.article
            assert a is not None
            return _article_row(
                a, sources.get(domain_of(a.url) or ""), dup, p.norm, normalizer_version
            )

        inserted = _insert_articles(cur, [row(p, None) for _, p in originals])
        hash_to_id: dict[str, int] = {}
        for i, p in originals:
            assert p.article is not None
            aid = inserted.get(p.article.url)
            outcome[i] = ("loaded", None, aid) if aid else ("seen", "concurrent_insert", None)
            if aid:
                hash_to_id[p.article.content_sha256] = aid
        dup_rows = []
        for _i, p, target in copies:
            dup_id = target if isinstance(target, int) else hash_to_id.get(target)
            dup_rows.append(row(p, dup_id))
        inserted_dups = _insert_articles(cur, dup_rows)
        for i, p, _t in copies:
            assert p.article is not None
            aid = inserted_dups.get(p.article.url)
            outcome[i] = ("duplicate", None, aid) if aid else ("seen", "concurrent_insert", None)

        for i, p, aid in updates:
            a = p.article
            assert a is not None
            cur.execute(
                """INSERT INTO article_versions (article_id, title, text, content_sha256,
                                                 published_at, valid_from)
                   SELECT id, title, text, content_sha256, published_at, updated_at
                   FROM articles WHERE id = %s""",
                (aid,),
            )
            cur.execute(
                """UPDATE articles SET title = %s, text = %s, word_count = %s,
                       content_sha256 = %s, simhash = %s, authors = %s, published_at =
                       coalesce(%s, published_at), language = %s, language_confidence = %s,
                       extractor_version = %s, normalizer_version = %s, main_country = %s,
                       updated_at = now()
                   WHERE id = %s""",
                (
                    a.title,
                    a.text,
                    a.word_count,
                    a.content_sha256,
                    a.simhash,
                    a.authors,
                    a.published_at,
                    a.language,
                    a.language_confidence,
                    a.extractor_version,
                    normalizer_version if p.norm else None,
                    p.norm.main_country if p.norm else None,
                    aid,
                ),
            )
            outcome[i] = ("updated", None, aid)

        fresh = [
            (outcome[i][2], p.norm)
            for i, p in originals + [(c[0], c[1]) for c in copies]
            if outcome[i][0] in ("loaded", "duplicate") and p.norm is not None
        ]
        write_normalization(cur, [(aid, n) for aid, n in fresh if aid is not None])
        write_normalization(
            cur, [(aid, p.norm) for _i, p, aid in updates if p.norm is not None], replace=True
        )

        rec_rows = []
        for i, p in enumerate(items):
            if p.outcome != "article":
                out, reason, aid = p.outcome, p.reason, None
            else:
                out, reason, aid = outcome[i]
            p.final = (out, reason, aid)
            rec_rows.append((run_id, p.archive_id, p.offset, p.url, out, reason, aid))
            counts[f"{out}:{reason}" if out in ("skipped", "failed") else out] += 1
        if rec_rows:
            cols = [list(c) for c in zip(*rec_rows, strict=True)]
            cur.execute(
                """INSERT INTO ingest_records (run_id, archive_id, record_offset, url, outcome,
                                               reason, article_id)
                   SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[],
                                        %s::text[], %s::text[], %s::bigint[])
                   ON CONFLICT ON CONSTRAINT ingest_records_archive_offset_key DO NOTHING""",
                cols,
            )
        if done:
            cur.execute(
                """UPDATE archive_files f SET status = 'done', completed_at = now(),
                       error = d.error,
                       records = (SELECT count(*) FROM ingest_records r
                                  WHERE r.archive_id = f.id)
                   FROM unnest(%s::bigint[], %s::text[]) AS d(id, error)
                   WHERE f.id = d.id""",
                ([m.archive_id for m in done], [m.error for m in done]),
            )
    return counts
