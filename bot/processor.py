"""Each update is one unit of work: one database session, committed or rolled back as a whole."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from conversations.context import UpdateScope, current_scope
from storage import Database

log = logging.getLogger(__name__)


def _sender(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class UnitOfWorkProcessor(BaseUpdateProcessor):
    """Run handlers inside an ``UpdateScope`` and finish it once they are all done.

    Different people are served concurrently, but one person's updates run one after the other:
    a quick second tap must see what the first one committed.
    """

    def __init__(self, database: Database, max_concurrent_updates: int = 1) -> None:
        super().__init__(max_concurrent_updates)
        self._database = database
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, key: int | None) -> AsyncIterator[None]:
        if key is None:
            yield
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Open the scope, let PTB run the handlers, then commit or roll back."""
        async with self._one_at_a_time(_sender(update)):
            scope = UpdateScope(database=self._database)
            token = current_scope.set(scope)
            try:
                await coroutine
            finally:
                try:
                    await scope.finish()
                except Exception:
                    # The reply is already out; the log keeps the id so a loss can be traced.
                    log.exception("could not save update %s", getattr(update, "update_id", "?"))
                current_scope.reset(token)

    async def initialize(self) -> None:
        """Nothing to prepare."""

    async def shutdown(self) -> None:
        """Nothing to release: the database belongs to the composition root."""
