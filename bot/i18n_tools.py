"""Keep the catalogs in step with the code: extract, update and compile in one command."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from conversations.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE

ROOT = LOCALES_DIR.parent
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2"]


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def refresh_catalogs(root: Path = ROOT) -> Path:
    """Extract strings to the template, merge it into every catalog, and compile them."""
    template = root / "locales" / f"{DOMAIN}.pot"
    _babel(
        "extract", "-F", str(root / "babel.cfg"), "--no-wrap", "--sort-by-file",
        "--project", "colbot", "--copyright-holder", "colbot contributors",
        "--no-location",
        *KEYWORDS, "-o", str(template), str(root),
    )  # fmt: skip
    for language in LANGUAGES:
        po = root / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        action = "update" if po.exists() else "init"
        _babel(
            action, "-i", str(template), "-d", str(root / "locales"), "-D", DOMAIN,
            "-l", language, "--no-wrap",
            *(["--ignore-obsolete"] if action == "update" else []),
        )  # fmt: skip
    _babel("compile", "-d", str(root / "locales"), "-D", DOMAIN, "--statistics")
    return template


__all__ = ["SOURCE_LANGUAGE", "refresh_catalogs"]
