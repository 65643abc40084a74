"""Plans in chat: save, "I'm going", remind me, "My plans" (/plans) and "did you go?"."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from catalogue.models import Activity
from community.models import PlanStatus
from community.plans import (
    PlanError,
    PlanResult,
    PlanView,
    answer_follow_up,
    list_plans,
    remove_plan,
    save_plan,
    toggle_reminders,
)
from community.preferences import get_reminders
from conversations.callbacks import Callback, pack, parse_id
from conversations.context import BotContext, Reply
from conversations.i18n import _, ngettext
from conversations.reminders import moment, short
from conversations.routing import button_handler

JOURNEY = "plan"
MAX_LISTED = 20


def card_buttons(activity_id: int) -> list[list[InlineKeyboardButton]]:
    """The plan buttons of an activity card (the discovery journey may use these rows)."""
    return [
        [
            InlineKeyboardButton(_("⭐ Save"), callback_data=pack(JOURNEY, "save", activity_id)),
            InlineKeyboardButton(
                _("✅ I'm going"), callback_data=pack(JOURNEY, "going", activity_id)
            ),
        ],
        [
            InlineKeyboardButton(
                _("⏰ Remind me"), callback_data=pack(JOURNEY, "remind", activity_id)
            )
        ],
    ]


def _line(view: PlanView, language: str) -> str:
    mark = "✅" if view.status is PlanStatus.GOING else "⭐"
    title = short(view.title(language), 60)
    if view.starts_at is None:
        return _("{mark} <b>{title}</b>\n    no dates coming up", mark=mark, title=title)
    day, hour = moment(view.starts_at, view.timezone)
    bell = "" if view.remind else " 🔕"
    return _(
        "{mark} <b>{title}</b>\n    🗓 {day} at {time}{bell}",
        mark=mark,
        title=title,
        day=day,
        time=hour,
        bell=bell,
    )


async def _plans_reply(context: BotContext) -> Reply:
    learner = context.learner
    every = await list_plans(context.db, learner.id, context.services.clock())
    views = every[:MAX_LISTED]
    footer = [
        InlineKeyboardButton(_("⏰ Reminders"), callback_data=pack("rem", "prefs")),
        InlineKeyboardButton(_("🔔 Following"), callback_data=pack("fol", "list")),
    ]
    if not views:
        text = _(
            "⭐ <b>My plans</b>\n\nNothing saved yet. Find something in 📍 Near me or "
            "🗓 This week and tap ⭐ Save."
        )
        return Reply(text, InlineKeyboardMarkup([footer]))
    lines = [_("⭐ <b>My plans</b>"), ""]
    lines += [_line(view, learner.language) for view in views]
    hidden = len(every) - len(views)
    if hidden:
        lines.append(ngettext("…and {count} more plan.", "…and {count} more plans.", hidden))
    lines += ["", _("<i>Tap 🔔 or 🔕 to switch a plan's reminders, 🗑 to remove it.</i>")]
    keyboard = [
        [
            InlineKeyboardButton(
                short(view.title(learner.language), 40),
                callback_data=pack("act", "open", view.activity_id),
            ),
            InlineKeyboardButton(
                "🔔" if view.remind else "🔕",
                callback_data=pack(JOURNEY, "bell", view.activity_id),
            ),
            InlineKeyboardButton("🗑", callback_data=pack(JOURNEY, "drop", view.activity_id)),
        ]
        for view in views
    ]
    keyboard.append(footer)
    return Reply("\n".join(lines), InlineKeyboardMarkup(keyboard))


async def show_plans(update: Update, context: BotContext) -> None:
    """/plans: saved and going activities with their next date, one tap to open each."""
    reply = await _plans_reply(context)
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(reply.text, reply_markup=reply.markup)
        return
    await context.bot.send_message(update.effective_chat.id, reply.text, reply_markup=reply.markup)


def _saved_text(result: PlanResult, context: BotContext, going: bool) -> str:
    headline = _("✅ Great, you're going!") if going else _("⭐ Saved to your plans.")
    if result.next_starts_at is None:
        return headline + " " + _("There are no dates coming up yet.")
    if result.remind and get_reminders(context.learner).offsets:
        return headline + " " + _("I'll remind you before it starts.")
    return headline


def _refusal(error: PlanError) -> str:
    if error is PlanError.NO_CONSENT:
        return _("Turn on badges and reminders in /settings first, so I may keep your plans.")
    return _("Sorry, this activity is not on offer any more.")


def _activity_id(callback: Callback) -> int | None:
    return parse_id(callback.arg(0))


async def _button_activity(update: Update, callback: Callback) -> int | None:
    """The activity a button names; a button without a readable one is answered here."""
    activity_id = _activity_id(callback)
    if activity_id is None:
        await update.callback_query.answer(_("That button is from an earlier message."))
    return activity_id


async def _on_save(update: Update, context: BotContext, callback: Callback) -> None:
    """⭐ Save / ✅ I'm going on a card: keep the plan and schedule its reminders."""
    query = update.callback_query
    activity_id = await _button_activity(update, callback)
    if activity_id is None:
        return
    going = callback.action == "going"
    result = await save_plan(
        context.db, context.learner, activity_id, context.services.clock(), going=going
    )
    if isinstance(result, PlanError):
        await query.answer(_refusal(result), show_alert=True)
        return
    await query.answer(_saved_text(result, context, going))


