"""Story clusters: near-duplicate candidates from PostgreSQL, linking, and re-clustering.

Every article belongs to exactly one story, named by its first article:
``coalesce(duplicate_of, id)``. A copy's ``duplicate_of`` always points at that first article
(never at another copy), so "all appearances of a story" is one indexed lookup.

**The linking rule** (used online by the loader and by :func:`recluster`): articles are taken
in *story order* — ``published_at`` (unknown dates last), then URL. An article that is the
same story (:func:`etl.dedup.same_story`) as one or more earlier articles joins the story of
the *earliest* of them; otherwise it starts a new story.

* **Ties** cannot happen: the URL is unique, so the order is total, and it depends only on
  the articles, not on ids or on the order in which they were loaded.
* **Chains** A~B~C with A≁C: C joins A's story through B (C is linked to B's story, and B's
  story is A's). But an article never merges two stories: if C resembles B (story 1) and D
  (story 2), it joins the story of the earlier of B and D, and the two stories stay apart.
  Unlike connected components (single linkage), a weekly roundup that embeds five wire items
  cannot glue five stories into one, and a chain of templated reports cannot drift into one
  cluster: every link goes from an article to something it directly resembles.

**Online vs re-clustering.** The loader applies the rule in arrival order: a new article is
compared with the stored articles and with the earlier articles of its batch, and linked to the
story of the earliest match. When articles arrive in publication order (a live crawl) this is
exactly the rule above. A backfill of older archives can load an earlier copy after a later
one; :func:`recluster` then recomputes every ``duplicate_of`` from scratch in story order. It
is deterministic and idempotent: the same articles, loaded in any order, give the same
clusters, and a second run changes nothing. Loaders hold an advisory lock (``STORY_LOCK``) for
their batch transaction, so two loaders never decide at once: copies of a wire story crawled
by two workers in the same second are still linked.

**Candidates** (``article_samples``, see ``sql/migrations/0003_near_duplicates.sql``): per
article one indexed probe per sampled shingle (about one word in 16), each limited to the
``SAMPLE_CAP`` earliest-published articles with that shingle, then the containment estimate
:func:`etl.dedup.candidate_ok`, then at most ``MAX_CANDIDATES`` per article, earliest first,
go to the precise check. Titles: one probe on ``(source_id, title_key, published_at)``.
Exact copies: ``articles.content_sha256``. All lookups are batched: one query each per batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .dedup import (
    DEFAULT_THRESHOLDS,
    FINGERPRINT_VERSION,
    StoryDoc,
    Thresholds,
    candidate_ok,
    same_story,
    sample_shingles,
    title_key,
)

__all__ = [
    "MAX_CANDIDATES",
    "SAMPLE_CAP",
    "STORY_LOCK",
    "Fingerprint",
    "Link",
    "NewArticle",
    "ReclusterResult",
    "Stored",
    "StoryKey",
    "fetch_stored",
    "fingerprint",
    "link_batch",
    "link_in_order",
    "lookup_candidates",
    "lookup_exact",
    "rebuild_fingerprints",
    "recluster",
    "story_key",
    "write_fingerprints",
]

log = logging.getLogger(__name__)

# Advisory lock serializing story decisions: held by load_batch for its transaction and by
# recluster() while it rewrites duplicate_of.
STORY_LOCK = 0x4D4E5354  # "MNST"
SAMPLE_CAP = 64  # index entries read per sampled shingle (earliest published first)
MAX_CANDIDATES = 24  # candidates per article handed to the precise check
TITLE_CAP = 8  # same-title articles per article and outlet

_NO_DATE = datetime.max.replace(tzinfo=UTC)

StoryKey = tuple[bool, datetime, str]


def story_key(published_at: datetime | None, url: str) -> StoryKey:
    """Sort key of the story order: publication time (unknown last), then URL."""
    return (published_at is None, published_at or _NO_DATE, url)


# Fingerprints -----------------------------------------------------------------------------


@dataclass(slots=True)
class Fingerprint:
    """One ``article_fingerprints`` row."""

    article_id: int
    source_id: int | None
    title_key: str | None
    published_at: datetime | None
    word_count: int
    samples: list[int]


def fingerprint(
    article_id: int,
    doc: StoryDoc,
    source_id: int | None,
    t: Thresholds = DEFAULT_THRESHOLDS,
    samples: list[int] | None = None,
) -> Fingerprint:
    """Build the fingerprint row of one article from its :class:`StoryDoc` (``samples``, when
    already computed, saves hashing the text again)."""
    return Fingerprint(
        article_id,
        source_id,
        doc.title_key(t),
        doc.published_at,
        len(doc.words),
        sample_shingles(doc.words, t) if samples is None else samples,
    )


def write_fingerprints(cur: psycopg.Cursor[Any], fps: Sequence[Fingerprint]) -> None:
    """Insert or replace fingerprint rows in one statement (the triggers of migration 0003
    keep ``article_samples`` in step)."""
    if not fps:
        return
    last = {f.article_id: f for f in fps}  # an article updated twice in a batch: last wins
    rows = list(last.values())
    cur.execute(
        """INSERT INTO article_fingerprints (article_id, version, source_id, title_key,
                                            published_at, word_count, samples)
           SELECT a, %s, s, k, p, w, x::bigint[]
           FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[], %s::int[],
                       %s::text[]) AS t(a, s, k, p, w, x)
           ON CONFLICT (article_id) DO UPDATE SET
               version = EXCLUDED.version, source_id = EXCLUDED.source_id,
               title_key = EXCLUDED.title_key, published_at = EXCLUDED.published_at,
               word_count = EXCLUDED.word_count, samples = EXCLUDED.samples""",
        (
            FINGERPRINT_VERSION,
            [f.article_id for f in rows],
            [f.source_id for f in rows],
            [f.title_key for f in rows],
            [f.published_at for f in rows],
            [f.word_count for f in rows],
            # Ragged arrays cannot travel as bigint[][]; PostgreSQL array literals can.
            ["{" + ",".join(map(str, f.samples)) + "}" for f in rows],
        ),
    )


# Candidate lookups --------------------------------------------------------------------------


@dataclass(slots=True)
class Stored:
    """A stored article as a candidate: its story (``root``) and what the decision needs."""

    id: int
    url: str
    root: int
    published_at: datetime | None
    source_id: int | None
    doc: StoryDoc

    @property
    def key(self) -> StoryKey:
        return story_key(self.published_at, self.url)


@dataclass(slots=True)
class _Probe:
    """A candidate found for one query item before the precise check."""

    article_id: int
    url: str
    published_at: datetime | None
    shared: int = 0


def lookup_candidates(
    cur: psycopg.Cursor[Any],
    queries: Sequence[tuple[int, list[int], int | None, str | None, datetime | None]],
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[int, list[int]]:
    """Near-duplicate and same-title candidates for many articles in two queries.

    ``queries`` holds ``(item, samples, source_id, title_key, published_at)`` per article.
    Returns item -> candidate article ids, at most ``MAX_CANDIDATES`` per item, in story
    order (earliest first). Candidates pass :func:`etl.dedup.candidate_ok` on their shared
    samples, or share outlet and title key within ``t.title_days``.
    """
    found: dict[int, dict[int, _Probe]] = {}
    n_samples = {item: len(samples) for item, samples, *_ in queries}
    items = [item for item, samples, *_ in queries for _ in samples]
    flat = [s for _, samples, *_ in queries for s in samples]
    # Shared samples needed before a candidate is even returned (see candidate_ok).
    need = [min(t.candidate_min_shared, n_samples[item]) for item in items]
    if flat:
        cur.execute(
            """SELECT m.item, m.article_id, m.shared, cardinality(f.samples), a.url,
                      a.published_at
               FROM (SELECT q.item, c.article_id, count(*) AS shared
                     FROM unnest(%s::int[], %s::bigint[], %s::int[]) AS q(item, sample, need)
                     CROSS JOIN LATERAL (
                         SELECT s.article_id FROM article_samples s
                         WHERE s.sample = q.sample
                         ORDER BY s.published_at, s.article_id
                         LIMIT %s) c
                     GROUP BY q.item, c.article_id
                     HAVING count(*) >= min(q.need)) m
               JOIN article_fingerprints f ON f.article_id = m.article_id
               JOIN articles a ON a.id = m.article_id""",
            (items, flat, need, SAMPLE_CAP),
        )
        for item, aid, shared, n, url, pub in cur.fetchall():
            if not candidate_ok(shared, n_samples[item], n, t):
                continue
            found.setdefault(item, {})[aid] = _Probe(aid, url, pub, shared)
    titled = [
        (item, src, key, pub)
        for item, _s, src, key, pub in queries
        if src is not None and key is not None and pub is not None
    ]
    if titled:
        window = timedelta(days=t.title_days)
        cur.execute(
            """SELECT q.item, a.id, a.url, a.published_at
               FROM unnest(%s::int[], %s::bigint[], %s::text[], %s::timestamptz[])
                    AS q(item, source_id, title_key, published_at)
               CROSS JOIN LATERAL (
                   SELECT f.article_id FROM article_fingerprints f
                   WHERE f.source_id = q.source_id AND f.title_key = q.title_key
                     AND f.published_at BETWEEN q.published_at - %s AND q.published_at + %s
                   ORDER BY f.published_at, f.article_id
                   LIMIT %s) c
               JOIN articles a ON a.id = c.article_id""",
            (
                [x[0] for x in titled],
                [x[1] for x in titled],
                [x[2] for x in titled],
                [x[3] for x in titled],
                window,
                window,
                TITLE_CAP,
            ),
        )
        for item, aid, url, pub in cur.fetchall():
            found.setdefault(item, {}).setdefault(aid, _Probe(aid, url, pub))
    out: dict[int, list[int]] = {}
    for item, probes in found.items():
        ranked = sorted(probes.values(), key=lambda p: story_key(p.published_at, p.url))
        out[item] = [p.article_id for p in ranked[:MAX_CANDIDATES]]
    return out


def lookup_exact(
    cur: psycopg.Cursor[Any], hashes: Iterable[str]
) -> dict[str, tuple[int, int, StoryKey]]:
    """For each content hash already stored: the earliest article with that text in story
    order, its story, and its story key."""
    hs = sorted(set(hashes))
    if not hs:
        return {}
    cur.execute(
        """SELECT DISTINCT ON (content_sha256) content_sha256, id, coalesce(duplicate_of, id),
                  published_at, url
           FROM articles WHERE content_sha256 = ANY(%s)
           ORDER BY content_sha256, published_at, url""",
        (hs,),
    )
    return {h: (i, r, story_key(p, u)) for h, i, r, p, u in cur.fetchall()}


def fetch_stored(cur: psycopg.Cursor[Any], ids: Iterable[int]) -> dict[int, Stored]:
    """Load candidate articles (text and what the decision compares) by id, in one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    cur.execute(
        """SELECT id, url, coalesce(duplicate_of, id), published_at, text, title, source_id,
                  language, content_sha256
           FROM articles WHERE id = ANY(%s)""",
        (wanted,),
    )
    out = {}
    for aid, url, root, pub, text, title, src, lang, sha in cur.fetchall():
        doc = StoryDoc(
            text,
            url=url,
            title=title,
            source=src,
            published_at=pub,
            language=lang,
            content_sha256=sha,
        )
        out[aid] = Stored(aid, url, root, pub, src, doc)
    return out


