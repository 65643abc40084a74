"""Finding activities: near me, today / this week / weekend, free-text search, the card.

Lists carry their own state in the buttons (a point and radius, or a window, and the page), so
any list can be paged or widened later without anything kept in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from catalogue.cities import nearest_city
from catalogue.geo import haversine_km, valid_point
from catalogue.models import City
from catalogue.search import (
    ActivityHit,
    WindowKind,
    date_window,
    near,
    search_text,
    upcoming,
)
from community.preferences import LivePosition, get_live, set_live
from conversations.activity_card import send_calendar_file, send_card, send_map
from conversations.activity_view import list_line, shorten
from conversations.callbacks import Callback, pack, parse_int, require_id, unpack
from conversations.context import BotContext
from conversations.discovery_filters import filters_button, on_filter, search_filters
from conversations.discovery_filters import summary as filters_summary
from conversations.i18n import _, current_language, format_distance
from conversations.keyboards import location_keyboard, main_menu, rows
from conversations.menu import MENU_TEXT, send_menu
from conversations.places import MAX_PLACES, Place, is_outside, place_at, places, reach_km

JOURNEY = "act"
PAGE = 5
DEFAULT_RADIUS_KM = 3.0
MAX_QUERY = 100
LIVE_REDRAW_KM = 0.3  # redraw a live location's list after this much walking


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a result list, and whether another follows."""

    hits: list[ActivityHit]
    has_more: bool


async def _city(context: BotContext) -> City | None:
    city_id = context.learner.city_id
    return await context.db.get(City, city_id) if city_id is not None else None


def _list_text(header: str, page: Page, number_from: int, city: City, now: datetime) -> str:
    language = current_language()
    lines = [header, ""]
    for index, hit in enumerate(page.hits, number_from):
        lines.append(
            list_line(
                index,
                hit.title(language),
                hit.starts_at,
                city.timezone,
                now,
                all_day=hit.all_day,
                distance_km=hit.distance_km,
                activity_type=hit.type,
                is_free=hit.is_free,
                online=hit.online,
            )
        )
    return "\n".join(lines)


def _list_keyboard(
    page: Page, number_from: int, previous: str | None, following: str | None, extra: list
) -> InlineKeyboardMarkup:
    open_buttons = [
        InlineKeyboardButton(str(i), callback_data=pack(JOURNEY, "open", hit.activity_id))
        for i, hit in enumerate(page.hits, number_from)
    ]
    keyboard = rows(open_buttons, 5)
    navigation = []
    if previous:
        navigation.append(InlineKeyboardButton(_("◀ Back"), callback_data=previous))
    if following and page.has_more:
        navigation.append(InlineKeyboardButton(_("More ▶"), callback_data=following))
    if navigation:
        keyboard.append(navigation)
    keyboard += extra
    return InlineKeyboardMarkup(keyboard)


async def _show(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup,
    *,
    replace: int | None = None,
    fresh: bool = False,
) -> int:
    """Edit the list in place (a list button, or a live location's list), else send it new.

    Returns the message id of the list.
    """
    query = update.callback_query
    chat_id = update.effective_chat.id
    if replace is not None:
        await context.bot.edit_message_text(text, chat_id, replace, reply_markup=markup)
        return replace
    if query is not None and query.message is not None and not fresh:
        await query.edit_message_text(text, reply_markup=markup)
        return query.message.message_id
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    return sent.message_id


# --- near me ----------------------------------------------------------------------------------


async def ask_location(update: Update, context: BotContext) -> None:
    """Ask for the location; offer the city centre and neighbourhoods for those who can't."""
    chat_id = update.effective_chat.id
    await context.bot.send_message(
        chat_id,
        _("📍 Tap <b>Share my location</b> below and I'll show you what's on near you."),
        reply_markup=location_keyboard(back_to_menu=True),
    )
    city = await _city(context)
    if city is not None:
        await context.bot.send_message(
            chat_id,
            _("Or pick a place:"),
            reply_markup=_places_keyboard(city),
        )


