"""A local Telegram Bot API server with people, chats and fault injection, for tests and demos.

Typical use, in the same event loop as the bot::

    async with SandboxServer() as sandbox:              # port 0: a free port
        sandbox.add_bot(TOKEN, "colbot_dev_bot", "City of Learning")
        app = (ApplicationBuilder().token(TOKEN).base_url(sandbox.base_url)
               .base_file_url(sandbox.base_file_url).build())
        ...start the application (polling or webhook)...
        alice = sandbox.user("Alice", language_code="pt")
        await alice.send("/start lisbon")
        menu = await alice.wait_for_message()
        await alice.press(menu, "English")
        await alice.wait_for_edit(menu)
"""

from bot.sandbox.client import SandboxGroup, SandboxUser
from bot.sandbox.errors import ApiError
from bot.sandbox.faults import Fault, FaultInjector
from bot.sandbox.server import ApiCall, SandboxServer
from bot.sandbox.state import BotAccount
from bot.sandbox.view import ChatMessage

__all__ = [
    "ApiCall",
    "ApiError",
    "BotAccount",
    "ChatMessage",
    "Fault",
    "FaultInjector",
    "SandboxGroup",
    "SandboxServer",
    "SandboxUser",
]
