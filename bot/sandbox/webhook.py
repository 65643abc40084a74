"""Pushing a bot's updates to its webhook in order, with a bounded number of retries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.sandbox.state import BotAccount, WebhookConfig, World, now

_LOG = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


class WebhookDelivery:
    """One worker per bot with a webhook; each sends one update at a time so order holds."""

    def __init__(
        self,
        world: World,
        session: aiohttp.ClientSession,
        retry_delays: Sequence[float],
        timeout: float,
    ) -> None:
        self.world = world
        self.session = session
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def ensure_worker(self, bot: BotAccount) -> None:
        """Start the bot's worker unless one is running."""
        task = self.tasks.get(bot.id)
        if task is None or task.done():
            self.tasks[bot.id] = asyncio.create_task(
                self._run(bot), name=f"sandbox-webhook-{bot.username}"
            )

    async def close(self) -> None:
        """Stop every worker."""
        for task in self.tasks.values():
            task.cancel()
        for task in self.tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    async def _post(self, config: WebhookConfig, update: dict[str, Any]) -> str | None:
        """Send one update; None on success, else the error Telegram would report."""
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        try:
            async with self.session.post(
                config.url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectionError:
            return "Connection refused"
        except aiohttp.ClientError as exc:
            return f"Webhook delivery failed: {exc.__class__.__name__}"

    async def _run(self, bot: BotAccount) -> None:
        failures = 0
        while not self.world.closing and bot.webhook is not None:
            if not bot.updates:
                bot.webhook_wakeup.clear()
                await bot.webhook_wakeup.wait()
                continue
            config, update = bot.webhook, bot.updates[0]
            error = await self._post(config, update)
            if bot.webhook is not config or not bot.updates or bot.updates[0] is not update:
                failures = 0
                continue
            if error is None:
                bot.updates.pop(0)
                bot.delivered.append(update)
                failures = 0
                continue
            config.last_error_date = now()
            config.last_error_message = error
            if failures >= len(self.retry_delays):
                _LOG.warning(
                    "dropping update %s for %s: %s", update["update_id"], bot.username, error
                )
                bot.updates.pop(0)
                failures = 0
                continue
            await asyncio.sleep(self.retry_delays[failures])
            failures += 1