def _places_keyboard(city: City) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(place.name, callback_data=pack(JOURNEY, "place", place.index))
        for place in places(city)
    ]
    return InlineKeyboardMarkup(rows(buttons, 3))


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location: the nearest upcoming activities."""
    location = update.effective_message.location
    await context.bot.send_message(
        update.effective_chat.id, _("📍 Looking around you…"), reply_markup=main_menu()
    )
    listed = await show_near(
        update, context, location.latitude, location.longitude, DEFAULT_RADIUS_KM, 0
    )
    if location.live_period and listed is not None:
        set_live(context.learner, LivePosition(location.latitude, location.longitude, listed))


async def on_live_location(update: Update, context: BotContext) -> None:
    """A live location moved: redraw its near-me list once the person has walked a bit."""
    location = update.edited_message.location
    live = get_live(context.learner)
    if live is None:
        return
    moved = haversine_km(live.latitude, live.longitude, location.latitude, location.longitude)
    if moved < LIVE_REDRAW_KM:
        return
    await show_near(
        update,
        context,
        location.latitude,
        location.longitude,
        DEFAULT_RADIUS_KM,
        0,
        replace=live.message_id,
    )
    set_live(context.learner, LivePosition(location.latitude, location.longitude, live.message_id))


async def show_near(
    update: Update,
    context: BotContext,
    latitude: float,
    longitude: float,
    radius_km: float,
    page_number: int,
    *,
    place: Place | None = None,
    replace: int | None = None,
    fresh: bool = False,
) -> int | None:
    """One page of activities near a point, with paging and a wider search; its message id.

    The list edits the message whose button was pressed, or ``replace``; ``fresh`` sends it new.
    """
    city = await _city(context)
    now = context.services.clock()
    if city is None or not valid_point(latitude, longitude):
        await send_menu(update, context, _("Please choose your city first in ⚙️ Settings."))
        return None
    if is_outside(city, latitude, longitude):
        text, markup = await _elsewhere(context, city, latitude, longitude)
        return await _show(update, context, text, markup, replace=replace, fresh=fresh)
    reach = reach_km(city)
    radius_km = min(radius_km, reach)
    result = await near(
        context.db,
        city_id=city.id,
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        max_radius_km=reach,
        limit=PAGE + 1,
        offset=page_number * PAGE,
        filters=search_filters(context.learner),
        now=now,
    )
    page = Page(result.hits[:PAGE], len(result.hits) > PAGE)
    distance = format_distance(result.radius_km)
    if place is None:
        header = _("📍 <b>Near you</b> (within {distance})", distance=distance)
    else:
        header = _(
            "📍 <b>Near {place}</b> (within {distance})", place=place.name, distance=distance
        )
    if page.hits:
        text = _list_text(header, page, page_number * PAGE + 1, city, now)
    else:
        text = _(
            "I found nothing coming up within {distance} of you. Tap 🗓 This week to see "
            "everything on in your city.",
            distance=distance,
        )
    text = _with_filters(text, context)
    point = (f"{latitude:.4f}", f"{longitude:.4f}")
    radius = round(result.radius_km, 1)
    named = (place.index,) if place is not None else ()
    # The search has already widened as far as the city reaches, so no "look further" button.
    extra = [[filters_button(context.learner, ("n", *point, str(radius)))]]
    previous = (
        pack(JOURNEY, "near", *point, radius, page_number - 1, *named) if page_number else None
    )
    following = pack(JOURNEY, "near", *point, radius, page_number + 1, *named)
    return await _show(
        update,
        context,
        text,
        _list_keyboard(page, page_number * PAGE + 1, previous, following, extra),
        replace=replace,
        fresh=fresh,
    )


async def _elsewhere(
    context: BotContext, city: City, latitude: float, longitude: float
) -> tuple[str, InlineKeyboardMarkup]:
    """A point outside the learner's city: offer the city it is in, or places of their own."""
    language = context.learner.language
    nearest = await nearest_city(context.db, latitude, longitude)
    other = nearest.city
    if other.id != city.id and nearest.distance_km <= reach_km(other):
        switch = pack(JOURNEY, "city", other.id, f"{latitude:.4f}", f"{longitude:.4f}")
        return (
            _(
                "📍 That place is closer to another City of Learning: {other}. "
                "Switch to it to see what's on there? (Your city now: {city}.)",
                other=other.name(language),
                city=city.name(language),
            ),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("🏙 Switch to {other}", other=other.name(language)),
                            callback_data=switch,
                        )
                    ]
                ]
            ),
        )
    distance = haversine_km(city.latitude, city.longitude, latitude, longitude)
    return (
        _(
            "📍 That place is too far away for me: {distance} from the centre of your city "
            "({city}). Pick a place there:",
            distance=format_distance(distance),
            city=city.name(language),
        ),
        _places_keyboard(city),
    )


