"""Each city's public page: what it is, its four numbers, what is on this week, its partners.

The page speaks the city's language, or the one asked for with ``?lang=``; every text from the
database (names, titles, venues) is escaped. Links open the bot at the city or at an activity
when the bot's username is known (it is once the bot has started).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from urllib.parse import quote

from aiohttp import web

from catalogue.cities import get_city, list_cities
from catalogue.models import City
from catalogue.partners import PartnerSummary, list_partners
from catalogue.search import SearchFilters, date_window, upcoming
from catalogue.search.types import ActivityHit
from conversations.activity_view import TITLE_LIMIT, shorten, when
from conversations.i18n import LANGUAGES, _, format_number, ngettext, use_language
from credentials.stats import CityNumbers, city_numbers
from storage import Database, utcnow

COMING_UP = 8
Clock = Callable[[], datetime]
DATABASE: web.AppKey[Database] = web.AppKey("city_database", Database)
BOT_USERNAME: web.AppKey[str] = web.AppKey("bot_username", str)
CLOCK: web.AppKey[Clock] = web.AppKey("city_clock")

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1.5rem 1rem;
 color:#1d2330;line-height:1.45}}
h1{{color:#0b5cad;margin:.1rem 0 .5rem}} h2{{margin-top:2rem}} a{{color:#0b5cad}}
.kicker{{text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;color:#5a6475;margin:0}}
.button{{display:inline-block;background:#0b5cad;color:#fff;text-decoration:none;
 padding:.7rem 1.2rem;border-radius:999px;font-weight:600}}
.numbers{{display:grid;grid-template-columns:repeat(2,1fr);gap:.8rem;margin-top:1.5rem}}
.numbers div{{background:#f1f5fb;border-radius:12px;padding:.9rem}}
.numbers b{{display:block;font-size:1.9rem;color:#0b5cad}}
ul.list{{list-style:none;padding:0}} ul.list li{{padding:.6rem 0;border-bottom:1px solid #e3e8f0}}
ul.list span{{display:block;color:#5a6475;font-size:.9rem}}
nav{{margin-top:2.5rem;font-size:.9rem}} nav a{{margin-right:.8rem}}
</style></head><body>{body}</body></html>"""


def _html(title: str, body: str, language: str, status: int = 200) -> web.Response:
    return web.Response(
        text=_PAGE.format(lang=escape(language), title=title, body=body),
        content_type="text/html",
        status=status,
    )


def _bot_link(request: web.Request, payload: str) -> str | None:
    username = request.app.get(BOT_USERNAME)
    return f"https://t.me/{quote(username)}?start={quote(payload)}" if username else None


def _numbers(numbers: CityNumbers) -> str:
    cells = (
        (numbers.learners, ngettext("learner", "learners", numbers.learners)),
        (numbers.badges_issued, ngettext("badge issued", "badges issued", numbers.badges_issued)),
        (
            numbers.published_activities,
            ngettext("activity on offer", "activities on offer", numbers.published_activities),
        ),
        (numbers.partners, ngettext("partner", "partners", numbers.partners)),
    )
    figures = "".join(f"<div><b>{format_number(n)}</b>{label}</div>" for n, label in cells)
    return f'<section class="numbers">{figures}</section>'


def _activity(
    request: web.Request, hit: ActivityHit, city: City, language: str, now: datetime
) -> str:
    title = escape(shorten(hit.title(language), TITLE_LIMIT))
    link = _bot_link(request, f"act_{hit.activity_id}")
    heading = f'<a href="{escape(link)}"><b>{title}</b></a>' if link else f"<b>{title}</b>"
    # The city's clock, as in the bot's own lists (a feed may give its times in UTC).
    facts = [when(hit.starts_at, city.timezone, now, all_day=hit.all_day)]
    if hit.venue_name:
        facts.append(escape(shorten(hit.venue_name, 60)))
    if hit.online:
        facts.append(_("online"))
    if hit.is_free:
        facts.append(_("free"))
    return f"<li>{heading}<span>{' · '.join(facts)}</span></li>"


