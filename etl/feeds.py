"""Feed parsing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) without network or entity expansion.

XML goes through :func:`parse_xml`, the one safe entry point shared with
:mod:`etl.sitemaps`: lxml with ``resolve_entities=False``, ``no_network=True``,
``load_dtd=False`` and ``huge_tree=False``, and any document whose DTD *declares* entities
(billion laughs, XXE, parameter entities) is refused outright as ``forbidden_entities`` — it
is neither expanded nor fetched. A ``DOCTYPE`` without declarations (RSS 0.91's) is fine; its
HTML entity references (``&eacute;``) are mapped from the HTML5 table, never from a DTD.

Malformed XML is repaired in two steps: bare ``&`` (the usual culprit) are escaped and the
document re-parsed strictly; failing that, lxml's recovering parser keeps what it can and the
result carries ``error="recovered: ..."`` next to the entries it found.

Dates are parsed tolerantly by :func:`parse_date` (RFC 822 and ISO 8601 with the usual
deviations: ``Thu,28 Jul 2022 4:35:5 GMT+9``, time-zone names, missing zones = UTC) and
returned as aware UTC datetimes.
"""

from __future__ import annotations

import html
import html.entities
import json
import logging
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateparser
from lxml import etree

__all__ = [
    "FeedEntry",
    "FeedParseResult",
    "absolute_url",
    "element_text",
    "local_name",
    "parse_date",
    "parse_feed",
    "parse_xml",
]

log = logging.getLogger(__name__)

