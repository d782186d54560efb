"""The bundled sample site: ``examples/sample-archive`` served over real HTTP on loopback.

Each outlet of the sample archive becomes its own host on its own loopback address
(``127.0.0.2``, ``127.0.0.3``, ... on one fixed port, so URLs stay the same from run to run)
with ``/robots.txt`` (a ``Crawl-delay`` and a ``Sitemap:`` line, one disallowed path),
``/feed.xml`` (RSS with an ETag, answered with 304 when unchanged), ``/sitemap.xml`` and the
pages at their original paths. ``etl quickstart`` crawls it so the live HTTP path runs offline
on a fresh machine. Only loopback addresses are bound.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .sources import SourceConfig

__all__ = ["SAMPLE_ARCHIVE", "Outlet", "SampleSite", "serve_sample_site"]

SAMPLE_ARCHIVE = Path(__file__).resolve().parent.parent / "examples" / "sample-archive"
DEFAULT_PORT = 8765


@dataclass
class Outlet:
    """One sample outlet: its loopback host and its pages (path -> HTML bytes)."""

    slug: str
    name: str
    address: str
    port: int
    language: str | None
    pages: dict[str, bytes] = field(default_factory=dict)
    articles: list[tuple[str, str, str | None]] = field(default_factory=list)  # path, title, date

    @property
    def origin(self) -> str:
        return f"http://{self.address}:{self.port}"

    def feed(self) -> bytes:
        items = []
        for path, title, date in self.articles:
            pub = ""
            if date:
                pub = f"<pubDate>{format_datetime(datetime.fromisoformat(date))}</pubDate>"
            items.append(
                f"<item><title>{escape(title)}</title>"
                f"<link>{self.origin}{path}</link><guid>{self.origin}{path}</guid>"
                f"{pub}</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title><link>{self.origin}/</link>"
            f"{''.join(items)}</channel></rss>"
        ).encode()

    def sitemap(self) -> bytes:
        locs = "".join(
            f"<url><loc>{self.origin}{p}</loc></url>" for p in sorted(self.pages) if p != "/"
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>"
        ).encode()

    def robots(self) -> bytes:
        return (
            f"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n"
            f"Sitemap: {self.origin}/sitemap.xml\n"
        ).encode()

    def source(self) -> SourceConfig:
        return SourceConfig(
            name=self.name,
            homepage=self.origin + "/",
            feeds=[self.origin + "/feed.xml"],
            sitemaps=[self.origin + "/sitemap.xml"],
            language=self.language,
        )


def load_outlets(
    root: Path = SAMPLE_ARCHIVE, port: int = DEFAULT_PORT, first_address: int = 2
) -> list[Outlet]:
    """Group the sample pages by outlet (file-name prefix before ``--``)."""
    truth: dict[str, dict[str, object]] = {}
    for tf in sorted(root.rglob("truth.jsonl")):
        for line in tf.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                truth[str(row["file"])] = row
    groups: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(root.rglob("*.html")):
        groups[f.name.split("--", 1)[0]].append(f)
    outlets = []
    for i, (slug, files) in enumerate(sorted(groups.items())):
        name = slug.replace("-", " ").title()
        langs = {str(truth.get(f.name, {}).get("language") or "") for f in files}
        outlet = Outlet(
            slug,
            name,
            f"127.0.0.{first_address + i}",
            port,
            langs.pop() if len(langs) == 1 else None,
        )
        for f in files:
            row = truth.get(f.name, {})
            url = row.get("url")
            path = urlsplit(str(url)).path if url else f"/pages/{f.stem.split('--', 1)[1]}"
            outlet.pages[path] = f.read_bytes()
            if row.get("is_article", True):
                pub = row.get("published_at")
                outlet.articles.append(
                    (path, str(row.get("title") or f.stem), str(pub) if pub else None)
                )
        index = "".join(f'<li><a href="{p}">{escape(t)}</a></li>' for p, t, _ in outlet.articles)
        outlet.pages["/"] = (
            f'<html><head><title>{escape(name)}</title><link rel="alternate" '
            f'type="application/rss+xml" href="/feed.xml"></head><body>'
            f"<ul>{index}</ul></body></html>"
        ).encode()
        outlets.append(outlet)
    return outlets


class _Handler(BaseHTTPRequestHandler):
    outlet: Outlet
    server_version = "SampleSite/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the crawler logs what matters

    def _send(
        self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        o = self.outlet
        if path == "/robots.txt":
            self._send(200, "text/plain", o.robots())
        elif path in ("/feed.xml", "/sitemap.xml"):
            body = o.feed() if path == "/feed.xml" else o.sitemap()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, "application/xml", b"", {"ETag": etag})
            else:
                self._send(
                    200,
                    "application/rss+xml" if path == "/feed.xml" else "application/xml",
                    body,
                    {"ETag": etag},
                )
        elif path in o.pages:
            self._send(200, "text/html; charset=utf-8", o.pages[path])
        else:
            self._send(404, "text/html", b"<html><body><h1>Not found</h1></body></html>")


class SampleSite:
    """The running servers (one thread each)."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.outlets = outlets
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> SampleSite:
        for o in self.outlets:
            handler = type(f"Handler_{o.slug}", (_Handler,), {"outlet": o})
            srv = ThreadingHTTPServer((o.address, o.port), handler)
            srv.daemon_threads = True
            t = threading.Thread(target=srv.serve_forever, name=f"sample-{o.slug}", daemon=True)
            t.start()
            self._servers.append(srv)
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()

    def sources(self) -> list[SourceConfig]:
        return [o.source() for o in self.outlets]

    @property
    def article_count(self) -> int:
        return sum(len(o.articles) for o in self.outlets)


@contextmanager
def serve_sample_site(
    port: int = DEFAULT_PORT, root: Path = SAMPLE_ARCHIVE, first_address: int = 2
) -> Iterator[SampleSite]:
    """Serve the sample archive for the duration of the ``with`` block."""
    site = SampleSite(load_outlets(root, port, first_address)).start()
    try:
        yield site
    finally:
        site.stop()
