"""The operator's commands: issue, export, revoke, rotate keys, and verify any badge file."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import pytest

from bot.cli_credentials import COMMANDS
from bot.cli_credentials_args import add_parsers
from bot.settings import Settings, load_settings
from credentials import baking, images
from credentials.achievements import ensure_activity_achievement
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


async def _achievement(database: Database, scene: Scene) -> str:
    async with database.session() as session:
        return str((await ensure_activity_achievement(session, scene.activity_id)).id)


async def test_issue_export_verify_revoke_and_rotate(
    database: Database,
    scene: Scene,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    achievement = await _achievement(database, scene)
    issue = ("credentials", "issue", "--learner", "4242", "--achievement", achievement)
    assert await _run(settings, *issue) == 0
    assert capsys.readouterr().out.startswith("issued: award 1 https://colbot.example.org/")
    assert await _run(settings, *issue) == 0
    assert capsys.readouterr().out.startswith("already issued: award 1")

    out = tmp_path / "export"
    assert (
        await _run(settings, "credentials", "export", "--learner", "4242", "--out", str(out)) == 0
    )
    png = next(out.glob("*.png"))
    document = next(out.glob("*.json"))
    capsys.readouterr()

    assert await _run(settings, "verify", str(png)) == 0
    report = capsys.readouterr().out
    assert "Issuer:      Museu <da> Cidade (did:web:colbot.example.org:issuers:museu)" in report
    assert "Achievement: Robots & <script>alert(1)</script>" in report
    assert "Status:      active" in report
    assert "Signature:   valid" in report

    svg = tmp_path / "badge.svg"
    credential = json.loads(document.read_text("utf-8"))
    svg.write_bytes(baking.bake_svg(images.badge_svg("Robots", "Lisboa", "activity"), credential))
    assert await _run(settings, "verify", str(svg)) == 0
    capsys.readouterr()

    assert await _run(settings, "credentials", "revoke", "1") == 0
    assert await _run(settings, "verify", str(document)) == 1
    report = capsys.readouterr().out
    assert "Status:      revoked" in report
    assert "The issuer has revoked this credential." in report
    assert await _run(settings, "credentials", "revoke", credential["id"], "--undo") == 0
    assert await _run(settings, "verify", str(document)) == 0
    capsys.readouterr()

    assert await _run(settings, "keys", "rotate", "--partner", "museu") == 0
    assert "generation 2" in capsys.readouterr().out
    assert await _run(settings, "verify", str(png)) == 0


async def test_tampered_and_foreign_badges_are_invalid(
    database: Database,
    scene: Scene,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    achievement = await _achievement(database, scene)
    await _run(settings, "credentials", "issue", "--learner", "4242", "--achievement", achievement)
    await _run(settings, "credentials", "export", "--learner", "4242", "--out", str(tmp_path))
    credential = json.loads(next(tmp_path.glob("*.json")).read_text("utf-8"))  # noqa: ASYNC240
    capsys.readouterr()

    tampered = tmp_path / "tampered.json"
    credential["credentialSubject"]["achievement"]["name"] = "Nobel Prize"
    tampered.write_text(json.dumps(credential), "utf-8")
    assert await _run(settings, "verify", str(tampered)) == 1
    assert "The signature is not valid" in capsys.readouterr().out

    foreign = tmp_path / "foreign.json"
    credential["issuer"]["id"] = "did:web:elsewhere.example:issuers:museu"
    foreign.write_text(json.dumps(credential), "utf-8")
    assert await _run(settings, "verify", str(foreign)) == 1
    assert "signing key does not belong" in capsys.readouterr().out


async def test_mistakes_get_one_line_and_status_2(
    database: Database,
    scene: Scene,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    achievement = await _achievement(database, scene)
    cases = [
        ("credentials", "issue", "--learner", "999", "--achievement", achievement),
        ("credentials", "issue", "--learner", "4242", "--achievement", "999"),
        ("credentials", "revoke", "77"),
        ("keys", "rotate", "--partner", "nobody"),
        ("verify", str(tmp_path / "missing.json")),
    ]
    (tmp_path / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    cases.append(("verify", str(tmp_path / "garbage.png")))
    for argv in cases:
        assert await _run(settings, *argv) == 2, argv
        error = capsys.readouterr().err
        assert error.startswith("colbot: "), argv
        assert error.count("\n") == 1, error


async def test_the_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "verify",
        str(tmp_path / "nothing.png"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().startswith("colbot: ")
    assert "Traceback" not in stderr.decode()
