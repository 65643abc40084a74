"""Finding activities: near me and this week (the catalogue fills them as partners publish)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from catalogue.models import City
from conversations.context import BotContext
from conversations.i18n import _
from conversations.keyboards import location_keyboard
from conversations.menu import send_menu


async def _city_name(context: BotContext) -> str:
    learner = context.learner
    city = await context.db.get(City, learner.city_id) if learner.city_id else None
    return city.name(learner.language) if city else _("your city")


async def ask_location(update: Update, context: BotContext) -> None:
    """Ask for the learner's location to look for activities around it."""
    await context.bot.send_message(
        update.effective_chat.id,
        _("Share your location and I'll show you what's on near you."),
        reply_markup=location_keyboard(),
    )


async def near_me(update: Update, context: BotContext) -> None:
    """A shared location outside onboarding: the nearest upcoming activities."""
    await send_menu(
        update,
        context,
        _(
            "I don't have activities near you yet. Partners in {city} are adding them; "
            "have a look again soon!",
            city=await _city_name(context),
        ),
    )


async def this_week(update: Update, context: BotContext) -> None:
    """What's on in the learner's city in the next seven days."""
    await send_menu(
        update,
        context,
        _(
            "Nothing on in {city} this week yet. Have a look again soon!",
            city=await _city_name(context),
        ),
    )


async def challenges(update: Update, context: BotContext) -> None:
    """The learner's challenges."""
    await send_menu(
        update,
        context,
        _("No challenges for you yet. Your youth worker or a partner will send them here."),
    )


async def badges(update: Update, context: BotContext) -> None:
    """The learner's badges."""
    await send_menu(
        update,
        context,
        _(
            "You have no badges yet. Join an activity or finish a challenge "
            "to earn your first one!"
        ),
    )


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of discovery that are not menu buttons."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.LOCATION, near_me)]
