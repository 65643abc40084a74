"""Bot API methods that send, edit and delete messages, and answer queries."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.api import Call, method
from bot.sandbox.errors import bad_request
from bot.sandbox.formatting import check_entities, format_text
from bot.sandbox.messages import check_markup, record_bot_message, reply_target
from bot.sandbox.state import Conversation, StoredMessage, now, pending_query

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def target_chat(call: Call) -> Conversation:
    """The chat named by chat_id, checked first as Telegram does."""
    return call.world.writable_chat(call.bot, call.params.get_chat_id())


async def send_content(
    call: Call,
    conversation: Conversation,
    content: dict[str, Any],
    *,
    uploads: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """Deliver a message the bot composed to ``conversation``."""
    markup = check_markup(call.params.get_json("reply_markup"))
    reply_to = reply_target(call.params, conversation)
    if call.params.get_bool("protect_content"):
        content["has_protected_content"] = True
    stored = record_bot_message(
        call.world,
        call.bot,
        conversation,
        content,
        markup=markup,
        reply_to=reply_to,
        uploads=uploads,
    )
    await conversation.notify()
    return copy.deepcopy(stored.raw)


def caption_content(call: Call) -> dict[str, Any]:
    """The caption fields of a media message, checked against Telegram's caption limit."""
    caption = call.params.get_str("caption")
    if not caption:
        return {}
    text, entities = format_text(
        caption,
        call.params.get_str("parse_mode"),
        check_entities(call.params.get_json("caption_entities")),
        limit=CAPTION_LIMIT,
        too_long="message caption is too long",
        empty=None,
    )
    content: dict[str, Any] = {"caption": text} if text else {}
    if entities:
        content["caption_entities"] = entities
    if call.params.get_bool("show_caption_above_media"):
        content["show_caption_above_media"] = True
    return content


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    """sendMessage: text with parse mode or entities, and a keyboard."""
    conversation = target_chat(call)
    text, entities = format_text(
        call.params.get_str("text", required=True) or "",
        call.params.get_str("parse_mode"),
        check_entities(call.params.get_json("entities")),
        limit=TEXT_LIMIT,
        too_long="message is too long",
        empty="message text is empty",
    )
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    options = call.params.get_json("link_preview_options")
    if isinstance(options, dict) and options:
        content["link_preview_options"] = options
    return await send_content(call, conversation, content)


def _location(call: Call) -> dict[str, Any]:
    latitude = call.params.get_float("latitude", required=True)
    longitude = call.params.get_float("longitude", required=True)
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    accuracy = call.params.get_float("horizontal_accuracy")
    if accuracy is not None:
        location["horizontal_accuracy"] = accuracy
    return location


@method("sendLocation")
async def send_location(call: Call) -> dict[str, Any]:
    """sendLocation: a point, optionally live for ``live_period`` seconds."""
    conversation = target_chat(call)
    location = _location(call)
    live_period = call.params.get_int("live_period")
    if live_period is not None:
        if not (60 <= live_period <= 86400 or live_period == 0x7FFFFFFF):
            raise bad_request("wrong live period specified")
        location["live_period"] = live_period
        for name in ("heading", "proximity_alert_radius"):
            value = call.params.get_int(name)
            if value is not None:
                location[name] = value
    return await send_content(call, conversation, {"location": location})


@method("sendVenue")
async def send_venue(call: Call) -> dict[str, Any]:
    """sendVenue: a named place; Telegram fills both ``venue`` and ``location``."""
    conversation = target_chat(call)
    location = _location(call)
    venue: dict[str, Any] = {
        "location": location,
        "title": call.params.get_str("title", required=True),
        "address": call.params.get_str("address", required=True),
    }
    for name in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        value = call.params.get_str(name)
        if value:
            venue[name] = value
    content = {"venue": venue, "location": dict(location)}
    return await send_content(call, conversation, content)


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    """sendChatAction: 'typing…' and friends, recorded for tests."""
    conversation = target_chat(call)
    action = call.params.get_str("action", required=True)
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    conversation.chat_actions.append(str(action))
    await conversation.notify()
    return True