# The linking rule ---------------------------------------------------------------------------


def link_in_order(n: int, similar: Callable[[int], Iterable[int]]) -> list[int]:
    """Apply the linking rule to items already sorted in story order (pure function).

    ``similar(i)`` yields indices ``j < i`` that are the same story as item ``i``; only the
    smallest counts, so a generator that tries ``j`` in increasing order may stop at its first
    match. Returns, for every item, the index of the first item of its story (itself for the
    first article of a story).
    """
    root: list[int] = []
    for i in range(n):
        earlier = [j for j in similar(i) if j < i]
        root.append(root[min(earlier)] if earlier else i)
    return root


@dataclass(slots=True)
class NewArticle:
    """An article about to be stored, as :func:`link_batch` sees it."""

    doc: StoryDoc  # url, title, published_at, language, text; source = source_id
    source_id: int | None
    samples: list[int] = field(default_factory=list)
    title_key: str | None = None

    @classmethod
    def of(
        cls, doc: StoryDoc, source_id: int | None, t: Thresholds = DEFAULT_THRESHOLDS
    ) -> NewArticle:
        """Compute samples and title key for ``doc``."""
        return cls(doc, source_id, sample_shingles(doc.words, t), doc.title_key(t))

    @property
    def key(self) -> StoryKey:
        return story_key(self.doc.published_at, self.doc.url or "")


