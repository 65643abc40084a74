"""Each update is one unit of work: one database session, committed or rolled back as a whole."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from telegram.ext import BaseUpdateProcessor

from conversations.context import UpdateScope, current_scope
from storage import Database

log = logging.getLogger(__name__)


class UnitOfWorkProcessor(BaseUpdateProcessor):
    """Run handlers inside an ``UpdateScope`` and finish it once they are all done."""

    def __init__(self, database: Database, max_concurrent_updates: int = 1) -> None:
        super().__init__(max_concurrent_updates)
        self._database = database

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Open the scope, let PTB run the handlers, then commit or roll back."""
        scope = UpdateScope(database=self._database)
        token = current_scope.set(scope)
        try:
            await coroutine
        finally:
            try:
                await scope.finish()
            except Exception:
                # The reply is already out; the log keeps the id so the loss can be traced.
                log.exception("could not save update %s", getattr(update, "update_id", "?"))
            current_scope.reset(token)

    async def initialize(self) -> None:
        """Nothing to prepare."""

    async def shutdown(self) -> None:
        """Nothing to release: the database belongs to the composition root."""
