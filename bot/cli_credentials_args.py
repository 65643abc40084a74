"""Arguments of `colbot credentials`, `achievements`, `keys` and `verify` (no heavy imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    """Add the ``credentials``, ``achievements``, ``keys`` and ``verify`` commands."""
    credentials = sub.add_parser("credentials", help="issue, export or revoke badges")
    actions = credentials.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue", help="award an achievement to a learner")
    issue.add_argument("--learner", type=int, required=True, help="the learner's Telegram id")
    issue.add_argument("--achievement", type=int, required=True, help="the achievement's id")
    export = actions.add_parser("export", help="write a learner's badges (JSON and PNG)")
    export.add_argument("--learner", type=int, required=True, help="the learner's Telegram id")
    export.add_argument("--out", type=Path, required=True, help="the folder to write to")
    revoke = actions.add_parser("revoke", help="revoke an award (or restore it with --undo)")
    revoke.add_argument("award", help="the award's number or its credential UUID")
    revoke.add_argument("--undo", action="store_true", help="make a revoked award valid again")
    _add_achievements(sub)
    keys = sub.add_parser("keys", help="manage issuer signing keys")
    key_actions = keys.add_subparsers(dest="action", required=True)
    rotate = key_actions.add_parser("rotate", help="give a partner a new signing key")
    rotate.add_argument("--partner", required=True, help="the partner's slug")
    verify = sub.add_parser(
        "verify", help="check a badge: JSON, or a PNG or SVG with one baked in"
    )
    verify.add_argument("file", help="the file to check")


def _add_achievements(sub: Any) -> None:
    achievements = sub.add_parser("achievements", help="create or list badge classes")
    actions = achievements.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a challenge, playlist or meta badge")
    add.add_argument("--partner", required=True, help="the issuing partner's slug")
    add.add_argument("--name", required=True, help="the badge's name")
    add.add_argument(
        "--kind",
        choices=["challenge", "meta", "playlist"],
        help="default: meta with --requires, playlist with --playlist, else challenge",
    )
    add.add_argument("--requires", help="the achievement ids a meta badge requires: 3,7,12")
    add.add_argument("--playlist", help="the playlist's slug, for a playlist badge")
    add.add_argument("--description", help="what the badge recognises")
    add.add_argument("--language", default="en", help="the language of name and description")
    add.add_argument(
        "--competence",
        action="append",
        default=[],
        help="a competence code such as digcomp:3.4 (repeat for more)",
    )
    actions.add_parser("list", help="list every badge class")