def _editable(call: Call) -> tuple[Conversation, StoredMessage]:
    if "inline_message_id" in call.params:
        raise bad_request("MESSAGE_ID_INVALID")
    conversation = call.world.writable_chat(call.bot, call.params.get_chat_id())
    message_id = call.params.get_int("message_id", required=True)
    stored = conversation.messages.get(message_id or 0)
    if stored is None or stored.deleted:
        raise bad_request("message to edit not found")
    if not stored.outgoing:
        raise bad_request("message can't be edited")
    return conversation, stored


def _inline_markup(call: Call) -> dict[str, Any] | None:
    markup = check_markup(call.params.get_json("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


async def _apply_edit(
    conversation: Conversation,
    stored: StoredMessage,
    changes: dict[str, Any],
    markup: dict[str, Any] | None,
) -> dict[str, Any]:
    raw = stored.raw
    new_markup = {"inline_keyboard": markup["inline_keyboard"]} if markup else None
    unchanged = all(raw.get(key) == value for key, value in changes.items())
    if unchanged and raw.get("reply_markup") == new_markup:
        raise bad_request(_NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    if new_markup is None:
        raw.pop("reply_markup", None)
    else:
        raw["reply_markup"] = new_markup
    stored.markup = markup
    raw["edit_date"] = now()
    stored.version += 1
    await conversation.notify()
    return copy.deepcopy(raw)


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    """editMessageText: new text, and the inline keyboard goes unless given again."""
    conversation, stored = _editable(call)
    if "text" not in stored.raw:
        raise bad_request("there is no text in the message to edit")
    text, entities = format_text(
        call.params.get_str("text", required=True) or "",
        call.params.get_str("parse_mode"),
        check_entities(call.params.get_json("entities")),
        limit=TEXT_LIMIT,
        too_long="MESSAGE_TOO_LONG",
        empty="message text is empty",
    )
    changes = {"text": text, "entities": entities or None}
    return await _apply_edit(conversation, stored, changes, _inline_markup(call))


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    """editMessageCaption: new caption of a media message."""
    conversation, stored = _editable(call)
    if not any(k in stored.raw for k in ("photo", "document", "video", "audio", "animation")):
        raise bad_request("there is no caption in the message to edit")
    content = caption_content(call)
    changes = {
        "caption": content.get("caption"),
        "caption_entities": content.get("caption_entities"),
    }
    return await _apply_edit(conversation, stored, changes, _inline_markup(call))


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    """editMessageReplyMarkup: replace or remove the inline keyboard."""
    conversation, stored = _editable(call)
    return await _apply_edit(conversation, stored, {}, _inline_markup(call))


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    """deleteMessage: the message disappears for everyone."""
    conversation = call.world.writable_chat(call.bot, call.params.get_chat_id())
    message_id = call.params.get_int("message_id", required=True)
    stored = conversation.messages.get(message_id or 0)
    if stored is None or stored.deleted:
        raise bad_request("message to delete not found")
    stored.deleted = True
    stored.version += 1
    await conversation.notify()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery: the toast or alert a person sees after pressing a button."""
    query_id = call.params.get_str("callback_query_id", required=True) or ""
    pending = pending_query(call.bot, query_id)
    text = call.params.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answer.set_result(
        {
            "text": text,
            "show_alert": call.params.get_bool("show_alert"),
            "url": call.params.get_str("url"),
            "cache_time": call.params.get_int("cache_time") or 0,
        }
    )
    return True


@method("answerInlineQuery")
async def answer_inline_query(call: Call) -> bool:
    """answerInlineQuery: the results list a person sees above the keyboard."""
    query_id = call.params.get_str("inline_query_id", required=True) or ""
    results = call.params.get_json("results", required=True)
    pending = pending_query(call.bot, query_id)
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict) or "type" not in result or "id" not in result:
            raise bad_request("can't parse inline query result")
        result_id = str(result["id"])
        if not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        markup = result.get("reply_markup")
        if markup is not None:
            check_markup(markup)
    pending.answer.set_result(
        {
            "results": results,
            "next_offset": call.params.get_str("next_offset") or "",
            "cache_time": call.params.get_int("cache_time"),
            "is_personal": call.params.get_bool("is_personal"),
            "button": call.params.get_json("button"),
        }
    )
    return True
