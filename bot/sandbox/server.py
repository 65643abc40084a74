"""The sandbox HTTP server: a local stand-in for api.telegram.org."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

# The method modules register their handlers in METHODS when imported.
from bot.sandbox import (
    methods_media,  # noqa: F401
    methods_messages,  # noqa: F401
    methods_settings,  # noqa: F401
    methods_updates,  # noqa: F401
)
from bot.sandbox.api import METHODS, Call
from bot.sandbox.errors import ApiError, bad_request, not_found, unauthorized
from bot.sandbox.faults import FaultInjector
from bot.sandbox.params import read_params
from bot.sandbox.state import BotAccount, World
from bot.sandbox.webhook import WebhookDelivery

if TYPE_CHECKING:
    from bot.sandbox.client import SandboxGroup, SandboxUser

_LOG = logging.getLogger(__name__)
_MAX_BODY = 60 * 1024 * 1024
_MAX_FETCH = 20 * 1024 * 1024


@dataclass(frozen=True)
class ApiCall:
    """One request the sandbox answered, kept so tests can see retries and failures."""

    bot: str
    method: str
    status: int
    description: str | None
    chat_id: str | None


class SandboxServer:
    """A local Bot API server with people, chats and fault injection, for tests and demos."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        webhook_retry_delays: Sequence[float] = (0.05, 0.1, 0.2, 0.4, 0.8),
        webhook_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.world = World()
        self.faults = FaultInjector()
        self.calls: list[ApiCall] = []
        self.internal_errors: list[BaseException] = []
        self._retry_delays = tuple(webhook_retry_delays)
        self._webhook_timeout = webhook_timeout
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhooks: WebhookDelivery | None = None
        self._default_bot: BotAccount | None = None
        self.users: dict[int, SandboxUser] = {}
        self.groups: dict[int, SandboxGroup] = {}

    # --- lifecycle ----------------------------------------------------------------

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def build_app(self) -> web.Application:
        """The aiohttp application with the Bot API, file and control routes."""
        from bot.sandbox.control import control_routes

        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_routes(control_routes(self))
        return app

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        self._session = aiohttp.ClientSession()
        self._webhooks = WebhookDelivery(
            self.world, self._session, self._retry_delays, self._webhook_timeout
        )
        self._runner = web.AppRunner(
            self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Stop delivering, answer waiting long polls, and release every resource."""
        await self.world.wake_all()
        if self._webhooks is not None:
            await self._webhooks.close()
        for bot in self.world.bots.values():
            for pending in bot.queries.values():
                pending.answer.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url`` (the token is appended)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's ``base_file_url`` (the token is appended)."""
        return f"{self.url}/file/bot"

    # --- world building -----------------------------------------------------------

    def add_bot(
        self,
        token: str,
        username: str,
        first_name: str | None = None,
        *,
        supports_inline_queries: bool = True,
    ) -> BotAccount:
        """Register a bot; the first one added is the default for people and groups."""
        account = self.world.add_bot(token, username, first_name)
        account.supports_inline_queries = supports_inline_queries
        if self._default_bot is None:
            self._default_bot = account
        return account

    def bot(self, token: str | None = None) -> BotAccount:
        """A registered bot by token, or the default one."""
        account = self._default_bot if token is None else self.world.bot_by_token(token)
        if account is None:
            raise LookupError("no such bot registered with the sandbox")
        return account

    def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone_number: str | None = None,
        bot: BotAccount | None = None,
    ) -> SandboxUser:
        """A new person who talks to ``bot`` (default: the first bot added)."""
        from bot.sandbox.client import SandboxUser

        person = self.world.add_person(
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone_number=phone_number,
        )
        user = SandboxUser(self, person, bot or self.bot())
        self.users[person.id] = user
        return user

    def group(
        self,
        title: str,
        *,
        kind: str = "group",
        username: str | None = None,
        bots: Sequence[BotAccount] | None = None,
        admins: Sequence[SandboxUser] = (),
    ) -> SandboxGroup:
        """A new group (or supergroup) with the given bots (default: the default bot) in it."""
        from bot.sandbox.client import SandboxGroup

        if kind not in ("group", "supergroup"):
            raise ValueError("kind must be 'group' or 'supergroup'")
        members = list(bots) if bots is not None else [self.bot()]
        group = self.world.add_group(title, kind, {b.id for b in members})
        group.username = username
        for admin in admins:
            group.administrators.add(admin.id)
            group.members.add(admin.id)
        handle = SandboxGroup(self, group)
        self.groups[group.id] = handle
        return handle

    # --- services for handlers ----------------------------------------------------

    def ensure_webhook_worker(self, bot: BotAccount) -> None:
        """Start webhook delivery for ``bot``."""
        if self._webhooks is not None:
            self._webhooks.ensure_worker(bot)

    async def fetch_url(self, url: str) -> bytes:
        """Fetch a file by URL for send* methods; only loopback hosts are reachable."""
        host = urlsplit(url).hostname or ""
        try:
            local = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = False
        if not local or self._session is None:
            raise bad_request("failed to get HTTP URL content")
        try:
            async with self._session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                if response.status != 200:
                    raise bad_request("failed to get HTTP URL content")
                data = await response.content.read(_MAX_FETCH + 1)
        except aiohttp.ClientError:
            raise bad_request("failed to get HTTP URL content") from None
        if len(data) > _MAX_FETCH:
            raise bad_request("file is too big")
        return data

    # --- HTTP handlers ------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        name = request.match_info["method"]
        chat_id: str | None = None
        try:
            bot = self.world.bot_by_token(token)
            if bot is None:
                raise unauthorized()
            handler = METHODS.get(name.lower())
            if handler is None:
                _LOG.warning("sandbox: unknown Bot API method %r", name)
                raise not_found()
            params = await read_params(request)
            raw_chat = params.raw("chat_id")
            chat_id = None if raw_chat is None else str(raw_chat)
            for fault in self.faults.take(name, chat_id):
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                error = fault.to_error()
                if error is not None:
                    raise error
            result: Any = await handler(Call(self.world, bot, params, self))
            body: dict[str, Any] = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            body, status = exc.payload(), exc.code
        except Exception as exc:
            # a sandbox bug, not bad input: keep it visible to tests
            _LOG.exception("sandbox: %s failed", name)
            self.internal_errors.append(exc)
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            status = 500
        self.calls.append(ApiCall(token, name, status, body.get("description"), chat_id))
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        bot = self.world.bot_by_token(request.match_info["token"])
        stored = self.world.files_by_path.get(request.match_info["path"])
        if bot is None or stored is None:
            return web.json_response(not_found().payload(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # --- inspection -----------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls of one Bot API method (case-insensitive)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]