def _with_filters(text: str, context: BotContext) -> str:
    """Add the active filters under a list, so an empty or short list explains itself."""
    line = filters_summary(context.learner)
    return f"{text}\n\n<i>{line}</i>" if line else text


# --- today, this week, weekend ---------------------------------------------------------------


def _window_header(kind: WindowKind, city_name: str) -> str:
    if kind == WindowKind.TODAY:
        return _("🗓 <b>Today in {city}</b>", city=city_name)
    if kind == WindowKind.WEEKEND:
        return _("🗓 <b>This weekend in {city}</b>", city=city_name)
    return _("🗓 <b>This week in {city}</b>", city=city_name)


async def this_week(update: Update, context: BotContext) -> None:
    """What's on in the learner's city in the next seven days."""
    await show_window(update, context, WindowKind.WEEK, 0)


async def show_window(
    update: Update, context: BotContext, kind: WindowKind, page_number: int
) -> None:
    """One page of activities in a date window of the learner's city."""
    city = await _city(context)
    now = context.services.clock()
    if city is None:
        await send_menu(update, context, _("Please choose your city first in ⚙️ Settings."))
        return
    window = date_window(kind.value, now, city.timezone)
    hits = await upcoming(
        context.db,
        city_id=city.id,
        filters=search_filters(context.learner, window),
        limit=PAGE + 1,
        offset=page_number * PAGE,
        now=now,
    )
    page = Page(hits[:PAGE], len(hits) > PAGE)
    city_name = city.name(context.learner.language)
    if page.hits:
        text = _list_text(_window_header(kind, city_name), page, page_number * PAGE + 1, city, now)
    else:
        text = _(
            "Nothing on in {city} for these days yet. Have a look again soon!", city=city_name
        )
    text = _with_filters(text, context)
    switch = [
        InlineKeyboardButton(
            ("• " if other == kind else "") + label,
            callback_data=pack(JOURNEY, "list", other.value, 0),
        )
        for other, label in (
            (WindowKind.TODAY, _("Today")),
            (WindowKind.WEEKEND, _("Weekend")),
            (WindowKind.WEEK, _("This week")),
        )
    ]
    previous = pack(JOURNEY, "list", kind.value, page_number - 1) if page_number else None
    following = pack(JOURNEY, "list", kind.value, page_number + 1)
    await _show(
        update,
        context,
        text,
        _list_keyboard(
            page,
            page_number * PAGE + 1,
            previous,
            following,
            [switch, [filters_button(context.learner, ("w", kind.value))]],
        ),
    )


# --- free text ---------------------------------------------------------------------------------


async def on_text(update: Update, context: BotContext) -> None:
    """Any text that is not a command or a menu button searches the catalogue."""
    query_text = (update.effective_message.text or "").strip()[:MAX_QUERY]
    city = await _city(context)
    now = context.services.clock()
    if city is None or len(query_text) < 2:
        await send_menu(
            update, context, _("I'm not sure what you mean. Tap a button below, or send /help.")
        )
        return
    hits = await search_text(
        context.db,
        city_id=city.id,
        text=query_text,
        filters=search_filters(context.learner),
        limit=PAGE + 3,
        now=now,
    )
    if not hits:
        nothing = _(
            "I found nothing for “{query}”. Try another word, or tap 🗓 This week.",
            query=shorten(query_text, 40),
        )
        await send_menu(update, context, _with_filters(nothing, context))
        return
    page = Page(hits, has_more=False)
    header = _("🔎 <b>{query}</b>", query=shorten(query_text, 40))
    await context.bot.send_message(
        update.effective_chat.id,
        _with_filters(_list_text(header, page, 1, city, now), context),
        reply_markup=_list_keyboard(page, 1, None, None, []),
    )


# --- buttons -----------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """Route every discovery button; forged or outdated data gets a short answer."""
    query = update.callback_query
    callback = unpack(query.data, JOURNEY)
    handler = _ACTIONS.get(callback.action) if callback else None
    try:
        if callback is None or handler is None:
            raise ValueError(query.data)
        await handler(update, context, callback)
    except ValueError:
        await query.answer(_("That button doesn't work any more."))
        return
    await query.answer()


