"""Feed and sitemap parsing (formats, dates, hostile XML) and feed/sitemap discovery."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from servers import TestServer, bomb_bytes, gzipped, respond

from etl.discovery import (
    discover,
    discover_site,
    feed_candidates,
    find_feed_links,
    sitemap_candidates,
)
from etl.feeds import FeedEntry, parse_date, parse_feed, parse_xml
from etl.fetcher import Fetcher, FetchPolicy
from etl.sitemaps import parse_sitemap

FEED_URL = "https://news.example/section/feed.xml"


def dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thu,28 Jul 2022 4:35:5 GMT+9", dt(2022, 7, 27, 19, 35, 5)),
        ("Thu, 28 Jul 2022 04:35:05 +0900", dt(2022, 7, 27, 19, 35, 5)),
        ("Thu, 28 Jul 2022 04:35:05 GMT", dt(2022, 7, 28, 4, 35, 5)),
        ("Thu, 28 Jul 2022 04:35:05 EST", dt(2022, 7, 28, 9, 35, 5)),
        ("Thu, 28 Jul 2022 04:35:05 CEST", dt(2022, 7, 28, 2, 35, 5)),
        ("Thu, 28 Jul 2022 10:05:00 IST", dt(2022, 7, 28, 4, 35, 0)),
        ("28 Jul 2022 04:35 UTC-3:30", dt(2022, 7, 28, 8, 5, 0)),
        ("Thu, 28 Jul 2022 04:35:05 -0000", dt(2022, 7, 28, 4, 35, 5)),
        ("2022-07-28T04:35:05Z", dt(2022, 7, 28, 4, 35, 5)),
        ("2022-07-28T04:35:05.250+02:00", datetime(2022, 7, 28, 2, 35, 5, 250000, tzinfo=UTC)),
        ("2022-07-28 04:35:05", dt(2022, 7, 28, 4, 35, 5)),
        ("2022-07-28", dt(2022, 7, 28)),
        ("28 July 2022", dt(2022, 7, 28)),
        ("  Thu,  28 Jul 2022\n 04:35:05 GMT ", dt(2022, 7, 28, 4, 35, 5)),
        ("", None),
        ("yesterday", None),
        ("12", None),
        ("Mon, 32 Jul 2022 00:00:00 GMT", None),
        ("1 January 1901", None),
        ("3024-01-01T00:00:00Z", None),
    ],
)
def test_parse_date(raw: str, expected: datetime | None) -> None:
    got = parse_date(raw)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset() == UTC.utcoffset(None)


# ---------------------------------------------------------------------------------------
# Feed formats

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel>
  <title>Mining &amp; Metals</title>
  <atom:link href="https://news.example/feed" rel="self"/>
  <item>
    <title>Lithium output &lt;b&gt;rises&lt;/b&gt; in Chile</title>
    <link>/2022/07/lithium-chile?utm_source=rss&amp;id=7</link>
    <guid isPermaLink="false">id-7</guid>
    <pubDate>Thu,28 Jul 2022 4:35:5 GMT+9</pubDate>
  </item>
  <item>
    <title><![CDATA[Copper & cobalt: DRC]]></title>
    <guid>https://news.example/2022/07/drc</guid>
    <dc:date>2022-07-27T10:00:00Z</dc:date>
  </item>
  <item>
    <title>Proxy link</title>
    <link>https://feedproxy.example/~r/abc</link>
    <feedburner:origLink>https://news.example/2022/07/original</feedburner:origLink>
  </item>
  <item><title>No link at all</title><guid isPermaLink="false">x</guid></item>
  <item><title>Script link</title><link>javascript:alert(1)</link></item>
  <item><title>Duplicate</title><link>https://news.example/2022/07/drc</link></item>
</channel>
</rss>"""


