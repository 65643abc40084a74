"""The composition root: builds the Telegram application with every journey and service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import guards, jobs, jobs_reminders
from bot.migrate import ensure_schema
from bot.processor import UnitOfWorkProcessor
from bot.settings import Settings
from bot.transport import AiohttpRequest
from catalogue.sync import SyncReport
from community.reminders import notify_changes
from conversations import (
    badges,
    discovery,
    fallback,
    follows,
    inline,
    menu,
    onboarding,
    plans,
    reminders,
    settings,
)
from conversations.context import BotContext, BotData, Services
from conversations.i18n import LANGUAGES, _, load_catalogs, use_language
from conversations.labels import MenuItem
from storage import Database, create_database, utcnow

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, Any, Any, BotData, Any]

# Handler groups, tried in this order for every update.
GROUP_DEDUPE = -20  # drop an update_id already handled
GROUP_LEARNER = -10  # load the learner and their language
GROUP_JOURNEYS = 0  # the first journey whose handler matches answers


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to talk to the Bot API; tests and the benchmark switch the transport."""

    transport: str = "aiohttp"  # or "httpx": PTB's default, kept for comparison
    rate_limit: bool = True
    concurrent_updates: int | None = None
    clock: Callable[[], datetime] = utcnow  # the demo and tests move time forward


def _request(kind: str, *, pool: int, read_timeout: float) -> BaseRequest:
    if kind == "httpx":
        return HTTPXRequest(connection_pool_size=pool, read_timeout=read_timeout)
    return AiohttpRequest(connection_pool_size=pool, read_timeout=read_timeout)


def _menu_routes() -> dict[MenuItem, menu.Route]:
    return {
        MenuItem.NEAR_ME: discovery.ask_location,
        MenuItem.THIS_WEEK: discovery.this_week,
        MenuItem.PLANS: plans.show_plans,
        MenuItem.CHALLENGES: discovery.challenges,
        MenuItem.BADGES: badges.show_badges,
        MenuItem.SETTINGS: settings.show_settings,
        MenuItem.HELP: menu.show_help,
    }


def register_handlers(application: BotApplication) -> None:
    """Register guards, then every journey in priority order, then the fallbacks."""
    application.add_handler(TypeHandler(Update, guards.drop_duplicates), GROUP_DEDUPE)
    application.add_handler(TypeHandler(Update, guards.load_learner), GROUP_LEARNER)
    journeys = [
        *discovery.edits_handlers(),  # edits: only a moving live location means something
        *onboarding.build_handlers(),  # a learner mid-onboarding must finish it
        *menu.build_handlers(_menu_routes()),
        *settings.build_handlers(),
        *discovery.build_handlers(),
        *inline.build_handlers(),
        *badges.build_handlers(),
        *plans.build_handlers(),
        *reminders.build_handlers(),
        *follows.build_handlers(),
        discovery.text_search_handler(),  # any other text is a search
        *fallback.build_handlers(),  # last: anything nobody else understood
    ]
    application.add_handlers(journeys, GROUP_JOURNEYS)
    application.add_error_handler(guards.on_error)


def command_list() -> list[BotCommand]:
    """The bot's commands in the current language."""
    return [
        BotCommand("start", _("Start again")),
        BotCommand("menu", _("Main menu")),
        BotCommand("near", _("Things to do near you")),
        BotCommand("plans", _("What you saved and where you're going")),
        BotCommand("following", _("Topics and places you follow")),
        BotCommand("reminders", _("When I remind you")),
        BotCommand("settings", _("Language, city, interests and your data")),
        BotCommand("language", _("Change the language")),
        BotCommand("help", _("How I can help")),
    ]


def bot_description() -> str:
    """The text people see before they start the bot."""
    return _(
        "Find free and low-cost things to learn in your city, get reminders, do small "
        "challenges and earn badges you can show on LinkedIn and in your CV."
    )


async def publish_commands(application: BotApplication) -> None:
    """Set commands and descriptions in every language (the default one in English)."""
    bot = application.bot
    for language in LANGUAGES:
        with use_language(language):
            code = None if language == "en" else language
            await bot.set_my_commands(command_list(), language_code=code)
            await bot.set_my_description(bot_description(), language_code=code)
            await bot.set_my_short_description(
                _("Learn things near you and earn badges."), language_code=code
            )


def build_application(
    settings_: Settings,
    database: Database | None = None,
    options: BuildOptions | None = None,
) -> BotApplication:
    """Build the application; nothing connects until it is initialised."""
    options = options or BuildOptions()
    load_catalogs()
    database = database or create_database(settings_.db_url)
    concurrency = options.concurrent_updates or (1 if database.dialect == "sqlite" else 8)

    async def post_init(application: BotApplication) -> None:
        await ensure_schema(database, auto_migrate=settings_.auto_migrate)
        await publish_commands(application)
        jobs_reminders.schedule_jobs(application)

        async def tell_savers(report: SyncReport) -> None:
            # People who saved an activity hear once that it moved or was cancelled.
            await notify_changes(database, report.updated, report.retired, options.clock())

        jobs.schedule_jobs(
            application,
            database=database,
            allow_networks=settings_.feed_allow_networks,
            on_report=tell_savers,
        )

    async def post_shutdown(_application: BotApplication) -> None:
        await database.dispose()

    builder = (
        ApplicationBuilder()
        .token(settings_.require_token())
        .base_url(settings_.telegram_api_url)
        .base_file_url(settings_.file_url)
        .request(_request(options.transport, pool=16, read_timeout=10.0))
        .get_updates_request(_request(options.transport, pool=2, read_timeout=40.0))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(UnitOfWorkProcessor(database, concurrency))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if options.rate_limit:
        # AIORateLimiter is generic over per-call arguments that this bot never passes.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application: BotApplication = builder.build()
    application.bot_data.services = Services(
        database=database,
        public_base_url=settings_.public_base_url,
        default_city=settings_.default_city,
        secret_key=settings_.secret_key.get_secret_value().encode()
        if settings_.secret_key
        else None,
        clock=options.clock,
    )
    register_handlers(application)
    return application
