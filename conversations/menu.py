"""The main menu, /menu and /help, and routing of the menu's buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import cache

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from conversations.context import BotContext
from conversations.i18n import LANGUAGES, _, use_language
from conversations.keyboards import main_menu
from conversations.labels import MENU_LABELS, MenuItem


async def send_menu(update: Update, context: BotContext, text: str) -> None:
    """Send ``text`` with the main menu keyboard."""
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=main_menu())


def help_text() -> str:
    """Return the help message in the current language."""
    return _(
        "Here's how I can help:\n\n"
        "📍 <b>Near me</b>: things to do close to you\n"
        "🗓 <b>This week</b>: what's on in the next days\n"
        "⭐ <b>My plans</b>: what you saved, with reminders\n"
        "🎯 <b>Challenges</b>: small tasks that earn badges\n"
        "🏅 <b>My badges</b>: your badges, and how to share them\n"
        "⚙️ <b>Settings</b>: language, city, interests and your data\n\n"
        "You can also just type what you are looking for, like <i>robots</i> or "
        "<i>theatre</i>.\n\n"
        "Commands: /menu /near /plans /following /reminders /language /settings /help"
    )


async def show_help(update: Update, context: BotContext) -> None:
    """/help: what the bot does and how to use it."""
    await send_menu(update, context, help_text())


async def show_menu(update: Update, context: BotContext) -> None:
    """/menu: the main menu."""
    await send_menu(update, context, _("What would you like to do?"))


@cache
def _labels_by_text() -> dict[str, MenuItem]:
    table: dict[str, MenuItem] = {}
    for language in LANGUAGES:
        with use_language(language):
            for item, label in MENU_LABELS.items():
                table[str(label)] = item
    return table


def menu_item(text: str | None) -> MenuItem | None:
    """Return the menu entry whose label (in any language) is ``text``."""
    return _labels_by_text().get((text or "").strip())


class _MenuText(filters.MessageFilter):
    __slots__ = ()

    def filter(self, message: object) -> bool:
        return menu_item(getattr(message, "text", None)) is not None


MENU_TEXT = _MenuText(name="MENU_TEXT")


Route = Callable[[Update, BotContext], Awaitable[None]]


def build_handlers(
    routes: Mapping[MenuItem, Route],
) -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the menu; ``routes`` says which journey each button opens."""

    async def on_menu_text(update: Update, context: BotContext) -> None:
        """A tap on a menu button: open that journey."""
        item = menu_item(update.effective_message.text)
        route = routes.get(item) if item else None
        await (route or show_menu)(update, context)

    return [
        CommandHandler("help", show_help, filters=filters.ChatType.PRIVATE),
        CommandHandler("menu", show_menu, filters=filters.ChatType.PRIVATE),
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & MENU_TEXT, on_menu_text),
    ]