def test_rss2() -> None:
    r = parse_feed(RSS2, FEED_URL)
    assert r.error is None and r.format == "rss" and r.title == "Mining & Metals"
    assert r.entries == [
        FeedEntry(
            "https://news.example/2022/07/lithium-chile?utm_source=rss&id=7",
            "Lithium output rises in Chile",
            dt(2022, 7, 27, 19, 35, 5),
            "id-7",
        ),
        FeedEntry(
            "https://news.example/2022/07/drc",
            "Copper & cobalt: DRC",
            dt(2022, 7, 27, 10),
            "https://news.example/2022/07/drc",
        ),
        FeedEntry("https://news.example/2022/07/original", "Proxy link", None, None),
    ]


def test_rss091_with_doctype_and_html_entities() -> None:
    data = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title>
<item><title>Caf&eacute; \xe9t\xe9 &amp; more</title><link>http://old.example/1</link></item>
</channel></rss>"""
    r = parse_feed(data, "http://old.example/rss")
    assert r.error is None
    assert r.entries == [FeedEntry("http://old.example/1", "Café été & more", None, None)]


def test_rss1_rdf() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://rdf.example/"><title>RDF news</title></channel>
  <item rdf:about="http://rdf.example/a">
    <title>Nickel</title><link>http://rdf.example/a</link><dc:date>2023-01-02T03:04:05+01:00</dc:date>
  </item>
</rdf:RDF>"""
    r = parse_feed(data, "http://rdf.example/index.rdf")
    assert r.format == "rdf" and r.title == "RDF news"
    assert r.entries == [
        FeedEntry("http://rdf.example/a", "Nickel", dt(2023, 1, 2, 2, 4, 5), "http://rdf.example/a")
    ]


def test_atom_with_xml_base_and_link_choice() -> None:
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
  <title type="html">Rare &lt;em&gt;earths&lt;/em&gt;</title>
  <entry>
    <title type="html">Neodymium &amp;amp; friends</title>
    <id>tag:atom.example,2024:1</id>
    <link rel="edit" href="/edit/1"/>
    <link rel="alternate" type="application/pdf" href="one.pdf"/>
    <link rel="alternate" type="text/html" href="posts/one"/>
    <updated>2024-02-01T00:00:00Z</updated>
    <published>2024-01-31T12:00:00-05:00</published>
  </entry>
  <entry xml:base="https://other.example/x/">
    <title>Second</title><id>urn:2</id><link href="two"/>
    <updated>2024-02-02T00:00:00Z</updated>
  </entry>
  <entry><title>No link</title><id>urn:3</id></entry>
</feed>"""
    r = parse_feed(data, "https://atom.example/feed.atom")
    assert r.format == "atom" and r.title == "Rare earths"
    assert r.entries == [
        FeedEntry(
            "https://atom.example/blog/posts/one",
            "Neodymium & friends",
            dt(2024, 1, 31, 17),
            "tag:atom.example,2024:1",
        ),
        FeedEntry("https://other.example/x/two", "Second", dt(2024, 2, 2), "urn:2"),
    ]


def test_json_feed() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON news",
        "items": [
            {
                "id": "1",
                "url": "/a",
                "title": "Gold",
                "date_published": "2024-03-01T10:00:00+00:00",
            },
            {"id": 2, "external_url": "https://elsewhere.example/b", "title": "Silver"},
            {"id": "3", "title": "no url"},
            "garbage",
        ],
    }
    r = parse_feed(json.dumps(doc).encode(), "https://j.example/feed.json")
    assert r.format == "json" and r.error is None and r.title == "JSON news"
    assert r.entries == [
        FeedEntry("https://j.example/a", "Gold", dt(2024, 3, 1, 10), "1"),
        FeedEntry("https://elsewhere.example/b", "Silver", None, "2"),
    ]
    assert parse_feed(b'{"items": []}', FEED_URL).error is not None
    assert (parse_feed(b"{not json", FEED_URL).error or "").startswith("json")


def test_max_entries() -> None:
    items = "".join(f"<item><link>http://m.example/{i}</link></item>" for i in range(50))
    r = parse_feed(f"<rss><channel>{items}</channel></rss>", FEED_URL, max_entries=10)
    assert len(r.entries) == 10


@pytest.mark.parametrize(
    ("data", "error_prefix"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"this is not xml", "xml_syntax"),
        (b"<html><body>Not a feed</body></html>", "not_a_feed"),
        (b'<?xml version="1.0"?><urlset></urlset>', "not_a_feed"),
    ],
)
def test_not_feeds_give_errors(data: bytes, error_prefix: str) -> None:
    r = parse_feed(data, FEED_URL)
    assert r.entries == []
    assert (r.error or "").startswith(error_prefix)


def test_malformed_feed_is_repaired_or_recovered() -> None:
    # Bare ampersands are escaped and the document parses cleanly.
    amp = b"<rss><channel><item><title>R&D</title><link>http://a.example/?x=1&y=2</link></item></channel></rss>"
    r = parse_feed(amp, FEED_URL)
    assert r.error is None
    assert r.entries == [FeedEntry("http://a.example/?x=1&y=2", "R&D", None, None)]
    # Truncated document: what is readable comes back, with the error.
    cut = b"<rss><channel><item><link>http://a.example/1</link></item><item><link>http://a.example/2</li"
    r = parse_feed(cut, FEED_URL)
    assert [e.url for e in r.entries][:1] == ["http://a.example/1"]
    assert (r.error or "").startswith("recovered")


# ---------------------------------------------------------------------------------------
# Hostile XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss><channel><item><title>&lol9;</title><link>http://x.example/&lol9;</link></item></channel></rss>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>http://x.example/1</link></item></channel></rss>"""

