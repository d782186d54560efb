"""Extraction: text, metadata fallbacks, language, and recorded skips for bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pages import article_html, article_text

from etl.extract import ExtractedArticle, Skip, count_words, decode_html, extract_page

URL = "https://news.example/2026/03/14/lithium"


def _page(**kw: object) -> str:
    args: dict[str, object] = {
        "url": URL,
        "title": "Chile signs lithium deal",
        "paragraphs": article_text(1),
    }
    args.update(kw)
    return article_html(**args)  # type: ignore[arg-type]


def test_extracts_text_and_metadata_without_page_furniture() -> None:
    res = extract_page(_page(), URL)
    assert isinstance(res, ExtractedArticle)
    assert res.title == "Chile signs lithium deal"
    assert res.authors == ["Jane Fixture"]
    assert res.published_at == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert res.language == "en" and res.language_confidence > 0.9
    assert "cookies" not in res.text and "Related headline" not in res.text
    assert not res.text.startswith("Chile signs lithium deal")  # h1 is not repeated in text
    assert res.word_count == len(res.text.split())
    assert len(res.content_sha256) == 64


def test_title_loses_site_suffix_when_only_html_title_exists() -> None:
    html = _page(jsonld=False).replace(
        '<meta property="og:title" content="Chile signs lithium deal">', ""
    )
    res = extract_page(html, URL)
    assert isinstance(res, ExtractedArticle)
    assert res.title == "Chile signs lithium deal"


def test_date_falls_back_to_time_element_and_htmldate() -> None:
    html = (
        _page(jsonld=False)
        .replace(
            '<meta property="article:published_time" content="2026-03-14T09:30:00+00:00">',
            "",
        )
        .replace(
            '<p class="byline">',
            '<p class="byline"><time datetime="2026-02-02T07:15:00Z">2 Feb</time> ',
        )
    )
    res = extract_page(html, URL)
    assert isinstance(res, ExtractedArticle)
    assert res.published_at == datetime(2026, 2, 2, 7, 15, tzinfo=UTC)


def test_url_comes_from_canonical_when_not_given() -> None:
    res = extract_page(_page(url="https://news.example/a?utm_source=x&id=7#top"), None)
    assert isinstance(res, ExtractedArticle)
    assert res.url == "https://news.example/a?id=7"


def test_detected_language_overrides_a_wrong_declaration() -> None:
    res = extract_page(_page(paragraphs=article_text(3, "de"), lang="en"), URL)
    assert isinstance(res, ExtractedArticle)
    assert res.language == "de" and res.declared_language == "en"


@pytest.mark.parametrize(
    ("body", "ctype", "reason"),
    [
        (b"", None, "empty"),
        (b"   \n ", None, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + b"\x00" * 100, None, "not_html"),
        (b"just some plain words without markup", None, "not_html"),
        (b"<html><body><p>ok</p></body></html>", "application/pdf", "not_html"),
        (b"<html><body><h1>Page not found</h1><p>Sorry.</p></body></html>", None, None),
    ],
)
def test_bad_inputs_are_skips_with_reasons(
    body: bytes, ctype: str | None, reason: str | None
) -> None:
    res = extract_page(body, URL, content_type=ctype)
    assert isinstance(res, Skip)
    if reason:
        assert res.reason == reason
    else:
        assert res.reason in {"no_text", "too_short"}


def test_too_large_is_skipped_before_parsing() -> None:
    res = extract_page(_page(), URL, max_bytes=2048)
    assert isinstance(res, Skip) and res.reason == "too_large"


def test_invalid_utf8_and_nul_bytes_do_not_crash_and_are_cleaned() -> None:
    html = _page().encode("utf-8")
    html = html.replace(b"Chile signs", b"Chile \xff\xfe signs\x00", 1)
    html = html.replace(b"Bolivia", b"Bol\x00ivia\xc3")
    res = extract_page(html, URL)
    assert isinstance(res, ExtractedArticle)
    assert "\x00" not in res.text and "\x00" not in (res.title or "")


def test_meta_charset_is_honoured() -> None:
    html = _page(paragraphs=article_text(5, "de"), lang="de", charset="iso-8859-1")
    raw = html.encode("iso-8859-1", errors="replace")
    res = extract_page(raw, URL)
    assert isinstance(res, ExtractedArticle)
    assert "ä" in res.text or "ö" in res.text or "ü" in res.text


def test_decode_falls_back_when_declared_charset_is_wrong() -> None:
    text, codec = decode_html("<meta charset='utf-8'><p>Größe</p>".encode("cp1252"))
    assert "Gr" in text and codec


def test_cjk_word_count() -> None:
    assert count_words("中国稀土出口管制") >= 5
    assert count_words("two words") == 2
