"""The fetcher against real local partner servers: caps, timeouts, redirects, private addresses."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import ipaddress
import time
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp import web

from catalogue.fetch import (
    FeedFetcher,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    FetchTooLargeError,
    ForbiddenAddressError,
    HTTPStatusError,
    TooManyRedirectsError,
    is_public_address,
)

if TYPE_CHECKING:
    from conftest import PartnerServer

LOOPBACK_ONLY = {"allow_hosts": ["127.0.0.1"]}
FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
ETAG = '"feed-v1"'
MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"


async def test_fetch_returns_body_validators_and_hash(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    seen: dict[str, str] = {}

    async def feed(request: web.Request) -> web.Response:
        seen.update(request.headers)
        return web.Response(
            body=FEED,
            content_type="text/calendar",
            headers={"ETag": ETAG, "Last-Modified": MODIFIED},
        )

    partner_server.app.router.add_get("/agenda.ics", feed)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, **LOOPBACK_ONLY)
    result = await fetcher.fetch(partner_server.url("/agenda.ics"))
    assert result.status == "ok"
    assert result.body == FEED
    assert result.content_type == "text/calendar"
    assert (result.etag, result.last_modified) == (ETAG, MODIFIED)
    assert result.sha256 == hashlib.sha256(FEED).hexdigest()
    assert result.final_url == partner_server.url("/agenda.ics")
    assert seen["Host"] == f"127.0.0.1:{partner_server.port}"


async def test_conditional_get_gives_not_modified(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        if request.headers.get("If-Modified-Since") == MODIFIED:
            return web.Response(status=304)
        return web.Response(body=FEED, headers={"ETag": ETAG, "Last-Modified": MODIFIED})

    partner_server.app.router.add_get("/feed", feed)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, **LOOPBACK_ONLY)
    by_etag = await fetcher.fetch(partner_server.url("/feed"), etag=ETAG)
    assert (by_etag.status, by_etag.body, by_etag.etag) == ("not_modified", b"", ETAG)
    by_date = await fetcher.fetch(partner_server.url("/feed"), last_modified=MODIFIED)
    assert by_date.status == "not_modified"
    assert by_date.last_modified == MODIFIED
    fresh = await fetcher.fetch(partner_server.url("/feed"), etag='"old"')
    assert fresh.status == "ok"
    assert fresh.body == FEED


async def test_fifty_megabyte_stream_stops_at_the_cap(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse()  # chunked: no Content-Length to refuse early
        await response.prepare(request)
        chunk = b"x" * (1024 * 1024)
        try:
            for _ in range(50):
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionError, aiohttp.ClientConnectionResetError):
            pass  # the fetcher hung up, as it should
        return response

    partner_server.app.router.add_get("/huge", endless)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, max_bytes=10 * 1024 * 1024, **LOOPBACK_ONLY)
    started = time.perf_counter()
    with pytest.raises(FetchTooLargeError, match="more than 10,485,760 bytes"):
        await fetcher.fetch(partner_server.url("/huge"))
    assert time.perf_counter() - started < 3.0
    await asyncio.sleep(0.1)
    assert sent < 50 * 1024 * 1024


async def test_gzip_bomb_is_capped_after_decompression(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)

    async def compressed(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    partner_server.app.router.add_get("/bomb", compressed)
    await partner_server.start()
    assert len(bomb) < 1024 * 1024  # small on the wire, 50 MB once unpacked
    fetcher = FeedFetcher(http_session, max_bytes=5 * 1024 * 1024, **LOOPBACK_ONLY)
    started = time.perf_counter()
    with pytest.raises(FetchTooLargeError):
        await fetcher.fetch(partner_server.url("/bomb"))
    assert time.perf_counter() - started < 3.0


async def test_declared_length_over_cap_is_refused_without_reading(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"y" * 2048)

    partner_server.app.router.add_get("/big", big)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, max_bytes=1024, **LOOPBACK_ONLY)
    with pytest.raises(FetchTooLargeError):
        await fetcher.fetch(partner_server.url("/big"))


async def test_server_that_never_answers_times_out(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    release = asyncio.Event()

    async def silent(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=b"late")

    partner_server.app.router.add_get("/silent", silent)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, read_timeout=0.5, total_timeout=5, **LOOPBACK_ONLY)
    started = time.perf_counter()
    with pytest.raises(FetchTimeoutError) as caught:
        await fetcher.fetch(partner_server.url("/silent"))
    assert time.perf_counter() - started < 2.0
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert "did not answer within 0.5 seconds" in str(caught.value)
    release.set()  # let the server shut down promptly


async def test_total_timeout_bounds_a_slow_drip(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            for _ in range(100):
                await response.write(b"x")
                await asyncio.sleep(0.1)
        except (ConnectionError, aiohttp.ClientConnectionResetError):
            pass
        return response

    partner_server.app.router.add_get("/drip", drip)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, read_timeout=1, total_timeout=0.8, **LOOPBACK_ONLY)
    with pytest.raises(FetchTimeoutError, match=r"longer than 0\.8 seconds"):
        await fetcher.fetch(partner_server.url("/drip"))


async def test_redirect_to_a_private_address_is_refused(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    hits: list[str] = []

    async def first_hop(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{partner_server.port}/internal")

    async def internal(request: web.Request) -> web.Response:
        hits.append("internal")
        return web.Response(body=b"secret")

    async def metadata(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    partner_server.app.router.add_get("/feed", first_hop)
    partner_server.app.router.add_get("/internal", internal)
    partner_server.app.router.add_get("/cloud", metadata)
    await partner_server.start()
    # Only the literal first-hop host is allowed; "localhost" and link-local are not.
    fetcher = FeedFetcher(http_session, **LOOPBACK_ONLY)
    with pytest.raises(ForbiddenAddressError) as caught:
        await fetcher.fetch(partner_server.url("/feed"))
    assert "localhost resolves to" in str(caught.value)
    with pytest.raises(ForbiddenAddressError, match=r"169\.254\.169\.254"):
        await fetcher.fetch(partner_server.url("/cloud"))
    assert hits == []


async def test_private_addresses_refused_without_allow_list(
    http_session: aiohttp.ClientSession,
) -> None:
    fetcher = FeedFetcher(http_session)
    for url in (
        "http://127.0.0.1:9/feed",
        "http://[::1]:9/feed",
        "http://[::ffff:10.0.0.1]/feed",
        "http://192.168.1.10/feed",
        "http://0.0.0.0/feed",
        "http://localhost:9/feed",
    ):
        with pytest.raises(ForbiddenAddressError):
            await fetcher.fetch(url)
    with pytest.raises(FetchError, match="not an http or https URL"):
        await fetcher.fetch("file:///etc/passwd")


async def test_allow_networks_admits_an_internal_range(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=FEED)

    partner_server.app.router.add_get("/feed", feed)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, allow_networks=["127.0.0.0/8"])
    result = await fetcher.fetch(partner_server.url("/feed").replace("127.0.0.1", "localhost"))
    assert result.body == FEED


async def test_named_host_keeps_its_name_while_connecting_to_the_checked_address(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    hosts: list[str] = []

    async def feed(request: web.Request) -> web.Response:
        hosts.append(request.headers["Host"])
        return web.Response(body=FEED)

    partner_server.app.router.add_get("/feed", feed)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, allow_hosts=["localhost"])
    url = f"http://localhost:{partner_server.port}/feed"
    # The server listens on 127.0.0.1 only; if "localhost" also gives ::1 that one is refused
    # at connect time and the next checked address is used.
    result = await fetcher.fetch(url)
    assert result.body == FEED
    assert hosts == [f"localhost:{partner_server.port}"]
    assert result.final_url == url


async def test_too_many_redirects(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def loop(request: web.Request) -> web.Response:
        step = int(request.match_info["step"])
        raise web.HTTPFound(f"/hop/{step + 1}")

    partner_server.app.router.add_get("/hop/{step}", loop)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, max_redirects=3, **LOOPBACK_ONLY)
    with pytest.raises(TooManyRedirectsError, match="more than 3 times"):
        await fetcher.fetch(partner_server.url("/hop/0"))


async def test_redirect_within_allowed_host_is_followed(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/new.ics")

    async def new(request: web.Request) -> web.Response:
        return web.Response(body=FEED)

    partner_server.app.router.add_get("/old.ics", moved)
    partner_server.app.router.add_get("/new.ics", new)
    await partner_server.start()
    result = await FeedFetcher(http_session, **LOOPBACK_ONLY).fetch(partner_server.url("/old.ics"))
    assert result.final_url == partner_server.url("/new.ics")


async def test_error_status_is_reported(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=404, text="no")

    partner_server.app.router.add_get("/gone", gone)
    await partner_server.start()
    with pytest.raises(HTTPStatusError) as caught:
        await FeedFetcher(http_session, **LOOPBACK_ONLY).fetch(partner_server.url("/gone"))
    assert caught.value.status == 404
    assert str(caught.value).endswith("answered 404 Not Found")
    async with aiohttp.ClientSession(raise_for_status=True) as strict:
        with pytest.raises(HTTPStatusError) as strict_caught:
            await FeedFetcher(strict, **LOOPBACK_ONLY).fetch(partner_server.url("/gone"))
    assert strict_caught.value.status == 404


async def test_connection_refused_is_a_connection_error(
    http_session: aiohttp.ClientSession,
) -> None:
    with pytest.raises(FetchConnectionError) as caught:
        await FeedFetcher(http_session, **LOOPBACK_ONLY).fetch("http://127.0.0.1:9/feed")
    assert isinstance(caught.value.__cause__, aiohttp.ClientError)


async def test_unknown_host_is_a_connection_error(http_session: aiohttp.ClientSession) -> None:
    with pytest.raises(FetchConnectionError, match="could not be found"):
        await FeedFetcher(http_session).fetch("http://no-such-host.invalid/feed")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2a00:1450:4003:80f::200e", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 (a value under test, not a bind)
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.215.14", True),
        ("64:ff9b::a00:1", False),
        ("2002:a00:1::", False),
    ],
)
def test_address_classification(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


async def test_a_password_in_the_url_is_sent_but_never_shown(
    partner_server: PartnerServer, http_session: aiohttp.ClientSession
) -> None:
    """Partners may protect a feed with a password; errors and logs never repeat it."""
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()

    async def private(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401, text="who are you?")
        return web.Response(body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    partner_server.app.router.add_get("/private.ics", private)
    await partner_server.start()
    fetcher = FeedFetcher(http_session, **LOOPBACK_ONLY)
    base = partner_server.url("/private.ics")
    with_password = base.replace("http://", "http://reader:s3cret@")
    result = await fetcher.fetch(with_password)
    assert result.body.startswith(b"BEGIN:VCALENDAR")
    wrong = base.replace("http://", "http://reader:wr0ng-pass@")
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch(wrong)
    assert caught.value.status == 401
    assert str(caught.value) == f"{base.replace('http://', 'http://…@')} answered 401 Unauthorized"
    assert "wr0ng-pass" not in caught.value.url
