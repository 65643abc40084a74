"""Last resort: unknown commands, stray text and buttons nobody else understood."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from conversations.context import BotContext
from conversations.i18n import _
from conversations.menu import send_menu


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have."""
    await send_menu(update, context, _("I don't know that command. Try /menu or /help."))


async def anything_else(update: Update, context: BotContext) -> None:
    """Text, stickers, files... that no journey expects right now."""
    await send_menu(
        update, context, _("I'm not sure what you mean. Tap a button below, or send /help.")
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message or with forged data."""
    await update.callback_query.answer(_("That button doesn't work any more."))
    await send_menu(update, context, _("What would you like to do?"))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Fallback handlers; registered last."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.StatusUpdate.ALL, anything_else),
        CallbackQueryHandler(stale_button),
    ]