async def _on_remind(update: Update, context: BotContext, callback: Callback) -> None:
    """⏰ Remind me on a card: save the activity with its reminders on, however often tapped.

    Turning one plan's reminders off is the bell in My plans, where its state is shown.
    """
    query = update.callback_query
    activity_id = await _button_activity(update, callback)
    if activity_id is None:
        return
    result = await save_plan(
        context.db, context.learner, activity_id, context.services.clock(), remind=True
    )
    if isinstance(result, PlanError):
        await query.answer(_refusal(result), show_alert=True)
    elif result.next_starts_at is None:
        await query.answer(_("There are no dates coming up yet."))
    elif not get_reminders(context.learner).offsets:
        await query.answer(_("Your reminders are off. Turn them on with /reminders."))
    else:
        await query.answer(_("⏰ I'll remind you before it starts."))


async def _on_bell(update: Update, context: BotContext, callback: Callback) -> None:
    """🔔 / 🔕 in My plans: switch one plan's reminders, then redraw the list."""
    query = update.callback_query
    activity_id = await _button_activity(update, callback)
    if activity_id is None:
        return
    result = await toggle_reminders(
        context.db, context.learner, activity_id, context.services.clock()
    )
    if isinstance(result, PlanError):
        await query.answer(_refusal(result), show_alert=True)
        return
    if result.remind:
        await query.answer(_("🔔 Reminders on for this one."))
    else:
        await query.answer(_("🔕 No more reminders for this one. It stays in your plans."))
    await show_plans(update, context)


async def _on_drop(update: Update, context: BotContext, callback: Callback) -> None:
    """🗑 in My plans (or unsave on a card): forget the plan and its reminders."""
    query = update.callback_query
    activity_id = _activity_id(callback)
    removed = activity_id is not None and await remove_plan(
        context.db, context.learner, activity_id
    )
    await query.answer(_("Removed from your plans.") if removed else None)
    if callback.action == "drop":
        await show_plans(update, context)


async def _on_follow_up(update: Update, context: BotContext, callback: Callback) -> None:
    """Yes / No under "did you go?": record attendance for yes, then say thanks."""
    query = update.callback_query
    plan_id = parse_id(callback.arg(0))
    went = callback.action == "went"
    answer = (
        await answer_follow_up(
            context.db, context.learner, plan_id, went=went, now=context.services.clock()
        )
        if plan_id is not None
        else None
    )
    if answer is None:
        await query.answer(_("That button is from an earlier message."))
        return
    await query.answer()
    activity = await context.db.get(Activity, answer.activity_id)
    title = short(activity.title(context.learner.language)) if activity else ""
    if went:
        text = _("🎉 Well done! I noted that you went to <b>{title}</b>.", title=title)
    else:
        text = _("No problem. There's always a next time!")
    await query.edit_message_text(text)


async def _on_list(update: Update, context: BotContext, _callback: Callback) -> None:
    await update.callback_query.answer()
    await show_plans(update, context)


_ACTIONS = {
    "save": _on_save,
    "going": _on_save,
    "remind": _on_remind,
    "bell": _on_bell,
    "unsave": _on_drop,
    "drop": _on_drop,
    "went": _on_follow_up,
    "miss": _on_follow_up,
    "list": _on_list,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the plans journey."""
    return [
        CommandHandler("plans", show_plans, filters=filters.ChatType.PRIVATE),
        button_handler(JOURNEY, _ACTIONS),
    ]
