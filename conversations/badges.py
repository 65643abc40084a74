"""Badges in chat: the award message, My badges, downloads, portfolio and name choices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from urllib.parse import quote, urlencode

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from catalogue.models import City
from conversations.callbacks import Callback, pack, require_id
from conversations.competences import competence_name
from conversations.context import BotContext
from conversations.i18n import N_, _, format_date, ngettext
from conversations.menu import send_menu
from conversations.routing import button_handler
from credentials.awards import AwardView, award_view, badge_artwork, baked_png, export_zip
from credentials.issuing import AwardError, own_award, revoke_own_award
from credentials.models import Award
from credentials.portfolio import (
    badges_by_competence,
    disable_portfolio,
    enable_portfolio,
    name_on_badges,
    portfolio_token,
    portfolio_url,
    set_name_on_badges,
    show_on_portfolio,
    summary_url,
)

JOURNEY = "badge"
CAPTION_LIMIT = 1024
_DESCRIPTION_LIMIT = 400
_LIST_BUTTONS = 20
# Room for the badge lines in My badges: Telegram takes 4,096 characters, and the headings
# and the header need some of it.
_TEXT_BUDGET = 3_200


class Action(StrEnum):
    """What a badge button asks for; the award id follows where one is needed."""

    OPEN = "open"
    DOWNLOAD = "dl"
    REVOKE = "rv"
    REVOKE_CONFIRMED = "rvy"
    KEEP = "keep"
    PORTFOLIO_ON = "pfon"
    PORTFOLIO_OFF = "pfoff"
    EXPORT = "zip"
    HIDE = "hide"
    SHOW = "show"
    NAME_ON = "nmon"
    NAME_OFF = "nmoff"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def award_caption(view: AwardView) -> str:
    """The warm, short text under the badge picture."""
    caption = _(
        "🏅 <b>{name}</b>\n\nWell done! {issuer} gives you this badge for what you did: "
        "{description}\n\nIt's yours to keep and to show: on LinkedIn, in your CV, anywhere.",
        name=_shorten(view.name, 120),
        issuer=_shorten(view.issuer_name, 120),
        description=_shorten(view.description, _DESCRIPTION_LIMIT),
    )
    if view.revoked:
        caption += "\n\n" + _("⛔ This badge has been revoked.")
    # The parts were shortened before escaping: what shows stays under Telegram's 1,024
    # characters (a test checks the longest case in every language), and cutting the HTML
    # here could break an entity or drop the revoked line.
    return caption


def _share_url(view: AwardView) -> str:
    text = _("I earned the badge “{name}”!", name=view.name)
    return "https://t.me/share/url?" + urlencode(
        {"url": view.page_url, "text": text}, quote_via=quote
    )


def award_keyboard(view: AwardView, *, manage: bool = False) -> InlineKeyboardMarkup:
    """Buttons under an award: view, LinkedIn, download, share (and revoke, from My badges)."""
    keyboard = [
        [
            InlineKeyboardButton(_("🔎 View"), url=view.page_url),
            InlineKeyboardButton(_("💼 Add to LinkedIn"), url=view.linkedin_url),
        ],
        [
            InlineKeyboardButton(
                _("⬇️ Download"), callback_data=pack(JOURNEY, Action.DOWNLOAD, view.award_id)
            ),
            InlineKeyboardButton(_("📤 Share"), url=_share_url(view)),
        ],
    ]
    if manage and not view.revoked:
        if view.public:
            visibility = InlineKeyboardButton(
                _("🙈 Hide from my portfolio"),
                callback_data=pack(JOURNEY, Action.HIDE, view.award_id),
            )
        else:
            visibility = InlineKeyboardButton(
                _("👁 Show on my portfolio"),
                callback_data=pack(JOURNEY, Action.SHOW, view.award_id),
            )
        keyboard.append([visibility])
        keyboard.append(
            [
                InlineKeyboardButton(
                    _("🗑 Revoke this badge"),
                    callback_data=pack(JOURNEY, Action.REVOKE, view.award_id),
                )
            ]
        )
    return InlineKeyboardMarkup(keyboard)


async def send_award(bot: Bot, chat_id: int, view: AwardView, *, manage: bool = False) -> Message:
    """Send the award message: the badge picture, a warm caption and its buttons."""
    return await bot.send_photo(
        chat_id,
        photo=badge_artwork(view),
        caption=award_caption(view),
        reply_markup=award_keyboard(view, manage=manage),
    )


async def _badges_text(context: BotContext) -> tuple[str, list[AwardView]]:
    groups = await badges_by_competence(
        context.db, context.learner.id, context.services.public_base_url
    )
    city = await context.db.get(City, context.learner.city_id) if context.learner.city_id else None
    zone = city.timezone if city else None
    seen: dict[int, AwardView] = {}
    lines: list[str] = []
    length = 0
    shown: set[int] = set()
    full = False
    for group in groups:
        seen.update((view.award_id, view) for view in group.awards if view.award_id not in seen)
        title = (competence_name(group.code) or group.label) if group.code else _("Other badges")
        heading = "\n" + _(
            "<b>{competence}</b>: {earned} of {available}",
            competence=title,
            earned=group.earned,
            available=group.available,
        )
        entries = [
            _(
                "• {name} ({issuer}, {date})",
                name=_shorten(view.name, 80),
                issuer=_shorten(view.issuer_name, 60),
                date=format_date(view.issued_at, timezone=zone),
            )
            for view in group.awards
        ]
        size = sum(len(text) + 1 for text in (heading, *entries))
        if full or length + size > _TEXT_BUDGET:
            full = True  # keep the order: once a group does not fit, the rest wait too
            continue
        lines += [heading, *entries]
        length += size
        shown.update(view.award_id for view in group.awards)
    header = ngettext(
        "🏅 <b>You have {count} badge</b>", "🏅 <b>You have {count} badges</b>", len(seen)
    )
    hidden = len(seen) - len(shown)
    if hidden:
        lines.append(
            "\n" + ngettext("…and {count} more badge.", "…and {count} more badges.", hidden)
        )
    return header + "\n" + "\n".join(lines), list(seen.values())


async def _badges_keyboard(context: BotContext, views: list[AwardView]) -> InlineKeyboardMarkup:
    keyboard = [
        [
            InlineKeyboardButton(
                f"🏅 {view.name[:48]}", callback_data=pack(JOURNEY, Action.OPEN, view.award_id)
            )
        ]
        for view in views[:_LIST_BUTTONS]
    ]
    token = await portfolio_token(context.db, context.learner.id)
    if token is None:
        portfolio = InlineKeyboardButton(
            _("🌍 Make a public portfolio link"), callback_data=pack(JOURNEY, Action.PORTFOLIO_ON)
        )
    else:
        portfolio = InlineKeyboardButton(
            _("🔒 Turn off my portfolio link"), callback_data=pack(JOURNEY, Action.PORTFOLIO_OFF)
        )
    keyboard.append([portfolio])
    if token is not None:
        keyboard.append(
            [
                InlineKeyboardButton(
                    _("🖨 Printable summary"),
                    url=summary_url(context.services.public_base_url, token),
                )
            ]
        )
    if await name_on_badges(context.db, context.learner.id):
        name = InlineKeyboardButton(
            _("👤 Leave my name off new badges"), callback_data=pack(JOURNEY, Action.NAME_OFF)
        )
    else:
        name = InlineKeyboardButton(
            _("👤 Put my name on my badges"), callback_data=pack(JOURNEY, Action.NAME_ON)
        )
    keyboard.append([name])
    keyboard.append(
        [
            InlineKeyboardButton(
                _("📦 Download all (zip)"), callback_data=pack(JOURNEY, Action.EXPORT)
            )
        ]
    )
    return InlineKeyboardMarkup(keyboard)


async def show_badges(update: Update, context: BotContext) -> None:
    """My badges: badges grouped by competence with progress, and what to do with them."""
    text, views = await _badges_text(context)
    if not views:
        await send_menu(
            update,
            context,
            _(
                "You have no badges yet. Join an activity or finish a challenge "
                "to earn your first one!"
            ),
        )
        return
    await context.bot.send_message(
        update.effective_chat.id, text, reply_markup=await _badges_keyboard(context, views)
    )


async def _owned(update: Update, context: BotContext, callback: Callback) -> Award | None:
    """The award named by the button, only if it belongs to the person pressing it."""
    try:
        return await own_award(context.db, context.learner.id, require_id(callback.arg(0)))
    except (AwardError, ValueError):
        await update.callback_query.answer(_("That badge isn't yours."), show_alert=True)
        return None


async def _on_open(update: Update, context: BotContext, callback: Callback) -> None:
    award = await _owned(update, context, callback)
    if award is None:
        return
    await update.callback_query.answer()
    view = await award_view(context.db, award, context.services.public_base_url)
    await send_award(context.bot, update.effective_chat.id, view, manage=True)


async def _on_download(update: Update, context: BotContext, callback: Callback) -> None:
    award = await _owned(update, context, callback)
    if award is None:
        return
    await update.callback_query.answer()
    view = await award_view(context.db, award, context.services.public_base_url)
    chat_id = update.effective_chat.id
    await context.bot.send_document(
        chat_id,
        document=await baked_png(context.db, award),
        filename=f"{view.file_stem}.png",
        caption=_("Your badge with its proof inside. Any Open Badges checker can read it."),
    )
    await context.bot.send_document(
        chat_id,
        document=award.credential_json.encode(),
        filename=f"{view.file_stem}.json",
        caption=_("The same badge as a file for digital wallets."),
    )


async def _on_revoke(update: Update, context: BotContext, callback: Callback) -> None:
    award = await _owned(update, context, callback)
    if award is None:
        return
    await update.callback_query.answer()
    view = await award_view(context.db, award, context.services.public_base_url)
    await context.bot.send_message(
        update.effective_chat.id,
        _(
            "Revoke “{name}”? Anyone who checks it will see it is no longer valid. "
            "You can't undo this yourself.",
            name=view.name,
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Yes, revoke it"),
                        callback_data=pack(JOURNEY, Action.REVOKE_CONFIRMED, award.id),
                    ),
                    InlineKeyboardButton(
                        _("No, keep it"), callback_data=pack(JOURNEY, Action.KEEP)
                    ),
                ]
            ]
        ),
    )


async def _on_revoke_confirmed(update: Update, context: BotContext, callback: Callback) -> None:
    award = await _owned(update, context, callback)
    if award is None:
        return
    await revoke_own_award(context.db, context.learner.id, award.id, context.services.clock())
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(_("Done: this badge is revoked."))


async def _on_keep(update: Update, _context: BotContext, _callback: Callback) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(_("Good, your badge stays as it is."))


async def _on_visibility(update: Update, context: BotContext, callback: Callback) -> None:
    award = await _owned(update, context, callback)
    if award is None:
        return
    shown = callback.action == Action.SHOW
    await show_on_portfolio(context.db, context.learner.id, award.id, shown)
    if shown:
        await update.callback_query.answer(_("👁 This badge is on your public portfolio again."))
    else:
        await update.callback_query.answer(
            _("🙈 Hidden from your public portfolio. Its own link still works.")
        )
    view = await award_view(context.db, award, context.services.public_base_url)
    await update.callback_query.edit_message_reply_markup(award_keyboard(view, manage=True))


async def _on_name(update: Update, context: BotContext, callback: Callback) -> None:
    include = callback.action == Action.NAME_ON
    learner = context.learner
    await set_name_on_badges(context.db, learner.id, include)
    await update.callback_query.answer()
    if include:
        text = _(
            "👤 From now on, new badges will show your first name, {name}. Badges you already "
            "have stay as they are, without it.",
            name=learner.first_name,
        )
    else:
        text = _(
            "👤 From now on, new badges won't show your name. Badges you already have stay "
            "as they are."
        )
    _text, views = await _badges_text(context)
    if views:
        await update.callback_query.edit_message_reply_markup(
            await _badges_keyboard(context, views)
        )
    await context.bot.send_message(update.effective_chat.id, text)


async def _on_portfolio(update: Update, context: BotContext, callback: Callback) -> None:
    await update.callback_query.answer()
    if callback.action == Action.PORTFOLIO_ON:
        token = await enable_portfolio(context.db, context.learner.id)
        url = portfolio_url(context.services.public_base_url, token)
        if await name_on_badges(context.db, context.learner.id):
            text = _(
                "🌍 Your public portfolio: {url}\nAnyone with this link can see your badges "
                "and your first name. You can turn it off any time.",
                url=url,
            )
        else:
            text = _(
                "🌍 Your public portfolio: {url}\nAnyone with this link can see your badges "
                "(not your name). You can turn it off any time.",
                url=url,
            )
    else:
        await disable_portfolio(context.db, context.learner.id)
        text = _("🔒 Your portfolio link is off. Nobody can open it any more.")
    await context.bot.send_message(update.effective_chat.id, text)


async def _on_export(update: Update, context: BotContext, _callback: Callback) -> None:
    await update.callback_query.answer()
    archive = await export_zip(context.db, context.learner.id, context.services.public_base_url)
    await context.bot.send_document(
        update.effective_chat.id,
        document=archive,
        filename="badges.zip",
        caption=_("All your badges: each one as a picture with its proof inside, and as a file."),
    )


Handler = Callable[[Update, BotContext, Callback], Awaitable[None]]
_ACTIONS: dict[str, Handler] = {
    Action.OPEN: _on_open,
    Action.DOWNLOAD: _on_download,
    Action.REVOKE: _on_revoke,
    Action.REVOKE_CONFIRMED: _on_revoke_confirmed,
    Action.KEEP: _on_keep,
    Action.PORTFOLIO_ON: _on_portfolio,
    Action.PORTFOLIO_OFF: _on_portfolio,
    Action.EXPORT: _on_export,
    Action.HIDE: _on_visibility,
    Action.SHOW: _on_visibility,
    Action.NAME_ON: _on_name,
    Action.NAME_OFF: _on_name,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of the badges journey (My badges is also a menu button)."""
    return [
        CommandHandler("badges", show_badges, filters=filters.ChatType.PRIVATE),
        button_handler(JOURNEY, _ACTIONS, stale=N_("That button doesn't work any more.")),
    ]
