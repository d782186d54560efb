"""SSRF guard: address classification, URL checks, and enforcement at connect time.

No test here sends a packet anywhere but loopback: refused addresses are refused before any
connection, and made-up host names are resolved by an in-test resolver, never by DNS.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable

import httpx
import pytest
from servers import TestServer, respond

from etl.errors import BlockedURLError
from etl.fetcher import Fetcher, FetchPolicy
from etl.netguard import (
    DNS_ERROR,
    INVALID_URL,
    REFUSED_ADDRESS,
    REFUSED_SCHEME,
    GuardedNetworkBackend,
    GuardedTransport,
    Resolver,
    address_refusal,
    check_url,
)

ALWAYS_REFUSED = [
    "169.254.169.254",  # cloud metadata
    "169.254.0.1",
    "100.64.0.1",  # CGNAT
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::",
    "fe80::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:169.254.169.254",  # IPv4-mapped metadata
    "64:ff9b::a9fe:a9fe",  # NAT64 of metadata
    "2002:a9fe:a9fe::1",  # 6to4 of metadata
]
LOCAL = [
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
]
PUBLIC = ["8.8.8.8", "93.184.216.34", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_special_addresses_refused_even_with_allow_private(address: str) -> None:
    assert address_refusal(address) is not None
    assert address_refusal(address, allow_private=True) is not None


@pytest.mark.parametrize("address", LOCAL)
def test_loopback_and_private_only_with_allow_private(address: str) -> None:
    assert address_refusal(address) is not None
    assert address_refusal(address, allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_allowed(address: str) -> None:
    assert address_refusal(address) is None


def test_refusal_reason_names_the_range() -> None:
    assert address_refusal("169.254.169.254", allow_private=True) == "link_local 169.254.169.254"
    assert (address_refusal("100.64.1.1") or "").startswith("cgnat")
    assert (address_refusal("::ffff:10.1.1.1") or "").startswith("private 10.1.1.1")
    assert (address_refusal("not-an-ip") or "").startswith("not_an_ip")


def _table(mapping: dict[str, list[str]]) -> Resolver:
    """A resolver answering from a table; unknown names fail like NXDOMAIN (no DNS traffic)."""

    async def lookup(host: str) -> Iterable[str]:
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return mapping[host]

    return Resolver(lookup=lookup, ttl=0)


def check(url: str, allow_private: bool = False, resolver: Resolver | None = None) -> str | None:
    return asyncio.run(check_url(url, allow_private=allow_private, resolver=resolver)).reason


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "gopher://127.0.0.1:70/", "javascript:alert(1)"],
)
def test_only_http_and_https(url: str) -> None:
    assert check(url, allow_private=True) in (REFUSED_SCHEME, INVALID_URL)


def test_ip_literals_are_checked_without_dns() -> None:
    assert check("http://169.254.169.254/latest/meta-data/", True) == REFUSED_ADDRESS
    assert check("http://[::ffff:169.254.169.254]/", True) == REFUSED_ADDRESS
    assert check("http://10.0.0.1/", False) == REFUSED_ADDRESS
    assert check("http://127.0.0.1:8080/", False) == REFUSED_ADDRESS
    assert check("http://[::1]/", False) == REFUSED_ADDRESS
    assert check("http://127.0.0.1:8080/", True) is None
    assert check("https://93.184.216.34/", False) is None


def test_numeric_host_spellings_resolve_to_what_they_mean() -> None:
    # 2130706433 and 0x7f.1 are 127.0.0.1 to the C resolver (parsed locally, no DNS).
    assert check("http://2130706433/", False) == REFUSED_ADDRESS
    assert check("http://0x7f.1/", False) == REFUSED_ADDRESS


def test_any_private_address_among_several_refuses() -> None:
    resolver = _table({"mixed.test": ["93.184.216.34", "10.0.0.7"]})
    verdict = asyncio.run(check_url("http://mixed.test/", resolver=resolver))
    assert verdict.reason == REFUSED_ADDRESS
    assert "10.0.0.7" in verdict.detail
    with pytest.raises(BlockedURLError) as info:
        verdict.raise_for_refusal()
    assert info.value.reason == REFUSED_ADDRESS


def test_dns_failure_and_timeout_are_dns_error() -> None:
    assert check("http://nxdomain.test/", resolver=_table({})) == DNS_ERROR

    async def slow_lookup(host: str) -> Iterable[str]:
        await asyncio.sleep(5)
        return ["93.184.216.34"]

    resolver = Resolver(lookup=slow_lookup, timeout=0.2)
    assert check("http://slow.test/", resolver=resolver) == DNS_ERROR


def test_public_name_is_allowed_and_addresses_reported() -> None:
    resolver = _table({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    verdict = asyncio.run(check_url("https://news.example/a", resolver=resolver))
    assert verdict.allowed
    assert verdict.addresses == ("93.184.216.34", "2606:2800:220:1::1")


def test_backend_refuses_before_connecting() -> None:
    backend = GuardedNetworkBackend(resolver=_table({"meta.test": ["169.254.169.254"]}))

    async def go() -> None:
        with pytest.raises(BlockedURLError) as info:
            await backend.connect_tcp("meta.test", 80, timeout=0.5)
        assert info.value.reason == REFUSED_ADDRESS
        with pytest.raises(BlockedURLError) as info:
            await backend.connect_tcp("nxdomain.test", 80, timeout=0.5)
        assert info.value.reason == DNS_ERROR

    asyncio.run(go())


def test_transport_connects_to_the_address_it_checked() -> None:
    """The client never resolves names itself: a name only our resolver knows works."""
    with TestServer("127.0.0.9", {"/": respond(200, "hello", "text/plain")}) as server:
        resolver = _table({"pinned.test": ["127.0.0.9"]})

        async def go() -> httpx.Response:
            transport = GuardedTransport(allow_private=True, resolver=resolver)
            async with httpx.AsyncClient(transport=transport) as client:
                return await client.get(f"http://pinned.test:{server.port}/")

        response = asyncio.run(go())
        assert response.text == "hello"
        assert server.hits("/")[0].headers["host"] == f"pinned.test:{server.port}"


def test_dns_rebinding_between_check_and_connect_is_refused() -> None:
    """First answer (the URL check) is loopback and allowed; the second (at connect time)
    points at the metadata service: the connection must be refused."""
    with TestServer("127.0.0.9", {"/": respond(200, "x", "text/html")}) as server:
        answers = iter([["127.0.0.9"]])

        async def rebinding(host: str) -> Iterable[str]:
            return next(answers, ["169.254.169.254"])

        policy = FetchPolicy(
            user_agent="GuardTest/1.0", allow_private=True, respect_robots=False, max_retries=0
        )

        async def go() -> str:
            resolver = Resolver(lookup=rebinding, ttl=0)
            async with Fetcher(policy, resolver=resolver) as fetcher:
                result = await fetcher.fetch(f"http://rebind.test:{server.port}/")
            assert result.error is not None and "refused_address" in result.error
            return result.outcome

        assert asyncio.run(go()) == "refused"
        assert server.hits() == []


def test_loopback_refused_without_allow_private() -> None:
    with TestServer("127.0.0.1", {"/": respond(200, "<html>x</html>")}) as server:
        policy = FetchPolicy(user_agent="GuardTest/1.0", allow_private=False, max_retries=0)

        async def go() -> list[str]:
            async with Fetcher(policy) as fetcher:
                results = [
                    await fetcher.fetch(server.url("/")),
                    await fetcher.fetch(f"http://[::ffff:127.0.0.1]:{server.port}/"),
                ]
            assert all(r.error and r.error.startswith("refused_address") for r in results)
            return [r.outcome for r in results]

        assert asyncio.run(go()) == ["refused", "refused"]
        assert server.hits() == []  # not even robots.txt was requested
