"""Checking in at an activity with its QR code: the badge arrives in the chat, and any badge
it completes (a playlist, a badge that requires others) right after it."""

from __future__ import annotations

from telegram import Update

from catalogue.models import Activity
from conversations.activity_card import send_next_steps
from conversations.badges import send_award
from conversations.context import BotContext
from conversations.i18n import _
from credentials.achievements import ensure_activity_achievement
from credentials.awards import award_view
from credentials.checkin import read_checkin
from credentials.follow_ons import award_follow_ons
from credentials.issuing import issue_award


async def check_in(update: Update, context: BotContext, payload: str) -> bool:
    """Handle a ``chk_`` deep link; return False when the payload is not a check-in."""
    if not payload.startswith("chk_"):
        return False
    services = context.services
    chat_id = update.effective_chat.id
    secret = services.secret_key
    activity_id = read_checkin(payload, secret) if secret else None
    activity = await context.db.get(Activity, activity_id) if activity_id else None
    if activity is None or secret is None:
        await context.bot.send_message(
            chat_id, _("This check-in code doesn't work. Ask the organiser for a new one.")
        )
        return True
    learner = context.learner
    if not learner.consent:
        await context.bot.send_message(
            chat_id,
            _(
                "You're checked in at <b>{title}</b>! To get a badge for it, turn on badges "
                "in ⚙️ Settings and scan the code again.",
                title=activity.title(learner.language),
            ),
        )
        return True
    achievement = await ensure_activity_achievement(context.db, activity.id)
    now = services.clock()
    result = await issue_award(
        context.db,
        learner_id=learner.id,
        achievement_id=achievement.id,
        public_base_url=services.public_base_url,
        secret_key=secret,
        now=now,
    )
    # Also when the badge was there already: a playlist defined since then may now be complete.
    follow_ons = await award_follow_ons(
        context.db,
        learner_id=learner.id,
        public_base_url=services.public_base_url,
        secret_key=secret,
        now=now,
    )
    awards = [result.award, *follow_ons] if result.created else follow_ons
    views = [await award_view(context.db, award, services.public_base_url) for award in awards]
    # The badges are issued: keep them before talking to Telegram. Issuing locked the issuer's
    # status list; holding that lock through slow sends would make everyone checking in at the
    # same event wait in line (and a failed send must not take the badge away).
    await context.db.commit()
    if not result.created:
        await context.bot.send_message(
            chat_id, _("You already have this badge. Find it in 🏅 My badges.")
        )
    for view in views:
        await send_award(context.bot, chat_id, view)
    if result.created:
        await send_next_steps(context.bot, chat_id, context.db, activity.id, now=now)
    return True
