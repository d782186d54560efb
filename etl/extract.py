"""Article extraction: clean text and metadata from one HTML page.

trafilatura does the heavy lifting in a single call (text, title, authors, date, site name,
description). Metadata it misses is filled from the page's JSON-LD, OpenGraph/meta tags and
``<time>`` elements, and as a last resort htmldate. Pages that are not articles end as a
:class:`Skip` with a reason, never as an exception.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from .dedup import content_sha256, simhash64
from .language import detect_language, normalize_lang_tag
from .urls import normalize_url

__all__ = ["EXTRACTOR_VERSION", "ExtractedArticle", "Skip", "extract_page"]

log = logging.getLogger(__name__)

# Bump the suffix when our own post-processing changes, so re-extraction can find old rows.
EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+etl1"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Han, kana and hangul are written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Whitespace words, with CJK text counted at ~1.5 characters per word."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(text.split())
    return len(_CJK.sub(" ", text).split()) + round(cjk / 1.5)


@dataclass(slots=True)
class Skip:
    """A page that yields no article, and why (``reason`` is a short stable code)."""

    reason: str
    detail: str = ""


@dataclass(slots=True)
class ExtractedArticle:
    """Everything the warehouse stores about one article, before it has an id."""

    url: str
    canonical_url: str | None
    title: str | None
    authors: list[str]
    published_at: datetime | None
    sitename: str | None
    description: str | None
    declared_language: str | None
    language: str | None
    language_confidence: float
    text: str
    word_count: int
    content_sha256: str
    simhash: int
    extractor_version: str = EXTRACTOR_VERSION
    extra: dict[str, Any] = field(default_factory=dict)


# Decoding -------------------------------------------------------------------------------------


def _lookup_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes: BOM, then HTTP charset, then ``<meta charset>``, then UTF-8, then a
    detector. Undecodable bytes become U+FFFD instead of failing. Returns (text, codec)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, errors="replace"), enc
    candidates: list[str] = []
    if content_type and (m := _CT_CHARSET.search(content_type)):
        candidates.append(m.group(1))
    if m2 := _META_CHARSET.search(body[:4096]):
        candidates.append(m2.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _lookup_codec(name)
        if codec:
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue  # declared charset is wrong; try the next signal
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    codec = best.encoding if best else "utf-8"
    return body.decode(codec, errors="replace"), codec


# Metadata from the page itself ----------------------------------------------------------------


def _parse_dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        try:
            from dateutil import parser as dparser

            dt = dparser.parse(value)
        except (ValueError, OverflowError, TypeError):
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if not (1990 <= dt.year <= 2100):
        return None
    return dt


def _has_time(value: str | None) -> bool:
    return bool(value) and bool(re.search(r"\d{1,2}:\d{2}", value or ""))


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        raw = node.text or ""
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                out.append(item)
    return out


_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "webpage",
    "reviewnewsarticle",
    "opinionnewsarticle",
}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        n = value.get("name")
        return [n] if isinstance(n, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


@dataclass(slots=True)
class PageMeta:
    """Metadata read straight from the markup (no heuristics)."""

    lang: str | None = None
    canonical: str | None = None
    title: str | None = None
    h1: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    sitename: str | None = None
    description: str | None = None


def page_metadata(tree: Any) -> PageMeta:
    """Read ``<html lang>``, canonical link, OpenGraph/article meta, JSON-LD and ``<time>``."""
    meta = PageMeta()
    html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
    meta.lang = html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang")
    props: dict[str, str] = {}
    for m in tree.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key and key not in props:
            props[key] = m.get("content", "").strip()
        if (m.get("http-equiv") or "").lower() == "content-language" and not meta.lang:
            meta.lang = m.get("content")
    for link in tree.xpath('//link[@rel="canonical"][@href]'):
        meta.canonical = link.get("href").strip()
        break
    meta.canonical = meta.canonical or props.get("og:url")
    meta.title = props.get("og:title") or props.get("twitter:title")
    meta.sitename = props.get("og:site_name")
    meta.description = props.get("og:description") or props.get("description")
    meta.published = (
        props.get("article:published_time")
        or props.get("datepublished")
        or props.get("pubdate")
        or props.get("date")
    )
    if props.get("author") and not props["author"].startswith("http"):
        meta.authors = [a.strip() for a in re.split(r",| and |;", props["author"]) if a.strip()]
    for obj in _jsonld_objects(tree):
        types = obj.get("@type")
        tnames = {
            t.lower()
            for t in ([types] if isinstance(types, str) else types or [])
            if isinstance(t, str)
        }
        if not tnames & _ARTICLE_TYPES:
            continue
        if isinstance(obj.get("headline"), str) and "webpage" not in tnames:
            meta.title = meta.title or obj["headline"].strip()
        if isinstance(obj.get("datePublished"), str):
            pub = obj["datePublished"]
            if not meta.published or (_has_time(pub) and not _has_time(meta.published)):
                meta.published = pub
        authors = _names(obj.get("author"))
        if authors and not meta.authors:
            meta.authors = [a.strip() for a in authors if a.strip()]
        pub_name = _names(obj.get("publisher"))
        if pub_name and not meta.sitename:
            meta.sitename = pub_name[0]
    if not meta.published:
        for t in tree.xpath("//time[@datetime]"):
            meta.published = t.get("datetime")
            break
    h1 = tree.xpath("//h1")
    if h1:
        meta.h1 = " ".join(h1[0].text_content().split()) or None
    return meta


# The extractor ---------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    # PostgreSQL text cannot hold NUL; other C0 controls are noise from broken encodings.
    return _CONTROL.sub("", text).replace("\ufeff", "").strip()


def extract_page(
    body: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    min_words: int = 60,
    max_bytes: int = 8 * 1024 * 1024,
    langdetect_sample_chars: int = 3000,
) -> ExtractedArticle | Skip:
    """Extract one article from an HTML page.

    Args:
        body: the raw page (bytes are decoded with the HTTP/meta charset, BOM or detection).
        url: where the page was found; without it the page's canonical URL is used.
        content_type: the HTTP ``Content-Type`` header, if known.
        min_words: pages with less main text are skipped as ``too_short``.
        max_bytes: larger bodies are skipped as ``too_large`` before parsing.
        langdetect_sample_chars: characters given to language detection.

    Returns:
        An :class:`ExtractedArticle`, or a :class:`Skip` whose ``reason`` is one of
        ``empty``, ``too_large``, ``not_html``, ``unparsable``, ``no_text``, ``too_short``,
        ``no_url``.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if not raw or not raw.strip():
        return Skip("empty")
    if len(raw) > max_bytes:
        return Skip("too_large", f"{len(raw)} bytes")
    if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text/plain")):
        return Skip("not_html", content_type)
    head = raw[:4096]
    # A stray NUL happens in real HTML; many of them mean binary (or UTF-16 without a BOM).
    if head.count(b"\x00") > max(8, len(head) // 100) and not raw.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        return Skip("not_html", "binary content")
    if not _HTML_SNIFF.search(raw[:65536]):
        return Skip("not_html", "no HTML markup")
    html = body if isinstance(body, str) else decode_html(raw, content_type)[0]
    html = html.replace("\x00", "")
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        return Skip("unparsable", str(exc)[:200])
    meta = page_metadata(tree)
    page_url = url or meta.canonical
    if not page_url:
        return Skip("no_url", "no URL given and no canonical link in the page")
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=page_url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura bugs on odd markup must not stop a run
        log.warning("event=trafilatura_error url=%s error=%r", page_url, exc)
        return Skip("unparsable", f"trafilatura: {exc!r}"[:200])
    text = _clean_text((getattr(doc, "text", None) or "") if doc is not None else "")
    if not text:
        return Skip("no_text")
    title = _best_title(meta, getattr(doc, "title", None), page_url)
    text = _drop_leading_title(text, title, meta.h1)
    if not text:
        return Skip("no_text")
    words = count_words(text)
    if words < min_words:
        return Skip("too_short", f"{words} words")

    authors = meta.authors or _split_authors(getattr(doc, "author", None))
    published = _published(meta, getattr(doc, "date", None), html, page_url)
    declared = normalize_lang_tag(meta.lang)
    language, confidence = detect_language(text, declared, langdetect_sample_chars)
    canonical = normalize_url(meta.canonical) if meta.canonical else None
    return ExtractedArticle(
        url=normalize_url(page_url),
        canonical_url=canonical,
        title=_clean_text(title) if title else None,
        authors=[_clean_text(a) for a in authors][:20],
        published_at=published,
        sitename=_first(meta.sitename, getattr(doc, "sitename", None)),
        description=_first(meta.description, getattr(doc, "description", None)),
        declared_language=declared,
        language=language,
        language_confidence=confidence,
        text=text,
        word_count=words,
        content_sha256=content_sha256(text),
        simhash=simhash64(text),
    )


def _drop_leading_title(text: str, *titles: str | None) -> str:
    """trafilatura keeps an in-article <h1> as the first line; the title has its own column,
    and leaving it in the text would make syndicated copies with new headlines differ."""
    first, sep, rest = text.partition("\n")
    keys = {_key(t) for t in titles if t}
    if sep and _key(first) in keys:
        return rest.lstrip()
    return text


def _first(*values: str | None) -> str | None:
    for v in values:
        if v and v.strip():
            return " ".join(v.split())
    return None


_TITLE_SEP = re.compile(r"\s+[|\-–—·•»/]\s+|\s*[｜：|]\s*")
_ALNUM = re.compile(r"[\W_]+")


def _key(s: str) -> str:
    return _ALNUM.sub("", s.casefold())


def _strip_site_suffix(title: str, names: list[str]) -> str:
    """Drop trailing " | Site Name" / " - SITE" / " – DW – 13.06.2023" parts."""
    keys = [k for k in (_key(n) for n in names if n) if len(k) >= 2]
    for _ in range(3):
        seps = list(_TITLE_SEP.finditer(title))
        if not seps:
            break
        last_sep = seps[-1]
        tail = title[last_sep.end() :].strip()
        tk = _key(tail)
        site_like = bool(tk) and any(tk in k or k in tk for k in keys)
        date_like = bool(re.fullmatch(r"[\d./\- ]{6,}", tail))
        if (site_like or date_like) and len(tail.split()) <= 5 and last_sep.start() > 10:
            title = title[: last_sep.start()].strip()
        else:
            break
    return title


def _best_title(meta: PageMeta, traf_title: str | None, url: str) -> str | None:
    """Headline from meta/JSON-LD/trafilatura without the site-name suffix; the page's <h1>
    wins when a candidate is just the <h1> plus decoration."""
    candidate = _first(meta.title, traf_title, meta.h1)
    if not candidate:
        return None
    host = urlsplit(url).hostname or ""
    names = [meta.sitename or "", host, host.split(".")[-2] if host.count(".") else host]
    candidate = _strip_site_suffix(candidate, names)
    h1 = meta.h1
    if h1 and len(h1.split()) >= 3 and candidate != h1 and _key(candidate).startswith(_key(h1)):
        return h1
    return candidate


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    return [a.strip() for a in re.split(r";|\band\b", value) if a.strip()]


def _published(meta: PageMeta, traf_date: str | None, html: str, url: str) -> datetime | None:
    """Prefer a full timestamp from the markup; else trafilatura's day; else htmldate."""
    marked = _parse_dt(meta.published)
    day = _parse_dt(traf_date)
    if marked and (day is None or marked.date() == day.date() or _has_time(meta.published)):
        return marked
    if day:
        return day
    try:
        from htmldate import find_date

        found = find_date(html, url=url, original_date=True, extensive_search=False)
    except Exception:  # htmldate is a best-effort fallback
        found = None
    return _parse_dt(found)
