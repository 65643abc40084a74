"""The ``colbot`` command line: run the bot, migrate, manage cities, demo and benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import cli_catalogue, cli_credentials_args
from bot.settings import Settings, SettingsError, configure_logging, load_settings

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


async def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.migrate import migrate
    from storage import create_database

    database = create_database(settings.db_url)
    try:
        await migrate(database)
    finally:
        await database.dispose()
    print("database is up to date")
    return 0


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import serve

    settings.require_token()
    await serve(settings, args.command)
    return 0


async def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import run_demo

    return await run_demo(settings, tour=args.tour, out=args.out)


async def _cities(args: argparse.Namespace, settings: Settings) -> int:
    from bot.migrate import ensure_schema
    from catalogue.cities import list_cities, read_cities_file, upsert_cities
    from storage import create_database

    database = create_database(settings.db_url)
    try:
        await ensure_schema(database, auto_migrate=settings.auto_migrate)
        async with database.session() as session:
            if args.action == "add":
                entries = read_cities_file(Path(args.file)) if args.file else [_city_from(args)]
                for city in await upsert_cities(session, entries):
                    print(f"saved {city.slug}")
            else:
                for city in await list_cities(session):
                    print(
                        f"{city.slug:<16} {city.name('en'):<24} {city.country} "
                        f"{city.timezone:<20} {city.latitude:.4f},{city.longitude:.4f}"
                    )
    finally:
        await database.dispose()
    return 0


def _city_from(args: argparse.Namespace) -> dict[str, Any]:
    if not (args.slug and args.name and args.timezone and args.country):
        msg = "cities add needs --file, or --slug, --name, --country, --timezone, --lat, --lon"
        raise SettingsError(msg)
    return {
        "slug": args.slug,
        "names": {args.language: args.name},
        "country": args.country,
        "timezone": args.timezone,
        "default_language": args.language,
        "latitude": args.lat,
        "longitude": args.lon,
        "radius_km": args.km,
    }


async def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    from bench import run_named

    result = await run_named(args.name)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result["metrics"].items():
            print(f"{key:<40} {value}")
    return 0


async def _stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.migrate import ensure_schema
    from catalogue.cities import list_cities
    from credentials.stats import city_numbers
    from storage import create_database, utcnow

    database = create_database(settings.db_url)
    try:
        await ensure_schema(database, auto_migrate=settings.auto_migrate)
        async with database.session() as session:
            cities = [c for c in await list_cities(session) if args.city in (None, c.slug)]
            if not cities:
                raise SettingsError(f"no city {args.city!r}: see `colbot cities list`")
            print(f"{'city':<14}{'learners':>10}{'badges':>9}{'activities':>12}{'partners':>10}")
            for city in cities:
                n = await city_numbers(session, city.id, now=utcnow())
                print(
                    f"{city.slug:<14}{n.learners:>10}{n.badges_issued:>9}"
                    f"{n.published_activities:>12}{n.partners:>10}"
                )
    finally:
        await database.dispose()
    return 0


async def _checkin(args: argparse.Namespace, settings: Settings) -> int:
    from credentials.checkin import checkin_payload

    payload = checkin_payload(args.activity, settings.require_secret_key())
    print(f"payload: {payload}")
    if args.bot:
        print(f"link:    https://t.me/{args.bot.lstrip('@')}?start={payload}")
    return 0


async def _i18n(_args: argparse.Namespace, _settings: Settings) -> int:
    from bot.i18n_tools import refresh_catalogs

    print(f"catalogs updated from {refresh_catalogs()}")
    return 0


def _lazy(module: str, name: str) -> Command:
    """A command whose module is imported only when it runs, keeping start-up quick."""

    async def run(args: argparse.Namespace, settings: Settings) -> int:
        command: Command = getattr(importlib.import_module(module), name)
        return await command(args, settings)

    return run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="colbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot with long polling (needs TELEGRAM_BOT_TOKEN)")
    sub.add_parser("webhook", help="run the bot behind a webhook (needs COLBOT_WEBHOOK_SECRET)")
    sub.add_parser("migrate", help="apply database migrations")
    demo = sub.add_parser("demo", help="chat with the bot offline through a local Bot API")
    demo.add_argument("--tour", action="store_true", help="run a scripted journey and exit")
    demo.add_argument("--out", type=Path, help="folder for the transcript and credentials")
    cities = sub.add_parser("cities", help="list or add cities")
    cities.add_argument("action", choices=["list", "add"])
    cities.add_argument("--file", help="a JSON file with city definitions")
    cities.add_argument("--slug")
    cities.add_argument("--name")
    cities.add_argument("--language", default="en")
    cities.add_argument("--country")
    cities.add_argument("--timezone")
    cities.add_argument("--lat", type=float, default=0.0)
    cities.add_argument("--lon", type=float, default=0.0)
    cities.add_argument("--km", type=float, default=15.0)
    stats = sub.add_parser("stats", help="the four numbers a city reports")
    stats.add_argument("--city", help="one city's slug (default: every city)")
    checkin = sub.add_parser("checkin", help="print the check-in link for an activity's QR code")
    checkin.add_argument("--activity", type=int, required=True, help="the activity's id")
    checkin.add_argument("--bot", help="the bot's username, to print the whole t.me link")
    sub.add_parser("i18n", help="extract strings, update every catalog and compile them")
    bench = sub.add_parser("bench", help="measure performance and print figures")
    bench.add_argument("name", choices=["chat", "sync", "near", "credentials"])
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    cli_credentials_args.add_parsers(sub)
    cli_catalogue.add_parsers(sub)
    return parser


COMMANDS: dict[str, Command] = {
    "run": _run,
    "webhook": _run,
    "migrate": _migrate,
    "demo": _demo,
    "cities": _cities,
    "bench": _bench,
    "i18n": _i18n,
    "checkin": _checkin,
    "stats": _stats,
    "credentials": _lazy("bot.cli_credentials", "credentials_command"),
    "achievements": _lazy("bot.cli_credentials", "achievements_command"),
    "keys": _lazy("bot.cli_credentials", "keys_command"),
    "verify": _lazy("bot.cli_credentials", "verify_command"),
    **cli_catalogue.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``colbot`` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging("WARNING" if args.command in ("bench", "demo") else settings.log_level)
        return asyncio.run(COMMANDS[args.command](args, settings))
    except SettingsError as exc:
        print(f"colbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the operator gets one line; details go to the log
        from bot.migrate import OutOfDateError

        if isinstance(exc, OutOfDateError | OSError):
            print(f"colbot: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