XXE_UTF16 = (
    XXE_FILE.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"').decode().encode("utf-16")
)


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, XXE_FILE, XXE_UTF16], ids=["billion-laughs", "xxe", "xxe-utf16"]
)
def test_entity_declarations_are_refused(data: bytes) -> None:
    started = time.monotonic()
    feed = parse_feed(data, FEED_URL)
    sitemap = parse_sitemap(data, FEED_URL)
    assert time.monotonic() - started < 1
    for result in (feed, sitemap):
        assert (result.error or "").startswith("forbidden_entities"), result.error
    assert feed.entries == [] and sitemap.urls == []
    root, error = parse_xml(data)
    assert root is None and error is not None


def test_external_dtd_and_parameter_entities_are_never_fetched() -> None:
    with TestServer("127.0.0.1") as server:
        server.routes["/evil.dtd"] = respond(200, '<!ENTITY leak "leaked">', "application/xml-dtd")
        external = (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">'
            "<rss><channel><item><title>&leak;</title><link>http://x.example/1</link>"
            "</item></channel></rss>"
        ).encode()
        parameter = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{server.url("/evil.dtd")}">'
            "%p;]><rss><channel><item><title>&leak;</title></item></channel></rss>"
        ).encode()
        r = parse_feed(external, FEED_URL)
        assert [e.title for e in r.entries] == [None]  # unknown entity dropped, nothing loaded
        assert (parse_feed(parameter, FEED_URL).error or "").startswith("forbidden_entities")
        assert (parse_sitemap(parameter, FEED_URL).error or "").startswith("forbidden_entities")
        assert server.hits() == []


def test_huge_text_node_and_deep_nesting_do_not_crash() -> None:
    deep = b"<rss>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</rss>"
    r = parse_feed(deep, FEED_URL)
    assert r.entries == []
    big = b"<rss><channel><item><title>" + b"x" * (12 << 20) + b"</title></item></channel></rss>"
    assert parse_feed(big, FEED_URL).entries == []


