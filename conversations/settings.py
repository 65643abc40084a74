"""Settings: language, city, interests, consent, and deleting everything we keep."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from catalogue.cities import get_city, list_cities
from catalogue.models import City
from catalogue.topics import Topic
from community.learners import forget_learner, toggle_interest
from conversations import follows, onboarding
from conversations.callbacks import Callback, pack, unpack
from conversations.context import BotContext
from conversations.i18n import LANGUAGES, _, current_language, match_language, set_language
from conversations.keyboards import city_keyboard, language_keyboard, topic_keyboard
from conversations.labels import TOPIC_LABELS
from conversations.menu import send_menu

JOURNEY = "set"
TOPIC_CODES = frozenset(topic.value for topic in Topic)


def _settings_keyboard(consent: bool) -> InlineKeyboardMarkup:
    keyboard = [
        [
            InlineKeyboardButton(_("🌐 Language"), callback_data=pack(JOURNEY, "lang")),
            InlineKeyboardButton(_("🏙 City"), callback_data=pack(JOURNEY, "city")),
        ],
        [
            InlineKeyboardButton(_("❤️ Interests"), callback_data=pack(JOURNEY, "topics")),
            InlineKeyboardButton(_("🔒 My data"), callback_data=pack(JOURNEY, "data")),
        ],
        # The following screen edits this message in place; /following opens it too.
        [
            InlineKeyboardButton(
                _("🔔 Following and weekly news"), callback_data=pack(follows.JOURNEY, "list")
            )
        ],
    ]
    if not consent:
        keyboard.append(
            [
                InlineKeyboardButton(
                    _("✅ Turn on badges and reminders"), callback_data=pack(JOURNEY, "consent")
                )
            ]
        )
    return InlineKeyboardMarkup(keyboard)


async def _summary(context: BotContext) -> str:
    learner = context.learner
    city = await context.db.get(City, learner.city_id) if learner.city_id else None
    topics = ", ".join(str(TOPIC_LABELS[Topic(t)]) for t in learner.interests if t in TOPIC_CODES)
    return _(
        "⚙️ <b>Your settings</b>\n\nLanguage: {language}\nCity: {city}\nInterests: {topics}\n"
        "Badges and reminders: {consent}",
        language=LANGUAGES[learner.language],
        city=city.name(learner.language) if city else _("not chosen"),
        topics=topics or _("none yet"),
        consent=_("on") if learner.consent else _("off"),
    )


async def show_settings(update: Update, context: BotContext) -> None:
    """/settings: what we know, and buttons to change it."""
    await context.bot.send_message(
        update.effective_chat.id,
        await _summary(context),
        reply_markup=_settings_keyboard(context.learner.consent),
    )


async def choose_language(update: Update, context: BotContext) -> None:
    """/language: pick another language."""
    await context.bot.send_message(
        update.effective_chat.id,
        _("Which language do you want?"),
        reply_markup=language_keyboard(JOURNEY, context.learner.language),
    )


def _interests_keyboard(interests: list[str]) -> InlineKeyboardMarkup:
    return topic_keyboard(
        interests,
        lambda topic: pack(JOURNEY, "topic", topic),
        [InlineKeyboardButton(_("Done ✅"), callback_data=pack(JOURNEY, "back"))],
    )


async def on_button(update: Update, context: BotContext) -> None:
    """Handle every settings button; unknown or forged data gets the settings again."""
    query = update.callback_query
    callback = unpack(query.data, JOURNEY)
    handler = _ACTIONS.get(callback.action) if callback else None
    if callback is None or handler is None:
        await query.answer(_("That button is from an earlier message."))
        await show_settings(update, context)
        return
    try:
        await handler(update, context, callback)
    finally:
        # Stop the button's spinner, unless the handler already answered (with an alert).
        with contextlib.suppress(BadRequest):
            await query.answer()


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def _on_language(update: Update, context: BotContext, callback: Callback) -> None:
    if not callback.args:
        await _edit(
            update,
            _("Which language do you want?"),
            language_keyboard(JOURNEY, context.learner.language),
        )
        return
    language = match_language(callback.arg(0))
    context.learner.language = language
    set_language(language)
    await _edit(update, _("Language: {language} ✅", language=LANGUAGES[language]))
    await send_menu(update, context, _("What would you like to do?"))


async def _on_city(update: Update, context: BotContext, callback: Callback) -> None:
    if not callback.args:
        cities = await list_cities(context.db)
        await _edit(update, _("Which city?"), city_keyboard(JOURNEY, cities))
        return
    city = await get_city(context.db, callback.arg(0))
    if city is None:
        await show_settings(update, context)
        return
    context.learner.city_id = city.id
    await _edit(update, _("City: {city} ✅", city=city.name(current_language())))


async def _on_topics(update: Update, context: BotContext, _callback: Callback) -> None:
    await _edit(
        update,
        _("What do you like? Tap everything that interests you, then tap <b>Done</b>."),
        _interests_keyboard(context.learner.interests),
    )


async def _on_topic(update: Update, context: BotContext, callback: Callback) -> None:
    if callback.arg(0) not in TOPIC_CODES:
        return
    if not context.learner.consent:
        await update.callback_query.answer(
            _("Turn on badges and reminders first, so we may keep your interests."),
            show_alert=True,
        )
        return
    interests = toggle_interest(context.learner, Topic(callback.arg(0)))
    await update.callback_query.edit_message_reply_markup(_interests_keyboard(interests))


async def _on_back(update: Update, context: BotContext, _callback: Callback) -> None:
    await _edit(update, await _summary(context), _settings_keyboard(context.learner.consent))


async def _on_data(update: Update, context: BotContext, _callback: Callback) -> None:
    await _edit(
        update,
        _(
            "🔒 <b>Your data</b>\n\nWe keep your Telegram id, first name, language, city, "
            "interests, age group and your answers to our questions. Badges you shared stay "
            "valid after you delete your data, but nobody can link them to you.\n\n"
            "Do you want to delete everything?"
        ),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("🗑 Delete everything"), callback_data=pack(JOURNEY, "delete")
                    )
                ],
                [InlineKeyboardButton(_("⬅️ Back"), callback_data=pack(JOURNEY, "back"))],
            ]
        ),
    )


async def _on_delete(update: Update, context: BotContext, callback: Callback) -> None:
    if callback.arg(0) != "yes":
        await _edit(
            update,
            _("Are you sure? This cannot be undone."),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("Yes, delete it all"), callback_data=pack(JOURNEY, "delete", "yes")
                        )
                    ],
                    [InlineKeyboardButton(_("⬅️ Back"), callback_data=pack(JOURNEY, "back"))],
                ]
            ),
        )
        return
    await forget_learner(context.db, context.learner.id)
    context.scope.learner = None
    await _edit(
        update,
        _("Done. Everything we kept about you is deleted. Send /start if you want to come back."),
    )


async def _on_consent(update: Update, context: BotContext, _callback: Callback) -> None:
    await _edit(update, _("⚙️ Settings"))
    await onboarding.ask_age(update, context)


_ACTIONS = {
    "lang": _on_language,
    "city": _on_city,
    "topics": _on_topics,
    "topic": _on_topic,
    "back": _on_back,
    "data": _on_data,
    "delete": _on_delete,
    "consent": _on_consent,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the settings journey."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("settings", show_settings, filters=private),
        CommandHandler("language", choose_language, filters=private),
        CallbackQueryHandler(on_button, pattern=f"^{JOURNEY}:"),
    ]
