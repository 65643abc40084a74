"""Telegram's error answers reach PTB as the exceptions a bot must handle."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from bot.sandbox import SandboxServer, SandboxUser
from tests.sandbox.conftest import TOKEN


@pytest.fixture
async def bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url) as b:
        yield b


@pytest.fixture
async def alice(sandbox: SandboxServer) -> SandboxUser:
    person = sandbox.user("Alice")
    await person.start()
    return person


async def test_flood_wait_is_retry_after(
    sandbox: SandboxServer, bot: Bot, alice: SandboxUser
) -> None:
    fault = sandbox.faults.inject(method="sendMessage", error=429, retry_after=3, times=1)
    with pytest.raises(RetryAfter, match=r"Retry in (3 seconds|0:00:03)"):
        await bot.send_message(alice.id, "hello")
    assert fault.hits == 1
    await bot.send_message(alice.id, "hello")  # the fault fired once only
    assert [m.text for m in alice.messages_from_bot()] == ["hello"]
    assert [c.status for c in sandbox.calls_to("sendMessage")] == [429, 200]


async def test_fault_for_one_chat_and_delay(
    sandbox: SandboxServer, bot: Bot, alice: SandboxUser
) -> None:
    bob = sandbox.user("Bob")
    await bob.start()
    sandbox.faults.inject(method="sendMessage", chat_id=bob.id, error=403, times=None)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(bob.id, "hi")
    await bot.send_message(alice.id, "hi")
    sandbox.faults.clear()
    sandbox.faults.inject(method="sendMessage", delay=0.3)
    began = time.monotonic()
    await bot.send_message(alice.id, "slow")
    assert time.monotonic() - began >= 0.3


async def test_blocked_user_is_forbidden_until_unblocked(
    sandbox: SandboxServer, bot: Bot, alice: SandboxUser
) -> None:
    await alice.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "are you there?")
    updates = await bot.get_updates()
    member_update = updates[-1].my_chat_member
    assert member_update is not None
    assert member_update.new_chat_member.status == "kicked"
    await alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    assert alice.messages_from_bot()[-1].text == "welcome back"


async def test_stranger_cannot_be_messaged_first(sandbox: SandboxServer, bot: Bot) -> None:
    stranger = sandbox.user("Eve")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hi")


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
    ],
)
async def test_bad_html_is_bad_request(
    bot: Bot, alice: SandboxUser, html: str, problem: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(alice.id, html, parse_mode=ParseMode.HTML)
    # PTB capitalises Telegram's "can't parse entities: …" description
    assert caught.value.message == f"can't parse entities: {problem}".capitalize()


async def test_length_limits(bot: Bot, alice: SandboxUser) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    sent = await bot.send_message(alice.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent.text) == 4096  # the limit counts text after entity parsing
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(alice.id, "   ")


async def test_callback_data_over_64_bytes(bot: Bot, alice: SandboxUser) -> None:
    long_data = "act:v1:save:" + "9" * 53
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Save", callback_data=long_data)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(alice.id, "pick", reply_markup=markup)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("Save", callback_data=long_data[:64])]])
    await bot.send_message(alice.id, "pick", reply_markup=ok)


async def test_unknown_method_and_token(sandbox: SandboxServer, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.base_url}{TOKEN}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.post(f"{sandbox.base_url}1:wrong/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with http.post(f"{sandbox.base_url}{TOKEN}/sendMessage", json={}) as response:
            assert response.status == 400
            assert (await response.json())["description"] == "Bad Request: chat_id is empty"
        async with http.post(
            f"{sandbox.base_url}{TOKEN}/sendMessage",
            data=b"{not json",
            headers={"Content-Type": "application/json"},
        ) as response:
            assert response.status == 400
    requests = (HTTPXRequest(), HTTPXRequest())
    stranger = Bot(
        "1:wrong", base_url=sandbox.base_url, request=requests[0], get_updates_request=requests[1]
    )
    try:
        with pytest.raises(InvalidToken, match="rejected by the server"):
            await stranger.initialize()
    finally:
        for request in requests:
            await request.shutdown()


async def test_edit_errors(bot: Bot, alice: SandboxUser) -> None:
    sent = await bot.send_message(alice.id, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", chat_id=alice.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=999)
    mine = await alice.send("my own words")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=mine.message_id)
    assert await bot.delete_message(alice.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
