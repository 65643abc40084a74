"""The catalogue commands, run through `colbot`'s main() against real local feed servers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sync_helpers import PartnerSite

from bot import cli_catalogue
from bot.cli import main
from bot.feed_server import SampleFeedServer
from catalogue.cities import read_cities_file, upsert_cities
from catalogue.feeds import FORMATS
from catalogue.samples import render_sample
from catalogue.sync import sync_round
from storage import Database, create_database, utcnow


@dataclass
class Run:
    """What one command printed and returned."""

    status: int
    out: str
    err: str


@pytest.fixture
async def colbot(
    database: Database, database_url: str, tmp_path: Path, monkeypatch, capsys
) -> Callable[..., Awaitable[Run]]:
    """Run `colbot ARGS...` in a worker thread (main() runs its own event loop)."""
    async with database.session() as session:
        await upsert_cities(session, read_cities_file())
    monkeypatch.setenv("COLBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("COLBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLBOT_LOG_LEVEL", "ERROR")
    # The partner servers of these tests live on loopback.
    monkeypatch.setenv("COLBOT_FEED_ALLOW_NETWORKS", '["127.0.0.1/32"]')

    async def run(*argv: str) -> Run:
        capsys.readouterr()
        status = await asyncio.to_thread(main, list(argv))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Run(status, captured.out, captured.err)

    return run


@pytest.fixture
async def samples() -> AsyncIterator[SampleFeedServer]:
    async with SampleFeedServer() as server:
        yield server


def test_format_choices_match_the_catalogue() -> None:
    assert cli_catalogue.FORMATS == FORMATS


async def test_partners_feeds_and_sync(colbot, samples: SampleFeedServer) -> None:
    added = await colbot("partners", "add", "--city", "lisbon", "--name", "Teatro do Bairro")
    assert (added.status, added.out.strip()) == (
        0,
        "saved partner teatro-do-bairro (Teatro do Bairro)",
    )
    listed = await colbot("partners", "list")
    assert "teatro-do-bairro" in listed.out
    feed = await colbot(
        "feeds", "add", "--city", "lisbon", "--partner", "Teatro do Bairro",
        "--url", samples.url("community-arts.html"), "--format", "html", "--every", "2h",
    )  # fmt: skip
    assert feed.status == 0
    assert "saved feed 1" in feed.out
    before = await colbot("feeds", "list")
    assert " new " in before.out
    synced = await colbot("sync")
    assert synced.status == 0
    assert "[########################] 1/1 done" in synced.err
    header, row = synced.out.splitlines()[:2]
    assert header.split() == [
        "feed",
        "partner",
        "added",
        "updated",
        "retired",
        "unchanged",
        "errors",
    ]
    assert row.split() == ["1", "Teatro", "do", "Bairro", "10", "0", "0", "0", "0"]
    after = await colbot("feeds", "list")
    line = after.out.splitlines()[1]
    assert " ok " in line
    assert " 2h " in line
    assert line.split()[-1] == "10"
    # The last success in Lisbon's wall-clock time, named so nobody takes it for UTC.
    lisbon_now = utcnow().astimezone(ZoneInfo("Europe/Lisbon"))
    assert f" {lisbon_now:%Y-%m-%d} " in line
    assert f" {lisbon_now:%Z} " in line
    again = await colbot("sync", "--feed", "1")
    assert again.status == 0
    assert "HTTP 304" in again.out
    found = await colbot("activities", "search", "teatro", "--language", "pt")
    assert found.status == 0
    assert found.out.strip()
    near = await colbot("activities", "near", "38.716", "-9.1356", "--km", "5")
    assert near.status == 0
    assert " km " in near.out
    assert re.search(r" WES?T ", near.out)  # sessions in Lisbon's time, not UTC


async def test_unreadable_feed_exits_2_with_one_line(colbot, site: PartnerSite) -> None:
    await colbot("partners", "add", "--city", "lisbon", "--name", "Ponte")
    url = site.publish("/cafes.csv", b"id;nome;data\n1;A;2026-12-10\n", "text/csv")
    await colbot("feeds", "add", "--city", "lisbon", "--partner", "ponte", "--url", url)
    result = await colbot("sync")
    assert result.status == 2
    errors = [line for line in result.err.splitlines() if line.startswith("colbot:")]
    assert len(errors) == 1
    assert errors[0].startswith("colbot: feed 1: line 1:")
    assert "title, start" in errors[0]
    listed = await colbot("feeds", "list")
    assert "failing" in listed.out
    assert "line 1" in listed.out


async def test_private_address_is_refused_without_the_setting(
    colbot, site: PartnerSite, monkeypatch
) -> None:
    monkeypatch.delenv("COLBOT_FEED_ALLOW_NETWORKS")
    await colbot("partners", "add", "--city", "lisbon", "--name", "Ponte")
    url = site.publish("/agenda.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    await colbot("feeds", "add", "--city", "lisbon", "--partner", "ponte", "--url", url)
    result = await colbot("sync")
    assert result.status == 2
    assert "loopback or reserved address; refused" in result.err


async def test_sync_waits_for_the_bots_round(
    colbot, database: Database, database_url: str, site: PartnerSite
) -> None:
    """On PostgreSQL `colbot sync` and the bot's round never read feeds at the same time."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite has one process: the bot and the command do not share a database")
    await colbot("partners", "add", "--city", "lisbon", "--name", "Ponte")
    url = site.publish("/agenda.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    await colbot("feeds", "add", "--city", "lisbon", "--partner", "ponte", "--url", url)
    bot_process = create_database(database_url)
    try:
        async with sync_round(bot_process) as reading:
            assert reading
            busy = await colbot("sync", "--wait", "0.3")
            assert busy.status == 2
            assert busy.err.strip() == (
                "colbot: the bot is reading the feeds and did not finish within 0.3 s; "
                "try again later or pass a longer --wait"
            )
            waiting = asyncio.create_task(colbot("sync", "--wait", "20"))
            await asyncio.sleep(1.0)
            assert not waiting.done()
        result = await asyncio.wait_for(waiting, 20)
    finally:
        await bot_process.dispose()
    assert result.status == 0
    assert "feed 1: the feed has no activities" in result.out


async def test_feed_with_no_events_says_so(colbot, site: PartnerSite) -> None:
    await colbot("partners", "add", "--city", "lisbon", "--name", "Ponte")
    url = site.publish("/agenda.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    await colbot("feeds", "add", "--city", "lisbon", "--partner", "ponte", "--url", url)
    result = await colbot("sync")
    assert result.status == 0
    assert "feed 1: the feed has no activities" in result.out


async def test_import_a_local_file(colbot, tmp_path: Path) -> None:
    path = tmp_path / "repair-network.csv"
    path.write_bytes(render_sample("repair-network.csv", utcnow()))
    result = await colbot("feeds", "import", str(path), "--city", "lisbon")
    assert result.status == 0
    assert result.out.splitlines()[1].split()[-5:] == ["12", "0", "0", "0", "0"]
    listed = await colbot("partners", "list", "--city", "lisbon")
    assert "repair-network" in listed.out
    # The same file again changes nothing.
    again = await colbot("feeds", "import", str(path), "--city", "lisbon")
    assert "same content" in again.out
    # Scheduled sync leaves imported feeds alone.
    assert "no feeds to read" in (await colbot("sync")).out
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{\n "@type": "Event",\n "name": "A"\n};\n')
    bad = await colbot("feeds", "import", str(broken), "--city", "lisbon", "--format", "jsonld")
    assert bad.status == 2
    assert "line 4, column 2" in bad.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("partners", "add", "--city", "atlantis", "--name", "X"), "no city with the slug"),
        (("feeds", "add", "--city", "lisbon", "--partner", "nobody", "--url", "http://x.example/"),
         "no partner called 'nobody' in lisbon"),
        (("sync", "--feed", "99"), "no feed with the id 99"),
        (("feeds", "import", "/no/such/file.csv", "--city", "lisbon"), "is not a file"),
        (("activities", "near", "95", "0"), "is not a point on Earth"),
    ],
)  # fmt: skip
async def test_operator_mistakes_are_one_line(colbot, argv, message: str) -> None:
    result = await colbot(*argv)
    assert result.status == 2
    assert result.err.strip().startswith("colbot: ")
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
