"""SSRF guard: which URLs the crawler may connect to.

A URL is fetched only when its scheme is ``http`` or ``https`` and **every** address its host
resolves to is a public unicast address. Refused: loopback, RFC 1918 private ranges, unique
local IPv6, link-local (``169.254.0.0/16`` including cloud metadata at ``169.254.169.254``,
``fe80::/10``), CGNAT ``100.64.0.0/10``, multicast, reserved, unspecified, broadcast,
documentation and benchmarking ranges, and IPv6 addresses that embed one of those
(IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo).

``allow_private=True`` (``Settings.allow_private_addresses``) additionally lets loopback
(``127.0.0.0/8``, ``::1``) and private LAN ranges (``10/8``, ``172.16/12``, ``192.168/16``,
``fc00::/7``) through, for tests and the local demo. Link-local/metadata, CGNAT, multicast
and the other special ranges stay refused even then.

The check runs twice per connection, on purpose:

* :func:`check_url` before each request and each redirect hop, so a refusal becomes a clean
  outcome (``refused_scheme``, ``refused_address``, ``dns_error``, ``invalid_url``);
* :class:`GuardedTransport` at socket level: it resolves the host through the same
  :class:`Resolver`, checks every address again and connects to the checked IP itself. A DNS
  answer that changes between the check and the connection (DNS rebinding) cannot reach an
  internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import certifi
import httpcore
import httpx

from .errors import BlockedURLError

__all__ = [
    "DNS_ERROR",
    "INVALID_URL",
    "REFUSED_ADDRESS",
    "REFUSED_SCHEME",
    "GuardedNetworkBackend",
    "GuardedTransport",
    "Resolver",
    "Verdict",
    "address_refusal",
    "check_url",
]

log = logging.getLogger(__name__)

REFUSED_SCHEME = "refused_scheme"
REFUSED_ADDRESS = "refused_address"
DNS_ERROR = "dns_error"
INVALID_URL = "invalid_url"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lookup = Callable[[str], Awaitable[Iterable[str]]]
"""An async function returning the IP address strings a host name resolves to."""

_ALLOWED_SCHEMES = frozenset({"http", "https"})

# Let through only with allow_private=True.
_LOCAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)
# Never let through, whatever is_global says (Python versions disagree on some of these).
_ALWAYS_REFUSED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # CGNAT shared address space
        "169.254.0.0/16",  # link-local, cloud metadata
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _parse_ip(address: str | IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return address
    return ipaddress.ip_address(address.strip("[]"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, NAT64, 6to4, Teredo)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_refusal(address: str | IPAddress, *, allow_private: bool = False) -> str | None:
    """Why the crawler must not connect to ``address``, or None when it may.

    The reason is a short label such as ``"link_local 169.254.169.254"``. An unparseable
    address is refused. IPv6 addresses embedding an IPv4 address are judged by both.
    """
    try:
        ip = _parse_ip(address)
    except ValueError:
        return f"not_an_ip {address!r}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return f"scoped {ip}"
        for inner in _embedded_ipv4(ip):
            reason = address_refusal(inner, allow_private=allow_private)
            if reason is not None:
                return f"{reason} (embedded in {ip})"
        if ip.ipv4_mapped is not None:
            return None  # judged as the IPv4 address above
    if any(ip in net for net in _ALWAYS_REFUSED):
        return f"{_label(ip)} {ip}"
    if allow_private and any(ip in net for net in _LOCAL_NETS):
        return None
    if ip.is_loopback or ip.is_private or ip.is_multicast or ip.is_reserved or not ip.is_global:
        return f"{_label(ip)} {ip}"
    return None


def _label(ip: IPAddress) -> str:
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "cgnat"
    if any(ip in net for net in _LOCAL_NETS):
        return "private"
    if ip.is_reserved:
        return "reserved"
    return "non_global"


async def _system_lookup(host: str) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class Resolver:
    """Host name → IP addresses, with a small TTL cache shared by the check and the connect.

    Sharing the cache means the address that was checked is the address connected to.
    IP literals are never looked up. ``lookup`` replaces the system resolver (tests use it to
    map made-up names to loopback addresses without DNS traffic).
    """

    def __init__(
        self,
        *,
        ttl: float = 60.0,
        timeout: float = 10.0,
        max_entries: int = 10_000,
        lookup: Lookup | None = None,
    ) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self.max_entries = max_entries
        self._lookup: Lookup = lookup or _system_lookup
        self._cache: OrderedDict[str, tuple[float, tuple[str, ...]]] = OrderedDict()

    async def resolve(self, host: str) -> tuple[str, ...]:
        """Addresses of ``host`` (deduplicated, resolver order).

        Raises ``OSError`` (``socket.gaierror``) when the name does not resolve and
        ``TimeoutError`` after :attr:`timeout` seconds.
        """
        host = host.strip("[]").rstrip(".").lower()
        try:
            return (str(ipaddress.ip_address(host)),)
        except ValueError:
            pass
        now = time.monotonic()
        hit = self._cache.get(host)
        if hit is not None and hit[0] > now:
            self._cache.move_to_end(host)
            return hit[1]
        async with asyncio.timeout(self.timeout):
            found = tuple(dict.fromkeys(await self._lookup(host)))
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
        if self.ttl > 0:
            self._cache[host] = (now + self.ttl, found)
            self._cache.move_to_end(host)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return found


@dataclass(frozen=True, slots=True)
class Verdict:
    """Result of :func:`check_url`: ``reason`` is None when the URL may be fetched."""

    url: str
    reason: str | None = None
    detail: str = ""
    addresses: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when the URL passed every check."""
        return self.reason is None

    def raise_for_refusal(self) -> None:
        """Raise :class:`~etl.errors.BlockedURLError` (``.reason`` set) if refused."""
        if self.reason is not None:
            raise BlockedURLError(self.url, self.reason)


