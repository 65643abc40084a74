"""The sandbox's world: bots, people, chats, message histories, files and update queues."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import ApiError, bad_request, forbidden

# Updates Telegram sends when a bot never chose its allowed_updates.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def now() -> int:
    """Unix time in whole seconds, as every Bot API date is."""
    return int(time.time())


@dataclass
class Person:
    """A human Telegram account."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None
    started_bots: set[int] = field(default_factory=set)
    blocked_bots: set[int] = field(default_factory=set)

    def to_user(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def to_private_chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object of this person's private chat."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class Group:
    """A group or supergroup chat."""

    id: int
    title: str
    type: str = "group"
    username: str | None = None
    bots: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    administrators: set[int] = field(default_factory=set)

    def to_chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class StoredFile:
    """Bytes the sandbox keeps behind a file_id."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class StoredMessage:
    """One message of a conversation, with what the sandbox knows beyond the Bot API shape."""

    raw: dict[str, Any]
    outgoing: bool
    markup: dict[str, Any] | None = None
    version: int = 0
    deleted: bool = False
    uploads: dict[str, bytes] = field(default_factory=dict)

    @property
    def message_id(self) -> int:
        """The message's id within its chat."""
        return int(self.raw["message_id"])


@dataclass
class Conversation:
    """The history of one chat as one bot sees it."""

    bot_id: int
    chat_id: int
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    chat_actions: list[str] = field(default_factory=list)
    next_id: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def add(self, message: StoredMessage) -> None:
        """Record a message and wake whoever waits on this chat."""
        self.messages[message.message_id] = message

    async def notify(self) -> None:
        """Wake every waiter of this conversation."""
        async with self.changed:
            self.changed.notify_all()


@dataclass
class WebhookConfig:
    """What setWebhook stored, plus delivery health for getWebhookInfo."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str = "127.0.0.1"
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class PendingQuery:
    """A callback or inline query that waits for the bot's answer."""

    user_id: int
    answer: asyncio.Future[dict[str, Any]]


@dataclass
class BotAccount:
    """A bot registered with the sandbox, and everything Telegram keeps for it."""

    token: str
    id: int
    username: str
    first_name: str
    supports_inline_queries: bool = True
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    allowed_updates: list[str] | None = None
    webhook: WebhookConfig | None = None
    webhook_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    poll_generation: int = 0
    updates_changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    queries: dict[str, PendingQuery] = field(default_factory=dict)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    update_log: list[dict[str, Any]] = field(default_factory=list)

    def to_user(self) -> dict[str, Any]:
        """The ``User`` object that appears as ``from`` of the bot's messages."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def accepts(self, kind: str) -> bool:
        """Whether an update of this kind passes the bot's allowed_updates."""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES


class World:
    """All state of one sandbox server; every method runs on the event loop, none blocks."""

    def __init__(self) -> None:
        self.bots: dict[str, BotAccount] = {}
        self.people: dict[int, Person] = {}
        self.groups: dict[int, Group] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        # file_id -> the Bot API object it belongs to (a PhotoSize list, a Document, ...)
        self.media: dict[str, Any] = {}
        self.conversations: dict[tuple[int, int], Conversation] = {}
        self.closing = False
        self._person_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_001)

    # --- registry -----------------------------------------------------------------

    def add_bot(self, token: str, username: str, first_name: str | None = None) -> BotAccount:
        """Register a bot; its id is the number before the colon of its token."""
        head = token.split(":", 1)[0]
        bot_id = int(head) if head.isdigit() else 7_000_000_000 + len(self.bots) + 1
        account = BotAccount(token, bot_id, username, first_name or username)
        self.bots[token] = account
        return account

    def bot_by_token(self, token: str) -> BotAccount | None:
        """The bot owning ``token``, if any."""
        return self.bots.get(token)

    def add_person(self, first_name: str, **details: Any) -> Person:
        """Create a person with a fresh user id."""
        person = Person(next(self._person_ids), first_name, **details)
        self.people[person.id] = person
        return person

    def add_group(self, title: str, kind: str, bots: set[int]) -> Group:
        """Create a group (negative small id) or supergroup (-100… id)."""
        number = next(self._group_ids)
        chat_id = -1_001_000_000_000 - number if kind == "supergroup" else -4_000_000_000 - number
        group = Group(chat_id, title, kind, bots=set(bots))
        self.groups[chat_id] = group
        return group

    def chat_object(self, chat_id: int) -> dict[str, Any]:
        """The ``Chat`` object for any known chat id."""
        if chat_id in self.groups:
            return self.groups[chat_id].to_chat()
        return self.people[chat_id].to_private_chat()

    def conversation(self, bot: BotAccount, chat_id: int) -> Conversation:
        """The history of ``chat_id`` as seen by ``bot``, created on first use."""
        key = (bot.id, chat_id)
        if key not in self.conversations:
            self.conversations[key] = Conversation(bot.id, chat_id)
        return self.conversations[key]

    def new_query_id(self) -> str:
        """A fresh callback/inline query id."""
        return str(next(self._query_ids))

    # --- chats the bot may write to ------------------------------------------------

    def resolve_chat(self, chat_ref: int | str) -> int:
        """Turn a chat_id parameter into a known chat id, or fail with "chat not found"."""
        if isinstance(chat_ref, str) and not chat_ref.startswith("@"):
            try:
                chat_ref = int(chat_ref)
            except ValueError:
                raise bad_request("chat not found") from None
        if isinstance(chat_ref, str):
            name = chat_ref.removeprefix("@").lower()
            for group in self.groups.values():
                if group.username and group.username.lower() == name:
                    return group.id
            raise bad_request("chat not found")
        if chat_ref in self.groups or chat_ref in self.people:
            return chat_ref
        raise bad_request("chat not found")

    def writable_chat(self, bot: BotAccount, chat_ref: int | str) -> Conversation:
        """The conversation a bot sends to, after Telegram's permission checks."""
        chat_id = self.resolve_chat(chat_ref)
        if chat_id in self.groups:
            group = self.groups[chat_id]
            if bot.id not in group.bots:
                kind = "supergroup" if group.type == "supergroup" else "group"
                raise forbidden(f"bot is not a member of the {kind} chat")
        else:
            person = self.people[chat_id]
            if bot.id in person.blocked_bots:
                raise forbidden("bot was blocked by the user")
            if bot.id not in person.started_bots:
                raise forbidden("bot can't initiate conversation with a user")
        return self.conversation(bot, chat_id)

    def readable_chat(self, bot: BotAccount, chat_ref: int | str) -> Conversation:
        """A conversation the bot may look at (getChat, getChatMember)."""
        chat_id = self.resolve_chat(chat_ref)
        if chat_id in self.groups and bot.id not in self.groups[chat_id].bots:
            raise forbidden("bot is not a member of the group chat")
        if chat_id in self.people and bot.id not in self.people[chat_id].started_bots:
            raise bad_request("chat not found")
        return self.conversation(bot, chat_id)

    # --- files ---------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        folder: str,
        extension: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        """Keep bytes behind a new file_id and download path."""
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"SBX{number:06d}{secrets.token_hex(8)}",
            file_unique_id=f"U{number:06d}{secrets.token_hex(3)}",
            data=data,
            file_path=f"{folder}/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        """The stored file behind a file_id, or Telegram's error for an unknown one."""
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    # --- updates -------------------------------------------------------------------

    async def push_update(self, bot: BotAccount, kind: str, payload: dict[str, Any]) -> bool:
        """Queue an update for ``bot`` unless its allowed_updates filter drops it."""
        if not bot.accepts(kind):
            return False
        update = {"update_id": next(bot.next_update_id), kind: payload}
        bot.updates.append(update)
        bot.update_log.append(update)
        bot.webhook_wakeup.set()
        async with bot.updates_changed:
            bot.updates_changed.notify_all()
        return True

    def confirm_updates(self, bot: BotAccount, offset: int) -> None:
        """Forget updates before ``offset``; a negative offset keeps only the last ones."""
        if offset < 0:
            bot.updates = bot.updates[offset:]
        else:
            bot.updates = [u for u in bot.updates if u["update_id"] >= offset]

    async def wake_all(self) -> None:
        """Wake every long poll and waiter, used when the server closes."""
        self.closing = True
        for bot in self.bots.values():
            bot.webhook_wakeup.set()
            async with bot.updates_changed:
                bot.updates_changed.notify_all()
        for conversation in self.conversations.values():
            await conversation.notify()


def pending_query(bot: BotAccount, query_id: str) -> PendingQuery:
    """The unanswered query behind an id, or Telegram's error for a stale one."""
    pending = bot.queries.get(query_id)
    if pending is None or pending.answer.done():
        raise ApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    return pending
