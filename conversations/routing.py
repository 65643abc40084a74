"""One way to route a journey's buttons: parse, check, dispatch, refuse the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import CallbackQueryHandler

from conversations.callbacks import Callback, unpack
from conversations.context import BotContext
from conversations.i18n import N_, LazyString

STALE = N_("That button is from an earlier message.")

ButtonAction = Callable[[Update, BotContext, Callback], Awaitable[None]]


def button_handler(
    journey: str, actions: Mapping[str, ButtonAction], *, stale: LazyString | None = None
) -> CallbackQueryHandler[BotContext, None]:
    """Handle every ``journey:`` button; forged or outdated data gets a short answer only."""
    refusal = stale or STALE

    async def on_button(update: Update, context: BotContext) -> None:
        query = update.callback_query
        callback = unpack(query.data, journey)
        action = actions.get(callback.action) if callback else None
        if callback is None or action is None:
            await query.answer(str(refusal))
            return
        await action(update, context, callback)

    return CallbackQueryHandler(on_button, pattern=f"^{journey}:")
