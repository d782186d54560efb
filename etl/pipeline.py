"""The CPU-heavy per-record work (extract → language → fingerprints → normalize) and the
process pool that runs it on every core, in order, with bounded memory."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from .extract import ExtractedArticle, Skip, extract_page
from .load import OUT_OF_RANGE, ArchiveDone, Processed

__all__ = ["Options", "WorkItem", "ordered_map", "process_item"]

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class Options:
    """Per-record settings shipped to worker processes (plain values, cheap to pickle)."""

    min_words: int = 60
    max_bytes: int = 8 * 1024 * 1024
    langdetect_sample_chars: int = 3000
    # Optional publication-date window (inclusive start, exclusive end) for backfills.
    published_from: datetime | None = None
    published_until: datetime | None = None

    def in_range(self, published: datetime | None) -> bool:
        """True when no window is set, or the date is known and inside it."""
        if self.published_from is None and self.published_until is None:
            return True
        if published is None:
            return False
        if self.published_from is not None and published < self.published_from:
            return False
        return self.published_until is None or published < self.published_until


@dataclass(slots=True)
class WorkItem:
    """One record to process: where it came from and its bytes."""

    archive_id: int
    offset: int
    url: str | None
    payload: bytes | None
    content_type: str | None = None
    skip: str | None = None
    detail: str = ""


def process_item(item: WorkItem, opts: Options) -> Processed:
    """Turn one record into a :class:`Processed` (never raises)."""
    from .urls import normalize_url

    url = normalize_url(item.url) if item.url else None
    if item.skip:
        return Processed(item.archive_id, item.offset, url, "skipped", item.skip)
    if item.payload is None:
        return Processed(item.archive_id, item.offset, url, "skipped", "empty")
    try:
        result = extract_page(
            item.payload,
            item.url,
            content_type=item.content_type,
            min_words=opts.min_words,
            max_bytes=opts.max_bytes,
            langdetect_sample_chars=opts.langdetect_sample_chars,
        )
        if isinstance(result, Skip):
            return Processed(item.archive_id, item.offset, url, "skipped", result.reason)
        art: ExtractedArticle = result
        if not opts.in_range(art.published_at):
            return Processed(item.archive_id, item.offset, art.url, "skipped", OUT_OF_RANGE)
        from .normalize import default_normalizer

        norm = default_normalizer().normalize(art.text, title=art.title, language=art.language)
        return Processed(item.archive_id, item.offset, art.url, "article", None, art, norm)
    except Exception as exc:  # one bad page must not stop the run; it is recorded as failed
        log.exception("event=record_failed offset=%d url=%s", item.offset, url)
        return Processed(
            item.archive_id, item.offset, url, "failed", f"{type(exc).__name__}: {exc}"[:300]
        )


def _process_chunk(
    chunk: list[WorkItem | ArchiveDone], opts: Options
) -> list[Processed | ArchiveDone]:
    return [x if isinstance(x, ArchiveDone) else process_item(x, opts) for x in chunk]


def _warm() -> None:
    # Build the normalizer once per worker before the first real record arrives.
    from .normalize import default_normalizer

    default_normalizer()


def make_pool(workers: int) -> ProcessPoolExecutor | None:
    """A process pool of ``workers`` processes, or None to work inline (workers <= 1).

    ``spawn`` rather than ``fork``: the parent holds database connections and threads
    (Prefect), which must not be copied into children.
    """
    if workers <= 1:
        return None
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_warm
    )


def ordered_map(
    items: Iterable[WorkItem | ArchiveDone],
    opts: Options,
    pool: ProcessPoolExecutor | None,
    chunk_size: int = 8,
    window: int | None = None,
) -> Iterator[Processed | ArchiveDone]:
    """Process items on the pool and yield results in input order.

    At most ``window`` chunks are in flight, so memory stays flat however large the input.
    """
    if pool is None:
        for it in items:
            yield it if isinstance(it, ArchiveDone) else process_item(it, opts)
        return
    # Enough chunks in flight to keep every worker busy while the parent waits on one slow
    # chunk or hands a batch to the loader; memory stays bounded by the window.
    window = window or max(8, (os.cpu_count() or 1) * 6)
    pending: deque[Future[list[Processed | ArchiveDone]]] = deque()
    chunk: list[WorkItem | ArchiveDone] = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= chunk_size:
            pending.append(pool.submit(_process_chunk, chunk, opts))
            chunk = []
            while len(pending) >= window:
                yield from pending.popleft().result()
    if chunk:
        pending.append(pool.submit(_process_chunk, chunk, opts))
    while pending:
        yield from pending.popleft().result()
