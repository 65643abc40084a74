"""Arguments of `colbot credentials`, `colbot keys` and `colbot verify`, without heavy imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    """Add the ``credentials``, ``keys`` and ``verify`` commands to the ``colbot`` parser."""
    credentials = sub.add_parser("credentials", help="issue, export or revoke badges")
    actions = credentials.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue", help="award an achievement to a learner")
    issue.add_argument("--learner", type=int, required=True, help="the learner's Telegram id")
    issue.add_argument("--achievement", type=int, required=True, help="the achievement's id")
    issue.add_argument("--with-name", action="store_true", help="put the first name in it")
    export = actions.add_parser("export", help="write a learner's badges (JSON and PNG)")
    export.add_argument("--learner", type=int, required=True, help="the learner's Telegram id")
    export.add_argument("--out", type=Path, required=True, help="the folder to write to")
    revoke = actions.add_parser("revoke", help="revoke an award (or restore it with --undo)")
    revoke.add_argument("award", help="the award's number or its credential UUID")
    revoke.add_argument("--undo", action="store_true", help="make a revoked award valid again")
    keys = sub.add_parser("keys", help="manage issuer signing keys")
    key_actions = keys.add_subparsers(dest="action", required=True)
    rotate = key_actions.add_parser("rotate", help="give a partner a new signing key")
    rotate.add_argument("--partner", required=True, help="the partner's slug")
    verify = sub.add_parser(
        "verify", help="check a badge: JSON, or a PNG or SVG with one baked in"
    )
    verify.add_argument("file", help="the file to check")