# ---------------------------------------------------------------------------------------
# Sitemaps

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc> https://news.example/2024/05/cobalt </loc>
    <lastmod>2024-05-02</lastmod>
    <news:news>
      <news:publication><news:name>News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-05-01T08:30:00+02:00</news:publication_date>
      <news:title>Cobalt  prices &amp; the DRC</news:title>
    </news:news>
    <xhtml:link rel="alternate" hreflang="fr" href="https://news.example/fr/2024/05/cobalt"/>
    <xhtml:link rel="alternate" hreflang="de" href="/de/2024/05/cobalt"/>
    <image:image><image:loc>https://news.example/i.jpg</image:loc></image:image>
  </url>
  <url><loc>/relative/page</loc><lastmod>not a date</lastmod></url>
  <url><loc>ftp://news.example/file</loc></url>
  <url><loc>https://news.example/2024/05/cobalt</loc></url>
  <url><lastmod>2024-01-01</lastmod></url>
</urlset>"""


def test_urlset_with_news_and_alternates() -> None:
    r = parse_sitemap(URLSET, "https://news.example/news-sitemap.xml")
    assert r.error is None and r.kind == "urlset" and r.sitemaps == []
    first, second = r.urls
    assert first.url == "https://news.example/2024/05/cobalt"
    assert first.lastmod == dt(2024, 5, 2)
    assert first.news_title == "Cobalt prices & the DRC"
    assert first.news_publication_date == dt(2024, 5, 1, 6, 30)
    assert first.alternates == (
        ("fr", "https://news.example/fr/2024/05/cobalt"),
        ("de", "https://news.example/de/2024/05/cobalt"),
    )
    assert second.url == "https://news.example/relative/page" and second.lastmod is None


def test_sitemap_index_plain_and_gzipped() -> None:
    index = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-1.xml.gz</loc><lastmod>2024-05-01T00:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-2.xml</loc></sitemap>
</sitemapindex>"""
    for data in (index, gzip.compress(index)):
        r = parse_sitemap(data, "https://news.example/sitemap_index.xml")
        assert r.kind == "sitemapindex" and r.urls == [] and r.error is None
        assert [(s.url, s.lastmod) for s in r.sitemaps] == [
            ("https://news.example/sitemap-1.xml.gz", dt(2024, 5, 1)),
            ("https://news.example/sitemap-2.xml", None),
        ]


def test_gzip_bomb_and_corrupt_gzip_sitemaps() -> None:
    started = time.monotonic()
    assert (
        parse_sitemap(bomb_bytes(), "https://x.example/s.xml.gz", max_bytes=1 << 20).error
        == "too_large"
    )
    assert time.monotonic() - started < 2
    assert (
        parse_sitemap(gzip.compress(URLSET)[:-30], "https://x.example/s.gz").error or ""
    ).startswith("gzip")


def test_text_and_feed_sitemaps() -> None:
    text = b"\xef\xbb\xbfhttps://t.example/1\n\nnot a url\nhttps://t.example/2\r\nhttps://t.example/1\n"
    r = parse_sitemap(text, "https://t.example/sitemap.txt")
    assert r.kind == "text" and [u.url for u in r.urls] == [
        "https://t.example/1",
        "https://t.example/2",
    ]
    r = parse_sitemap(RSS2, "https://news.example/rss")
    assert r.kind == "feed" and len(r.urls) == 3
    assert r.urls[0].news_title == "Lithium output rises in Chile"


def test_sitemap_limits_and_junk() -> None:
    locs = "".join(f"<url><loc>https://l.example/{i}</loc></url>" for i in range(30))
    r = parse_sitemap(f"<urlset>{locs}</urlset>".encode(), "https://l.example/s.xml", max_urls=10)
    assert len(r.urls) == 10 and (r.error or "").startswith("truncated")
    assert (parse_sitemap(b"", "https://l.example/s.xml").error or "") == "empty"
    assert (
        parse_sitemap(b"<html><body>oops</body></html>", "https://l.example/").error or ""
    ).startswith("not_a_sitemap")
    assert parse_sitemap(b"<urlset><url><loc>https://l.example/a</lo", "https://l.example/").error


# ---------------------------------------------------------------------------------------
# Discovery

HOME = b"""<!doctype html><html><head>
<base href="https://www.site.example/news/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
<link rel="alternate feed" type="application/feed+json" href="https://www.site.example/feed.json">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" type="application/rss+xml" href="feed.xml">
</head><body><a href="/rss">RSS</a></body></html>"""


