"""Loading processed records into the warehouse, one transaction per batch.

Every statement here is multi-row (``unnest`` of arrays, or ``COPY`` for mentions), so a batch
of hundreds of records costs a dozen round trips. Each record of the batch ends with exactly
one row in ``ingest_records``; the outcomes are:

``loaded``     a new article, the first of its story.
``duplicate``  a new URL with the same story as a stored article (same text, a near duplicate,
               or the outlet's re-post under the same headline; ``reason`` names the rule:
               ``exact``, ``near``, ``title``): stored, with ``duplicate_of`` pointing at the
               story's first article (nothing is thrown away). See ``etl.clusters``.
``seen``       the page is already in the warehouse with the same text: nothing added
               (``reason`` ``url_variant`` when it was fetched under another URL of a stored
               page: a same-site canonical, AMP or mobile page).
``updated``    the URL is known but its text changed (also a changed second capture in the
               same batch): the old text goes to ``article_versions`` and the row is updated.
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

from .clusters import STORY_LOCK, NewArticle, fingerprint, link_batch, write_fingerprints
from .dedup import StoryDoc, same_story
from .extract import ExtractedArticle
from .urls import canonical_key, domain_of, www_twin

if TYPE_CHECKING:
    from .normalize import NormalizationResult

__all__ = ["ArchiveDone", "Processed", "load_batch", "write_normalization"]

log = logging.getLogger(__name__)

# Skip reason of records outside a backfill's date range (not kept in the ledger).
OUT_OF_RANGE = "out_of_range"


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
    # False when records were left out on purpose (a date-range backfill): the archive stays
    # in_progress so a later run with another range reads the rest.
    complete: bool = True


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


@dataclass(slots=True)
class _Page:
    """A stored article found by URL: enough to decide seen / updated / url_variant."""

    id: int
    url: str
    canonical_url: str | None
    sha: str
    published_at: Any
    source_id: int | None
    doc: StoryDoc | None  # only for pages that can be a variant (their text is needed)


@dataclass(slots=True)
class _KnownPages:
    """Stored pages for a batch's URLs, their ``www.`` twins and same-site canonicals."""

    by_url: dict[str, _Page]
    by_canonical: dict[str, list[_Page]]
    by_id: dict[int, _Page]

    def page(self, url: str) -> _Page | None:
        """The stored row of this very page (same URL, or its ``www.`` twin)."""
        twin = www_twin(url)
        return self.by_url.get(url) or (self.by_url.get(twin) if twin else None)

    def variant(self, url: str, canonical: str | None) -> _Page | None:
        """A stored page this one is another URL of: the page named by its same-site
        canonical, or a stored page that names this URL as its canonical."""
        ck = canonical_key(url, canonical)
        if ck:
            for u in (ck, www_twin(ck)):
                if u and u in self.by_url:
                    return self.by_url[u]
        for u in (url, www_twin(url)):
            for page in self.by_canonical.get(u or "", ()):
                if page.url != url:
                    return page
        return None


def _known_pages(cur: psycopg.Cursor[Any], arts: list[ExtractedArticle]) -> _KnownPages:
    """One indexed query: stored pages under any name of the batch's pages."""
    direct: set[str] = set()
    keys: set[str] = set()
    for a in arts:
        for u in (a.url, www_twin(a.url)):
            if u:
                direct.add(u)
        ck = canonical_key(a.url, a.canonical_url)
        for u in (ck, www_twin(ck) if ck else None):
            if u:
                keys.add(u)
    keys |= direct
    found = _KnownPages({}, {}, {})
    if not keys:
        return found
    cur.execute(
        """SELECT id, url, canonical_url, content_sha256, published_at, source_id,
                  CASE WHEN url = ANY(%(direct)s) THEN NULL ELSE text END, title, language
           FROM articles
           WHERE url = ANY(%(keys)s) OR canonical_url = ANY(%(direct)s)
           ORDER BY id""",
        {"direct": sorted(direct), "keys": sorted(keys)},
    )
    for aid, url, canon, sha, pub, src, text, title, lang in cur.fetchall():
        doc = None
        if text is not None:
            doc = StoryDoc(
                text,
                url=url,
                title=title,
                source=src,
                published_at=pub,
                language=lang,
                content_sha256=sha,
            )
        page = _Page(aid, url, canon, sha, pub, src, doc)
        found.by_id[aid] = page
        found.by_url.setdefault(url, page)
        if canon and canonical_key(url, canon):
            found.by_canonical.setdefault(canon, []).append(page)
    return found


