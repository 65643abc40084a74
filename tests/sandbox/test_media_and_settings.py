"""Uploads and downloads, inline queries, commands and descriptions, through PTB."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonCommands,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes, InlineQueryHandler, MessageHandler, filters

from bot.sandbox import SandboxServer, SandboxUser
from tests.sandbox.conftest import TOKEN, AppFactory, png_bytes


@pytest.fixture
async def bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url) as b:
        yield b


@pytest.fixture
async def alice(sandbox: SandboxServer) -> SandboxUser:
    person = sandbox.user("Alice", language_code="pt")
    await person.start()
    return person


async def test_photo_and_document_upload_round_trip(bot: Bot, alice: SandboxUser) -> None:
    badge = png_bytes(600, 600, "gold")
    sent = await bot.send_photo(alice.id, badge, caption="Your <b>badge</b>", parse_mode="HTML")
    assert sent.caption == "Your badge"
    assert sent.photo[-1].width == 600
    assert sent.photo[0].width == 90
    message = alice.messages_from_bot()[-1]
    assert message.uploaded_bytes == badge
    with Image.open(io.BytesIO(message.photo_bytes())) as shown:
        assert shown.format == "JPEG"
        assert shown.size == (600, 600)
    # file_id re-use sends the same photo without uploading again
    again = await bot.send_photo(alice.id, sent.photo[-1].file_id)
    assert [p.file_unique_id for p in again.photo] == [p.file_unique_id for p in sent.photo]

    credential = b'{"type": ["VerifiableCredential", "OpenBadgeCredential"]}'
    doc = await bot.send_document(alice.id, credential, filename="badge.json", caption="keep me")
    assert doc.document is not None
    assert doc.document.file_name == "badge.json"
    assert doc.document.mime_type == "application/json"
    assert alice.messages_from_bot()[-1].document_bytes() == credential
    downloaded = await (await bot.get_file(doc.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == credential


async def test_media_errors(bot: Bot, alice: SandboxUser) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(alice.id, png_bytes(), caption="x" * 1025)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(alice.id, b"this is not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(alice.id, "no-such-file-id")


async def test_bot_downloads_a_photo_a_person_sent(
    sandbox: SandboxServer, polling_app: AppFactory
) -> None:
    async def evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        assert message.photo
        data = await (await message.photo[-1].get_file()).download_as_bytearray()
        with Image.open(io.BytesIO(bytes(data))) as image:
            await message.reply_text(
                f"Got {image.format} {image.width}x{image.height}: {message.caption}"
            )

    await polling_app(lambda app: app.add_handler(MessageHandler(filters.PHOTO, evidence)))
    learner = sandbox.user("Lea")
    await learner.send_photo(png_bytes(2000, 1000), caption="my work")
    reply = await learner.wait_for_message()
    assert reply.text == "Got JPEG 1280x640: my work"


async def test_inline_query(sandbox: SandboxServer, polling_app: AppFactory) -> None:
    async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        await query.answer(
            [
                InlineQueryResultArticle(
                    id="act-1",
                    title=f"{query.query.title()} club",
                    input_message_content=InputTextMessageContent("Robotics club, Tuesdays"),
                )
            ],
            cache_time=0,
        )

    await polling_app(lambda app: app.add_handler(InlineQueryHandler(search)))
    results = await sandbox.user("Ines").inline_query("robotics")
    assert [(r["id"], r["title"]) for r in results] == [("act-1", "Robotics club")]


async def test_commands_descriptions_and_menu(
    sandbox: SandboxServer, bot: Bot, alice: SandboxUser
) -> None:
    from bot.sandbox.methods_settings import visible_commands

    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("near", "Near me")])
    await bot.set_my_commands([BotCommand("start", "Começar")], language_code="pt")
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(alice.id))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "near"]
    assert [c.description for c in await bot.get_my_commands(language_code="pt")] == ["Começar"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    bob = sandbox.user("Bob", language_code="pt")
    seen = visible_commands(sandbox.bot(), sandbox.world, bob.id, bob.id, "pt")
    assert seen == [{"command": "start", "description": "Começar"}]
    seen = visible_commands(sandbox.bot(), sandbox.world, alice.id, alice.id, "pt")
    assert seen == [{"command": "admin", "description": "Admin"}]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])

    await bot.set_my_description("Find learning near you", language_code="en")
    await bot.set_my_short_description("City of Learning", language_code="pt")
    assert (await bot.get_my_description(language_code="en")).description == (
        "Find learning near you"
    )
    assert (await bot.get_my_description()).description == ""
    assert (await bot.get_my_short_description("pt")).short_description == "City of Learning"
    assert await bot.set_chat_menu_button(alice.id, MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(alice.id), MenuButtonCommands)
    chat = await bot.get_chat(alice.id)
    assert chat.first_name == "Alice"
    assert chat.type == "private"
    member = await bot.get_chat_member(alice.id, alice.id)
    assert member.status == "member"
    assert member.user.first_name == "Alice"


async def test_group_admins_and_live_location(sandbox: SandboxServer, bot: Bot) -> None:
    worker = sandbox.user("Wanda")
    group = sandbox.group("Youth group A", kind="supergroup", admins=[worker])
    admins = await bot.get_chat_administrators(group.id)
    assert [a.user.id for a in admins] == [worker.id]
    assert admins[0].status == "administrator"
    live = await worker.share_location(38.7, -9.1, live_period=900, chat=group)
    await worker.move_live_location(live, 38.71, -9.12, chat=group)
    updates = await bot.get_updates()
    assert updates[0].message is not None
    assert updates[0].message.location is not None
    assert live.location is not None
    assert live.location["live_period"] == 900
    edited = updates[1].edited_message
    assert edited is not None
    assert edited.location is not None
    assert edited.location.longitude == -9.12
    assert edited.edit_date is not None
