"""Real HTTP servers on loopback addresses for network tests (no mocks).

``TestServer("127.0.0.2")`` listens on an ephemeral port of that address (Linux routes all of
127.0.0.0/8 to ``lo``, so several addresses are several "hosts"). Routes map a path to a
handler; handler factories below cover well-behaved answers and misbehaviours (hangs,
resets, trickles, endless bodies, gzip bombs, raw bytes). Every request is logged with its
arrival time (``time.monotonic()``, the same clock as the code under test) so tests can
measure politeness on the server side.

Only loopback addresses are ever bound; nothing here talks to another machine.
"""

from __future__ import annotations

import functools
import gzip
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = [
    "Hit",
    "Request",
    "TestServer",
    "conditional",
    "endless",
    "gzip_bomb",
    "hang_after_headers",
    "hang_before_headers",
    "raw",
    "redirect",
    "reset",
    "respond",
    "sequence",
    "slow",
    "trickle",
]


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the server saw it."""

    path: str
    query: str
    time: float
    headers: dict[str, str] = field(default_factory=dict)


Request = BaseHTTPRequestHandler
Handler = Callable[["_RequestHandler"], None]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.owner._record(
            Hit(path, query, time.monotonic(), {k.lower(): v for k, v in self.headers.items()})
        )
        handler = self.server.owner.routes.get(path)
        try:
            if handler is None:
                respond(404, b"not found", "text/plain")(self)
            else:
                handler(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    @property
    def stop_event(self) -> threading.Event:
        return self.server.owner.stopping


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: TestServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that time out or hang up mid-request are part of the tests; stay quiet.
        pass


class TestServer:
    """A threaded HTTP/1.1 server on ``host`` (a loopback address) and a free port."""

    __test__ = False  # not a pytest class

    def __init__(self, host: str = "127.0.0.1", routes: dict[str, Handler] | None = None) -> None:
        self.host = host
        self.routes: dict[str, Handler] = dict(routes or {})
        self.stopping = threading.Event()
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _RequestHandler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> TestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{self.origin}{path}"

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests received (optionally for one path), in arrival order."""
        with self._lock:
            return [h for h in self._hits if path is None or h.path == path]

    def times(self, path: str | None = None, *, exclude: Iterable[str] = ()) -> list[float]:
        skip = set(exclude)
        return [h.time for h in self.hits(path) if h.path not in skip]


# ---------------------------------------------------------------------------------------
# Handler factories


def respond(
    status: int = 200,
    body: bytes | str = b"",
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    """A fixed response."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def handle(req: _RequestHandler) -> None:
        req.send_response(status)
        if content_type is not None:
            req.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            req.send_header(k, v)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    return handle


def conditional(
    body: bytes | str, etag: str, last_modified: float, content_type: str = "application/rss+xml"
) -> Handler:
    """200 with ETag/Last-Modified, 304 when If-None-Match or If-Modified-Since match."""
    lm = formatdate(last_modified, usegmt=True)

    def handle(req: _RequestHandler) -> None:
        inm = req.headers.get("If-None-Match")
        ims = req.headers.get("If-Modified-Since")
        fresh = inm is not None and etag in [t.strip() for t in inm.split(",")]
        if inm is None and ims:
            try:
                fresh = parsedate_to_datetime(ims).timestamp() >= int(last_modified)
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            req.send_response(304)
            req.send_header("ETag", etag)
            req.send_header("Content-Length", "0")
            req.end_headers()
            return
        respond(200, body, content_type, {"ETag": etag, "Last-Modified": lm})(req)

    return handle


def slow(handler: Handler, delay: float) -> Handler:
    """Wait ``delay`` seconds, then answer with ``handler``."""

    def handle(req: _RequestHandler) -> None:
        if not req.stop_event.wait(delay):
            handler(req)

    return handle


def hang_before_headers() -> Handler:
    """Accept the request and never answer (until the server stops)."""

    def handle(req: _RequestHandler) -> None:
        req.stop_event.wait(30)
        req.close_connection = True

    return handle


def hang_after_headers(content_type: str = "text/html") -> Handler:
    """Send headers announcing a body, then never send it."""

    def handle(req: _RequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", "100000")
        req.end_headers()
        req.wfile.flush()
        req.stop_event.wait(30)
        req.close_connection = True

    return handle


def trickle(interval: float = 0.2, content_type: str = "text/html") -> Handler:
    """Send one byte every ``interval`` seconds, forever (each gap shorter than a read
    timeout, so only a total deadline stops it)."""

    def handle(req: _RequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", "1000000")
        req.end_headers()
        req.wfile.write(b"<html>")
        req.wfile.flush()
        while not req.stop_event.wait(interval):
            req.wfile.write(b" ")
            req.wfile.flush()
        req.close_connection = True

    return handle


def reset() -> Handler:
    """Close the connection with a TCP RST before answering."""

    def handle(req: _RequestHandler) -> None:
        req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        req.connection.close()
        req.close_connection = True

    return handle


def raw(data: bytes) -> Handler:
    """Write ``data`` as the whole response, then close."""

    def handle(req: _RequestHandler) -> None:
        req.wfile.write(data)
        req.wfile.flush()
        req.close_connection = True

    return handle


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets ``handlers[n]`` (the last one repeats)."""
    count = 0
    lock = threading.Lock()

    def handle(req: _RequestHandler) -> None:
        nonlocal count
        with lock:
            i = min(count, len(handlers) - 1)
            count += 1
        handlers[i](req)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    """A redirect to ``location`` (absolute or relative)."""
    return respond(status, b"", None, {"Location": location})


def endless(content_type: str = "text/html") -> Handler:
    """A chunked body that never ends (until the client goes away or the server stops)."""
    chunk = b"<p>" + b"x" * 65_000 + b"</p>"
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

    def handle(req: _RequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", content_type)
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        while not req.stop_event.is_set():
            req.wfile.write(frame)
        req.close_connection = True

    return handle


@functools.lru_cache(maxsize=4)
def bomb_bytes(decompressed: int = 200 * 1024 * 1024) -> bytes:
    """A gzip stream of ``decompressed`` zero bytes (about 1/1000 of that compressed)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [comp.compress(block) for _ in range(decompressed >> 20)]
    parts.append(comp.flush())
    return b"".join(parts)


def gzip_bomb(
    decompressed: int = 200 * 1024 * 1024,
    content_type: str = "text/html",
    *,
    as_file: bool = False,
) -> Handler:
    """A small response that inflates to ``decompressed`` bytes: sent with
    ``Content-Encoding: gzip``, or (``as_file``) as an ``application/x-gzip`` body."""
    data = bomb_bytes(decompressed)
    if as_file:
        return respond(200, data, "application/x-gzip")
    return respond(200, data, content_type, {"Content-Encoding": "gzip"})


def gzipped(body: bytes | str) -> bytes:
    """gzip-compress ``body`` (a helper for ``.gz`` sitemaps and feeds)."""
    return gzip.compress(body.encode() if isinstance(body, str) else body)
