"""Reading archives: WARC/ARC files and folders of ``.html`` / ``.html.gz`` pages.

Readers stream one :class:`Record` at a time (memory does not grow with the archive) and never
raise for bad content: a record that cannot be used carries a ``skip`` reason, and an archive
that breaks mid-way (truncated gzip, garbage) yields a final record with ``skip`` set to
``archive_error`` at the offset where reading stopped.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .errors import InputError

__all__ = ["Record", "discover_inputs", "fingerprint", "iter_records", "kind_of"]

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
_HEAD = 1 << 20


@dataclass(slots=True)
class Record:
    """One input record: a WARC record or a single HTML file (offset 0)."""

    offset: int
    url: str | None
    payload: bytes | None
    content_type: str | None = None
    status: int | None = None
    skip: str | None = None  # set when the record cannot become an article
    detail: str = ""


def kind_of(path: Path) -> str | None:
    """``warc``, ``html`` or None for files the backfill does not read."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return None


def discover_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str | None]]:
    """Expand files and folders (recursively, sorted) into ``(path, kind)`` pairs.

    Files of unknown type inside folders are yielded with kind None so the caller can count
    them as skipped instead of dropping them silently. A path that does not exist raises
    :class:`~etl.errors.InputError` before any work starts.
    """
    resolved = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        resolved.append(path)
    for path in resolved:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield child, kind_of(child)
        else:
            yield path, kind_of(path)


def fingerprint(path: Path) -> str:
    """Identity of an input file that survives renames: size + SHA-256 of head and tail.

    Reading 2 MiB instead of the whole file keeps resuming a 10 GB WARC cheap; a file whose
    head, tail and size all match is treated as the same archive.
    """
    size = path.stat().st_size
    h = hashlib.sha256()
    h.update(str(size).encode())
    with path.open("rb") as fh:
        h.update(fh.read(_HEAD))
        if size > 2 * _HEAD:
            fh.seek(size - _HEAD)
            h.update(fh.read(_HEAD))
        elif size > _HEAD:
            h.update(fh.read())
    return f"{size}:{h.hexdigest()}"


def iter_records(path: Path, kind: str, max_bytes: int = 8 * 1024 * 1024) -> Iterator[Record]:
    """Stream the records of one input file."""
    if kind == "warc":
        yield from _iter_warc(path, max_bytes)
    elif kind == "html":
        yield _read_html_file(path, max_bytes)
    else:
        raise InputError(f"unsupported input kind {kind!r} for {path}")


def _read_html_file(path: Path, max_bytes: int) -> Record:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        else:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        return Record(
            0,
            None,
            None,
            skip="bad_gzip" if path.suffix == ".gz" else "unreadable",
            detail=str(exc)[:200],
        )
    if len(data) > max_bytes:
        return Record(0, None, None, skip="too_large", detail=f">{max_bytes} bytes")
    return Record(0, None, data, content_type="text/html")


def _iter_warc(path: Path, max_bytes: int) -> Iterator[Record]:
    last = -1  # offset of the last record yielded
    end = 0  # where the last complete record ended
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, arc2warc=True)
            for rec in it:
                try:
                    record = _warc_record(rec, max_bytes)
                    # Only valid once the body was read: warcio reads to the record's end.
                    record.offset = it.get_record_offset()
                except _READ_ERRORS as exc:
                    # The record's own body is broken (truncated gzip member, bad chunking).
                    yield _archive_error(path, last + 1, exc)
                    return
                last = record.offset
                end = last + it.get_record_length()
                yield record
    except _READ_ERRORS as exc:
        # The next record header could not be read: everything before it was yielded.
        yield _archive_error(path, last + 1, exc)
        return
    if last >= 0 and path.name.lower().endswith(".gz") and not _gzip_member_complete(path, last):
        # warcio yields a truncated last gzip member as a (mangled) record without an error.
        yield _archive_error(path, last + 1, EOFError("the last record is truncated"))
        return
    if end < size and last >= 0 and not _only_padding(path, end):
        # warcio stops quietly at a truncated final gzip member; bytes were left unread.
        trailing = EOFError(f"{size - end} trailing bytes could not be read as records")
        yield _archive_error(path, end, trailing)


def _only_padding(path: Path, start: int) -> bool:
    """True when the bytes after the last record are only line breaks / NULs (writers pad)."""
    with path.open("rb") as fh:
        fh.seek(start)
        return not fh.read(4096).strip(b"\r\n\x00 ")


def _gzip_member_complete(path: Path, offset: int) -> bool:
    """True when the gzip member starting at ``offset`` ends with a complete gzip trailer."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as fh:
        fh.seek(offset)
        while chunk := fh.read(1 << 16):
            try:
                d.decompress(chunk)
            except zlib.error:
                return False
            if d.eof:
                return True
    return d.eof


_READ_ERRORS = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError)


def _archive_error(path: Path, offset: int, exc: BaseException) -> Record:
    log.warning("event=archive_error path=%s offset=%d error=%r", path, offset, exc)
    return Record(
        offset, None, None, skip="archive_error", detail=f"{type(exc).__name__}: {exc}"[:300]
    )


def _warc_record(rec: Any, max_bytes: int) -> Record:
    url = rec.rec_headers.get_header("WARC-Target-URI")
    if url:
        url = url.strip().strip("<>")  # some writers wrap the URI in angle brackets
    is_page_resource = rec.rec_type == "resource" and "html" in (
        rec.rec_headers.get_header("Content-Type") or ""
    )
    if rec.rec_type != "response" and not is_page_resource:
        rec.content_stream().read()  # consume; warcio needs the body read to move on
        return Record(0, url, None, skip="not_response", detail=rec.rec_type)
    status = None
    ctype = rec.rec_headers.get_header("Content-Type") if is_page_resource else None
    if rec.http_headers is not None and not is_page_resource:
        code = rec.http_headers.get_statuscode()
        status = int(code) if code and code.isdigit() else None
        ctype = rec.http_headers.get_header("Content-Type")
    stream = rec.content_stream()
    body = stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        while stream.read(1 << 16):
            pass
        return Record(0, url, None, ctype, status, skip="too_large", detail=f">{max_bytes}")
    if status is not None and status != 200:
        return Record(0, url, None, ctype, status, skip=f"http_{status}")
    return Record(0, url, body, ctype, status)
