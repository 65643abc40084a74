"""``colbot partners``, ``feeds``, ``sync`` and ``activities``: the catalogue from the terminal.

Only the argument parsers live here; each command's module is imported when it runs, so that
``colbot --help`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Coroutine
from typing import Any

from bot.settings import Settings

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
# The same list as catalogue.feeds.FORMATS, written out to keep start-up free of the catalogue.
FORMATS = ("auto", "ical", "rss", "atom", "jsonld", "html", "csv")
_COMMANDS_MODULE = "bot.cli_catalogue_commands"


def _lazy(name: str) -> Command:
    async def run(args: argparse.Namespace, settings: Settings) -> int:
        command: Command = getattr(importlib.import_module(_COMMANDS_MODULE), name)
        return await command(args, settings)

    return run


# parsers ------------------------------------------------------------------------------------


def _partner_parsers(sub: Any) -> None:
    partners = sub.add_parser("partners", help="add or list partner organisations")
    actions = partners.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a partner (or update the one with that slug)")
    add.add_argument("--city", required=True, help="city slug, e.g. lisbon")
    add.add_argument("--name", required=True)
    add.add_argument("--website")
    add.add_argument("--contact", help="an e-mail address or phone number")
    add.add_argument("--slug", help="default: made from the name")
    listing = actions.add_parser("list", help="list partners with their feeds and activities")
    listing.add_argument("--city")


def _feed_parsers(sub: Any) -> None:
    feeds = sub.add_parser("feeds", help="add, list or import partner feeds")
    actions = feeds.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="register a partner's feed address")
    add.add_argument("--city", required=True)
    add.add_argument("--partner", required=True, help="the partner's slug or name")
    add.add_argument("--url", required=True)
    add.add_argument("--format", choices=FORMATS, default="auto")
    add.add_argument("--every", default="1h", help="how often to read it: 30m, 1h, 6h, 1d")
    listing = actions.add_parser("list", help="list feeds with their health")
    listing.add_argument("--city")
    imported = actions.add_parser("import", help="import a feed from a local file")
    imported.add_argument("path")
    imported.add_argument("--city", required=True)
    imported.add_argument("--partner", help="default: a partner named after the file")
    imported.add_argument("--format", choices=FORMATS, default="auto")


def _activity_parsers(sub: Any) -> None:
    activities = sub.add_parser("activities", help="find activities near a point or by text")
    actions = activities.add_subparsers(dest="action", required=True)
    near = actions.add_parser("near", help="activities near a point")
    near.add_argument("lat", type=float)
    near.add_argument("lon", type=float)
    near.add_argument("--km", type=float, default=3.0)
    search = actions.add_parser("search", help="activities whose texts contain every word")
    search.add_argument("text")
    for action in (near, search):
        action.add_argument("--limit", type=int, default=10)
        action.add_argument("--city")
        action.add_argument("--language", default="en", help="which title to show")


def add_parsers(sub: Any) -> None:
    """Add the catalogue commands to the ``colbot`` subcommand parser."""
    _partner_parsers(sub)
    _feed_parsers(sub)
    sync = sub.add_parser("sync", help="read every feed now (or one) and show what changed")
    sync.add_argument("--feed", type=int, help="only this feed id")
    sync.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait while the bot is reading the feeds (PostgreSQL; default 60)",
    )
    _activity_parsers(sub)


COMMANDS: dict[str, Command] = {
    "partners": _lazy("partners_command"),
    "feeds": _lazy("feeds_command"),
    "sync": _lazy("sync_command"),
    "activities": _lazy("activities_command"),
}
