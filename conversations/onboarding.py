"""Onboarding: /start → language → city → interests → age → consent → main menu.

The current step is stored on the learner (``onboarding_step``), so a restart mid-way loses
nothing, and a button from an old message is recognised and answered with the current step.
"""

from __future__ import annotations

from enum import StrEnum

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from catalogue.cities import get_city, list_cities, nearest_city
from catalogue.models import Activity, City
from catalogue.topics import Topic
from community.consent import AgeBand, consent_age
from community.learners import record_consent, set_age_band, toggle_interest
from community.models import Learner
from conversations import activity_card, checkin
from conversations.callbacks import Callback, pack, parse_id, unpack
from conversations.context import BotContext
from conversations.filters import IN_ONBOARDING, PRIVATE
from conversations.i18n import (
    LANGUAGES,
    _,
    current_language,
    format_distance,
    match_language,
    set_language,
)
from conversations.keyboards import (
    city_keyboard,
    language_keyboard,
    location_keyboard,
    rows,
    topic_keyboard,
)
from conversations.labels import AGE_LABELS, TOPIC_LABELS
from conversations.menu import help_text, send_menu

JOURNEY = "onb"


class Step(StrEnum):
    """Where a learner is in onboarding."""

    LANGUAGE = "language"
    CITY = "city"
    INTERESTS = "interests"
    AGE = "age"
    GUARDIAN = "guardian"
    CONSENT = "consent"


def _payload_city(args: list[str] | None) -> str | None:
    if not args or args[0].lower().startswith(("act_", "chk_")):
        return None
    payload = args[0].lower()
    return payload.removeprefix("city_").removeprefix("city-")[:64] or None


def _payload_activity(args: list[str] | None) -> int | None:
    if not args or not args[0].lower().startswith("act_"):
        return None
    return parse_id(args[0][4:])


async def start(update: Update, context: BotContext) -> None:
    """/start [city | act_ID]: greet, follow a deep link, and ask for the language."""
    learner = context.learner
    slug = _payload_city(context.args)
    city = await get_city(context.db, slug) if slug else None
    if city is not None:
        learner.city_id = city.id
    payload = context.args[0] if context.args else ""
    checked_in = bool(payload) and await checkin.check_in(update, context, payload)
    if checked_in and learner.onboarded_at is not None:
        return
    activity_id = _payload_activity(context.args)
    if activity_id is not None:
        # A friend shared an activity: show it first; onboarding (if needed) follows.
        await activity_card.send_card(update, context, activity_id)
        if learner.city_id is None:
            shared = await context.db.get(Activity, activity_id)
            learner.city_id = shared.city_id if shared else None
    if learner.onboarded_at is not None:
        # Someone who already finished onboarding: a deep link only switches the city.
        if city is not None:
            await update.effective_message.reply_text(
                _("📍 Your city is now <b>{city}</b>.", city=city.name(learner.language))
            )
        await send_menu(update, context, _("Welcome back! What would you like to do?"))
        return
    await ask_language(update, context)


async def ask_language(update: Update, context: BotContext) -> None:
    """Ask for the language, pre-selecting the one Telegram reports."""
    learner = context.learner
    learner.onboarding_step = Step.LANGUAGE
    await update.effective_message.reply_text(
        _(
            "👋 Hi! I'm the City of Learning bot. I help you find things to learn near you "
            "and give you badges for what you do.\n\nFirst, which language do you want?"
        ),
        reply_markup=language_keyboard(JOURNEY, learner.language),
    )


async def ask_city(update: Update, context: BotContext) -> None:
    """Ask where the learner is: a shared location, or a city from the list."""
    learner = context.learner
    if learner.city_id is not None:
        await ask_interests(update, context)
        return
    learner.onboarding_step = Step.CITY
    cities = await list_cities(context.db)
    chat = update.effective_chat
    await context.bot.send_message(
        chat.id,
        _("Where are you? Pick your city, or share your location and I'll find the nearest one."),
        reply_markup=city_keyboard(JOURNEY, cities),
    )
    await context.bot.send_message(
        chat.id,
        _("Tap the button below to share where you are."),
        reply_markup=location_keyboard(),
    )


def _interests_keyboard(learner: Learner) -> InlineKeyboardMarkup:
    return topic_keyboard(
        learner.interests,
        lambda topic: pack(JOURNEY, "topic", topic),
        [
            InlineKeyboardButton(_("Skip"), callback_data=pack(JOURNEY, "topics", "skip")),
            InlineKeyboardButton(_("Done ✅"), callback_data=pack(JOURNEY, "topics", "done")),
        ],
    )


