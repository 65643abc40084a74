"""Typed state shared by handlers: the services, and the unit of work of the current update."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot

from community.models import Learner
from storage import Database, utcnow


@dataclass(slots=True)
class Services:
    """Long-lived things the chat layer needs, built once by the composition root."""

    database: Database
    public_base_url: str
    default_city: str
    secret_key: bytes | None = None  # encrypts issuers' keys; badges need it
    clock: Callable[[], datetime] = utcnow


@dataclass(slots=True)
class UpdateScope:
    """One update's unit of work: its session, its learner, and whether it failed."""

    database: Database
    session: AsyncSession | None = None
    learner: Learner | None = None
    failed: bool = False

    def open_session(self) -> AsyncSession:
        """Return this update's session, creating it on first use."""
        if self.session is None:
            self.session = self.database.sessions()
        return self.session

    async def abort(self) -> None:
        """Undo everything written so far; the session stays usable for a fresh start."""
        if self.session is not None:
            await self.session.rollback()
        self.learner = None

    async def finish(self) -> None:
        """Commit the update's work, or roll it all back if any handler failed."""
        if self.session is None:
            return
        try:
            if self.failed:
                await self.session.rollback()
            else:
                await self.session.commit()
        finally:
            await self.session.close()
            self.session = None


current_scope: ContextVar[UpdateScope | None] = ContextVar("current_scope", default=None)


class BotData:
    """The application's shared data: only the services, typed."""

    __slots__ = ("services",)

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every handler receives, with typed access to what it needs."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """Return the services built by the composition root."""
        services = self.bot_data.services
        if services is None:
            msg = "services are not configured"
            raise RuntimeError(msg)
        return services

    @property
    def scope(self) -> UpdateScope:
        """Return the unit of work of the update being handled."""
        scope = current_scope.get()
        if scope is None:
            msg = "no update is being handled (jobs open their own session)"
            raise RuntimeError(msg)
        return scope

    @property
    def db(self) -> AsyncSession:
        """Return the database session of this update."""
        return self.scope.open_session()

    @property
    def learner(self) -> Learner:
        """Return the learner who sent this update (loaded by the guard)."""
        learner = self.scope.learner
        if learner is None:
            msg = "this update has no learner"
            raise RuntimeError(msg)
        return learner

    @property
    def maybe_learner(self) -> Learner | None:
        """Return the learner if this update came from a person."""
        scope = current_scope.get()
        return scope.learner if scope else None


@dataclass(frozen=True, slots=True)
class Reply:
    """A rendered answer: HTML text plus an optional keyboard (a PTB markup object)."""

    text: str
    markup: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