def _refuse(url: str, reason: str, detail: str) -> Verdict:
    log.warning("event=url_refused url=%s reason=%s detail=%r", url, reason, detail)
    return Verdict(url, reason, detail)


async def check_url(
    url: str, *, allow_private: bool = False, resolver: Resolver | None = None
) -> Verdict:
    """Check that ``url`` is http(s) and that every address of its host is allowed.

    Never raises for a bad URL: the returned :class:`Verdict` has ``reason`` set to
    ``refused_scheme``, ``refused_address``, ``dns_error`` (name does not resolve, or the
    lookup timed out) or ``invalid_url``, with a human-readable ``detail``. Call it for every
    redirect hop, not only for the first URL.
    """
    try:
        parsed = httpx.URL(url)
        scheme = parsed.scheme.lower()
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
        return _refuse(url, INVALID_URL, str(exc)[:200])
    if scheme not in _ALLOWED_SCHEMES:
        return _refuse(url, REFUSED_SCHEME, scheme or "(none)")
    if not host:
        return _refuse(url, INVALID_URL, "no host")
    resolver = resolver or Resolver()
    try:
        addresses = await resolver.resolve(host)
    except TimeoutError:
        return _refuse(url, DNS_ERROR, f"lookup of {host} timed out")
    except (OSError, UnicodeError, ValueError) as exc:
        return _refuse(url, DNS_ERROR, f"{host}: {exc}"[:200])
    for address in addresses:
        why = address_refusal(address, allow_private=allow_private)
        if why is not None:
            return _refuse(url, REFUSED_ADDRESS, f"{host} -> {why}")
    return Verdict(url, None, "", addresses)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to checked addresses.

    ``connect_tcp`` resolves the host with the shared :class:`Resolver`, refuses the
    connection (raising :class:`~etl.errors.BlockedURLError`) if any address is not allowed,
    and otherwise connects to the resolved IPs in order. TLS still verifies the certificate
    against the host name (httpcore passes the name separately for SNI).
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver or Resolver()
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        target = f"{host}:{port}"
        try:
            if timeout is not None:
                async with asyncio.timeout(timeout):
                    addresses = await self.resolver.resolve(host)
            else:
                addresses = await self.resolver.resolve(host)
        except (OSError, TimeoutError, UnicodeError, ValueError) as exc:
            log.warning(
                "event=connect_refused target=%s reason=%s detail=%r", target, DNS_ERROR, exc
            )
            raise BlockedURLError(target, DNS_ERROR) from exc
        for address in addresses:
            why = address_refusal(address, allow_private=self.allow_private)
            if why is not None:
                log.warning(
                    "event=connect_refused target=%s reason=%s detail=%r",
                    target,
                    REFUSED_ADDRESS,
                    why,
                )
                raise BlockedURLError(target, REFUSED_ADDRESS)
        last_exc: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_exc = exc
        assert last_exc is not None  # addresses is never empty
        raise last_exc

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError(path, REFUSED_SCHEME)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through :class:`GuardedNetworkBackend`.

    No proxy, no environment proxies (a proxy would hide the real destination), HTTP/1.1.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        limits: httpx.Limits | None = None,
        verify: ssl.SSLContext | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(limits=limits, trust_env=False, retries=0)
        self.backend = GuardedNetworkBackend(allow_private=allow_private, resolver=resolver)
        # httpx builds its connection pool without a way to pass a network backend; replace
        # the pool with an identical one that has ours (covered by tests/test_netguard.py).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify or ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=self.backend,
        )