async def ask_interests(update: Update, context: BotContext) -> None:
    """Ask which topics the learner likes (several, or none)."""
    learner = context.learner
    learner.onboarding_step = Step.INTERESTS
    await context.bot.send_message(
        update.effective_chat.id,
        _("What do you like? Tap everything that interests you, then tap <b>Done</b>."),
        reply_markup=_interests_keyboard(learner),
    )


async def ask_age(update: Update, context: BotContext) -> None:
    """Ask for the age band, needed to apply the country's consent age."""
    context.learner.onboarding_step = Step.AGE
    buttons = [
        InlineKeyboardButton(str(label), callback_data=pack(JOURNEY, "age", band.value))
        for band, label in AGE_LABELS.items()
    ]
    await context.bot.send_message(
        update.effective_chat.id,
        _("How old are you? We ask so we can follow the rules that protect young people."),
        reply_markup=InlineKeyboardMarkup(rows(buttons, 4)),
    )


async def _country(context: BotContext) -> str:
    city_id = context.learner.city_id
    city = await context.db.get(City, city_id) if city_id is not None else None
    return city.country if city else ""


async def ask_guardian(update: Update, context: BotContext, country: str) -> None:
    """Ask whether a parent or guardian agrees, for learners under the consent age."""
    context.learner.onboarding_step = Step.GUARDIAN
    territory = Locale.parse(current_language()).territories.get(country, country)
    await context.bot.send_message(
        update.effective_chat.id,
        _(
            "In {country}, people under {age} need a parent or guardian to say yes before we "
            "keep anything about them.\n\nHas a parent or guardian said yes?",
            country=territory,
            age=consent_age(country),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Yes, they agree"), callback_data=pack(JOURNEY, "guard", "yes")
                    )
                ],
                [InlineKeyboardButton(_("Not yet"), callback_data=pack(JOURNEY, "guard", "no"))],
            ]
        ),
    )


async def ask_consent(update: Update, context: BotContext) -> None:
    """Explain what we keep and ask for consent."""
    context.learner.onboarding_step = Step.CONSENT
    await context.bot.send_message(
        update.effective_chat.id,
        _(
            "One last thing. We keep your language, city, interests and age group so we can "
            "suggest activities and give you badges. We never share them without asking you, "
            "and you can delete everything at any time in ⚙️ Settings.\n\nIs that OK?"
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("👍 Yes, that's OK"), callback_data=pack(JOURNEY, "ok", "yes")
                    )
                ],
                [InlineKeyboardButton(_("No, thanks"), callback_data=pack(JOURNEY, "ok", "no"))],
            ]
        ),
    )


async def finish(update: Update, context: BotContext) -> None:
    """End onboarding and show the main menu."""
    learner = context.learner
    learner.onboarding_step = None
    learner.onboarded_at = context.services.clock()
    if learner.consent:
        text = _("🎉 You're all set, {name}! What would you like to do?", name=learner.first_name)
    else:
        text = _(
            "No problem. You can still look for activities, and we only keep your language and "
            "city. To get badges and reminders later, go to ⚙️ Settings."
        )
    await send_menu(update, context, text)


async def resend_step(update: Update, context: BotContext) -> None:
    """Ask the current step's question again."""
    step = context.learner.onboarding_step
    if step == Step.LANGUAGE:
        await ask_language(update, context)
    elif step == Step.CITY:
        await ask_city(update, context)
    elif step == Step.INTERESTS:
        await ask_interests(update, context)
    elif step == Step.AGE:
        await ask_age(update, context)
    elif step == Step.GUARDIAN:
        await ask_guardian(update, context, await _country(context))
    elif step == Step.CONSENT:
        await ask_consent(update, context)
    else:
        await send_menu(update, context, _("What would you like to do?"))


async def _mark_chosen(update: Update, text: str) -> None:
    """Replace a question's buttons by the answer, so old buttons cannot be pressed again."""
    query = update.callback_query
    if query and query.message:
        await query.edit_message_text(text)


async def on_button(update: Update, context: BotContext) -> None:
    """Handle every onboarding button; a stale or forged one gets the current step again."""
    query = update.callback_query
    learner = context.learner
    callback = unpack(query.data, JOURNEY)
    step = learner.onboarding_step
    if callback is None or step is None or not _belongs_to(callback, step):
        await query.answer(_("That button is from an earlier message."))
        await resend_step(update, context)
        return
    await query.answer()
    await _STEP_HANDLERS[callback.action](update, context, callback)


def _belongs_to(callback: Callback, step: str) -> bool:
    return _ACTION_STEP.get(callback.action) == step


async def _on_language(update: Update, context: BotContext, callback: Callback) -> None:
    language = match_language(callback.arg(0))
    context.learner.language = language
    set_language(language)
    await _mark_chosen(update, _("Language: {language} ✅", language=_language_name(language)))
    await ask_city(update, context)


