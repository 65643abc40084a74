"""The web server: Telegram webhook, health check and the public city pages."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application

from bot.web_city import Clock, add_city_routes
from bot.web_credentials import CredentialSite, add_credential_routes
from storage import Database, utcnow

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_UPDATE_BYTES = 1 << 20

APPLICATION: web.AppKey[Application[Any, Any, Any, Any, Any, Any]] = web.AppKey("application")
DATABASE = web.AppKey("database", Database)
WEBHOOK_SECRET = web.AppKey("webhook_secret", str)


async def receive_update(request: web.Request) -> web.Response:
    """Accept an update only with the right secret; queue it and answer at once."""
    secret = request.app.get(WEBHOOK_SECRET)
    given = request.headers.get(SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("webhook call with a wrong or missing secret from %s", request.remote)
        raise web.HTTPForbidden(text="wrong secret")
    if (request.content_length or 0) > MAX_UPDATE_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_UPDATE_BYTES, request.content_length or 0)
    try:
        payload = json.loads(await request.read())
        application = request.app[APPLICATION]
        update = Update.de_json(payload, application.bot)
    except (ValueError, TypeError, KeyError) as exc:
        raise web.HTTPBadRequest(text="not a Telegram update") from exc
    if update is None:
        raise web.HTTPBadRequest(text="not a Telegram update")
    await application.update_queue.put(update)
    return web.Response(text="ok")


async def health(request: web.Request) -> web.Response:
    """Report whether the service and its database answer."""
    try:
        async with request.app[DATABASE].session() as session:
            await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return web.json_response({"status": "degraded", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


def build_web_app(
    database: Database,
    application: Application[Any, Any, Any, Any, Any, Any] | None = None,
    webhook_secret: str | None = None,
    *,
    credentials: CredentialSite | None = None,
    bot_username: str | None = None,
    clock: Clock = utcnow,
) -> web.Application:
    """Assemble the routes; the webhook route exists only when a secret is configured."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[DATABASE] = database
    add_city_routes(app, database, bot_username, clock)
    routes = [web.get("/healthz", health)]
    if application is not None and webhook_secret:
        app[APPLICATION] = application
        app[WEBHOOK_SECRET] = webhook_secret
        routes.append(web.post(WEBHOOK_PATH, receive_update))
    app.add_routes(routes)
    if credentials is not None:
        add_credential_routes(app, credentials)
    return app
