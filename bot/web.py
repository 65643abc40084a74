"""The web server: Telegram webhook, health check and the public city pages."""

from __future__ import annotations

import hmac
import json
import logging
from html import escape
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application

from bot.web_credentials import CredentialSite, add_credential_routes
from catalogue.cities import get_city, list_cities
from credentials.stats import city_numbers
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


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;
 padding:0 1rem;color:#1d2330}}
h1{{color:#0b5cad}} .numbers{{display:grid;grid-template-columns:repeat(2,1fr);gap:1rem}}
.numbers div{{background:#f1f5fb;border-radius:12px;padding:1rem}}
.numbers b{{display:block;font-size:2rem;color:#0b5cad}} a{{color:#0b5cad}}
</style></head><body>{body}</body></html>"""


async def index(request: web.Request) -> web.Response:
    """List the cities served here."""
    async with request.app[DATABASE].session() as session:
        cities = await list_cities(session)
    items = "".join(
        f'<li><a href="/cities/{escape(c.slug)}">{escape(c.name("en"))}</a></li>' for c in cities
    )
    body = f"<h1>Cities of Learning</h1><ul>{items}</ul>"
    return web.Response(
        text=_PAGE.format(lang="en", title="Cities of Learning", body=body),
        content_type="text/html",
    )


async def city_page(request: web.Request) -> web.Response:
    """A city's own page with the four numbers a city reports."""
    async with request.app[DATABASE].session() as session:
        city = await get_city(session, request.match_info["slug"])
        if city is None:
            raise web.HTTPNotFound(text="no such city")
        numbers = await city_numbers(session, city.id, now=utcnow())
    language = city.default_language
    name = escape(city.name(language))
    cells = (
        (numbers.learners, "learners"),
        (numbers.badges_issued, "badges issued"),
        (numbers.published_activities, "published activities"),
        (numbers.partners, "partners"),
    )
    figures = "".join(f"<div><b>{value:,}</b>{label}</div>" for value, label in cells)
    body = f'<h1>{name}</h1><div class="numbers">{figures}</div>'
    return web.Response(
        text=_PAGE.format(lang=escape(language), title=name, body=body),
        content_type="text/html",
    )


def build_web_app(
    database: Database,
    application: Application[Any, Any, Any, Any, Any, Any] | None = None,
    webhook_secret: str | None = None,
    *,
    credentials: CredentialSite | None = None,
) -> web.Application:
    """Assemble the routes; the webhook route exists only when a secret is configured."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[DATABASE] = database
    routes = [
        web.get("/", index),
        web.get("/healthz", health),
        web.get("/cities/{slug}", city_page),
    ]
    if application is not None and webhook_secret:
        app[APPLICATION] = application
        app[WEBHOOK_SECRET] = webhook_secret
        routes.append(web.post(WEBHOOK_PATH, receive_update))
    app.add_routes(routes)
    if credentials is not None:
        add_credential_routes(app, credentials)
    return app
