"""Following topics, partners and neighbourhoods, and the weekly digest they feed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from catalogue.models import Activity, ActivityStatus, City, Occurrence, Partner
from catalogue.topics import Topic
from community.digest import mute_digest
from community.dispatch import Due
from community.follows import (
    Followed,
    TooManyFollowsError,
    describe_follows,
    neighbourhoods,
    toggle_follow,
    unfollow,
)
from community.models import FollowKind
from community.preferences import DIGEST_HOURS, DigestPreferences, get_digest, set_digest
from conversations.callbacks import Callback, pack, parse_id, parse_int
from conversations.context import BotContext, Reply
from conversations.i18n import _, current_language, format_day, format_skeleton, ngettext, plain
from conversations.keyboards import rows, topic_keyboard
from conversations.labels import TOPIC_LABELS
from conversations.routing import button_handler

JOURNEY = "fol"
TOPIC_CODES = frozenset(topic.value for topic in Topic)
KIND_BY_ACTION = {
    "topic": FollowKind.TOPIC,
    "partner": FollowKind.PARTNER,
    "place": FollowKind.PLACE,
}


def follow_buttons(activity: Activity) -> list[InlineKeyboardButton]:
    """Buttons for an activity card: follow its organiser and its first topic."""
    buttons = [
        InlineKeyboardButton(
            _("🔔 Follow the organiser"),
            callback_data=pack(JOURNEY, "partner", activity.partner_id),
        )
    ]
    topic = next((t for t in activity.topics or [] if t in TOPIC_CODES), None)
    if topic is not None:
        buttons.append(
            InlineKeyboardButton(
                _("🔔 Follow {topic}", topic=str(TOPIC_LABELS[Topic(topic)])),
                callback_data=pack(JOURNEY, "topic", topic),
            )
        )
    return buttons


def _day_name(weekday: int) -> str:
    return str(get_day_names("wide", locale=Locale.parse(current_language()))[weekday])


def _slot(preferences: DigestPreferences, timezone: str) -> tuple[str, str]:
    any_day = datetime(2000, 1, 3, preferences.hour, tzinfo=ZoneInfo(timezone))
    return _day_name(preferences.weekday), format_skeleton(any_day, "Hm", timezone)


def _label(followed: Followed) -> str:
    if followed.kind is FollowKind.TOPIC and followed.value in TOPIC_CODES:
        return str(TOPIC_LABELS[Topic(followed.value)])
    if followed.kind is FollowKind.PLACE:
        return _("📍 {place}", place=followed.name)
    return _("🏢 {partner}", partner=followed.name)


async def _city(context: BotContext) -> City | None:
    learner = context.learner
    return await context.db.get(City, learner.city_id) if learner.city_id else None


async def _following(context: BotContext) -> Reply:
    learner = context.learner
    followed = await describe_follows(context.db, learner)
    city = await _city(context)
    preferences = get_digest(learner)
    day, hour = _slot(preferences, city.timezone if city else "UTC")
    if followed:
        lines = [_("🔔 <b>Following</b>"), ""] + [f"• {_label(f)}" for f in followed]
    else:
        lines = [
            _("🔔 <b>Following</b>"),
            "",
            _(
                "You don't follow anything yet. Follow topics, organisers or places, and I'll "
                "tell you once a week what's new."
            ),
        ]
    lines.append("")
    if preferences.muted:
        lines.append(_("📬 The weekly news is muted."))
    else:
        lines.append(
            _(
                "📬 Weekly news: every {day} at {time}, only when there is something new.",
                day=day,
                time=hour,
            )
        )
    keyboard = [
        [InlineKeyboardButton(plain(f"❌ {_label(f)}"), callback_data=pack(JOURNEY, "un", f.id))]
        for f in followed
    ]
    keyboard.append(
        [
            InlineKeyboardButton(_("➕ Topics"), callback_data=pack(JOURNEY, "topics")),
            InlineKeyboardButton(_("➕ Places"), callback_data=pack(JOURNEY, "places")),
        ]
    )
    mute = (
        InlineKeyboardButton(_("🔔 Turn the news on"), callback_data=pack(JOURNEY, "unmute", "s"))
        if preferences.muted
        else InlineKeyboardButton(_("🔕 Mute the news"), callback_data=pack(JOURNEY, "mute", "s"))
    )
    keyboard.append(
        [InlineKeyboardButton(_("🗓 Day and time"), callback_data=pack(JOURNEY, "when")), mute]
    )
    return Reply("\n".join(lines), InlineKeyboardMarkup(keyboard))


async def show_following(update: Update, context: BotContext) -> None:
    """/following: what the learner follows, with one-tap unfollow and mute."""
    reply = await _following(context)
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(reply.text, reply_markup=reply.markup)
        return
    await context.bot.send_message(update.effective_chat.id, reply.text, reply_markup=reply.markup)


async def _topics(context: BotContext) -> Reply:
    followed = {
        f.value
        for f in await describe_follows(context.db, context.learner)
        if f.kind is FollowKind.TOPIC
    }
    keyboard = topic_keyboard(
        followed,
        lambda topic: pack(JOURNEY, "t", topic),
        [InlineKeyboardButton(_("Done ✅"), callback_data=pack(JOURNEY, "list"))],
    )
    return Reply(_("Which topics do you want to hear about?"), keyboard)


async def _places(context: BotContext) -> Reply:
    city = await _city(context)
    followed = {
        f.value
        for f in await describe_follows(context.db, context.learner)
        if f.kind is FollowKind.PLACE
    }
    buttons = [
        InlineKeyboardButton(
            f"✅ {place.get('name', slug)}" if slug in followed else str(place.get("name", slug)),
            callback_data=pack(JOURNEY, "p", slug),
        )
        for slug, place in neighbourhoods(city).items()
        if len(pack(JOURNEY, "p", slug).encode()) <= 64
    ]
    keyboard = rows(buttons, 2)
    keyboard.append([InlineKeyboardButton(_("Done ✅"), callback_data=pack(JOURNEY, "list"))])
    if not buttons:
        return Reply(
            _("I don't know the neighbourhoods of your city yet."), InlineKeyboardMarkup(keyboard)
        )
    return Reply(_("Which places do you want to hear about?"), InlineKeyboardMarkup(keyboard))


async def _when(context: BotContext) -> Reply:
    preferences = get_digest(context.learner)
    city = await _city(context)
    timezone = city.timezone if city else "UTC"
    days = [
        InlineKeyboardButton(
            ("✅ " if preferences.weekday == d else "") + _day_name(d),
            callback_data=pack(JOURNEY, "day", d),
        )
        for d in range(7)
    ]
    hours = [
        InlineKeyboardButton(
            ("✅ " if preferences.hour == h else "")
            + _slot(DigestPreferences(hour=h), timezone)[1],
            callback_data=pack(JOURNEY, "hour", h),
        )
        for h in DIGEST_HOURS
    ]
    keyboard = [*rows(days, 3), hours]
    keyboard.append([InlineKeyboardButton(_("Done ✅"), callback_data=pack(JOURNEY, "list"))])
    return Reply(_("When do you want the weekly news?"), InlineKeyboardMarkup(keyboard))


# --- the digest message ------------------------------------------------------------------


async def render_digest(session: AsyncSession, due: Due) -> Reply | None:
    """The weekly news for one learner, or None when every listed activity is gone."""
    ids = [int(i) for i in due.payload.get("activity_ids", []) if isinstance(i, int)]
    if not ids:
        return None
    first = (
        select(Occurrence.starts_at)
        .where(Occurrence.activity_id == Activity.id)
        .order_by(Occurrence.starts_at)
        .limit(1)
        .scalar_subquery()
    )
    found = await session.execute(
        select(Activity, City.timezone, first)
        .join(City, City.id == Activity.city_id)
        .where(Activity.id.in_(ids), Activity.status == ActivityStatus.ACTIVE.value)
    )
    by_id = {activity.id: (activity, timezone, starts) for activity, timezone, starts in found}
    listed = [by_id[i] for i in ids if i in by_id]
    if not listed:
        return None
    total = int(due.payload.get("total") or len(listed))
    lines = [
        ngettext(
            "📬 <b>New for you this week</b>: {count} new activity",
            "📬 <b>New for you this week</b>: {count} new activities",
            total,
        ),
        "",
    ]
    keyboard = []
    for number, (activity, timezone, starts) in enumerate(listed, 1):
        title = activity.title(due.language)
        if starts is not None:
            lines.append(
                _(
                    "{number}. <b>{title}</b> · {day}, {time}",
                    number=number,
                    title=title[:80],
                    day=format_day(starts, timezone),
                    time=format_skeleton(starts, "Hm", timezone),
                )
            )
        else:
            lines.append(_("{number}. <b>{title}</b>", number=number, title=title[:80]))
        keyboard.append(
            InlineKeyboardButton(str(number), callback_data=pack("act", "open", activity.id))
        )
    markup = rows(keyboard, 5)
    markup.append(
        [
            InlineKeyboardButton(_("🔕 Mute"), callback_data=pack(JOURNEY, "mute")),
            InlineKeyboardButton(_("⚙️ Following"), callback_data=pack(JOURNEY, "list")),
        ]
    )
    return Reply("\n".join(lines), InlineKeyboardMarkup(markup))


# --- buttons -----------------------------------------------------------------------------


async def _name(context: BotContext, kind: FollowKind, value: str) -> str:
    if kind is FollowKind.TOPIC:
        return str(TOPIC_LABELS[Topic(value)]) if value in TOPIC_CODES else value
    partner_id = parse_id(value) if kind is FollowKind.PARTNER else None
    if partner_id is not None:
        partner = await context.db.get(Partner, partner_id)
        return partner.name if partner else value
    place = neighbourhoods(await _city(context)).get(value)
    return str(place.get("name", value)) if place else value


async def _limit_alert(update: Update, limit: TooManyFollowsError) -> None:
    await update.callback_query.answer(
        _(
            "You follow {count} things already, the most I can keep. Stop following "
            "something in /following first.",
            count=limit.args[0],
        ),
        show_alert=True,
    )


async def _on_toggle(update: Update, context: BotContext, callback: Callback) -> None:
    """A follow button on a card: follow, or unfollow when already following."""
    query = update.callback_query
    kind = KIND_BY_ACTION[callback.action]
    value = callback.arg(0)
    if not context.learner.consent:
        await query.answer(
            _("Turn on badges and reminders in /settings first, so I may keep what you follow."),
            show_alert=True,
        )
        return
    try:
        result = await toggle_follow(
            context.db, context.learner, kind, value, context.services.clock()
        )
    except TooManyFollowsError as limit:
        await _limit_alert(update, limit)
        return
    if result is None:
        await query.answer(_("That button is from an earlier message."))
        return
    name = await _name(context, kind, value)
    if result:
        await query.answer(
            plain(
                _(
                    "🔔 You follow {name} now. Once a week I'll tell you what's new. "
                    "See /following",
                    name=name,
                )
            )
        )
    else:
        await query.answer(plain(_("🔕 You don't follow {name} any more.", name=name)))


async def _on_picker(update: Update, context: BotContext, callback: Callback) -> None:
    """A topic or place in a picker: toggle it and redraw the picker."""
    kind = FollowKind.TOPIC if callback.action == "t" else FollowKind.PLACE
    query = update.callback_query
    if not context.learner.consent:
        await query.answer(
            _("Turn on badges and reminders in /settings first, so I may keep what you follow."),
            show_alert=True,
        )
        return
    try:
        result = await toggle_follow(
            context.db, context.learner, kind, callback.arg(0), context.services.clock()
        )
    except TooManyFollowsError as limit:
        await _limit_alert(update, limit)
        return
    if result is None:
        await query.answer(_("That button is from an earlier message."))
        return
    await query.answer()
    reply = await (_topics(context) if kind is FollowKind.TOPIC else _places(context))
    await query.edit_message_reply_markup(reply.markup)


async def _on_unfollow(update: Update, context: BotContext, callback: Callback) -> None:
    follow_id = parse_id(callback.arg(0))
    if follow_id is not None:
        await unfollow(context.db, context.learner.id, follow_id)
    await update.callback_query.answer(_("Done: you don't follow it any more."))
    await show_following(update, context)


async def _on_mute(update: Update, context: BotContext, callback: Callback) -> None:
    muted = callback.action == "mute"
    mute_digest(context.learner, muted=muted)
    query = update.callback_query
    if muted:
        await query.answer(_("🔕 Muted. Turn the weekly news on again in /following."))
    else:
        await query.answer(_("🔔 The weekly news is on."))
    if callback.arg(0) == "s":  # pressed on the Following screen: redraw it
        await show_following(update, context)


async def _on_slot(update: Update, context: BotContext, callback: Callback) -> None:
    current = get_digest(context.learner)
    number = parse_int(callback.arg(0), high=23)
    if number is not None:
        if callback.action == "day" and 0 <= number <= 6:
            set_digest(context.learner, DigestPreferences(number, current.hour, current.muted))
        elif callback.action == "hour" and number in DIGEST_HOURS:
            set_digest(context.learner, DigestPreferences(current.weekday, number, current.muted))
    await update.callback_query.answer()
    reply = await _when(context)
    await update.callback_query.edit_message_text(reply.text, reply_markup=reply.markup)


async def _on_screen(update: Update, context: BotContext, callback: Callback) -> None:
    await update.callback_query.answer()
    if callback.action == "list":
        await show_following(update, context)
        return
    screens = {"topics": _topics, "places": _places, "when": _when}
    reply = await screens[callback.action](context)
    await update.callback_query.edit_message_text(reply.text, reply_markup=reply.markup)


_ACTIONS = {
    "topic": _on_toggle,
    "partner": _on_toggle,
    "place": _on_toggle,
    "t": _on_picker,
    "p": _on_picker,
    "un": _on_unfollow,
    "mute": _on_mute,
    "unmute": _on_mute,
    "day": _on_slot,
    "hour": _on_slot,
    "list": _on_screen,
    "topics": _on_screen,
    "places": _on_screen,
    "when": _on_screen,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the following journey."""
    return [
        CommandHandler("following", show_following, filters=filters.ChatType.PRIVATE),
        button_handler(JOURNEY, _ACTIONS),
    ]
