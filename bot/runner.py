"""Running the service: long polling, webhook, and a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from aiohttp import web

from bot.app import BotApplication, BuildOptions, build_application
from bot.settings import Settings, SettingsError
from bot.web import WEBHOOK_PATH, build_web_app
from bot.web_credentials import CredentialSite
from conversations.context import Services

log = logging.getLogger(__name__)
UPDATE_KINDS = ["message", "edited_message", "callback_query", "inline_query"]


def _services(application: BotApplication) -> Services:
    services = application.bot_data.services
    assert services is not None  # noqa: S101 - set by build_application
    return services


async def wait_for_stop_signal() -> None:
    """Return when SIGINT or SIGTERM arrives."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


@contextlib.asynccontextmanager
async def web_server(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Serve ``app`` on ``host:port`` and yield the port actually bound."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1]) if runner.addresses else port
    try:
        yield bound
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, *, mode: str = "polling", options: BuildOptions | None = None
) -> AsyncIterator[BotApplication]:
    """Start the bot (polling or webhook) with its web server; stop everything on exit."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if mode == "webhook" and not secret:
        msg = "COLBOT_WEBHOOK_SECRET is missing: webhook mode needs at least 32 random characters"
        raise SettingsError(msg)
    application = build_application(settings, options=options)
    services = _services(application)
    await application.initialize()
    try:
        # PTB runs these hooks only inside run_polling/run_webhook; this runner owns the loop.
        if application.post_init is not None:
            await application.post_init(application)
        site = CredentialSite(
            services.database, settings.public_base_url, services.secret_key, services.clock
        )
        web_app = build_web_app(
            services.database,
            application if mode == "webhook" else None,
            secret,
            credentials=site,
            bot_username=application.bot.username,
            clock=services.clock,
        )
        async with web_server(web_app, settings.web_host, settings.web_port):
            if mode == "webhook":
                await application.bot.set_webhook(
                    settings.public_base_url + WEBHOOK_PATH,
                    secret_token=secret,
                    allowed_updates=UPDATE_KINDS,
                )
            else:
                await application.bot.delete_webhook()
                await application.updater.start_polling(allowed_updates=UPDATE_KINDS)
            await application.start()
            try:
                yield application
            finally:
                if application.updater.running:
                    await application.updater.stop()
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


async def serve(settings: Settings, mode: str) -> None:
    """Run until a stop signal arrives."""
    async with running_bot(settings, mode=mode):
        log.info("colbot is running (%s); press Ctrl+C to stop", mode)
        await wait_for_stop_signal()
    log.info("colbot stopped cleanly")
