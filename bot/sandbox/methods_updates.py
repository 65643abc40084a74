"""Bot API methods about the bot itself and how it receives updates."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.api import Call, method
from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.state import WebhookConfig

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_UPDATE_KINDS = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    """getMe: the bot's own User object with its capabilities."""
    bot = call.bot
    return {
        **bot.to_user(),
        "can_join_groups": bot.can_join_groups,
        "can_read_all_group_messages": bot.can_read_all_group_messages,
        "supports_inline_queries": bot.supports_inline_queries,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _allowed_updates(call: Call) -> list[str] | None:
    value = call.params.get_json("allowed_updates")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request("can't parse allowed_updates JSON array")
    return [kind for kind in value if kind in _UPDATE_KINDS]


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    """getUpdates: confirm by offset, then answer at once or long-poll up to ``timeout``."""
    bot, world = call.bot, call.world
    if bot.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = call.params.get_int("offset")
    limit = min(max(call.params.get_int("limit") or 100, 1), 100)
    timeout = max(call.params.get_float("timeout") or 0.0, 0.0)
    allowed = _allowed_updates(call)
    if allowed is not None:
        bot.allowed_updates = allowed or None
    if offset is not None:
        world.confirm_updates(bot, offset)
    bot.poll_generation += 1
    generation = bot.poll_generation
    async with bot.updates_changed:
        # an older request still waiting is answered with 409, as Telegram does
        bot.updates_changed.notify_all()
        if timeout > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    bot.updates_changed.wait_for(
                        lambda: (
                            bool(bot.updates)
                            or generation != bot.poll_generation
                            or bot.webhook is not None
                            or world.closing
                        )
                    ),
                    timeout,
                )
    if generation != bot.poll_generation:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    return copy.deepcopy(bot.updates[:limit])


def _check_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    host = parts.hostname
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if not loopback:
        raise bad_request("bad webhook: the sandbox delivers webhooks only to loopback addresses")


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    """setWebhook: switch the bot to push delivery (an empty url removes the webhook)."""
    bot = call.bot
    url = call.params.get_str("url") or ""
    if not url:
        return await delete_webhook(call)
    _check_webhook_url(url)
    secret = call.params.get_str("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = call.params.get_int("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = _allowed_updates(call)
    if allowed is not None:
        bot.allowed_updates = allowed or None
    if call.params.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = WebhookConfig(url, secret_token=secret, max_connections=max_connections)
    bot.webhook_wakeup.set()
    call.services.ensure_webhook_worker(bot)
    async with bot.updates_changed:
        bot.updates_changed.notify_all()
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    """deleteWebhook: back to getUpdates, optionally dropping what is queued."""
    bot = call.bot
    if call.params.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = None
    bot.webhook_wakeup.set()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    """getWebhookInfo: the webhook and its delivery health."""
    bot = call.bot
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        info["ip_address"] = bot.webhook.ip_address
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
        if bot.allowed_updates:
            info["allowed_updates"] = list(bot.allowed_updates)
    return info


@method("logOut", "close")
async def log_out(call: Call) -> bool:
    """logOut / close: accepted and ignored, as a local server has nothing to hand over."""
    del call
    return True
