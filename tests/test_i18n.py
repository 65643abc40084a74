"""Every string is translated in every language, with the same placeholders."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n_tools import ROOT
from conversations.i18n import (
    LANGUAGES,
    MissingCatalogError,
    _,
    format_date,
    format_day,
    format_distance,
    format_skeleton,
    load_catalogs,
    ngettext,
    use_language,
)

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _catalog(language: str) -> Catalog:
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _code_msgids() -> set[str]:
    found: set[str] = set()
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    for package in ("bot", "conversations"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_is_in_the_catalogs() -> None:
    """Running `colbot i18n` would change nothing: no string is missing from the catalogs."""
    in_code = _code_msgids()
    for language in LANGUAGES:
        in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog(language)}
        missing = sorted(in_code - in_catalog)
        assert not missing, f"{language}: not in the catalog: {missing[:5]}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_catalog_is_complete_with_same_placeholders(language: str) -> None:
    """No empty or fuzzy translation; placeholders and tags match the English text."""
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if not text:
                problems.append(f"untranslated: {ids[0]!r}")
                continue
            found = set(PLACEHOLDER.findall(text))
            plural_count_ok = len(ids) > 1 and found | {"count"} == expected | {"count"}
            if found != expected and not plural_count_ok:
                problems.append(f"placeholders {sorted(found)} != {sorted(expected)} in {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ids[0])):
                problems.append(f"HTML tags differ in {text!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
    assert not problems, "\n".join(problems[:10])


def test_a_missing_catalog_stops_start_up(tmp_path: Path) -> None:
    """Start-up refuses to run half-translated."""
    with pytest.raises(MissingCatalogError, match="no translations"):
        load_catalogs(tmp_path)
    load_catalogs()


def test_translations_are_used_and_placeholders_escaped() -> None:
    """A Portuguese reader gets Portuguese, and user text cannot inject HTML."""
    with use_language("pt"):
        text = _("City: {city} ✅", city="<b>Lisboa</b> & Co")
    assert "&lt;b&gt;Lisboa&lt;/b&gt; &amp; Co" in text
    assert text != "City: &lt;b&gt;Lisboa&lt;/b&gt; &amp; Co ✅"


def test_dates_numbers_and_distances_follow_the_locale() -> None:
    """The same moment reads differently per language, always in the city's timezone."""
    moment = datetime(2026, 12, 5, 18, 30, tzinfo=UTC)
    with use_language("en"):
        assert format_skeleton(moment, "Hm", "Europe/Lisbon") == "18:30"
        assert format_skeleton(moment, "Hm", "Europe/Vilnius") == "20:30"
        assert format_distance(1.25) == "1.2 km"
        assert format_day(moment, "Europe/Lisbon") == "Sat 5 Dec"
        assert format_date(moment, "long") == "5 December 2026"
    with use_language("pt"):
        assert format_distance(1.25) == "1,2 km"
        assert format_day(moment, "Europe/Lisbon") == "sábado, 5 dez."
    with use_language("lt"):
        assert format_day(moment, "Europe/Vilnius") == "gruodžio 5 d., št"
    with use_language("uk"):
        assert format_distance(0.34) == "340 м"
    with use_language("en"):
        assert ngettext("{count} badge", "{count} badges", 1200) == "1,200 badges"


def test_no_string_is_translated_inside_an_f_string() -> None:
    """`_()` inside an f-string is invisible to the extractor: never translated."""
    inside = re.compile(r"""\bf(["']).*\{\s*(?:_|ngettext|N_)\(""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("bot", "conversations")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inside.search(line)
    ]
    assert not found
