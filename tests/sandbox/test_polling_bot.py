"""A real PTB Application, polling the sandbox over HTTP, cannot tell it is not Telegram."""

from __future__ import annotations

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import SandboxServer
from tests.sandbox.conftest import AppFactory


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet in HTML, echo the deep-link payload, and offer a language choice."""
    assert update.effective_message is not None
    payload = " ".join(context.args or []) or "nowhere"
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("English", callback_data="lang:v1:en"),
                InlineKeyboardButton("Português", callback_data="lang:v1:pt"),
            ],
            [InlineKeyboardButton("Website", url="https://example.org/col")],
        ]
    )
    await update.effective_message.reply_html(
        f"Hello <b>{update.effective_user.first_name}</b> from {payload}!",
        reply_markup=keyboard,
    )


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press and edit the menu into a confirmation."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    code = query.data.rsplit(":", 1)[1]
    await query.answer(f"Language set: {code}")
    await query.edit_message_text(f"Language: <i>{code}</i>", parse_mode=ParseMode.HTML)


async def near_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a location with a reply keyboard."""
    assert update.effective_message is not None
    button = KeyboardButton("Send my location", request_location=True)
    await update.effective_message.reply_text(
        "Where are you?",
        reply_markup=ReplyKeyboardMarkup([[button], ["Cancel"]], one_time_keyboard=True),
    )


async def got_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a location with a venue near it."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    await message.reply_text("Thanks!", reply_markup=ReplyKeyboardRemove())
    await context.bot.send_venue(
        message.chat_id,
        latitude=message.location.latitude + 0.001,
        longitude=message.location.longitude,
        title="Robotics club",
        address="Rua Augusta 1",
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo any other text."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await context.bot.send_chat_action(message.chat_id, "typing")
    await message.reply_text(f"You said: {message.text}")


def register(app: Application) -> None:
    """The echo/buttons bot's handlers."""
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("near", near_me))
    app.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:v1:"))
    app.add_handler(MessageHandler(filters.LOCATION, got_location))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))


async def test_start_buttons_and_edit(sandbox: SandboxServer, polling_app: AppFactory) -> None:
    await polling_app(register)
    alice = sandbox.user("Alice", language_code="pt", username="alice")
    await alice.send("/start lisbon")
    greeting = await alice.wait_for_message()
    assert greeting.text == "Hello Alice from lisbon!"
    assert greeting.entity_texts("bold") == ["Alice"]
    assert greeting.buttons == [["English", "Português"], ["Website"]]
    assert greeting.raw["from"]["username"] == "colbot_test_bot"
    assert greeting.reply_to_message_id is None  # PTB quotes only in groups by default

    answer = await alice.press(greeting, "Português")
    assert answer == "Language set: pt"
    edited = await alice.wait_for_edit(greeting)
    assert edited.text == "Language: pt"
    assert edited.entity_texts("italic") == ["pt"]
    assert edited.buttons == []  # editing text without reply_markup drops the keyboard
    with pytest.raises(AssertionError, match="no inline buttons"):
        await alice.press(greeting, "English")
    assert len(alice.messages_from_bot()) == 1


async def test_link_button_and_echo(sandbox: SandboxServer, polling_app: AppFactory) -> None:
    await polling_app(register)
    bob = sandbox.user("Bob")
    await bob.start()
    menu = await bob.wait_for_message()
    assert await bob.press(menu, "Website") == "https://example.org/col"
    await bob.send("hello there")
    reply = await bob.wait_for_message(text_contains="You said")
    assert reply.text == "You said: hello there"
    assert "typing" in bob.chat_actions()


async def test_reply_keyboard_location_and_venue(
    sandbox: SandboxServer, polling_app: AppFactory
) -> None:
    await polling_app(register)
    carla = sandbox.user("Carla")
    await carla.send("/near")
    question = await carla.wait_for_message()
    assert question.text == "Where are you?"
    assert carla.reply_keyboard() == [["Send my location"], ["Cancel"]]
    await carla.press_reply_button("Send my location", location=(38.71, -9.14))
    thanks, venue = await carla.wait_for_messages(2)
    assert thanks.text == "Thanks!"
    assert carla.reply_keyboard() is None
    assert venue.venue is not None
    assert venue.venue["title"] == "Robotics club"
    assert venue.location is not None
    assert abs(venue.location["latitude"] - 38.711) < 1e-9


async def test_group_messages(sandbox: SandboxServer, polling_app: AppFactory) -> None:
    await polling_app(register)
    dan = sandbox.user("Dan")
    group = sandbox.group("Youth group A")
    await dan.send("hello group", chat=group)
    reply = await dan.wait_for_message(chat=group)
    assert reply.text == "You said: hello group"
    assert reply.raw["chat"] == {"id": group.id, "type": "group", "title": "Youth group A"}
    assert reply.reply_to_message_id is not None  # in groups PTB quotes the message
