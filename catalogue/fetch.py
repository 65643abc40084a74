"""Fetching partner feeds safely: no private addresses, capped bodies, bounded time.

The host name is resolved here and the request goes to the checked address (the original name
is kept for the Host header and TLS), so a DNS answer that changes between the check and the
connection cannot point the request at an internal service. Redirects are followed one hop at a
time and every hop is checked again.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import aiohttp
from yarl import URL

from catalogue.formats.errors import FeedError

MiB = 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# "https://name:secret@host/" in a feed URL: errors are stored, listed and logged without it.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]+@")


def without_password(text: str) -> str:
    """``text`` with the user name and password of every URL in it replaced by '…'."""
    return _USERINFO.sub(r"\1…@", text)


class FetchError(FeedError):
    """A feed could not be fetched; the message is one plain-English line."""

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(without_password(message))
        self.url = without_password(url)


class FetchTimeoutError(FetchError):
    """The server took too long to connect, answer or finish."""


class FetchTooLargeError(FetchError):
    """The body is larger than the cap."""


class ForbiddenAddressError(FetchError):
    """The host resolves to a private, loopback or otherwise internal address."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, url: str = "", status: int = 0) -> None:
        super().__init__(message, url)
        self.status = status


class TooManyRedirectsError(FetchError):
    """The server redirected more times than allowed."""


class FetchConnectionError(FetchError):
    """The connection failed or broke off."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched body, or the news that it has not changed since the validators given."""

    status: Literal["ok", "not_modified"]
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    final_url: str
    sha256: str | None


def is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, looking inside IPv4-in-IPv6 forms."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            return is_public_address(address.sixtofour)
        if address.teredo is not None:
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


