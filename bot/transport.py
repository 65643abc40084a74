"""A python-telegram-bot request backend over one shared aiohttp ``ClientSession``."""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT_READ = 5.0
_DEFAULT_CONNECT = 5.0
_MEDIA_WRITE = 20.0


class AiohttpRequest(BaseRequest):
    """Send Bot API calls through aiohttp, keeping connections alive in one pool.

    PTB opens two request objects (one for ``getUpdates``, one for everything else); each owns
    its own session so that a long poll never holds a connection the replies need.
    """

    __slots__ = ("_connect_timeout", "_limit", "_read_timeout", "_session")

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        read_timeout: float | None = _DEFAULT_READ,
        connect_timeout: float | None = _DEFAULT_CONNECT,
    ) -> None:
        self._limit = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session; safe to call twice."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one HTTP request and return its status code and body."""
        if self._session is None or self._session.closed:
            msg = "This AiohttpRequest is not initialized!"
            raise RuntimeError(msg)
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, DefaultValue):
            pool_timeout = None
        files = request_data.multipart_data if request_data else None
        if isinstance(write_timeout, DefaultValue):
            write_timeout = _MEDIA_WRITE if files else None

        body = _encode(request_data)
        read = None if read_timeout is None else float(read_timeout)
        if write_timeout is not None and read is not None:
            # aiohttp has no write timeout of its own; the socket read budget covers the upload.
            read += float(write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=connect_timeout, sock_read=read, connect=pool_timeout
        )
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def _encode(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Encode parameters as a form, or as multipart when files are attached."""
    if request_data is None:
        return None
    params = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return params or None
    form = aiohttp.FormData()
    for name, value in params.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        data = content.read() if hasattr(content, "read") else content
        form.add_field(name, data, filename=filename, content_type=mimetype)
    return form