def _partner(partner: PartnerSummary) -> str:
    name = escape(partner.name)
    website = partner.website or ""
    if website.startswith(("https://", "http://")):
        return f'<li><a href="{escape(website)}" rel="nofollow noopener">{name}</a></li>'
    return f"<li>{name}</li>"


def _languages(city: City, current: str) -> str:
    links = [
        f'<a href="/cities/{escape(city.slug)}?lang={code}"'
        + (' aria-current="page"' if code == current else "")
        + f">{escape(name)}</a>"
        for code, name in LANGUAGES.items()
    ]
    return f"<nav>{''.join(links)}</nav>"


def _body(
    request: web.Request,
    now: datetime,
    city: City,
    language: str,
    numbers: CityNumbers,
    coming: list[ActivityHit],
    partners: list[PartnerSummary],
) -> str:
    name = city.name(language)
    kicker = _("City of Learning")
    parts = [
        f'<p class="kicker">{kicker}</p><h1>{escape(name)}</h1>',
        "<p>"
        + _(
            "Things to learn for free or at a low cost, from the organisations of {city}. "
            "Find what is near you, get reminders and earn badges, all in Telegram.",
            city=name,
        )
        + "</p>",
    ]
    link = _bot_link(request, f"city_{city.slug}")
    if link:
        label = _("💬 Open in Telegram")
        parts.append(f'<p><a class="button" href="{escape(link)}">{label}</a></p>')
    parts.append(_numbers(numbers))
    coming_up = _("Coming up this week")
    parts.append(f"<h2>{coming_up}</h2>")
    if coming:
        items = "".join(_activity(request, hit, city, language, now) for hit in coming)
        parts.append(f'<ul class="list">{items}</ul>')
    else:
        parts.append(
            "<p>"
            + _("Nothing is planned for this week yet. Open the bot to see what comes next.")
            + "</p>"
        )
    if partners:
        heading = _("Partners")
        parts.append(f"<h2>{heading}</h2>")
        parts.append(f'<ul class="list">{"".join(_partner(p) for p in partners)}</ul>')
    parts.append(_languages(city, language))
    return "".join(parts)


async def city_page(request: web.Request) -> web.Response:
    """A city's own page, in its language or the one asked for."""
    now = request.app[CLOCK]()
    async with request.app[DATABASE].session() as session:
        city = await get_city(session, request.match_info["slug"])
        if city is None:
            raise web.HTTPNotFound(text="There is no City of Learning at this address.")
        numbers = await city_numbers(session, city.id, now=now)
        week = SearchFilters(window=date_window("week", now, city.timezone))
        coming = await upcoming(session, city_id=city.id, filters=week, limit=COMING_UP, now=now)
        partners = await list_partners(session, city.slug)
    asked = request.query.get("lang", "")
    language = asked if asked in LANGUAGES else city.default_language
    if language not in LANGUAGES:
        language = "en"
    with use_language(language):
        body = _body(request, now, city, language, numbers, coming, partners)
        title = _("{city} · City of Learning", city=city.name(language))
    return _html(title, body, language)  # `_` escaped the name already


async def index(request: web.Request) -> web.Response:
    """The cities served here, each linking to its page."""
    async with request.app[DATABASE].session() as session:
        cities = await list_cities(session)
    items = "".join(
        f'<li><a href="/cities/{escape(c.slug)}"><b>{escape(c.name(c.default_language))}</b>'
        f"</a></li>"
        for c in cities
    )
    body = f'<h1>Cities of Learning</h1><ul class="list">{items}</ul>'
    return _html("Cities of Learning", body, "en")


def add_city_routes(
    app: web.Application, database: Database, bot_username: str | None, clock: Clock = utcnow
) -> None:
    """Serve ``/`` and ``/cities/<slug>``."""
    app[DATABASE] = database
    app[CLOCK] = clock
    if bot_username:
        app[BOT_USERNAME] = bot_username
    app.add_routes([web.get("/", index), web.get("/cities/{slug}", city_page)])


__all__ = ["add_city_routes", "city_page", "index"]