@dataclass(slots=True, frozen=True)
class Link:
    """Where a new article belongs: a stored story (``root_id``) or the story started by
    another new article of the batch (``batch_root``, an index into the batch)."""

    root_id: int | None
    batch_root: int | None
    rule: str


def link_batch(
    cur: psycopg.Cursor[Any], new: Sequence[NewArticle], t: Thresholds = DEFAULT_THRESHOLDS
) -> list[Link | None]:
    """Apply the linking rule to a batch of new articles (distinct URLs, none stored yet).

    Candidates are the stored articles (exact hash, samples, titles: one query each) and the
    new articles before it in story order. Each article joins the story of its earliest match
    (in story order), or starts a story (None).
    """
    exact = lookup_exact(cur, [n.doc.sha for n in new])
    cands = lookup_candidates(
        cur,
        [(i, n.samples, n.source_id, n.title_key, n.doc.published_at) for i, n in enumerate(new)],
        t,
    )
    stored = fetch_stored(cur, {c for lst in cands.values() for c in lst})
    order = sorted(range(len(new)), key=lambda i: new[i].key)
    links: list[Link | None] = [None] * len(new)
    seen_samples: dict[int, list[int]] = {}  # sample -> earlier new articles with it
    seen_sha: dict[str, int] = {}
    seen_title: dict[tuple[int | None, str], list[int]] = {}
    window = timedelta(days=t.title_days)
    for i in order:
        me = new[i]
        # (story key, kind, ref): kind 'exact' needs no check; 'stored'/'batch' do.
        options: list[tuple[StoryKey, str, int]] = []
        if me.doc.sha in exact:
            options.append((exact[me.doc.sha][2], "exact", exact[me.doc.sha][1]))
        options += [(stored[c].key, "stored", c) for c in cands.get(i, []) if c in stored]
        if me.doc.sha in seen_sha:
            options.append((new[seen_sha[me.doc.sha]].key, "batch_exact", seen_sha[me.doc.sha]))
        shared: dict[int, int] = {}
        for s_ in me.samples:
            for j in seen_samples.get(s_, ()):
                shared[j] = shared.get(j, 0) + 1
        near = {
            j for j, n in shared.items() if candidate_ok(n, len(me.samples), len(new[j].samples), t)
        }
        if len(near) > MAX_CANDIDATES:  # as for stored candidates: the closest ones only
            near = set(sorted(near, key=lambda j: (-shared[j], new[j].key))[:MAX_CANDIDATES])
        if me.title_key is not None and me.doc.published_at is not None:
            for j in seen_title.get((me.source_id, me.title_key), ()):
                pj = new[j].doc.published_at
                if pj is not None and abs(pj - me.doc.published_at) <= window:
                    near.add(j)
        options += [(new[j].key, "batch", j) for j in near]
        for _key, kind, ref in sorted(options):
            if kind == "exact":
                links[i] = Link(ref, None, "exact")
            elif kind == "batch_exact":
                links[i] = links[ref] or Link(None, ref, "exact")
            else:
                other = stored[ref].doc if kind == "stored" else new[ref].doc
                d = same_story(me.doc, other, t)
                if not d:
                    continue
                if kind == "stored":
                    links[i] = Link(stored[ref].root, None, d.rule)
                else:
                    prev = links[ref]
                    links[i] = (
                        Link(prev.root_id, prev.batch_root, d.rule)
                        if prev
                        else Link(None, ref, d.rule)
                    )
            break
        for s_ in me.samples:
            seen_samples.setdefault(s_, []).append(i)
        seen_sha.setdefault(me.doc.sha, i)
        if me.title_key is not None:
            seen_title.setdefault((me.source_id, me.title_key), []).append(i)
    return links


