"""Bot API methods for commands, descriptions, menu buttons and chat information."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sandbox.api import Call, method
from bot.sandbox.errors import bad_request
from bot.sandbox.state import BotAccount, World

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_CHAT_SCOPES = {"chat", "chat_administrators", "chat_member"}
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
_SCOPES |= _CHAT_SCOPES
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def scope_key(scope: dict[str, Any]) -> str:
    """A canonical string for a resolved BotCommandScope."""
    return json.dumps(scope, sort_keys=True)


def _scope(call: Call) -> dict[str, Any]:
    value = call.params.get_json("scope") or {"type": "default"}
    if not isinstance(value, dict) or value.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    scope: dict[str, Any] = {"type": value["type"]}
    if scope["type"] in _CHAT_SCOPES:
        if value.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        scope["chat_id"] = call.world.resolve_chat(
            value["chat_id"] if isinstance(value["chat_id"], int) else str(value["chat_id"])
        )
    if scope["type"] == "chat_member":
        if value.get("user_id") is None:
            raise bad_request("user not found")
        scope["user_id"] = int(value["user_id"])
    return scope


def _language(call: Call) -> str:
    code = call.params.get_str("language_code") or ""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("LANG_CODE_INVALID")
    return code


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    """setMyCommands: the command list for a scope and language."""
    commands = call.params.get_json("commands", required=True)
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON array")
    checked = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", ""))
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    key = (scope_key(_scope(call)), _language(call))
    if checked:
        call.bot.commands[key] = checked
    else:
        call.bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, str]]:
    """getMyCommands: exactly what was set for this scope and language."""
    key = (scope_key(_scope(call)), _language(call))
    return [dict(c) for c in call.bot.commands.get(key, [])]


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    """deleteMyCommands: forget the list of one scope and language."""
    call.bot.commands.pop((scope_key(_scope(call)), _language(call)), None)
    return True


def visible_commands(
    bot: BotAccount,
    world: World,
    chat_id: int,
    user_id: int,
    language_code: str | None,
) -> list[dict[str, str]]:
    """The command menu a person sees in a chat, following Telegram's scope order."""
    group = world.groups.get(chat_id)
    scopes: list[dict[str, Any]] = []
    if group is None:
        scopes += [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}]
    else:
        admin = user_id in group.administrators
        scopes.append({"type": "chat_member", "chat_id": chat_id, "user_id": user_id})
        if admin:
            scopes.append({"type": "chat_administrators", "chat_id": chat_id})
        scopes.append({"type": "chat", "chat_id": chat_id})
        if admin:
            scopes.append({"type": "all_chat_administrators"})
        scopes.append({"type": "all_group_chats"})
    scopes.append({"type": "default"})
    language = (language_code or "")[:2]
    for scope in scopes:
        for code in ([language] if language else []) + [""]:
            found = bot.commands.get((scope_key(scope), code))
            if found:
                return [dict(c) for c in found]
    return []


def _set_text(call: Call, store: dict[str, str], field: str, limit: int) -> bool:
    text = call.params.get_str(field) or ""
    if len(text) > limit:
        raise bad_request(f"{field.upper()}_INVALID")
    language = _language(call)
    if text:
        store[language] = text
    else:
        store.pop(language, None)
    return True


@method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    """setMyDescription: the text shown in an empty chat with the bot."""
    return _set_text(call, call.bot.descriptions, "description", 512)


@method("getMyDescription")
async def get_my_description(call: Call) -> dict[str, str]:
    """getMyDescription: the description for one language."""
    return {"description": call.bot.descriptions.get(_language(call), "")}


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    """setMyShortDescription: the text on the bot's profile page."""
    return _set_text(call, call.bot.short_descriptions, "short_description", 120)


@method("getMyShortDescription")
async def get_my_short_description(call: Call) -> dict[str, str]:
    """getMyShortDescription: the short description for one language."""
    return {"short_description": call.bot.short_descriptions.get(_language(call), "")}


@method("setMyName")
async def set_my_name(call: Call) -> bool:
    """setMyName: the bot's display name for one language."""
    return _set_text(call, call.bot.names, "name", 64)


@method("getMyName")
async def get_my_name(call: Call) -> dict[str, str]:
    """getMyName: the bot's display name for one language."""
    language = _language(call)
    return {"name": call.bot.names.get(language) or call.bot.first_name}


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    """setChatMenuButton: the button beside the message field, per chat or by default."""
    chat_id = call.params.get_optional_chat_id()
    target = None if chat_id is None else call.world.readable_chat(call.bot, chat_id).chat_id
    if target is not None and target in call.world.groups:
        raise bad_request("chat_id must be a private chat")
    button = call.params.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in (
        "commands",
        "web_app",
        "default",
    ):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (button.get("text") and button.get("web_app")):
        raise bad_request("can't parse menu button JSON object")
    call.bot.menu_buttons[target] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    """getChatMenuButton: the chat's own button, else the bot's default."""
    chat_id = call.params.get_optional_chat_id()
    target = None if chat_id is None else call.world.readable_chat(call.bot, chat_id).chat_id
    buttons = call.bot.menu_buttons
    if target is not None and target in buttons:
        return dict(buttons[target])
    return dict(buttons.get(None) or {"type": "commands"})


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    """getChat: the ChatFullInfo of a chat the bot knows."""
    conversation = call.world.readable_chat(call.bot, call.params.get_chat_id())
    info = call.world.chat_object(conversation.chat_id)
    info.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return info


def _member(world: World, bot: BotAccount, chat_id: int, user_id: int) -> dict[str, Any]:
    if user_id == bot.id:
        user = bot.to_user()
    elif user_id in world.people:
        user = world.people[user_id].to_user()
    else:
        raise bad_request("PARTICIPANT_ID_INVALID")
    group = world.groups.get(chat_id)
    if group is None:
        return {"status": "member", "user": user}
    if user_id in group.administrators:
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(_ADMIN_RIGHTS, True),
        }
    if user_id in group.members or user_id in group.bots:
        return {"status": "member", "user": user}
    return {"status": "left", "user": user}


@method("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    """getChatMember: a person's status in a chat."""
    conversation = call.world.readable_chat(call.bot, call.params.get_chat_id())
    user_id = call.params.get_int("user_id", required=True) or 0
    return _member(call.world, call.bot, conversation.chat_id, user_id)


@method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    """getChatAdministrators: the admins of a group."""
    conversation = call.world.readable_chat(call.bot, call.params.get_chat_id())
    group = call.world.groups.get(conversation.chat_id)
    if group is None:
        return []
    return [
        _member(call.world, call.bot, group.id, user_id)
        for user_id in sorted(group.administrators)
    ]


@method("getChatMemberCount")
async def get_chat_member_count(call: Call) -> int:
    """getChatMemberCount: how many accounts are in the chat."""
    conversation = call.world.readable_chat(call.bot, call.params.get_chat_id())
    group = call.world.groups.get(conversation.chat_id)
    return 2 if group is None else len(group.members | group.bots | group.administrators)