class FeedFetcher:
    """Fetches feed bodies through an injected aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        max_bytes: int = 10 * MiB,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        total_timeout: float = 60.0,
        max_redirects: int = 5,
        allow_hosts: Iterable[str] = (),
        allow_networks: Iterable[str | IPNetwork] = (),
        user_agent: str = "colbot-feed-sync/0.1 (+City of Learning catalogue)",
    ) -> None:
        self.session = session
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        # Operators may allow named internal hosts (e.g. a partner's intranet) explicitly.
        self.allow_hosts = frozenset(host.lower().rstrip(".") for host in allow_hosts)
        self.allow_networks = tuple(ipaddress.ip_network(net) for net in allow_networks)
        self.user_agent = user_agent

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url` (conditionally when validators are given), following checked redirects."""
        try:
            async with asyncio.timeout(self.total_timeout):
                return await self._follow(url, etag, last_modified)
        except TimeoutError as error:
            raise FetchTimeoutError(
                f"fetching {url} took longer than {self.total_timeout:g} seconds", url
            ) from error

    async def _follow(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        current = _parse_url(url)
        for _hop in range(self.max_redirects + 1):
            addresses = await self._checked_addresses(current)
            outcome = await self._try_addresses(current, addresses, etag, last_modified)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome
        raise TooManyRedirectsError(
            f"{url} redirected more than {self.max_redirects} times; stopped", url
        )

    async def _try_addresses(
        self, url: URL, addresses: list[IPAddress], etag: str | None, last_modified: str | None
    ) -> FetchResult | URL:
        """Request from each checked address in turn until one accepts the connection."""
        for index, address in enumerate(addresses):
            try:
                return await self._request(url, address, etag, last_modified)
            except aiohttp.ClientConnectorError as error:
                if index + 1 < len(addresses):
                    continue  # e.g. the IPv6 address is unreachable; try the next one
                raise FetchConnectionError(
                    f"could not connect to {url.host} ({address}): {error.strerror or 'refused'}",
                    str(url),
                ) from error
        raise FetchConnectionError(f"the host name {url.host} has no addresses", str(url))

    async def _request(
        self, url: URL, address: IPAddress, etag: str | None, last_modified: str | None
    ) -> FetchResult | URL:
        """One GET to the checked address: the result, or the next URL for a redirect."""
        headers = {
            "Host": _host_header(url),
            "User-Agent": self.user_agent,
            "Accept": (
                "text/calendar, application/rss+xml, application/atom+xml, application/ld+json, "
                "application/json, text/html;q=0.8, text/csv, */*;q=0.5"
            ),
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout
        )
        try:
            async with self.session.get(
                # Connect to the address that was checked, never to a fresh DNS answer.
                url.with_host(address.compressed),
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
                server_hostname=url.raw_host if url.scheme == "https" else None,
            ) as response:
                if response.status in _REDIRECTS:
                    return self._next_hop(url, response)
                return await self._result(url, response, etag, last_modified)
        except aiohttp.ClientConnectorError:
            raise
        except aiohttp.ConnectionTimeoutError as error:
            raise FetchTimeoutError(
                f"could not connect to {url.host} within {self.connect_timeout:g} seconds",
                str(url),
            ) from error
        except TimeoutError as error:
            raise FetchTimeoutError(
                f"{url} did not answer within {self.read_timeout:g} seconds", str(url)
            ) from error
        except aiohttp.ClientResponseError as error:
            # Only when the injected session was built with raise_for_status=True.
            raise HTTPStatusError(
                f"{url} answered {error.status} {error.message}".rstrip(), str(url), error.status
            ) from error
        except aiohttp.ClientError as error:
            raise FetchConnectionError(
                f"the connection to {url.host} failed: {type(error).__name__}", str(url)
            ) from error

    def _next_hop(self, current: URL, response: aiohttp.ClientResponse) -> URL:
        location = response.headers.get("Location")
        if not location:
            raise HTTPStatusError(
                f"{current} answered {response.status} without a Location header",
                str(current),
                response.status,
            )
        try:
            return _parse_url(str(current.join(URL(location))))
        except ValueError as error:
            raise FetchError(f"{current} redirected to an invalid URL", str(current)) from error

    async def _result(
        self,
        url: URL,
        response: aiohttp.ClientResponse,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        new_etag = response.headers.get("ETag") or etag
        new_modified = response.headers.get("Last-Modified") or last_modified
        if response.status == 304:
            return FetchResult("not_modified", b"", None, new_etag, new_modified, str(url), None)
        if not 200 <= response.status < 300:
            raise HTTPStatusError(
                f"{url} answered {response.status} {response.reason or ''}".rstrip(),
                str(url),
                response.status,
            )
        body = await self._read_capped(url, response)
        return FetchResult(
            "ok",
            body,
            response.headers.get("Content-Type"),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            str(url),
            hashlib.sha256(body).hexdigest(),
        )

    async def _read_capped(self, url: URL, response: aiohttp.ClientResponse) -> bytes:
        too_large = FetchTooLargeError(
            f"{url} sent more than {self.max_bytes:,} bytes; stopped reading", str(url)
        )
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            response.close()
            raise too_large
        chunks: list[bytes] = []
        received = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            received += len(chunk)
            if received > self.max_bytes:
                # Close rather than release so the rest of the body is never downloaded.
                response.close()
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def _checked_addresses(self, url: URL) -> list[IPAddress]:
        """Resolve the host and return the addresses we may connect to, or refuse."""
        host = (url.raw_host or "").lower().rstrip(".")
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            addresses = await self._resolve(url, host)
        allowed_host = host in self.allow_hosts
        for address in addresses:
            if allowed_host or is_public_address(address):
                continue
            if any(address in network for network in self.allow_networks):
                continue
            raise ForbiddenAddressError(
                f"{url.host} resolves to {address}, which is a private, loopback or reserved "
                "address; refused",
                str(url),
            )
        return addresses

    async def _resolve(self, url: URL, host: str) -> list[IPAddress]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                infos = await loop.getaddrinfo(
                    host, url.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
                )
        except TimeoutError as error:
            raise FetchTimeoutError(
                f"looking up {url.host} took longer than {self.connect_timeout:g} seconds",
                str(url),
            ) from error
        except (OSError, UnicodeError) as error:
            raise FetchConnectionError(
                f"the host name {url.host} could not be found", str(url)
            ) from error
        addresses: list[IPAddress] = []
        for info in infos:
            # Drop an IPv6 scope ("fe80::1%eth0") before parsing; it is checked all the same.
            text = str(info[4][0]).split("%", 1)[0]
            address = ipaddress.ip_address(text)
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise FetchConnectionError(f"the host name {url.host} has no addresses", str(url))
        return addresses


def _parse_url(url: str) -> URL:
    try:
        parsed = URL(url)
    except (ValueError, TypeError) as error:
        raise FetchError(f"{url!r} is not a valid URL", str(url)) from error
    if parsed.scheme not in {"http", "https"} or not parsed.raw_host:
        raise FetchError(f"{url!r} is not an http or https URL", str(url))
    return parsed


def _host_header(url: URL) -> str:
    host = url.raw_host or ""
    if ":" in host:
        host = f"[{host}]"
    return host if url.is_default_port() else f"{host}:{url.port}"