_NS_ATOM = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_NS_RSS = ("", "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS_FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"

# --------------------------------------------------------------------------------------
# Safe XML


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_AMP = re.compile(rb"&(?:([A-Za-z][A-Za-z0-9._-]{0,31})|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6})?(;?)")
_XML_ENTITIES = frozenset({b"lt", b"gt", b"amp", b"quot", b"apos"})


def _fix_amp(m: re.Match[bytes]) -> bytes:
    name, semi = m.group(1), m.group(2)
    if not semi:  # a bare "&" (or "&name" without ";"): escape it
        return b"&amp;" + m.group(0)[1:]
    if name is None or name in _XML_ENTITIES:
        return m.group(0)  # character reference or predefined entity
    chars = html.entities.html5.get(name.decode("ascii") + ";")
    if chars is None:
        return b"&amp;" + m.group(0)[1:]
    return b"".join(b"&#%d;" % ord(c) for c in chars)


def _repair(data: bytes) -> bytes:
    """Escape bare ampersands and turn HTML named entities into character references."""
    return _AMP.sub(_fix_amp, data)


_XML_DECL_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")


def _declares_entities(root: etree._Element) -> bool:
    docinfo = root.getroottree().docinfo
    for dtd in (docinfo.internalDTD, docinfo.externalDTD):
        if dtd is not None and any(True for _ in dtd.iterentities()):
            return True
    return False


def parse_xml(
    data: bytes | str, base_url: str | None = None
) -> tuple[etree._Element | None, str | None]:
    """Parse untrusted XML safely; return ``(root, error)``.

    ``root`` is None when the document is empty, refused (``forbidden_entities``) or beyond
    repair (``xml_syntax: ...``). A repaired document gives both a root and
    ``error="recovered: ..."``. Never raises, never touches the network or file system.
    """
    if isinstance(data, str):
        # lxml refuses str input with an encoding declaration; re-encode as UTF-8.
        data = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", data, count=1).encode("utf-8")
    if not data.strip():
        return None, "empty"
    m = _ELEMENT_START.search(data)
    prolog = data[: m.start()] if m else data
    if _ENTITY_DECL.search(prolog):
        return None, "forbidden_entities: the DTD declares entities"
    root: etree._Element | None = None
    error: str | None = None
    try:
        root = etree.fromstring(data, _parser(False), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        first = str(exc)
        if "amplification" in first.lower():
            return None, f"forbidden_entities: {first}"[:300]
        fixed = _repair(data)
        try:
            root = etree.fromstring(fixed, _parser(False), base_url=base_url)
        except etree.XMLSyntaxError:
            try:
                root = etree.fromstring(fixed, _parser(True), base_url=base_url)
            except etree.XMLSyntaxError as exc2:
                return None, f"xml_syntax: {exc2}"[:300]
            if root is None:
                return None, f"xml_syntax: {first}"[:300]
            error = f"recovered: {first}"[:300]
    except (ValueError, TypeError) as exc:
        return None, f"xml_syntax: {exc}"[:300]
    if root is None:
        return None, "xml_syntax: no root element"
    if _declares_entities(root):
        return None, "forbidden_entities: the DTD declares entities"
    return root, error


def local_name(el: etree._Element) -> str:
    """Tag name without namespace (``""`` for comments and entity nodes)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _ns(el: etree._Element) -> str:
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""


def element_text(el: etree._Element | None) -> str:
    """Stripped text content of ``el`` and its descendants (``""`` for None); entity
    references left by the safe parser are mapped from the HTML5 table, never expanded."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            if isinstance(child, etree._Entity):
                parts.append(html.entities.html5.get(f"{child.name};", ""))
            elif isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts).strip()


def _child(el: etree._Element, name: str, namespaces: tuple[str, ...] | None = None) -> Any:
    for child in el:
        if local_name(child) == name and (namespaces is None or _ns(child) in namespaces):
            return child
    return None


def _children(
    el: etree._Element, name: str, namespaces: tuple[str, ...] | None = None
) -> list[Any]:
    return [c for c in el if local_name(c) == name and (namespaces is None or _ns(c) in namespaces)]


# --------------------------------------------------------------------------------------
# Dates

_GMT_OFFSET = re.compile(
    r"\b(?:GMT|UTC|UT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)", re.IGNORECASE
)
_TZ_NAMES = {
    "CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200", "BST": "+0100",
    "WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
    "IST": "+0530", "PKT": "+0500", "WIB": "+0700", "ICT": "+0700", "SGT": "+0800",
    "HKT": "+0800", "AWST": "+0800", "PHT": "+0800", "JST": "+0900", "KST": "+0900",
    "ACST": "+0930", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
    "SAST": "+0200", "WAT": "+0100", "CAT": "+0200", "EAT": "+0300", "ART": "-0300",
    "BRT": "-0300", "CLT": "-0400", "AKST": "-0900", "AKDT": "-0800", "HST": "-1000",
    "AST": "-0400", "ADT": "-0300", "NST": "-0330", "NDT": "-0230",
}  # fmt: skip
_TZ_NAME_RE = re.compile(r"(?<=[\d\s])(" + "|".join(_TZ_NAMES) + r")\b")
_HAS_YEAR = re.compile(r"\d{4}")


def _rfc822(s: str) -> datetime | None:
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _iso(s: str) -> datetime | None:
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _dateutil(s: str) -> datetime | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed: datetime = dateparser.parse(s)
        except (ValueError, OverflowError, TypeError, dateparser.ParserError):
            return None
    return parsed


def parse_date(value: str | None) -> datetime | None:
    """Parse a feed/sitemap date into an aware UTC datetime, or None.

    Accepts RFC 822 (``Thu, 28 Jul 2022 04:35:05 +0900``) and ISO 8601 / W3C-DTF forms plus
    common deviations: missing spaces and leading zeros (``Thu,28 Jul 2022 4:35:5``),
    ``GMT+9``/``UTC-03:30`` offsets (read as offsets *east of* UTC, as people write them, not
    POSIX-style), zone abbreviations (``CEST``, ``JST``, ``IST`` = India), dates without a
    time. A missing zone is taken as UTC. Years before 1990 or more than a year ahead are
    rejected as junk.
    """
    if not value:
        return None
    s = " ".join(value.split())
    if not s or not _HAS_YEAR.search(s):
        return None
    s = _GMT_OFFSET.sub(lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", s)
    s = _TZ_NAME_RE.sub(lambda m: _TZ_NAMES[m[1]], s)
    s = re.sub(r",(?=\S)", ", ", s)
    dt = _iso(s) or _rfc822(s) or _dateutil(s)
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        dt = dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not 1990 <= dt.year <= datetime.now(UTC).year + 1:
        return None
    return dt


# --------------------------------------------------------------------------------------
# Feeds


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item: absolute http(s) ``url``, ``title``, ``published`` (aware UTC or
    None) and ``guid`` (RSS guid, Atom id, JSON Feed id, RDF about; None if absent)."""

    url: str
    title: str | None = None
    published: datetime | None = None
    guid: str | None = None


@dataclass(slots=True)
class FeedParseResult:
    """Entries found (document order, unique URLs) and ``error`` when the document was
    refused, not a feed, or only partly readable (``recovered: ...``). ``format`` is
    ``rss``, ``rdf``, ``atom``, ``json`` or None."""

    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None
    format: str | None = None
    title: str | None = None


_TAGS = re.compile(r"<[^>]{0,2000}>")


def _clean_title(raw: str, is_html: bool = False) -> str | None:
    s = raw
    if is_html or "<" in s:
        s = _TAGS.sub(" ", s)
    s = html.unescape(s) if "&" in s else s
    s = " ".join(s.split())
    return s or None


def absolute_url(href: str, base: str | None) -> str | None:
    """``href`` resolved against ``base``; None unless the result is an http(s) URL."""
    href = href.strip()
    if not href:
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def parse_feed(data: bytes | str, base_url: str, *, max_entries: int = 10_000) -> FeedParseResult:
    """Parse an RSS, RDF, Atom or JSON Feed document into entries; never raises.

    Relative links are resolved against ``xml:base`` and then ``base_url`` (the feed's
    URL). Entries without an http(s) link are dropped; FeedBurner's ``origLink`` wins
    over the proxy link; an RSS ``guid`` that is a permalink stands in for a missing
    ``link``. At most ``max_entries`` entries are returned.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _parse_json_feed(raw, base_url, max_entries)
    root, error = parse_xml(raw, base_url)
    if root is None:
        return FeedParseResult([], error)
    name = local_name(root)
    try:
        if name == "rss":
            result = _parse_rss(root, base_url, max_entries)
        elif name == "RDF":
            result = _parse_rdf(root, base_url, max_entries)
        elif name == "feed" and _ns(root) in (*_NS_ATOM, ""):
            result = _parse_atom(root, base_url, max_entries)
        else:
            return FeedParseResult([], f"not_a_feed: root element <{name}>")
    except (ValueError, TypeError, AttributeError) as exc:  # defensive: odd trees
        log.warning("event=feed_parse_error url=%s error=%r", base_url, exc)
        return FeedParseResult([], f"feed_structure: {exc}"[:300])
    result.error = result.error or error
    return result


def _base(el: etree._Element, fallback: str) -> str:
    base = el.base
    return base if isinstance(base, str) and base else fallback


def _rss_item(item: etree._Element, base_url: str) -> FeedEntry | None:
    base = _base(item, base_url)
    link = element_text(_child(item, "link", _NS_RSS))
    orig = element_text(_child(item, "origLink", (_NS_FEEDBURNER,)))
    if not link:
        atom_link = _child(item, "link", _NS_ATOM)
        if atom_link is not None:
            link = atom_link.get("href", "")
    guid_el = _child(item, "guid", _NS_RSS)
    guid = element_text(guid_el) or item.get(f"{{{_NS_RDF}}}about") or None
    url = absolute_url(orig, base) or absolute_url(link, base)
    if url is None and guid and (guid_el is None or guid_el.get("isPermaLink", "true") != "false"):
        url = absolute_url(guid, None)
    if url is None:
        return None
    published = None
    for name in ("pubDate", "date", "published", "updated", "issued", "modified"):
        el = _child(item, name)
        if el is not None and (published := parse_date(element_text(el))) is not None:
            break
    return FeedEntry(url, _clean_title(element_text(_child(item, "title"))), published, guid)


def _collect(items: list[Any], make: Any, base_url: str, max_entries: int) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in items:
        entry = make(item, base_url)
        if entry is None or entry.url in seen:
            continue
        seen.add(entry.url)
        entries.append(entry)
        if len(entries) >= max_entries:
            break
    return entries


def _parse_rss(root: etree._Element, base_url: str, max_entries: int) -> FeedParseResult:
    channel = _child(root, "channel")
    items = _children(channel, "item") if channel is not None else []
    items += _children(root, "item")  # RSS 0.9x variants put items next to the channel
    title = _clean_title(element_text(_child(channel, "title"))) if channel is not None else None
    entries = _collect(items, _rss_item, base_url, max_entries)
    return FeedParseResult(entries, None, "rss", title)


def _parse_rdf(root: etree._Element, base_url: str, max_entries: int) -> FeedParseResult:
    channel = _child(root, "channel")
    title = _clean_title(element_text(_child(channel, "title"))) if channel is not None else None
    entries = _collect(_children(root, "item"), _rss_item, base_url, max_entries)
    return FeedParseResult(entries, None, "rdf", title)


def _atom_entry(entry: etree._Element, base_url: str) -> FeedEntry | None:
    best: tuple[int, str] | None = None
    for link in _children(entry, "link", (*_NS_ATOM, "")):
        rel = (link.get("rel") or "alternate").strip().lower()
        href = link.get("href")
        if rel != "alternate" or not href:
            continue
        rank = (
            0
            if (link.get("type") or "text/html").lower() in ("text/html", "application/xhtml+xml")
            else 1
        )
        if best is None or rank < best[0]:
            best = (rank, absolute_url(href, _base(link, base_url)) or "")
    orig = element_text(_child(entry, "origLink", (_NS_FEEDBURNER,)))
    url = absolute_url(orig, base_url) or (best[1] if best else None)
    if not url:
        return None
    published = None
    for name in ("published", "issued", "updated", "modified", "created"):
        el = _child(entry, name)
        if el is not None and (published := parse_date(element_text(el))) is not None:
            break
    title_el = _child(entry, "title")
    is_html = title_el is not None and (title_el.get("type") or "") in (
        "html",
        "xhtml",
        "text/html",
    )
    guid = element_text(_child(entry, "id")) or None
    return FeedEntry(url, _clean_title(element_text(title_el), is_html), published, guid)


def _parse_atom(root: etree._Element, base_url: str, max_entries: int) -> FeedParseResult:
    title = _clean_title(element_text(_child(root, "title")))
    entries = _collect(_children(root, "entry"), _atom_entry, base_url, max_entries)
    return FeedParseResult(entries, None, "atom", title)


def _parse_json_feed(raw: bytes, base_url: str, max_entries: int) -> FeedParseResult:
    try:
        doc = json.loads(raw.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        return FeedParseResult([], f"json: {exc}"[:300])
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    ):
        return FeedParseResult([], "not_a_feed: JSON without a jsonfeed.org version")
    items = doc.get("items")
    if not isinstance(items, list):
        return FeedParseResult([], "not_a_feed: JSON Feed without items", "json")

    def make(item: Any, _base_url: str) -> FeedEntry | None:
        if not isinstance(item, dict):
            return None
        href = item.get("url") or item.get("external_url")
        url = absolute_url(href, base_url) if isinstance(href, str) else None
        if url is None:
            return None
        title = item.get("title")
        date = item.get("date_published") or item.get("date_modified")
        guid = item.get("id")
        return FeedEntry(
            url,
            _clean_title(title) if isinstance(title, str) else None,
            parse_date(date) if isinstance(date, str) else None,
            str(guid) if guid is not None else None,
        )

    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    return FeedParseResult(_collect(items, make, base_url, max_entries), None, "json", title)
