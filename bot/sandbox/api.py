"""The table of Bot API methods the sandbox answers, and what each handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.sandbox.params import Params
from bot.sandbox.state import BotAccount, World


class Services(Protocol):
    """What handlers need from the running server beyond the world state."""

    def ensure_webhook_worker(self, bot: BotAccount) -> None:
        """Start delivering ``bot``'s updates to its webhook if not already doing so."""

    async def fetch_url(self, url: str) -> bytes:
        """Fetch a file by URL for send* methods (loopback only)."""


@dataclass
class Call:
    """One Bot API call: who makes it, with what, and where."""

    world: World
    bot: BotAccount
    params: Params
    services: Services


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under Bot API method names (matched case-insensitively)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = handler
        return handler

    return register