# Re-clustering ------------------------------------------------------------------------------


@dataclass
class ReclusterResult:
    """What :func:`recluster` did."""

    articles: int = 0
    stories: int = 0
    changed: int = 0  # articles whose duplicate_of was rewritten
    fingerprints_built: int = 0
    seconds: float = 0.0
    rules: dict[str, int] = field(default_factory=dict)  # links per deciding rule


def rebuild_fingerprints(
    engine: Engine,
    *,
    rebuild: bool = False,
    batch_size: int = 1000,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> int:
    """Build missing or outdated fingerprints (all of them with ``rebuild``); returns the
    number written. Needed after upgrading a warehouse that predates migration 0003."""
    where = "true" if rebuild else "f.article_id IS NULL OR f.version <> :v"
    with engine.connect() as conn:
        ids = list(
            conn.scalars(
                sa.text(
                    f"""SELECT a.id FROM articles a
                        LEFT JOIN article_fingerprints f ON f.article_id = a.id
                        WHERE {where} ORDER BY a.id"""
                ),
                {"v": FINGERPRINT_VERSION},
            )
        )
    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        raw = engine.raw_connection()
        try:
            conn_: Any = raw.driver_connection
            with conn_.transaction(), conn_.cursor() as cur:
                stored = fetch_stored(cur, chunk)
                write_fingerprints(
                    cur,
                    [fingerprint(s.id, s.doc, s.source_id, t) for s in stored.values()],
                )
        finally:
            raw.close()
        done += len(chunk)
    return done


def _iter_order(engine: Engine, chunk: int) -> Iterator[list[tuple[int, str, datetime | None]]]:
    """All articles in story order, in chunks (ids, URLs and dates only: ~100 bytes each)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, url, published_at FROM articles ORDER BY published_at NULLS LAST, url"
            )
        ).all()
    for start in range(0, len(rows), chunk):
        yield [(int(r[0]), str(r[1]), r[2]) for r in rows[start : start + chunk]]


_RECLUSTER_LOCK = 0x4D4E5243  # "MNRC": one recluster at a time


def recluster(
    engine: Engine,
    *,
    batch_size: int = 500,
    rebuild: bool = False,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> ReclusterResult:
    """Recompute ``duplicate_of`` for every article with the linking rule, in story order.

    Args:
        engine: the warehouse.
        batch_size: articles per candidate lookup.
        rebuild: rebuild every fingerprint first (otherwise only missing/outdated ones).
        t: decision thresholds.

    Returns:
        A :class:`ReclusterResult`; ``changed`` is 0 when the clusters were already current
        (running it twice in a row always gives 0 the second time).

    The result depends only on the stored articles (text, URL, title, outlet, language,
    publication time), not on ids or load order. Loads may run meanwhile: articles they add
    after the scan started keep their online links (re-pointed if their story's first article
    became a copy). Stories are rewritten in one transaction, under the loaders' lock.
    """
    started = time.monotonic()
    res = ReclusterResult()
    res.fingerprints_built = rebuild_fingerprints(engine, rebuild=rebuild, t=t)
    state = _State()
    raw = engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_RECLUSTER_LOCK,))
            conn.commit()
            try:
                for chunk in _iter_order(engine, batch_size):
                    _recluster_chunk(cur, chunk, t, state, res)
                    conn.commit()  # end the read snapshot between chunks
                res.articles = len(state.ids)
                res.stories = sum(1 for i, r in enumerate(state.root_pos) if r == i)
                res.changed = _write_roots(conn, state)
            finally:
                conn.rollback()
                cur.execute("SELECT pg_advisory_unlock(%s)", (_RECLUSTER_LOCK,))
                conn.commit()
    finally:
        raw.close()
    res.seconds = time.monotonic() - started
    log.info(
        "event=recluster articles=%d stories=%d changed=%d seconds=%.1f",
        res.articles,
        res.stories,
        res.changed,
        res.seconds,
    )
    return res


@dataclass
class _State:
    """Re-clustering progress: articles in story order and the story of each."""

    index: dict[int, int] = field(default_factory=dict)  # article id -> position
    ids: list[int] = field(default_factory=list)
    root_pos: list[int] = field(default_factory=list)  # position of each story's first article
    cache: dict[int, Stored] = field(default_factory=dict)


def _recluster_chunk(
    cur: psycopg.Cursor[Any],
    chunk: list[tuple[int, str, datetime | None]],
    t: Thresholds,
    st: _State,
    res: ReclusterResult,
) -> None:
    """Link one chunk of articles (in story order) to the earlier ones."""
    chunk_ids = [c[0] for c in chunk]
    stored = fetch_stored(cur, chunk_ids)
    cur.execute(
        "SELECT article_id, samples FROM article_fingerprints WHERE article_id = ANY(%s)",
        (chunk_ids,),
    )
    samples = dict(cur.fetchall())
    queries = [
        (
            aid,
            list(samples.get(aid) or []),
            stored[aid].source_id,
            title_key(stored[aid].doc.title, t),
            stored[aid].published_at,
        )
        for aid in chunk_ids
        if aid in stored
    ]
    cands = lookup_candidates(cur, queries, t)
    hashes = [s.doc.sha for s in stored.values()]
    exact = {h: first for h, (first, _root, _key) in lookup_exact(cur, hashes).items()}
    st.cache.update(stored)
    missing = {c for lst in cands.values() for c in lst if c not in st.cache}
    st.cache.update(fetch_stored(cur, missing))
    for aid, _url, _pub in chunk:
        if aid not in stored:
            continue  # deleted since the scan started
        me = stored[aid]
        pos = len(st.ids)
        st.index[aid] = pos
        st.ids.append(aid)
        match: tuple[int, str] | None = None
        first_exact = st.index.get(exact.get(me.doc.sha, -1))
        if first_exact is not None and first_exact < pos:
            match = (first_exact, "exact")
        for cid in cands.get(aid, []):
            cpos = st.index.get(cid)
            if cpos is None or cpos >= pos:
                continue  # later in story order (or added by a load after the scan)
            if match is not None and cpos >= match[0]:
                break  # candidates come earliest first: nothing earlier is left
            d = same_story(me.doc, st.cache[cid].doc, t)
            if d:
                match = (cpos, d.rule)
                break
        if match is not None:
            st.root_pos.append(st.root_pos[match[0]])
            res.rules[match[1]] = res.rules.get(match[1], 0) + 1
        else:
            st.root_pos.append(pos)
    # Keep the cache bounded: recent articles are the likely candidates of the next chunks.
    if len(st.cache) > 20_000:
        for k in list(st.cache)[: len(st.cache) - 10_000]:
            del st.cache[k]


def _write_roots(conn: Any, st: _State) -> int:
    """Rewrite ``duplicate_of`` where it differs, in one transaction; returns rows changed."""
    with conn.transaction(), conn.cursor() as cur:
        # Exclusive against loaders: no batch links to an article while it becomes a copy.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (STORY_LOCK,))
        cur.execute("SELECT id, duplicate_of FROM articles WHERE id = ANY(%s)", (st.ids,))
        current = dict(cur.fetchall())
        diff = []
        for i, (aid, r) in enumerate(zip(st.ids, st.root_pos, strict=True)):
            dup = st.ids[r] if r != i else None
            if aid in current and current[aid] != dup and (dup is None or dup in current):
                diff.append((aid, dup))
        if diff:
            # One statement: constraints see the final state.
            cur.execute(
                """UPDATE articles a SET duplicate_of = d.dup
                   FROM unnest(%s::bigint[], %s::bigint[]) AS d(id, dup)
                   WHERE a.id = d.id""",
                ([x[0] for x in diff], [x[1] for x in diff]),
            )
        # Articles stored after the scan may point at an article that just became a copy:
        # re-point them at its story's first article (copies never point at copies).
        for _ in range(8):
            cur.execute(
                """UPDATE articles c SET duplicate_of = r.duplicate_of
                   FROM articles r
                   WHERE c.duplicate_of = r.id AND r.duplicate_of IS NOT NULL"""
            )
            if not cur.rowcount:
                break
    return len(diff)