def _update_articles(
    cur: psycopg.Cursor[Any],
    updates: list[tuple[int, Processed, int]],
    normalizer_version: str | None,
) -> dict[int, tuple[Any, int | None]]:
    """Keep the current text of each article in ``article_versions`` and replace it with the
    new one (one article at most once per call). Returns id -> (published_at, source_id)."""
    rows = []
    for _i, p, aid in updates:
        a = p.article
        assert a is not None
        rows.append(
            (
                aid,
                a.title,
                a.text,
                a.word_count,
                a.content_sha256,
                a.simhash,
                json.dumps(a.authors),
                a.published_at,
                a.language,
                a.language_confidence,
                a.extractor_version,
                normalizer_version if p.norm else None,
                p.norm.main_country if p.norm else None,
            )
        )
    cols = [list(c) for c in zip(*rows, strict=True)]
    cur.execute(
        """INSERT INTO article_versions (article_id, title, text, content_sha256, published_at,
                                         valid_from)
           SELECT id, title, text, content_sha256, published_at, updated_at
           FROM articles WHERE id = ANY(%s)""",
        (cols[0],),
    )
    cur.execute(
        """UPDATE articles a SET title = u.title, text = u.text, word_count = u.word_count,
               content_sha256 = u.sha, simhash = u.simhash,
               authors = ARRAY(SELECT jsonb_array_elements_text(u.authors::jsonb)),
               published_at = coalesce(u.published_at, a.published_at),
               language = u.language, language_confidence = u.confidence,
               extractor_version = u.extractor, normalizer_version = u.normalizer,
               main_country = u.main_country, updated_at = now()
           FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::int[], %s::text[],
                       %s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::real[],
                       %s::text[], %s::text[], %s::text[])
                AS u(id, title, text, word_count, sha, simhash, authors, published_at,
                     language, confidence, extractor, normalizer, main_country)
           WHERE a.id = u.id
           RETURNING a.id, a.published_at, a.source_id""",
        cols,
    )
    return {aid: (pub, src) for aid, pub, src in cur.fetchall()}


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
        # One batch at a time decides and writes stories: two loaders running at once would
        # not see each other's uncommitted rows, and two copies of a wire story crawled at the
        # same moment would both become first articles. Held until commit (the load step only;
        # extraction stays parallel). recluster() takes the same lock to rewrite stories.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (STORY_LOCK,))
        arts = [(i, p) for i, p in enumerate(items) if p.outcome == "article" and p.article]
        sources = _upsert_sources(cur, [p for _, p in arts])

        def source_of(a: ExtractedArticle) -> int | None:
            return sources.get(domain_of(a.url) or "")

        def doc_of(a: ExtractedArticle) -> StoryDoc:
            return StoryDoc(
                a.text,
                url=a.url,
                title=a.title,
                source=source_of(a),
                published_at=a.published_at,
                language=a.language,
                content_sha256=a.content_sha256,
            )

        known = _known_pages(cur, [p.article for _, p in arts if p.article])

        new: list[tuple[int, Processed]] = []
        # (record index, record, stored article id, or the index in `new` of a page first
        # seen earlier in this batch whose id is known only after the insert)
        updates: list[tuple[int, Processed, int | None, int | None]] = []
        page_hash = {aid: k.sha for aid, k in known.by_id.items()}  # after this batch's updates
        batch_pages: dict[str, int] = {}  # url (and www twin) -> index in `new`
        batch_hash: dict[int, str] = {}  # index in `new` -> latest text hash in this batch
        for i, p in arts:
            a = p.article
            assert a is not None
            page = known.page(a.url)
            if page is not None:
                if page_hash[page.id] == a.content_sha256:
                    outcome[i] = ("seen", None, page.id)
                else:
                    updates.append((i, p, page.id, None))
                    page_hash[page.id] = a.content_sha256
                continue
            if a.url in batch_pages:
                # The same page twice in one batch (two captures in one archive): the first is
                # stored, a changed later one updates it like any later fetch would.
                k = batch_pages[a.url]
                if batch_hash[k] == a.content_sha256:
                    outcome[i] = ("seen", "same_url_in_batch", None)
                else:
                    updates.append((i, p, None, k))
                    batch_hash[k] = a.content_sha256
                continue
            variant = known.variant(a.url, a.canonical_url)
            if variant is not None and (
                variant.sha == a.content_sha256
                or (variant.doc is not None and same_story(doc_of(a), variant.doc))
            ):
                # Another URL of a stored page (its canonical, or a page naming it canonical).
                outcome[i] = ("seen", "url_variant", variant.id)
                continue
            for u in (a.url, www_twin(a.url)):
                if u:
                    batch_pages[u] = len(new)
            batch_hash[len(new)] = a.content_sha256
            new.append((i, p))

        # Exact copies, near duplicates and same-title re-posts: one query each for the batch.
        fresh_docs = [
            NewArticle.of(doc_of(p.article), source_of(p.article)) for _, p in new if p.article
        ]
        links = link_batch(cur, fresh_docs)

        def row(p: Processed, dup: int | None) -> tuple[Any, ...]:
            a = p.article
            assert a is not None
            return _article_row(a, source_of(a), dup, p.norm, normalizer_version)

        # First articles of new stories, in story order (ids then follow publication order).
        first = sorted(
            (k for k, link in enumerate(links) if link is None), key=lambda k: fresh_docs[k].key
        )
        inserted = _insert_articles(cur, [row(new[k][1], None) for k in first])
        new_id: dict[int, int] = {}
        for k in first:
            i, p = new[k]
            assert p.article is not None
            aid = inserted.get(p.article.url)
            outcome[i] = ("loaded", None, aid) if aid else ("seen", "concurrent_insert", None)
            if aid:
                new_id[k] = aid
        copies = [(k, link) for k, link in enumerate(links) if link is not None]
        targets = [
            link.root_id if link.batch_root is None else new_id.get(link.batch_root)
            for _k, link in copies
        ]
        inserted_dups = _insert_articles(
            cur, [row(new[k][1], target) for (k, _l), target in zip(copies, targets, strict=True)]
        )
        for (k, link), target in zip(copies, targets, strict=True):
            i, p = new[k]
            assert p.article is not None
            aid = inserted_dups.get(p.article.url)
            if not aid:
                outcome[i] = ("seen", "concurrent_insert", None)
            else:
                # Its first article lost a concurrent insert: this copy stands alone for now.
                outcome[i] = ("duplicate", link.rule, aid) if target else ("loaded", None, aid)
                new_id[k] = aid

        resolved: list[tuple[int, Processed, int]] = []
        after: dict[int, tuple[Any, int | None]] = {}  # updated id -> (published_at, source)
        for i, p, stored_id, first_k in updates:
            aid = (
                stored_id
                if stored_id is not None
                else new_id.get(-1 if first_k is None else first_k)
            )
            if aid is None:  # its first version lost a concurrent insert
                outcome[i] = ("seen", "concurrent_insert", None)
                continue
            resolved.append((i, p, aid))
        # Two statements per round; an article changed twice in one batch takes two rounds,
        # so each of its versions is kept in order.
        rounds: list[list[tuple[int, Processed, int]]] = []
        depth: dict[int, int] = {}
        for upd in resolved:
            r = depth.get(upd[2], 0)
            depth[upd[2]] = r + 1
            if r == len(rounds):
                rounds.append([])
            rounds[r].append(upd)
        for batch_round in rounds:
            after.update(_update_articles(cur, batch_round, normalizer_version))
            for i, _p, aid in batch_round:
                outcome[i] = ("updated", None, aid)

        # Fingerprints of the stored articles (the triggers index their samples). An update
        # keeps its story (same URL, same article); recluster() revisits it with the new text.
        fps = [
            fingerprint(
                new_id[k], fresh_docs[k].doc, fresh_docs[k].source_id, samples=fresh_docs[k].samples
            )
            for k in range(len(new))
            if k in new_id
        ]
        for _i, p, aid in resolved:
            assert p.article is not None
            doc = doc_of(p.article)
            doc.published_at, source_id = after[aid]
            fps.append(fingerprint(aid, doc, source_id))
        write_fingerprints(cur, fps)

        originals = [new[k] for k in first]
        copies_ = [new[k] for k, _l in copies]
        fresh = [
            (outcome[i][2], p.norm)
            for i, p in originals + copies_
            if outcome[i][0] in ("loaded", "duplicate") and p.norm is not None
        ]
        write_normalization(cur, [(aid, n) for aid, n in fresh if aid is not None])
        write_normalization(
            cur, [(aid, p.norm) for _i, p, aid in resolved if p.norm is not None], replace=True
        )

        rec_rows = []
        for i, p in enumerate(items):
            if p.outcome != "article":
                out, reason, aid = p.outcome, p.reason, None
            else:
                out, reason, aid = outcome[i]
            p.final = (out, reason, aid)
            counts[f"{out}:{reason}" if out in ("skipped", "failed") else out] += 1
            if reason == OUT_OF_RANGE:
                continue  # counted in this run, not remembered: another range may want it
            rec_rows.append((run_id, p.archive_id, p.offset, p.url, out, reason, aid))
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
                """UPDATE archive_files f SET
                       status = CASE WHEN d.complete THEN 'done' ELSE f.status END,
                       completed_at = CASE WHEN d.complete THEN now() END,
                       error = d.error,
                       records = (SELECT count(*) FROM ingest_records r
                                  WHERE r.archive_id = f.id)
                   FROM unnest(%s::bigint[], %s::text[], %s::bool[]) AS d(id, error, complete)
                   WHERE f.id = d.id""",
                (
                    [m.archive_id for m in done],
                    [m.error for m in done],
                    [m.complete for m in done],
                ),
            )
    return counts
