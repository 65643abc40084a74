"""Reminders in chat: what a due message says, snooze and stop, and the reminder settings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from catalogue.models import Activity, ActivityStatus, City
from community.dispatch import Due
from community.models import Learner, ReminderKind
from community.preferences import (
    OFFSET_CHOICES,
    ReminderPreferences,
    get_reminders,
    set_reminders,
    toggle_offset,
)
from community.reminders import activity_timezone, reschedule_learner, snooze, stop_reminders
from conversations import follows
from conversations.callbacks import Callback, pack, parse_id, parse_int
from conversations.context import BotContext, Reply
from conversations.i18n import N_, LazyString, _, format_day, format_skeleton
from conversations.routing import button_handler

JOURNEY = "rem"
TITLE_LIMIT = 80

OFFSET_LABELS: dict[int, LazyString] = {
    1440: N_("1 day before"),
    180: N_("3 hours before"),
    60: N_("1 hour before"),
}


def short(text: str, limit: int = TITLE_LIMIT) -> str:
    """Cut a title to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def moment(starts_at: datetime, timezone: str) -> tuple[str, str]:
    """The day and the time of a session, in the city's timezone and the reader's language."""
    return format_day(starts_at, timezone), format_skeleton(starts_at, "Hm", timezone)


def open_button(activity_id: int) -> InlineKeyboardButton:
    """The button that opens an activity's card (the discovery journey answers it)."""
    return InlineKeyboardButton(_("ℹ️ Details"), callback_data=pack("act", "open", activity_id))


def _place(activity: Activity) -> str:
    if activity.online:
        return _("💻 Online")
    if activity.venue_name:
        return _("📍 {place}", place=activity.venue_name)
    return ""


def _reminder(activity: Activity, due: Due, starts_at: datetime, timezone: str) -> Reply:
    day, hour = moment(starts_at, timezone)
    lines = [
        _(
            "⏰ Reminder: <b>{title}</b>\n🗓 {day} at {time}",
            title=short(activity.title(due.language)),
            day=day,
            time=hour,
        )
    ]
    if place := _place(activity):
        lines.append(place)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("😴 Remind me in 1 hour"), callback_data=pack(JOURNEY, "snooze", due.id)
                ),
                InlineKeyboardButton(
                    _("🔕 Stop reminders"), callback_data=pack(JOURNEY, "stop", due.id)
                ),
            ],
            [open_button(activity.id)],
        ]
    )
    return Reply("\n".join(lines), markup)


def _follow_up(activity: Activity, due: Due) -> Reply:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("✅ Yes, I went"), callback_data=pack("plan", "went", due.id)
                ),
                InlineKeyboardButton(_("❌ No"), callback_data=pack("plan", "miss", due.id)),
            ]
        ]
    )
    text = _("👋 Did you go to <b>{title}</b>?", title=short(activity.title(due.language)))
    return Reply(text, markup)


def _moved(activity: Activity, due: Due, starts_at: datetime, timezone: str) -> Reply:
    day, hour = moment(starts_at, timezone)
    text = _(
        "📅 Change of plans: <b>{title}</b> has moved.\nThe new time is {day} at {time}.",
        title=short(activity.title(due.language)),
        day=day,
        time=hour,
    )
    return Reply(text, InlineKeyboardMarkup([[open_button(activity.id)]]))


def _cancelled(activity: Activity, due: Due) -> Reply:
    text = _(
        "❌ Sorry, <b>{title}</b> was cancelled by the organisers.\n"
        "Send /menu to find something else.",
        title=short(activity.title(due.language)),
    )
    return Reply(text)


async def _about_activity(session: AsyncSession, activity: Activity, due: Due) -> Reply | None:
    if due.kind is ReminderKind.CANCELLED:
        return _cancelled(activity, due)
    if activity.status != ActivityStatus.ACTIVE.value:
        return None
    if due.kind is ReminderKind.FOLLOW_UP:
        return _follow_up(activity, due)
    if due.starts_at is None:
        return None  # reminders and moved notices always name their session
    timezone = await activity_timezone(session, activity)
    if due.kind is ReminderKind.MOVED:
        return _moved(activity, due, due.starts_at, timezone)
    return _reminder(activity, due, due.starts_at, timezone)


async def render_due(session: AsyncSession, due: Due) -> Reply | None:
    """The message for a due row in the current language; None when there is nothing to say."""
    if due.kind is ReminderKind.DIGEST:
        return await follows.render_digest(session, due)
    activity = await session.get(Activity, due.activity_id) if due.activity_id else None
    return await _about_activity(session, activity, due) if activity is not None else None


# --- the settings screen ---------------------------------------------------------------


def clock_time(hour: int, timezone: str) -> str:
    """An hour of the day such as 22:00, written the way the reader's language does."""
    any_day = datetime(2000, 1, 3, hour, tzinfo=ZoneInfo(timezone))
    return format_skeleton(any_day, "Hm", timezone)


async def learner_timezone(context: BotContext) -> str:
    """The timezone of the learner's city (UTC when they chose none)."""
    learner = context.learner
    city = await context.db.get(City, learner.city_id) if learner.city_id else None
    return city.timezone if city else "UTC"


