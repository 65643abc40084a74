"""Discovery filters: free only, online or in person, types, topics and language.

They are stored on the learner, so every list (near me, this week, search) uses them until
changed. Each filter button carries the list it was opened from (``origin``), so "Show
results" can show that list again.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from catalogue.records import ActivityType
from catalogue.search import DateWindow, SearchFilters
from catalogue.topics import Topic
from community.models import Learner
from community.preferences import DiscoveryFilters, get_filters, set_filters
from conversations.activity_view import TYPE_LABELS
from conversations.callbacks import Callback, pack
from conversations.context import BotContext
from conversations.i18n import LANGUAGES, _, ngettext
from conversations.keyboards import rows, topic_keyboard
from conversations.labels import TOPIC_LABELS

JOURNEY = "act"
LANGUAGE_CYCLE: tuple[str | None, ...] = (None, *LANGUAGES)


def search_filters(learner: Learner, window: DateWindow | None = None) -> SearchFilters:
    """The learner's saved filters as search filters (plus a date window)."""
    saved = get_filters(learner)
    return SearchFilters(
        types=saved.types,
        topics=saved.topics,
        free_only=saved.free_only,
        online=saved.online,
        language=saved.language,
        window=window,
    )


def count_active(saved: DiscoveryFilters) -> int:
    """How many filters are switched on."""
    return (
        len(saved.types)
        + len(saved.topics)
        + int(saved.free_only)
        + int(saved.online is not None)
        + int(saved.language is not None)
    )


def filters_button(learner: Learner, origin: tuple[str, ...]) -> InlineKeyboardButton:
    """The button under a list that opens the filters (with how many are on)."""
    active = count_active(get_filters(learner))
    label = _("⚙️ Filters ({count})", count=active) if active else _("⚙️ Filters")
    return InlineKeyboardButton(label, callback_data=pack(JOURNEY, "f", "open", "-", *origin))


def summary(learner: Learner) -> str:
    """A short line naming the active filters, or an empty string."""
    saved = get_filters(learner)
    parts = []
    if saved.free_only:
        parts.append(_("free"))
    if saved.online is True:
        parts.append(_("online"))
    elif saved.online is False:
        parts.append(_("in person"))
    parts += [str(TYPE_LABELS[t]) for t in saved.types if t in TYPE_LABELS]
    parts += [str(label) for topic, label in TOPIC_LABELS.items() if topic.value in saved.topics]
    if saved.language:
        parts.append(LANGUAGES.get(saved.language, saved.language))
    return _("Filters: {filters}", filters=" · ".join(parts)) if parts else ""


def _where_label(online: bool | None) -> str:
    if online is True:
        return _("💻 Online only")
    if online is False:
        return _("🏠 In person only")
    return _("💻🏠 Online and in person")


def _button(label: str, op: str, value: str, origin: tuple[str, ...]) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(JOURNEY, "f", op, value, *origin))


def _main_screen(saved: DiscoveryFilters, origin: tuple[str, ...]) -> InlineKeyboardMarkup:
    free = _("🆓 Free only ✅") if saved.free_only else _("🆓 Free only")
    language = LANGUAGES.get(saved.language or "", _("any"))
    keyboard = [
        [_button(free, "free", "-", origin)],
        [_button(_where_label(saved.online), "where", "-", origin)],
        [
            _button(
                ngettext("🏷 Kinds ({count})", "🏷 Kinds ({count})", len(saved.types)),
                "types",
                "-",
                origin,
            ),
            _button(
                ngettext("❤️ Topics ({count})", "❤️ Topics ({count})", len(saved.topics)),
                "topics",
                "-",
                origin,
            ),
        ],
        [_button(_("🗣 Language: {language}", language=language), "lang", "-", origin)],
        [
            _button(_("🧹 Clear all"), "clear", "-", origin),
            _button(_("✅ Show results"), "done", "-", origin),
        ],
    ]
    return InlineKeyboardMarkup(keyboard)


def _types_screen(saved: DiscoveryFilters, origin: tuple[str, ...]) -> InlineKeyboardMarkup:
    buttons = [
        _button(("✅ " if kind.value in saved.types else "") + str(label), "t", kind.value, origin)
        for kind, label in TYPE_LABELS.items()
        if isinstance(kind, ActivityType)
    ]
    keyboard = rows(buttons, 2)
    keyboard.append([_button(_("⬅️ Back"), "main", "-", origin)])
    return InlineKeyboardMarkup(keyboard)


def _topics_screen(saved: DiscoveryFilters, origin: tuple[str, ...]) -> InlineKeyboardMarkup:
    return topic_keyboard(
        saved.topics,
        lambda topic: pack(JOURNEY, "f", "p", topic, *origin),
        [_button(_("⬅️ Back"), "main", "-", origin)],
    )


def _toggle(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


_NEXT_WHERE: dict[bool | None, bool | None] = {None: True, True: False, False: None}
_TYPES = frozenset(kind.value for kind in ActivityType)
_TOPICS = frozenset(topic.value for topic in Topic)


def _next_language(current: str | None) -> str | None:
    index = LANGUAGE_CYCLE.index(current) if current in LANGUAGE_CYCLE else 0
    return LANGUAGE_CYCLE[(index + 1) % len(LANGUAGE_CYCLE)]


def _changed(saved: DiscoveryFilters, op: str, value: str) -> DiscoveryFilters | None:
    """Apply one button to the filters; None when the button is not a change."""
    changes: dict[str, DiscoveryFilters] = {
        "free": replace(saved, free_only=not saved.free_only),
        "where": replace(saved, online=_NEXT_WHERE[saved.online]),
        "lang": replace(saved, language=_next_language(saved.language)),
        "clear": DiscoveryFilters(),
    }
    if op == "t" and value in _TYPES:
        return replace(saved, types=_toggle(saved.types, value))
    if op == "p" and value in _TOPICS:
        return replace(saved, topics=_toggle(saved.topics, value))
    return changes.get(op)


async def on_filter(update: Update, context: BotContext, callback: Callback) -> bool:
    """Handle a filter button; return True when the learner asked to see the results."""
    op, value, origin = callback.arg(0), callback.arg(1), callback.args[2:]
    learner = context.learner
    saved = get_filters(learner)
    if op == "done":
        return True
    changed = _changed(saved, op, value)
    if changed is not None:
        saved = set_filters(learner, changed)
    if op in ("types", "t"):
        text, markup = _("🏷 Which kinds of activity?"), _types_screen(saved, origin)
    elif op in ("topics", "p"):
        text, markup = _("❤️ Which topics?"), _topics_screen(saved, origin)
    elif op in ("open", "main", "free", "where", "lang", "clear"):
        text = _("⚙️ <b>Filters</b>\n\nChoose what you want to see.")
        markup = _main_screen(saved, origin)
    else:
        raise ValueError(op)
    if op == "open":  # from a list: keep the list, open the filters below it
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    else:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    return False