def _finite(text: str) -> float:
    """A coordinate or radius from button data; "nan", "inf" and junk raise ValueError."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _page(text: str) -> int:
    page = parse_int(text, high=10_000)
    if page is None:
        raise ValueError(text)
    return page


async def _on_open(update: Update, context: BotContext, callback: Callback) -> None:
    await send_card(update, context, require_id(callback.arg(0)))


async def _on_near(update: Update, context: BotContext, callback: Callback) -> None:
    latitude, longitude = _finite(callback.arg(0)), _finite(callback.arg(1))
    if not valid_point(latitude, longitude):
        raise ValueError(callback.args)
    radius = min(max(_finite(callback.arg(2, "3")), 0.5), 50.0)
    page = _page(callback.arg(3, "0"))
    place = await _button_place(context, callback.arg(4))
    await show_near(update, context, latitude, longitude, radius, page, place=place)


async def _button_place(context: BotContext, text: str) -> Place | None:
    """The named place a near-me button carries, if any and if the city still lists it."""
    index = parse_int(text, high=MAX_PLACES) if text else None
    city = await _city(context) if index is not None else None
    return place_at(city, index) if city is not None and index is not None else None


async def _on_place(update: Update, context: BotContext, callback: Callback) -> None:
    """A place picked instead of a shared location: bring the menu back, then list around it.

    The picker stays, so another place is one tap away.
    """
    place = await _button_place(context, callback.arg(0))
    if place is None:
        raise ValueError(callback.args)
    await context.bot.send_message(
        update.effective_chat.id,
        _("📍 Looking around {place}…", place=place.name),
        reply_markup=main_menu(),
    )
    await show_near(
        update,
        context,
        place.latitude,
        place.longitude,
        DEFAULT_RADIUS_KM,
        0,
        place=place,
        fresh=True,
    )


async def _on_city(update: Update, context: BotContext, callback: Callback) -> None:
    """Switch to the city a shared point lies in, then list what's near that point."""
    city = await context.db.get(City, require_id(callback.arg(0)))
    latitude, longitude = _finite(callback.arg(1)), _finite(callback.arg(2))
    if city is None or not valid_point(latitude, longitude):
        raise ValueError(callback.args)
    context.learner.city_id = city.id
    await show_near(update, context, latitude, longitude, DEFAULT_RADIUS_KM, 0)


async def _on_list(update: Update, context: BotContext, callback: Callback) -> None:
    kind = WindowKind(callback.arg(0))
    if kind == WindowKind.CUSTOM:
        raise ValueError(kind)
    await show_window(update, context, kind, _page(callback.arg(1, "0")))


async def _on_filter(update: Update, context: BotContext, callback: Callback) -> None:
    if not await on_filter(update, context, callback):
        return
    origin = callback.args[2:]
    if origin[:1] == ("n",) and len(origin) == 4:
        latitude, longitude, radius = (_finite(value) for value in origin[1:4])
        await show_near(update, context, latitude, longitude, min(max(radius, 0.5), 50.0), 0)
    elif origin[:1] == ("w",) and len(origin) == 2 and origin[1] != WindowKind.CUSTOM:
        await show_window(update, context, WindowKind(origin[1]), 0)
    else:
        await update.callback_query.edit_message_text(_("✅ Filters saved."))


async def _on_ics(update: Update, context: BotContext, callback: Callback) -> None:
    await send_calendar_file(update, context, require_id(callback.arg(0)))


async def _on_map(update: Update, context: BotContext, callback: Callback) -> None:
    await send_map(update, context, require_id(callback.arg(0)))


_ACTIONS = {
    "open": _on_open,
    "near": _on_near,
    "place": _on_place,
    "city": _on_city,
    "list": _on_list,
    "ics": _on_ics,
    "map": _on_map,
    "f": _on_filter,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Handlers of discovery that are not menu buttons."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("near", ask_location, filters=private),
        MessageHandler(private & filters.LOCATION, on_location),
        CallbackQueryHandler(on_button, pattern=f"^{JOURNEY}:"),
    ]


def edits_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Edited messages: a live location moving redraws its list; other edits are ignored."""
    edited = filters.UpdateType.EDITED
    return [
        MessageHandler(edited & filters.LOCATION, on_live_location),
        MessageHandler(edited, _ignore),
    ]


async def _ignore(_update: Update, _context: BotContext) -> None:
    """Someone fixed a typo in an old message: nothing to answer."""


def text_search_handler() -> BaseHandler[Update, BotContext, None]:
    """Free text searches the catalogue; registered after the menu and every journey."""
    private = filters.ChatType.PRIVATE
    return MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~MENU_TEXT, on_text)


async def challenges(update: Update, context: BotContext) -> None:
    """The learner's challenges (youth workers will send them here)."""
    await send_menu(
        update,
        context,
        _("No challenges for you yet. Your youth worker or a partner will send them here."),
    )
