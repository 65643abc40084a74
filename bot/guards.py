"""Handlers that run before every journey, and the error handler."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.models import ProcessedUpdate
from community.learners import Person, touch_learner
from conversations.context import BotContext, current_scope
from conversations.i18n import _, match_language, set_language
from storage import Database, utcnow

log = logging.getLogger(__name__)
KEEP_PROCESSED = timedelta(days=2)


Guard = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def stop_on_failure(guard: Guard) -> Guard:
    """If a guard fails, report it once and skip every journey: they would fail too."""

    @functools.wraps(guard)
    async def wrapper(update: Update, context: BotContext) -> None:
        try:
            await guard(update, context)
        except ApplicationHandlerStop:
            raise
        except Exception as exc:
            await context.application.process_error(update, exc)
            raise ApplicationHandlerStop from exc

    return wrapper


async def record_update(session: AsyncSession, update_id: int) -> bool:
    """Insert the update id in one statement; False when it was there already."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


@stop_on_failure
async def drop_duplicates(update: Update, context: BotContext) -> None:
    """Stop an update whose ``update_id`` was already handled (a webhook retry, a replay)."""
    if not await record_update(context.db, update.update_id):
        log.info("dropping duplicate update %s", update.update_id)
        raise ApplicationHandlerStop


@stop_on_failure
async def load_learner(update: Update, context: BotContext) -> None:
    """Load or create the sender and resolve their language once for the whole update."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    telegram_language = match_language(user.language_code)
    set_language(telegram_language)
    learner, _created = await touch_learner(
        context.db,
        Person(telegram_id=user.id, first_name=user.first_name, language=telegram_language),
    )
    context.scope.learner = learner
    set_language(learner.language)


def _unchanged_edit(error: object) -> bool:
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its update id; tell the person, in their language, what to do."""
    scope = current_scope.get()
    update_id = getattr(update, "update_id", None)
    if isinstance(context.error, Forbidden) and isinstance(update, Update) and scope is not None:
        # Nothing from this update can reach the person: keep only the fact that they left.
        log.info("update %s: the bot is blocked by the person", update_id)
        await scope.abort()
        user = update.effective_user
        if user is not None:
            learner, _created = await touch_learner(
                scope.open_session(),
                Person(user.id, user.first_name, match_language(user.language_code)),
            )
            learner.is_active = False
        return
    if _unchanged_edit(context.error):
        # A second tap on a button whose message already shows what it asks for: Telegram
        # refuses to "edit" it into the same text. Nothing went wrong; stop the spinner.
        query = update.callback_query if isinstance(update, Update) else None
        if query is not None:
            with contextlib.suppress(TelegramError):
                await query.answer()
        return
    if scope is not None:
        scope.failed = True
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    text = (
        _("Sorry, I can't reach my memory right now. Please try again in a minute.")
        if isinstance(context.error, SQLAlchemyError | OSError)
        else _("Sorry, something went wrong on my side. Please try again, or send /menu.")
    )
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not send the apology for update %s", update_id)


async def prune_processed(database: Database) -> int:
    """Forget old update ids; Telegram never redelivers after a day."""
    async with database.session() as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.received_at < utcnow() - KEEP_PROCESSED)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
