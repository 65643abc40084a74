"""`colbot achievements add|list`: challenge, meta and playlist badges from the command line."""

from __future__ import annotations

import argparse

import pytest

from bot import cli
from bot.cli_credentials import COMMANDS
from bot.cli_credentials_args import add_parsers
from bot.settings import Settings, load_settings
from catalogue.models import Playlist, PlaylistItem
from credentials.achievements import ensure_activity_achievement
from credentials.custom import requirements
from credentials.models import Achievement
from storage import Database
from tests.credentials_db.conftest import BASE_URL, SECRET, Scene


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database, with our public address and secret."""
    return load_settings(
        database_url=database_url, secret_key=SECRET.decode(), public_base_url=BASE_URL
    )


async def _run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="colbot")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return await COMMANDS[args.command](args, settings)


async def _playlist(database: Database, scene: Scene) -> int:
    async with database.session() as session:
        badge = await ensure_activity_achievement(session, scene.activity_id)
        playlist = Playlist(city_id=scene.city_id, slug="makers", titles={"en": "Makers"})
        session.add(playlist)
        await session.flush()
        session.add(
            PlaylistItem(playlist_id=playlist.id, activity_id=scene.activity_id, position=1)
        )
        return badge.id


async def test_add_and_list_custom_achievements(
    database: Database, scene: Scene, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    activity_badge = await _playlist(database, scene)
    add = ("achievements", "add", "--partner", "museu")

    assert (
        await _run(settings, *add, "--name", "Teach a friend", "--competence", "lifecomp:s2") == 0
    )
    assert capsys.readouterr().out == "created challenge achievement 2: Teach a friend\n"
    assert (
        await _run(
            settings, *add, "--name", "Percurso", "--playlist", "makers", "--language", "pt"
        )
        == 0
    )
    assert capsys.readouterr().out == "created playlist achievement 3: Percurso\n"
    assert await _run(settings, *add, "--name", "Master", "--requires", "3, 2") == 0
    assert capsys.readouterr().out == "created meta achievement 4: Master\n"

    async with database.session() as session:
        challenge = await session.get(Achievement, 2)
        playlist = await session.get(Achievement, 3)
        meta = await session.get(Achievement, 4)
        assert challenge is not None
        assert playlist is not None
        assert meta is not None
        assert challenge.kind == "challenge"
        assert challenge.alignments[0]["targetName"] == "Communication"
        assert playlist.kind == "playlist"
        assert playlist.name("pt") == "Percurso"
        assert meta.kind == "meta"
        assert await requirements(session, meta.id) == [3, 2]

    assert await _run(settings, "achievements", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == [str(activity_badge), "activity", "museu"]
    assert "playlist makers" in lines[2]
    assert "requires 3,2" in lines[3]
    assert lines[3].endswith("Master")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--kind", "meta"), "a meta badge needs --requires"),
        (("--kind", "playlist"), "a playlist badge needs --playlist"),
        (("--requires", "1", "--kind", "challenge"), "--requires is only for a meta badge"),
        (("--playlist", "makers", "--kind", "meta"), "--playlist is only for a playlist"),
        (("--requires", "one,two"), "achievement ids separated by commas"),
        (("--requires", "1,999"), "no achievement with id 999"),
        (("--playlist", "nowhere"), "no playlist with the slug 'nowhere'"),
    ],
)
async def test_mistakes_are_one_line_and_create_nothing(
    database: Database,
    scene: Scene,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    await _playlist(database, scene)
    argv = ("achievements", "add", "--partner", "museu", "--name", "X", *extra)
    assert await _run(settings, *argv) == 2
    assert message in capsys.readouterr().err
    assert await _run(settings, "achievements", "list") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


async def test_a_playlist_has_one_badge_and_partners_must_exist(
    database: Database, scene: Scene, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await _playlist(database, scene)
    add = ("achievements", "add", "--name", "Makers", "--playlist", "makers")
    assert await _run(settings, *add, "--partner", "museu") == 0
    assert await _run(settings, *add, "--partner", "museu") == 2
    assert "already has achievement 2" in capsys.readouterr().err
    assert await _run(settings, *add, "--partner", "nobody") == 2
    assert "no partner with the slug 'nobody'" in capsys.readouterr().err


def test_the_colbot_command_knows_achievements() -> None:
    args = cli._parser().parse_args(["achievements", "list"])
    assert args.command == "achievements"
    assert "achievements" in cli.COMMANDS
