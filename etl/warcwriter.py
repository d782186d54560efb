"""Rotating WARC.gz archive of fetched responses.

Every file starts with a ``warcinfo`` record and holds one gzip member per record, so any
record can be read back from its byte offset alone (``warcio``'s ``ArchiveIterator`` reports
the same offsets). A file being written is named ``<name>.warc.gz.open``; it is flushed,
fsynced and renamed to ``<name>.warc.gz`` when it reaches ``max_bytes`` (checked after each
record, so a file exceeds the limit by at most one record) or when the archive is closed.
A backfill that reads only ``*.warc.gz`` therefore never sees a half-written file. A crash
leaves an ``.open`` file whose complete records are still readable.

Bodies are stored as the fetcher returns them: decoded (no ``Content-Encoding``), so the
stored HTTP headers are rewritten to match (``Content-Encoding``/``Transfer-Encoding``
dropped, ``Content-Length`` set to the stored length).
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from .fetcher import FetchResult

__all__ = ["OPEN_SUFFIX", "WarcArchive"]

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class WarcArchive:
    """Append HTTP responses to size-rotated ``.warc.gz`` files in ``folder``.

    File names are ``<prefix>-<UTC timestamp>-<pid>-<serial>.warc.gz``. Thread-safe; use as a
    context manager or call :meth:`close`.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        max_bytes: int = 1 << 30,
        prefix: str = "mineral-news",
        *,
        software: str = "mineral-news-etl",
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.software = software
        self._lock = threading.Lock()
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None  # final name (without .open)

    @property
    def current_path(self) -> Path | None:
        """Final name of the file being written (it exists with ``.open`` appended)."""
        return self._path

    def write_response(
        self,
        url: str,
        status: int,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
    ) -> tuple[Path, int]:
        """Append one ``response`` record; return ``(path, offset)`` of the record.

        ``path`` is the file's final ``.warc.gz`` name (while the file is still open it
        exists as ``path`` + ``.open``); ``offset`` is the byte offset of the record's gzip
        member in it. ``fetched_at`` becomes ``WARC-Date`` (naive datetimes are taken as UTC).
        """
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        kept = [(k, v) for k, v in pairs if k.lower() not in _DROP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        http_headers = StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1")
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=UTC)
        warc_date = datetime_to_iso_date(fetched_at.astimezone(UTC).replace(tzinfo=None))
        with self._lock:
            writer, fh, path = self._ensure_open()
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date},
            )
            offset = fh.tell()
            writer.write_record(record)
            fh.flush()
            size = fh.tell()
            log.debug(
                "event=warc_record path=%s offset=%d url=%s bytes=%d",
                path,
                offset,
                url,
                size - offset,
            )
            if size >= self.max_bytes:
                self._close_current()
        return path, offset

    def write_result(self, result: FetchResult) -> tuple[Path, int] | None:
        """Archive a :class:`~etl.fetcher.FetchResult` with a body (under its final URL);
        None when it has no body or status."""
        if result.body is None or result.status is None:
            return None
        return self.write_response(
            result.final_url, result.status, result.headers, result.body, result.fetched_at
        )

    def close(self) -> None:
        """Finish the current file (rename it to ``.warc.gz``). Idempotent."""
        with self._lock:
            self._close_current()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------

    def _ensure_open(self) -> tuple[WARCWriter, IO[bytes], Path]:
        if self._writer is not None and self._fh is not None and self._path is not None:
            return self._writer, self._fh, self._path
        while True:
            # one counter for every archive in the process: two archives (overlapping flow
            # runs in threads) never pick the same name, so neither replaces the other's file
            serial = next(_SERIAL)
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{serial:05d}.warc.gz"
            path = self.folder / name
            if path.exists():
                continue
            try:
                # exclusive create: another process may reuse our pid after a restart
                fh = _open_name(path).open("xb")
            except FileExistsError:
                continue
            break
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            name, {"software": self.software, "format": "WARC File Format 1.0"}
        )
        writer.write_record(info)
        self._fh, self._writer, self._path = fh, writer, path
        log.info("event=warc_open path=%s", path)
        return writer, fh, path

    def _close_current(self) -> None:
        if self._fh is None or self._path is None:
            return
        fh, path = self._fh, self._path
        self._fh = self._writer = self._path = None
        fh.flush()
        os.fsync(fh.fileno())
        size = fh.tell()
        fh.close()
        os.replace(_open_name(path), path)
        log.info("event=warc_closed path=%s bytes=%d", path, size)


_SERIAL = itertools.count(1)


def _open_name(path: Path) -> Path:
    return path.with_name(path.name + OPEN_SUFFIX)
