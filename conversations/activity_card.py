"""The activity card: what an activity is, and what a learner can do with it in one tap."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from catalogue.activities import ActivityDetails, activity_details
from catalogue.calendar import activity_ics
from catalogue.related import related_activities
from conversations.activity_view import card_text, shorten
from conversations.callbacks import pack
from conversations.context import BotContext
from conversations.follows import follow_buttons
from conversations.i18n import _, current_language

JOURNEY = "act"


def card_keyboard(
    details: ActivityDetails, bot_username: str, language: str
) -> InlineKeyboardMarkup:
    """Save, going, reminders, calendar, share, sign-up and map buttons for one activity.

    An activity no longer on offer keeps only what still helps: following its organiser or
    topic, and a way to what else is on.
    """
    activity_id = details.activity.id
    if not details.active:
        other = InlineKeyboardButton(
            _("🗓 What's on this week"), callback_data=pack(JOURNEY, "list", "week", 0)
        )
        return InlineKeyboardMarkup(
            [[button] for button in follow_buttons(details.activity)] + [[other]]
        )
    keyboard = [
        [
            InlineKeyboardButton(_("⭐ Save"), callback_data=pack("plan", "save", activity_id)),
            InlineKeyboardButton(
                _("✅ I'm going"), callback_data=pack("plan", "going", activity_id)
            ),
        ],
        [
            InlineKeyboardButton(
                _("⏰ Remind me"), callback_data=pack("plan", "remind", activity_id)
            ),
            InlineKeyboardButton(
                _("📅 Add to calendar"), callback_data=pack(JOURNEY, "ics", activity_id)
            ),
        ],
    ]
    link = f"https://t.me/{bot_username}?start=act_{activity_id}"
    share = "https://t.me/share/url?" + urlencode(
        {"url": link, "text": shorten(details.activity.title(language), 100)}, quote_via=quote
    )
    last = [InlineKeyboardButton(_("📤 Share"), url=share)]
    if details.activity.signup_url and details.activity.signup_url.startswith("https://"):
        last.append(InlineKeyboardButton(_("✍️ Sign up"), url=details.activity.signup_url))
    keyboard.append(last)
    keyboard += [[button] for button in follow_buttons(details.activity)]
    if details.activity.latitude is not None:
        keyboard.append(
            [
                InlineKeyboardButton(
                    _("🗺 Show on map"), callback_data=pack(JOURNEY, "map", activity_id)
                )
            ]
        )
    return InlineKeyboardMarkup(keyboard)


async def send_card(update: Update, context: BotContext, activity_id: int) -> None:
    """Send the card of one activity, or say it is gone."""
    details = await activity_details(context.db, activity_id, now=context.services.clock())
    if details is None:
        await context.bot.send_message(
            update.effective_chat.id, _("Sorry, I can't find that activity any more.")
        )
        return
    language = context.learner.language
    await context.bot.send_message(
        update.effective_chat.id,
        card_text(details, language, context.services.clock()),
        reply_markup=card_keyboard(details, context.bot.username, language),
    )


async def send_calendar_file(update: Update, context: BotContext, activity_id: int) -> None:
    """Send the activity's upcoming dates as an .ics file."""
    now = context.services.clock()
    details = await activity_details(context.db, activity_id, now=now, limit=20)
    if details is not None and not details.active:
        await context.bot.send_message(
            update.effective_chat.id, _("Sorry, this activity is not on offer any more.")
        )
        return
    if details is None or not details.upcoming:
        await context.bot.send_message(
            update.effective_chat.id, _("This activity has no dates coming up.")
        )
        return
    language = context.learner.language
    url = f"https://t.me/{context.bot.username}?start=act_{activity_id}"
    data = activity_ics(details.activity, details.upcoming, language=language, url=url, now=now)
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(data, filename=f"activity-{activity_id}.ics"),
        caption=_("📅 Open this file to add the dates to your calendar."),
    )


async def send_map(update: Update, context: BotContext, activity_id: int) -> None:
    """Send the activity's place as a venue message."""
    details = await activity_details(context.db, activity_id, now=context.services.clock())
    activity = details.activity if details else None
    if activity is None or activity.latitude is None or activity.longitude is None:
        await context.bot.send_message(update.effective_chat.id, _("No place to show on a map."))
        return
    await context.bot.send_venue(
        update.effective_chat.id,
        latitude=activity.latitude,
        longitude=activity.longitude,
        title=shorten(activity.venue_name or activity.title(context.learner.language), 100),
        address=shorten(activity.address or "", 200) or "—",
    )


async def send_next_steps(
    bot: Bot, chat_id: int, session: AsyncSession, activity_id: int, *, now: datetime
) -> bool:
    """After a badge or a check-in: suggest related upcoming activities; False if none."""
    hits = await related_activities(session, activity_id, now=now)
    if not hits:
        return False
    language = current_language()
    buttons = [
        [
            InlineKeyboardButton(
                shorten(hit.title(language), 60),
                callback_data=pack(JOURNEY, "open", hit.activity_id),
            )
        ]
        for hit in hits
    ]
    await bot.send_message(
        chat_id,
        _("🚀 Want to keep going? These are coming up and build on what you did:"),
        reply_markup=InlineKeyboardMarkup(buttons),
    )
    return True
