"""Building, checking and recording messages in Telegram's shape."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params
from bot.sandbox.state import BotAccount, Conversation, Person, StoredMessage, World, now

_INLINE_KINDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAX_BUTTONS = 100


def _check_inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"].strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [kind for kind in _INLINE_KINDS if button.get(kind) is not None]
    if not kinds:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.path):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return button


def _check_reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("can't parse keyboard button: Text must be non-empty")
    return button


def _rows(markup: dict[str, Any], field: str) -> list[list[Any]]:
    rows = markup.get(field)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            f'field "{field}" of the {field.title()}Markup must be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def check_markup(value: Any) -> dict[str, Any] | None:
    """Validate a reply_markup the way Telegram does; normalise plain-string reply buttons."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = _rows(value, "inline_keyboard")
        return {"inline_keyboard": [[_check_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in value:
        rows = _rows(value, "keyboard")
        checked = [[_check_reply_button(b) for b in row] for row in rows]
        return {**value, "keyboard": checked}
    if value.get("remove_keyboard") or value.get("force_reply"):
        return value
    raise bad_request("can't parse reply keyboard markup JSON object")


def snapshot(message: StoredMessage) -> dict[str, Any]:
    """A frozen copy of a message, as embedded in replies and callback queries."""
    frozen = copy.deepcopy(message.raw)
    frozen.pop("reply_to_message", None)
    return frozen


def reply_target(params: Params, conversation: Conversation) -> dict[str, Any] | None:
    """The message a send call replies to, from reply_parameters or reply_to_message_id."""
    reply = params.get_json("reply_parameters")
    if reply is None and "reply_to_message_id" in params:
        reply = {"message_id": params.get_int("reply_to_message_id")}
    if not reply:
        return None
    if not isinstance(reply, dict) or "message_id" not in reply:
        raise bad_request("can't parse reply parameters JSON object")
    target = conversation.messages.get(int(reply["message_id"]))
    if target is None or target.deleted:
        if reply.get("allow_sending_without_reply") or params.get_bool(
            "allow_sending_without_reply"
        ):
            return None
        raise bad_request("message to be replied not found")
    return snapshot(target)


def record_bot_message(
    world: World,
    bot: BotAccount,
    conversation: Conversation,
    content: dict[str, Any],
    *,
    markup: dict[str, Any] | None,
    reply_to: dict[str, Any] | None = None,
    uploads: dict[str, bytes] | None = None,
) -> StoredMessage:
    """Store a message the bot sent and update the chat's reply keyboard."""
    raw: dict[str, Any] = {
        "message_id": next(conversation.next_id),
        "from": bot.to_user(),
        "chat": world.chat_object(conversation.chat_id),
        "date": now(),
    }
    if reply_to is not None:
        raw["reply_to_message"] = reply_to
    raw.update(content)
    if markup is not None and "inline_keyboard" in markup:
        raw["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    stored = StoredMessage(raw, outgoing=True, markup=markup, uploads=dict(uploads or {}))
    conversation.add(stored)
    if markup is not None and "keyboard" in markup:
        conversation.reply_keyboard = markup
    elif markup is not None and markup.get("remove_keyboard"):
        conversation.reply_keyboard = None
    return stored


def record_user_message(
    world: World,
    person: Person,
    conversation: Conversation,
    content: dict[str, Any],
    *,
    reply_to: StoredMessage | None = None,
) -> StoredMessage:
    """Store a message a person sent."""
    raw: dict[str, Any] = {
        "message_id": next(conversation.next_id),
        "from": person.to_user(),
        "chat": world.chat_object(conversation.chat_id),
        "date": now(),
    }
    if reply_to is not None:
        raw["reply_to_message"] = snapshot(reply_to)
    raw.update(content)
    stored = StoredMessage(raw, outgoing=False)
    conversation.add(stored)
    return stored


def describe(message: StoredMessage) -> str:
    """One line that says what a message shows, for assertion messages and the demo."""
    raw = message.raw
    who = "bot" if message.outgoing else raw.get("from", {}).get("first_name", "user")
    if "text" in raw:
        body = repr(raw["text"])
    elif "photo" in raw:
        body = f"[photo] {raw.get('caption', '')!r}"
    elif "document" in raw:
        body = f"[document {raw['document'].get('file_name')}] {raw.get('caption', '')!r}"
    elif "venue" in raw:
        body = f"[venue {raw['venue']['title']!r}]"
    elif "location" in raw:
        body = f"[location {raw['location']['latitude']},{raw['location']['longitude']}]"
    else:
        body = (
            "[" + ",".join(k for k in raw if k not in ("message_id", "from", "chat", "date")) + "]"
        )
    buttons = []
    markup = message.markup or {}
    for row in markup.get("inline_keyboard") or markup.get("keyboard") or []:
        buttons.append(" | ".join(b["text"] for b in row))
    flags = " (deleted)" if message.deleted else ""
    flags += f" (edited x{message.version})" if message.version else ""
    extra = f" buttons: [{'] ['.join(buttons)}]" if buttons else ""
    return f"#{message.message_id} {who}: {body}{extra}{flags}"
