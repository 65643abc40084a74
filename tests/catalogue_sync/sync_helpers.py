"""Helpers for the sync tests: a real local partner server, row counters, snapshots."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import event, select

from catalogue.models import Activity, Occurrence
from storage import Database

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Published:
    """One path on the partner server: its body, content type and whether it honours 304."""

    body: bytes
    content_type: str
    conditional: bool = True


@dataclass
class PartnerSite:
    """A real aiohttp server on 127.0.0.1 serving whatever each test publishes."""

    pages: dict[str, Published] = field(default_factory=dict)
    hits: list[tuple[str, int]] = field(default_factory=list)
    handlers: dict[str, Handler] = field(default_factory=dict)
    runner: web.AppRunner | None = None
    port: int = 0

    def publish(
        self, path: str, body: bytes, content_type: str = "text/calendar", *, conditional=True
    ) -> str:
        """Serve ``body`` at ``path`` (replacing what was there) and return its URL."""
        self.pages[path] = Published(body, content_type, conditional)
        return self.url(path)

    def route(self, path: str, handler: Handler) -> str:
        """Answer ``path`` with a handler of the test's own; return its URL."""
        self.handlers[path] = handler
        return self.url(path)

    def url(self, path: str) -> str:
        """The full URL of a path."""
        return f"http://127.0.0.1:{self.port}{path}"

    def statuses(self, path: str) -> list[int]:
        """HTTP statuses answered for a path, in order."""
        return [status for hit, status in self.hits if hit == path]

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.path in self.handlers:
            return await self.handlers[request.path](request)
        page = self.pages.get(request.path)
        if page is None:
            self.hits.append((request.path, 404))
            return web.Response(status=404)
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"'
        if page.conditional and request.headers.get("If-None-Match") == etag:
            self.hits.append((request.path, 304))
            return web.Response(status=304, headers={"ETag": etag})
        self.hits.append((request.path, 200))
        headers = {"Last-Modified": MODIFIED}
        if page.conditional:
            headers["ETag"] = etag
        return web.Response(body=page.body, headers={"Content-Type": page.content_type, **headers})

    async def start(self) -> None:
        """Bind to a free loopback port."""
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._serve)
        self.runner = web.AppRunner(app, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]


class WriteCounter:
    """Counts rows that INSERT, UPDATE and DELETE statements send to the activity tables."""

    def __init__(self, database: Database) -> None:
        self.rows = 0
        self.statements = 0
        self._engine = database.engine.sync_engine
        event.listen(self._engine, "after_cursor_execute", self._seen)

    def _seen(self, _conn: Any, cursor: Any, statement: str, params: Any, _ctx: Any, many: bool):
        target = _WRITE.match(statement)
        if target is None or target.group(1) not in ("activities", "occurrences"):
            return
        self.statements += 1
        # Batched inserts flatten their parameters, so trust the driver's count when it has one.
        self.rows += cursor.rowcount if cursor.rowcount >= 0 else (len(params) if many else 1)

    def close(self) -> None:
        """Stop counting."""
        event.remove(self._engine, "after_cursor_execute", self._seen)


async def snapshot(database: Database) -> dict[str, Any]:
    """Every activity and occurrence as plain tuples, to prove nothing changed."""
    async with database.session() as session:
        activities = (
            await session.execute(
                select(
                    Activity.id,
                    Activity.source_id,
                    Activity.status,
                    Activity.content_hash,
                    Activity.titles,
                    Activity.updated_at,
                    Activity.duplicate_of_id,
                ).order_by(Activity.id)
            )
        ).all()
        occurrences = (
            await session.execute(
                select(Occurrence.id, Occurrence.activity_id, Occurrence.starts_at).order_by(
                    Occurrence.id
                )
            )
        ).all()
    return {
        "activities": [tuple(r) for r in activities],
        "occurrences": [tuple(r) for r in occurrences],
    }
