"""Inline mode: typing ``@bot words`` in any chat offers matching activities to share."""

from __future__ import annotations

from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import BaseHandler, InlineQueryHandler

from catalogue.models import City
from catalogue.search import ActivityHit, SearchFilters, WindowKind, date_window, search_text
from catalogue.search import upcoming as upcoming_activities
from conversations.activity_view import shorten, type_label, when
from conversations.context import BotContext
from conversations.i18n import _

RESULTS = 10


def _article(
    hit: ActivityHit, city: City, language: str, bot_username: str, now: datetime
) -> InlineQueryResultArticle:
    title = shorten(hit.title(language), 100)
    moment = when(hit.starts_at, city.timezone, now, all_day=hit.all_day)
    facts = " · ".join(p for p in (moment, hit.venue_name or "", type_label(hit.type)) if p)
    link = f"https://t.me/{bot_username}?start=act_{hit.activity_id}"
    text = _("<b>{title}</b>\n{facts}", title=title, facts=facts)
    return InlineQueryResultArticle(
        id=str(hit.activity_id),
        title=title,
        description=shorten(facts, 120),
        input_message_content=InputTextMessageContent(text),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("Open in the City of Learning bot"), url=link)]]
        ),
    )


async def on_inline_query(update: Update, context: BotContext) -> None:
    """Offer activities matching the typed words (or this week's, with no words)."""
    query = update.inline_query
    learner = context.learner
    city = await context.db.get(City, learner.city_id) if learner.city_id else None
    if city is None:
        await query.answer([], cache_time=5, is_personal=True)
        return
    now = context.services.clock()
    words = (query.query or "").strip()[:100]
    if len(words) >= 2:
        hits = await search_text(context.db, city_id=city.id, text=words, limit=RESULTS, now=now)
    else:
        window = date_window(WindowKind.WEEK.value, now, city.timezone)
        hits = await upcoming_activities(
            context.db,
            city_id=city.id,
            filters=SearchFilters(window=window),
            limit=RESULTS,
            now=now,
        )
    username = context.bot.username
    results = [_article(hit, city, learner.language, username, now) for hit in hits]
    await query.answer(results, cache_time=30, is_personal=True)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """The inline query handler."""
    return [InlineQueryHandler(on_inline_query)]
