"""Keyboards shared by several journeys."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from catalogue.models import City
from conversations.callbacks import pack
from conversations.i18n import LANGUAGES, current_language
from conversations.labels import MENU_LABELS, SHARE_LOCATION, TOPIC_LABELS, MenuItem


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out ``width`` to a row."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def language_keyboard(journey: str, selected: str) -> InlineKeyboardMarkup:
    """Every supported language, the selected one ticked."""
    buttons = [
        InlineKeyboardButton(
            f"✅ {name}" if code == selected else name, callback_data=pack(journey, "lang", code)
        )
        for code, name in LANGUAGES.items()
    ]
    return InlineKeyboardMarkup(rows(buttons, 2))


def city_keyboard(journey: str, cities: Sequence[City]) -> InlineKeyboardMarkup:
    """One button per city, named in the reader's language."""
    language = current_language()
    buttons = [
        InlineKeyboardButton(city.name(language), callback_data=pack(journey, "city", city.slug))
        for city in cities
    ]
    return InlineKeyboardMarkup(rows(buttons, 2))


def topic_keyboard(
    chosen: Collection[str],
    toggle_data: Callable[[str], str],
    last_row: list[InlineKeyboardButton],
) -> InlineKeyboardMarkup:
    """Every topic as a toggle (ticked when chosen), two to a row, then ``last_row``."""
    buttons = [
        InlineKeyboardButton(
            f"✅ {label}" if topic.value in chosen else str(label),
            callback_data=toggle_data(topic.value),
        )
        for topic, label in TOPIC_LABELS.items()
    ]
    return InlineKeyboardMarkup([*rows(buttons, 2), last_row])


def location_keyboard(*, back_to_menu: bool = False) -> ReplyKeyboardMarkup:
    """Share the location (Telegram asks the person first), and perhaps go back to the menu."""
    keyboard = [[KeyboardButton(str(SHARE_LOCATION), request_location=True)]]
    if back_to_menu:
        keyboard.append([KeyboardButton(str(MENU_LABELS[MenuItem.MENU]))])
    return ReplyKeyboardMarkup(
        keyboard,
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def main_menu() -> ReplyKeyboardMarkup:
    """The main menu, always at hand under the text field."""
    label = {item: str(text) for item, text in MENU_LABELS.items()}
    return ReplyKeyboardMarkup(
        [
            [
                KeyboardButton(label[MenuItem.NEAR_ME]),
                KeyboardButton(label[MenuItem.THIS_WEEK]),
            ],
            [KeyboardButton(label[MenuItem.PLANS]), KeyboardButton(label[MenuItem.CHALLENGES])],
            [KeyboardButton(label[MenuItem.BADGES]), KeyboardButton(label[MenuItem.SETTINGS])],
            [KeyboardButton(label[MenuItem.HELP])],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )
