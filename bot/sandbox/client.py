"""Acting as people in the sandbox: send, share, press buttons, and wait for the bot."""

# Waiting helpers take ``timeout=`` on purpose: a failed wait must explain what the chat holds,
# which a caller-side asyncio.timeout cannot do.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import copy
import hashlib
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.sandbox.formatting import detect_entities
from bot.sandbox.media import store_document, store_photo
from bot.sandbox.messages import describe, record_user_message
from bot.sandbox.state import (
    BotAccount,
    Conversation,
    Group,
    PendingQuery,
    Person,
    StoredMessage,
    now,
)
from bot.sandbox.view import ChatMessage

if TYPE_CHECKING:
    from bot.sandbox.server import SandboxServer

DEFAULT_TIMEOUT = 5.0


class SandboxGroup:
    """A group chat in the sandbox; pass it as ``chat=`` to a person's actions."""

    def __init__(self, server: SandboxServer, group: Group) -> None:
        self.server = server
        self.group = group

    @property
    def id(self) -> int:
        """The group's chat id (negative)."""
        return self.group.id

    @property
    def title(self) -> str:
        """The group's title."""
        return self.group.title

    def messages(self, bot: BotAccount | None = None) -> list[ChatMessage]:
        """Every message of the group as ``bot`` (default bot) sees it."""
        conversation = self.server.world.conversation(bot or self.server.bot(), self.id)
        return [ChatMessage(self.server.world, m) for m in conversation.messages.values()]

    async def add_bot(self, bot: BotAccount, *, by: SandboxUser) -> None:
        """A person adds a bot here: it gets my_chat_member and a new_chat_members message."""
        world = self.server.world
        self.group.bots.add(bot.id)
        self.group.members.add(by.id)
        chat = self.group.to_chat()
        await world.push_update(
            bot,
            "my_chat_member",
            {
                "chat": chat,
                "from": by.person.to_user(),
                "date": now(),
                "old_chat_member": {"status": "left", "user": bot.to_user()},
                "new_chat_member": {"status": "member", "user": bot.to_user()},
            },
        )
        conversation = world.conversation(bot, self.id)
        stored = record_user_message(
            world, by.person, conversation, {"new_chat_members": [bot.to_user()]}
        )
        await conversation.notify()
        await world.push_update(bot, "message", copy.deepcopy(stored.raw))


ChatRef = SandboxGroup | None


def _read_bytes(source: bytes | str | Path) -> tuple[bytes, str | None]:
    if isinstance(source, bytes):
        return source, None
    path = Path(source)
    return path.read_bytes(), path.name


