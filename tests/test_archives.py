"""Archive readers: WARC offsets, non-response records, broken archives, HTML folders."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from pages import sample_pages, write_warc

from etl.archives import discover_inputs, fingerprint, iter_records, kind_of
from etl.errors import InputError


def test_warc_records_have_offsets_and_payloads(tmp_path: Path) -> None:
    pages = sample_pages(3)
    path = tmp_path / "a.warc.gz"
    offsets = write_warc(path, pages)
    recs = list(iter_records(path, "warc"))
    responses = [r for r in recs if r.skip is None]
    assert [r.offset for r in responses] == offsets
    assert [r.url for r in responses] == [u for u, _ in pages]
    assert responses[0].payload == pages[0][1].encode()
    # warcinfo + 3 request records are recorded as not_response, not dropped
    assert sum(r.skip == "not_response" for r in recs) == 4


def test_non_200_response_is_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "b.warc.gz"
    write_warc(path, sample_pages(1), status="404 Not Found", with_requests=False)
    recs = [r for r in iter_records(path, "warc") if r.skip != "not_response"]
    assert [r.skip for r in recs] == ["http_404"]


def test_truncated_warc_yields_what_it_can_then_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "c.warc.gz"
    offsets = write_warc(path, sample_pages(4), with_requests=False)
    data = path.read_bytes()
    cut = offsets[3] + 200  # inside the last record's gzip member
    (tmp_path / "cut.warc.gz").write_bytes(data[:cut])
    recs = list(iter_records(tmp_path / "cut.warc.gz", "warc"))
    ok = [r for r in recs if r.skip is None]
    assert [r.offset for r in ok] == offsets[:3]
    assert recs[-1].skip == "archive_error"
    assert len({r.offset for r in recs}) == len(recs)  # offsets stay unique for the ledger


def test_html_folder_discovery_and_bad_gzip(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text(sample_pages(1)[0][1])
    (tmp_path / "sub" / "b.html.gz").write_bytes(gzip.compress(b"<html></html>"))
    (tmp_path / "sub" / "broken.html.gz").write_bytes(gzip.compress(b"<html>" * 100)[:30])
    (tmp_path / "notes.txt").write_text("not an input")
    found = {p.name: k for p, k in discover_inputs([tmp_path])}
    assert found == {
        "a.html": "html",
        "b.html.gz": "html",
        "broken.html.gz": "html",
        "notes.txt": None,
    }
    [rec] = iter_records(tmp_path / "sub" / "broken.html.gz", "html")
    assert rec.skip == "bad_gzip"
    [rec] = iter_records(tmp_path / "sub" / "b.html.gz", "html")
    assert rec.payload == b"<html></html>"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        list(discover_inputs([tmp_path / "nope"]))


def test_fingerprint_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    a = tmp_path / "x.warc.gz"
    write_warc(a, sample_pages(2))
    b = tmp_path / "renamed.warc.gz"
    b.write_bytes(a.read_bytes())
    assert fingerprint(a) == fingerprint(b)
    c = tmp_path / "other.warc.gz"
    write_warc(c, sample_pages(2, start=5))
    assert fingerprint(a) != fingerprint(c)
    assert kind_of(Path("x.WARC.GZ")) == "warc" and kind_of(Path("y.htm")) == "html"