def _language_name(code: str) -> str:
    return LANGUAGES[code]


async def _on_city(update: Update, context: BotContext, callback: Callback) -> None:
    city = await get_city(context.db, callback.arg(0))
    if city is None:
        await resend_step(update, context)
        return
    context.learner.city_id = city.id
    await _mark_chosen(update, _("City: {city} ✅", city=city.name(current_language())))
    await context.bot.send_message(
        update.effective_chat.id, _("Great choice!"), reply_markup=ReplyKeyboardRemove()
    )
    await ask_interests(update, context)


async def _on_topic(update: Update, context: BotContext, callback: Callback) -> None:
    try:
        topic = Topic(callback.arg(0))
    except ValueError:
        await resend_step(update, context)
        return
    toggle_interest(context.learner, topic)
    await update.callback_query.edit_message_reply_markup(_interests_keyboard(context.learner))


async def _on_topics_done(update: Update, context: BotContext, callback: Callback) -> None:
    learner = context.learner
    if callback.arg(0) == "skip":
        learner.interests = []
    chosen = ", ".join(str(TOPIC_LABELS[Topic(t)]) for t in learner.interests) or _("none yet")
    await _mark_chosen(update, _("Interests: {topics}", topics=chosen))
    await ask_age(update, context)


async def _on_age(update: Update, context: BotContext, callback: Callback) -> None:
    try:
        band = AgeBand(callback.arg(0))
    except ValueError:
        await resend_step(update, context)
        return
    country = await _country(context)
    await _mark_chosen(update, _("Age: {age}", age=str(AGE_LABELS[band])))
    if set_age_band(context.learner, band, country):
        await ask_guardian(update, context, country)
    else:
        await ask_consent(update, context)


async def _on_guardian(update: Update, context: BotContext, callback: Callback) -> None:
    if callback.arg(0) == "yes":
        await _mark_chosen(update, _("A parent or guardian agrees ✅"))
        context.learner.guardian_consent = True
        await ask_consent(update, context)
        return
    await _mark_chosen(update, _("Not yet"))
    record_consent(context.learner, agreed=False)
    await finish(update, context)


async def _on_consent(update: Update, context: BotContext, callback: Callback) -> None:
    learner = context.learner
    agreed = callback.arg(0) == "yes"
    record_consent(learner, agreed=agreed, guardian=learner.guardian_consent)
    await _mark_chosen(update, _("👍 Yes, that's OK") if agreed else _("No, thanks"))
    await finish(update, context)


async def on_location(update: Update, context: BotContext) -> None:
    """A location shared at the city step picks the nearest city."""
    learner = context.learner
    if learner.onboarding_step != Step.CITY:
        await on_unexpected(update, context)
        return
    location = update.effective_message.location
    nearest = await nearest_city(context.db, location.latitude, location.longitude)
    learner.city_id = nearest.city.id
    await update.effective_message.reply_text(
        _(
            "📍 The nearest City of Learning is <b>{city}</b> ({distance} away).",
            city=nearest.city.name(learner.language),
            distance=format_distance(nearest.distance_km),
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    await ask_interests(update, context)


async def on_unexpected(update: Update, context: BotContext) -> None:
    """Anything else during onboarding: a short hint, then the same question again."""
    await update.effective_message.reply_text(
        _("Sorry, I didn't get that. Please answer with the buttons 👇")
    )
    await resend_step(update, context)


async def help_then_step(update: Update, context: BotContext) -> None:
    """/help during onboarding: explain, then ask the current question again."""
    await update.effective_message.reply_text(help_text())
    await resend_step(update, context)


_STEP_HANDLERS = {
    "lang": _on_language,
    "city": _on_city,
    "topic": _on_topic,
    "topics": _on_topics_done,
    "age": _on_age,
    "guard": _on_guardian,
    "ok": _on_consent,
}
_ACTION_STEP = {
    "lang": Step.LANGUAGE,
    "city": Step.CITY,
    "topic": Step.INTERESTS,
    "topics": Step.INTERESTS,
    "age": Step.AGE,
    "guard": Step.GUARDIAN,
    "ok": Step.CONSENT,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of this journey, in the order they must be tried."""
    return [
        CommandHandler("start", start, filters=PRIVATE),
        CommandHandler("help", help_then_step, filters=PRIVATE & IN_ONBOARDING),
        CommandHandler("language", ask_language, filters=PRIVATE & IN_ONBOARDING),
        MessageHandler(PRIVATE & IN_ONBOARDING & filters.LOCATION, on_location),
        MessageHandler(PRIVATE & IN_ONBOARDING, on_unexpected),
        CallbackQueryHandler(on_button, pattern=f"^{JOURNEY}:"),
    ]