class SandboxUser:
    """A person: talks to one bot in a private chat, and in groups."""

    def __init__(self, server: SandboxServer, person: Person, bot: BotAccount) -> None:
        self.server = server
        self.person = person
        self.bot = bot
        self.last_callback_answer: dict[str, Any] | None = None
        self.last_inline_answer: dict[str, Any] | None = None
        self._read_upto: dict[int, int] = {}
        self._seen_versions: dict[tuple[int, int], int] = {}

    @property
    def id(self) -> int:
        """The person's user id, also the id of their private chat with the bot."""
        return self.person.id

    def __repr__(self) -> str:
        return f"<SandboxUser {self.person.first_name} id={self.id}>"

    # --- chats ----------------------------------------------------------------------

    def _chat_id(self, chat: ChatRef) -> int:
        return self.id if chat is None else chat.id

    def conversation(self, chat: ChatRef = None) -> Conversation:
        """The sandbox's record of the chat (private by default) as the bot sees it."""
        return self.server.world.conversation(self.bot, self._chat_id(chat))

    async def _enter(self, chat: ChatRef) -> Conversation:
        """Open the chat as Telegram would before a person's first message in it."""
        if chat is None:
            self.person.started_bots.add(self.bot.id)
            if self.bot.id in self.person.blocked_bots:
                await self.unblock_bot()
        else:
            chat.group.members.add(self.id)
            if self.bot.id not in chat.group.bots:
                raise AssertionError(f"{self.bot.username} is not in the group {chat.title!r}")
        return self.conversation(chat)

    async def _post(
        self,
        content: dict[str, Any],
        chat: ChatRef,
        reply_to: ChatMessage | None = None,
    ) -> ChatMessage:
        conversation = await self._enter(chat)
        target = None
        if reply_to is not None:
            target = conversation.messages[reply_to.message_id]
        stored = record_user_message(
            self.server.world, self.person, conversation, content, reply_to=target
        )
        await conversation.notify()
        await self.server.world.push_update(self.bot, "message", copy.deepcopy(stored.raw))
        return self._view(stored, chat)

    def _view(self, stored: StoredMessage, chat: ChatRef) -> ChatMessage:
        self._seen_versions[(self._chat_id(chat), stored.message_id)] = stored.version
        return ChatMessage(self.server.world, stored)

    # --- things a person does -------------------------------------------------------

    async def send(
        self, text: str, *, chat: ChatRef = None, reply_to: ChatMessage | None = None
    ) -> ChatMessage:
        """Send a text; commands, links, mentions and hashtags get entities like in Telegram."""
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return await self._post(content, chat, reply_to)

    async def start(self, payload: str | None = None) -> ChatMessage:
        """Press START, or open a ``t.me/bot?start=payload`` deep link."""
        return await self.send(f"/start {payload}" if payload else "/start")

    async def share_location(
        self,
        latitude: float,
        longitude: float,
        *,
        live_period: int | None = None,
        horizontal_accuracy: float | None = None,
        chat: ChatRef = None,
    ) -> ChatMessage:
        """Share a location, live for ``live_period`` seconds if given."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        if live_period is not None:
            location["live_period"] = live_period
        return await self._post({"location": location}, chat)

    async def move_live_location(
        self, message: ChatMessage, latitude: float, longitude: float, *, chat: ChatRef = None
    ) -> ChatMessage:
        """Move a live location: the bot receives an ``edited_message``."""
        location = {**message.raw["location"], "latitude": latitude, "longitude": longitude}
        return await self.edit(message, {"location": location}, chat=chat)

    async def edit(
        self,
        message: ChatMessage,
        change: str | dict[str, Any],
        *,
        chat: ChatRef = None,
    ) -> ChatMessage:
        """Edit one of my messages (new text, or new fields); the bot gets ``edited_message``."""
        conversation = self.conversation(chat)
        stored = conversation.messages[message.message_id]
        if stored.outgoing or stored.raw["from"]["id"] != self.id:
            raise AssertionError("a person can only edit their own messages")
        if isinstance(change, str):
            change = {"text": change, "entities": detect_entities(change) or None}
        for key, value in change.items():
            if value is None:
                stored.raw.pop(key, None)
            else:
                stored.raw[key] = value
        stored.raw["edit_date"] = now()
        stored.version += 1
        await conversation.notify()
        await self.server.world.push_update(self.bot, "edited_message", copy.deepcopy(stored.raw))
        return self._view(stored, chat)

    async def send_photo(
        self, photo: bytes | str | Path, *, caption: str | None = None, chat: ChatRef = None
    ) -> ChatMessage:
        """Send a photo (bytes or a path); the bot sees JPEG sizes it can download."""
        data, _ = _read_bytes(photo)
        content: dict[str, Any] = {"photo": store_photo(self.server.world, data)}
        if caption:
            content["caption"] = caption
            entities = detect_entities(caption)
            if entities:
                content["caption_entities"] = entities
        return await self._post(content, chat)

    async def send_document(
        self,
        document: bytes | str | Path,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: ChatRef = None,
    ) -> ChatMessage:
        """Send a file as a document, byte for byte."""
        data, name = _read_bytes(document)
        name = file_name or name or "file.bin"
        mime = mime_type or mimetypes.guess_type(name)[0]
        content: dict[str, Any] = {"document": store_document(self.server.world, data, name, mime)}
        if caption:
            content["caption"] = caption
        return await self._post(content, chat)

    async def send_contact(self, *, chat: ChatRef = None) -> ChatMessage:
        """Share my own phone number, as a request_contact button does."""
        contact: dict[str, Any] = {
            "phone_number": self.person.phone_number or f"+35191{self.id % 10_000_000:07d}",
            "first_name": self.person.first_name,
            "user_id": self.id,
        }
        if self.person.last_name:
            contact["last_name"] = self.person.last_name
        return await self._post({"contact": contact}, chat)

    async def press(
        self,
        message: ChatMessage,
        button: str | int | None = None,
        *,
        callback_data: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        expect_answer: bool = True,
    ) -> str | None:
        """Press an inline button (by label, flat index or callback_data).

        Returns the text of the bot's answerCallbackQuery (None if it had none), or the URL of
        a link button. Fails if the bot does not answer within ``timeout``.
        """
        stored = message.stored
        if stored.deleted:
            raise AssertionError(f"cannot press a button on a deleted message: {describe(stored)}")
        found = _find_inline_button(stored, button, callback_data)
        if "url" in found:
            return str(found["url"])
        if "callback_data" not in found:
            raise AssertionError(f"the sandbox cannot press this kind of button yet: {found}")
        world = self.server.world
        query_id = world.new_query_id()
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.bot.queries[query_id] = PendingQuery(self.id, answer)
        chat_id = int(stored.raw["chat"]["id"])
        payload = {
            "id": query_id,
            "from": self.person.to_user(),
            "message": copy.deepcopy(stored.raw),
            "chat_instance": _chat_instance(self.bot.id, chat_id),
            "data": found["callback_data"],
        }
        self._seen_versions.setdefault((chat_id, stored.message_id), stored.version)
        await world.push_update(self.bot, "callback_query", payload)
        if not expect_answer:
            return None
        try:
            result = await asyncio.wait_for(asyncio.shield(answer), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer the callback query for {found['text']!r} within "
                f"{timeout}s (the button keeps spinning)"
            ) from None
        self.last_callback_answer = result
        return result["text"]

    async def press_reply_button(
        self,
        label: str,
        *,
        location: tuple[float, float] | None = None,
        chat: ChatRef = None,
    ) -> ChatMessage:
        """Press a reply-keyboard button: sends its text, my location, or my contact."""
        conversation = self.conversation(chat)
        keyboard = conversation.reply_keyboard
        if keyboard is None:
            raise AssertionError("no reply keyboard is shown in this chat")
        buttons = [b for row in keyboard["keyboard"] for b in row]
        matches = [b for b in buttons if b["text"] == label]
        if not matches:
            labels = [b["text"] for b in buttons]
            raise AssertionError(f"no reply button {label!r}; the keyboard has {labels}")
        pressed = matches[0]
        if keyboard.get("one_time_keyboard"):
            conversation.reply_keyboard = None
        if pressed.get("request_location"):
            if location is None:
                raise AssertionError(f"{label!r} asks for a location: pass location=(lat, lon)")
            return await self.share_location(*location, chat=chat)
        if pressed.get("request_contact"):
            return await self.send_contact(chat=chat)
        return await self.send(pressed["text"], chat=chat)

    async def inline_query(
        self,
        query: str,
        *,
        offset: str = "",
        chat_type: str = "sender",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> list[dict[str, Any]]:
        """Type ``@bot query`` and return the results the bot answers with."""
        if not self.bot.supports_inline_queries:
            raise AssertionError(f"{self.bot.username} has inline mode off")
        world = self.server.world
        query_id = world.new_query_id()
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.bot.queries[query_id] = PendingQuery(self.id, answer)
        payload = {
            "id": query_id,
            "from": self.person.to_user(),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        await world.push_update(self.bot, "inline_query", payload)
        try:
            result = await asyncio.wait_for(asyncio.shield(answer), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer the inline query {query!r} within {timeout}s"
            ) from None
        self.last_inline_answer = result
        return list(result["results"])

    async def block_bot(self) -> None:
        """Block the bot: its sends to me fail with 403 and it gets a my_chat_member update."""
        self.person.blocked_bots.add(self.bot.id)
        await self._member_update("member", "kicked")

    async def unblock_bot(self) -> None:
        """Unblock (restart) the bot."""
        self.person.blocked_bots.discard(self.bot.id)
        await self._member_update("kicked", "member")

    async def _member_update(self, old: str, new: str) -> None:
        def member(status: str) -> dict[str, Any]:
            entry: dict[str, Any] = {"status": status, "user": self.bot.to_user()}
            if status == "kicked":
                entry["until_date"] = 0
            return entry

        await self.server.world.push_update(
            self.bot,
            "my_chat_member",
            {
                "chat": self.person.to_private_chat(),
                "from": self.person.to_user(),
                "date": now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # --- what a person sees ---------------------------------------------------------

    def history(self, chat: ChatRef = None) -> list[ChatMessage]:
        """Every message of the chat, both directions, oldest first."""
        world = self.server.world
        return [ChatMessage(world, m) for m in self.conversation(chat).messages.values()]

    def messages_from_bot(
        self, chat: ChatRef = None, *, include_deleted: bool = False
    ) -> list[ChatMessage]:
        """What the bot sent to the chat, oldest first."""
        return [m for m in self.history(chat) if m.from_bot and (include_deleted or not m.deleted)]

    def chat_actions(self, chat: ChatRef = None) -> list[str]:
        """The chat actions ('typing', …) the bot sent, in order."""
        return list(self.conversation(chat).chat_actions)

    def reply_keyboard(self, chat: ChatRef = None) -> list[list[str]] | None:
        """The labels of the reply keyboard shown now, if any."""
        keyboard = self.conversation(chat).reply_keyboard
        if keyboard is None:
            return None
        return [[b["text"] for b in row] for row in keyboard["keyboard"]]

    def transcript(self, chat: ChatRef = None) -> str:
        """The chat as readable lines, for assertion messages and the demo."""
        lines = [describe(m) for m in self.conversation(chat).messages.values()]
        return "\n".join(lines) if lines else "(empty chat)"

    def unread(self, chat: ChatRef = None) -> list[ChatMessage]:
        """Bot messages not yet returned by wait_for_message, without waiting."""
        cursor = self._read_upto.get(self._chat_id(chat), 0)
        return [m for m in self.messages_from_bot(chat) if m.message_id > cursor]

    def mark_read(self, chat: ChatRef = None) -> None:
        """Skip every bot message received so far."""
        messages = self.conversation(chat).messages
        if messages:
            self._read_upto[self._chat_id(chat)] = max(messages)

    async def _wait(
        self, conversation: Conversation, ready: Callable[[], Any], timeout: float
    ) -> Any:
        result: Any = None

        def check() -> bool:
            nonlocal result
            result = ready()
            return bool(result) or self.server.world.closing

        async with conversation.changed:
            try:
                await asyncio.wait_for(conversation.changed.wait_for(check), timeout)
            except TimeoutError:
                return None
        return result

    async def wait_for_message(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        chat: ChatRef = None,
        text_contains: str | None = None,
        predicate: Callable[[ChatMessage], bool] | None = None,
    ) -> ChatMessage:
        """The next unread bot message (matching the filters, skipping earlier ones)."""
        conversation = self.conversation(chat)
        chat_id = self._chat_id(chat)

        def ready() -> ChatMessage | None:
            for message in self.unread(chat):
                if text_contains is not None and text_contains not in (
                    message.text or message.caption or ""
                ):
                    continue
                if predicate is not None and not predicate(message):
                    continue
                return message
            return None

        found = await self._wait(conversation, ready, timeout)
        if found is None:
            wanted = f" containing {text_contains!r}" if text_contains else ""
            raise AssertionError(
                f"no new message from the bot{wanted} within {timeout}s in chat {chat_id}; "
                f"the chat contains:\n{self.transcript(chat)}"
            )
        self._read_upto[chat_id] = found.message_id
        return self._view(found.stored, chat)

    async def wait_for_messages(
        self, count: int, timeout: float = DEFAULT_TIMEOUT, *, chat: ChatRef = None
    ) -> list[ChatMessage]:
        """The next ``count`` unread bot messages."""
        conversation = self.conversation(chat)
        found = await self._wait(
            conversation, lambda: len(self.unread(chat)) >= count or None, timeout
        )
        if found is None:
            raise AssertionError(
                f"expected {count} new bot messages within {timeout}s, got "
                f"{len(self.unread(chat))}; the chat contains:\n{self.transcript(chat)}"
            )
        messages = self.unread(chat)[:count]
        self._read_upto[self._chat_id(chat)] = messages[-1].message_id
        return [self._view(m.stored, chat) for m in messages]

    async def wait_for_edit(
        self, message: ChatMessage, timeout: float = DEFAULT_TIMEOUT, *, chat: ChatRef = None
    ) -> ChatMessage:
        """Wait until the bot edits (or deletes) ``message`` after I last saw it."""
        chat_id = int(message.raw["chat"]["id"]) if chat is None else chat.id
        key = (chat_id, message.message_id)
        seen = self._seen_versions.get(key, message.version_seen)
        stored = message.stored
        conversation = self.server.world.conversation(self.bot, chat_id)
        changed = await self._wait(conversation, lambda: stored.version > seen, timeout)
        if not changed:
            raise AssertionError(
                f"the bot did not edit message #{message.message_id} within {timeout}s; "
                f"the chat contains:\n{self.transcript(chat)}"
            )
        self._seen_versions[key] = stored.version
        return ChatMessage(self.server.world, stored)

    async def wait_for_chat_action(
        self, action: str = "typing", timeout: float = DEFAULT_TIMEOUT, *, chat: ChatRef = None
    ) -> None:
        """Wait until the bot shows ``action`` ('typing', 'upload_photo', …) in the chat."""
        conversation = self.conversation(chat)
        ok = await self._wait(conversation, lambda: action in conversation.chat_actions, timeout)
        if not ok:
            raise AssertionError(
                f"the bot never showed {action!r}; it showed {conversation.chat_actions}"
            )


def _chat_instance(bot_id: int, chat_id: int) -> str:
    digest = hashlib.sha256(f"{bot_id}:{chat_id}".encode()).hexdigest()
    return str(int(digest[:15], 16))


def _find_inline_button(
    stored: StoredMessage, button: str | int | None, callback_data: str | None
) -> dict[str, Any]:
    rows = stored.raw.get("reply_markup", {}).get("inline_keyboard", [])
    buttons = [b for row in rows for b in row]
    if not buttons:
        raise AssertionError(f"the message has no inline buttons: {describe(stored)}")
    if callback_data is not None:
        matches = [b for b in buttons if b.get("callback_data") == callback_data]
    elif isinstance(button, int):
        matches = [buttons[button]] if -len(buttons) <= button < len(buttons) else []
    elif isinstance(button, str):
        matches = [b for b in buttons if b["text"] == button]
        if not matches:
            matches = [b for b in buttons if button.casefold() in b["text"].casefold()]
    else:
        raise ValueError("name the button by label, index or callback_data")
    if len(matches) != 1:
        labels = [b["text"] for b in buttons]
        problem = "no button" if not matches else "more than one button"
        raise AssertionError(f"{problem} matches {button or callback_data!r}; buttons: {labels}")
    return matches[0]