def settings_text(preferences: ReminderPreferences, timezone: str) -> str:
    """What the reminder settings are, in words."""
    if preferences.offsets:
        when = ", ".join(str(OFFSET_LABELS[o]) for o in preferences.offsets)
        text = _("⏰ <b>Reminders</b>\n\nI remind you {when}.", when=when)
    else:
        text = _("⏰ <b>Reminders</b>\n\nReminders are off.")
    if preferences.quiet_hours:
        quiet = _(
            "🌙 Quiet hours: no messages from {start} to {end}.",
            start=clock_time(preferences.quiet_start, timezone),
            end=clock_time(preferences.quiet_end, timezone),
        )
    else:
        quiet = _("🌙 Quiet hours are off: I may write at any time.")
    return text + "\n" + quiet


def settings_keyboard(preferences: ReminderPreferences) -> InlineKeyboardMarkup:
    """One toggle per offset, "none", and the quiet hours switch."""
    offsets = [
        InlineKeyboardButton(
            f"✅ {OFFSET_LABELS[o]}" if o in preferences.offsets else str(OFFSET_LABELS[o]),
            callback_data=pack(JOURNEY, "at", o),
        )
        for o in OFFSET_CHOICES
    ]
    quiet = _("🌙 Quiet hours: on") if preferences.quiet_hours else _("🌙 Quiet hours: off")
    return InlineKeyboardMarkup(
        [
            offsets,
            [
                InlineKeyboardButton(_("🔕 No reminders"), callback_data=pack(JOURNEY, "none")),
                InlineKeyboardButton(quiet, callback_data=pack(JOURNEY, "quiet")),
            ],
            [InlineKeyboardButton(_("📌 My plans"), callback_data=pack("plan", "list"))],
        ]
    )


async def show_settings(update: Update, context: BotContext) -> None:
    """/reminders: when reminders come, with buttons to change it."""
    preferences = get_reminders(context.learner)
    text = settings_text(preferences, await learner_timezone(context))
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(
            text, reply_markup=settings_keyboard(preferences)
        )
        return
    await context.bot.send_message(
        update.effective_chat.id, text, reply_markup=settings_keyboard(preferences)
    )


async def _changed(update: Update, context: BotContext, preferences: ReminderPreferences) -> None:
    await reschedule_learner(context.db, context.learner, context.services.clock())
    await update.callback_query.edit_message_text(
        settings_text(preferences, await learner_timezone(context)),
        reply_markup=settings_keyboard(preferences),
    )


async def _on_offset(update: Update, context: BotContext, callback: Callback) -> None:
    minutes = parse_int(callback.arg(0))
    if minutes is None or minutes not in OFFSET_CHOICES:
        await update.callback_query.answer(_("That button is from an earlier message."))
        return
    await update.callback_query.answer()
    await _changed(update, context, toggle_offset(context.learner, int(minutes)))


async def _on_none(update: Update, context: BotContext, _callback: Callback) -> None:
    current = get_reminders(context.learner)
    await update.callback_query.answer(_("🔕 Reminders are off."))
    await _changed(
        update,
        context,
        set_reminders(
            context.learner,
            ReminderPreferences((), current.quiet_hours, current.quiet_start, current.quiet_end),
        ),
    )


async def _on_quiet(update: Update, context: BotContext, _callback: Callback) -> None:
    current = get_reminders(context.learner)
    changed = ReminderPreferences(
        current.offsets, not current.quiet_hours, current.quiet_start, current.quiet_end
    )
    await update.callback_query.answer()
    await _changed(update, context, set_reminders(context.learner, changed))


async def _on_prefs(update: Update, context: BotContext, _callback: Callback) -> None:
    await update.callback_query.answer()
    await show_settings(update, context)


# --- buttons on a reminder -------------------------------------------------------------


def _reminder_id(callback: Callback) -> int | None:
    return parse_id(callback.arg(0))


async def _on_snooze(update: Update, context: BotContext, callback: Callback) -> None:
    query = update.callback_query
    reminder_id = _reminder_id(callback)
    learner: Learner = context.learner
    result = (
        await snooze(context.db, learner, reminder_id, context.services.clock())
        if reminder_id is not None
        else None
    )
    if result is None or result.reason == "unknown":
        await query.answer(_("That button is from an earlier message."))
        return
    if result.due_at is None:
        await query.answer(
            _("It starts before then, so this was your last reminder."), show_alert=True
        )
        return
    await query.answer(_("😴 OK, I'll remind you again in an hour."))
    await query.edit_message_reply_markup(None)


async def _on_stop(update: Update, context: BotContext, callback: Callback) -> None:
    query = update.callback_query
    reminder_id = _reminder_id(callback)
    activity_id = (
        await stop_reminders(context.db, context.learner, reminder_id)
        if reminder_id is not None
        else None
    )
    if activity_id is None:
        await query.answer(_("That button is from an earlier message."))
        return
    await query.answer(_("🔕 No more reminders for this one. It stays in /plans."))
    await query.edit_message_reply_markup(InlineKeyboardMarkup([[open_button(activity_id)]]))


_ACTIONS = {
    "snooze": _on_snooze,
    "stop": _on_stop,
    "prefs": _on_prefs,
    "at": _on_offset,
    "none": _on_none,
    "quiet": _on_quiet,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the reminders journey."""
    return [
        CommandHandler("reminders", show_settings, filters=filters.ChatType.PRIVATE),
        button_handler(JOURNEY, _ACTIONS),
    ]