def test_find_feed_links() -> None:
    assert find_feed_links(HOME, "https://site.example/") == [
        "https://www.site.example/news/feed.xml",
        "https://www.site.example/atom.xml",
        "https://www.site.example/feed.json",
    ]


def test_find_feed_links_falls_back_to_anchors() -> None:
    page = """<html><body>
      <a href="/about">About</a><a href="/category/mining/feed/">Mining feed</a>
      <a href="https://x.example/rss.xml">RSS</a><a href="/sitemap.xml">Sitemap</a>
      <a href="javascript:void(0)">js</a></body></html>"""
    assert find_feed_links(page, "https://x.example/") == [
        "https://x.example/category/mining/feed/",
        "https://x.example/rss.xml",
    ]
    assert find_feed_links("", "https://x.example/") == []
    assert find_feed_links(b"\x00\xff\xfe garbage", "https://x.example/") == []


def test_candidates_and_discover() -> None:
    assert feed_candidates("https://s.example:8443/a/b?c=1") == [
        "https://s.example:8443/feed",
        "https://s.example:8443/rss",
        "https://s.example:8443/rss.xml",
        "https://s.example:8443/atom.xml",
        "https://s.example:8443/feed.xml",
        "https://s.example:8443/index.xml",
    ]
    assert sitemap_candidates("https://s.example/", ["https://s.example/news.xml"]) == [
        "https://s.example/news.xml",
        "https://s.example/sitemap.xml",
        "https://s.example/sitemap_index.xml",
        "https://s.example/news-sitemap.xml",
    ]
    d = discover(HOME, "https://www.site.example/", ["https://www.site.example/sitemap.xml"])
    assert d.feeds[0] == "https://www.site.example/news/feed.xml"
    assert d.sitemaps == ["https://www.site.example/sitemap.xml"]
    assert "https://www.site.example/sitemap.xml" not in d.sitemap_candidates
    assert "https://www.site.example/atom.xml" not in d.feed_candidates


def _policy(**kw: Any) -> FetchPolicy:
    return FetchPolicy(
        user_agent="DiscoveryTest/1.0",
        host_delay=0.0,
        allow_private=True,
        read_timeout=0.5,
        total_timeout=2.0,
        max_retries=0,
        **kw,
    )


def test_discover_site_uses_declarations() -> None:
    with TestServer("127.0.0.1") as s:
        link = '<link rel="alternate" type="application/rss+xml" href="/news.rss">'
        s.routes["/"] = respond(200, f"<html><head>{link}</head></html>")
        s.routes["/robots.txt"] = respond(200, "User-agent: *\nSitemap: /sm.xml\n", "text/plain")

        async def go() -> Any:
            async with Fetcher(_policy()) as f:
                return await discover_site(f, s.url("/"))

        d = asyncio.run(go())
        assert d.feeds == [s.url("/news.rss")]
        assert d.sitemaps == [s.url("/sm.xml")]
        assert {h.path for h in s.hits()} == {"/", "/robots.txt"}  # nothing probed


def test_discover_site_probes_when_nothing_is_declared() -> None:
    rss = b"<rss><channel><item><link>/a</link></item></channel></rss>"
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a</loc></url></urlset>'
    with TestServer("127.0.0.1") as s:
        s.routes["/"] = respond(200, "<html><body>no feeds here</body></html>")
        s.routes["/rss.xml"] = respond(200, rss, "application/rss+xml")
        s.routes["/feed"] = respond(200, "<html>a page, not a feed</html>", "text/html")
        s.routes["/news-sitemap.xml"] = respond(200, gzipped(urlset), "application/x-gzip")

        async def go() -> Any:
            async with Fetcher(_policy()) as f:
                return await discover_site(f, s.url("/"))

        d = asyncio.run(go())
        assert d.feeds == [s.url("/rss.xml")]
        assert d.sitemaps == [s.url("/news-sitemap.xml")]
        assert s.url("/feed") in d.feed_candidates
