"""What a public portfolio shows: listed badges only, the name only by choice, a printable page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web import build_web_app
from bot.web_credentials import CredentialSite
from community.models import Learner
from credentials.achievements import ensure_activity_achievement
from credentials.issuing import AwardError, issue_award, revoke_award
from credentials.portfolio import (
    disable_portfolio,
    enable_portfolio,
    set_name_on_badges,
    show_on_portfolio,
    summary_url,
)
from storage import Database
from tests.credentials_db.conftest import BASE_URL, NOW, SECRET, Scene

HOSTILE = '<img src=x onerror="alert(1)">&amp;'


@pytest.fixture
async def client(database: Database) -> AsyncIterator[TestClient[Any, Any]]:
    """An HTTP client of the web application with the credential pages added."""
    site = CredentialSite(database, BASE_URL, SECRET, lambda: NOW)
    app = build_web_app(database, credentials=site)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _award(
    database: Database, scene: Scene, learner_id: int | None = None
) -> tuple[int, str]:
    async with database.session() as session:
        achievement = await ensure_activity_achievement(session, scene.activity_id)
        result = await issue_award(
            session,
            learner_id=learner_id or scene.learner_id,
            achievement_id=achievement.id,
            public_base_url=BASE_URL,
            secret_key=SECRET,
            now=NOW,
        )
    return result.award.id, result.award.credential_uuid


async def _portfolio(database: Database, learner_id: int) -> str:
    async with database.session() as session:
        return await enable_portfolio(session, learner_id)


async def _page(client: TestClient[Any, Any], path: str) -> str:
    response = await client.get(path, headers={"Accept-Language": "en"})
    assert response.status == 200, path
    return await response.text()


async def test_a_hidden_badge_leaves_the_portfolio_but_keeps_its_page(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    award_id, uuid = await _award(database, scene)
    token = await _portfolio(database, scene.learner_id)
    assert f"/credentials/{uuid}" in await _page(client, f"/portfolio/{token}")

    async with database.session() as session:
        await show_on_portfolio(session, scene.learner_id, award_id, False)
    assert f"/credentials/{uuid}" not in await _page(client, f"/portfolio/{token}")
    assert f"/credentials/{uuid}" not in await _page(client, f"/portfolio/{token}/print")
    # Links already shared (LinkedIn, a CV) keep verifying.
    assert "Genuine" in await _page(client, f"/credentials/{uuid}")
    assert (await client.get(f"/credentials/{uuid}.json")).status == 200

    async with database.session() as session:
        await show_on_portfolio(session, scene.learner_id, award_id, True)
    assert f"/credentials/{uuid}" in await _page(client, f"/portfolio/{token}")


async def test_only_the_owner_can_hide_a_badge(database: Database, scene: Scene) -> None:
    award_id, _uuid = await _award(database, scene)
    async with database.session() as session:
        with pytest.raises(AwardError):
            await show_on_portfolio(session, scene.other_learner_id, award_id, False)


async def test_the_printable_summary_is_escaped_and_complete(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    async with database.session() as session:
        learner = await session.get(Learner, scene.learner_id)
        assert learner is not None
        learner.first_name = HOSTILE
    _award_id, uuid = await _award(database, scene)
    token = await _portfolio(database, scene.learner_id)
    assert summary_url(BASE_URL, token) == f"{BASE_URL}/portfolio/{token}/print"

    page = await _page(client, f"/portfolio/{token}/print")
    assert "size:A4" in page
    assert "@media print" in page
    assert "<nav" not in page
    assert "<script" not in page
    assert "Robots &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Museu &lt;da&gt; Cidade" in page
    assert "14 March 2026" in page
    assert "DigComp 3.4 Programming" in page
    assert "EntreComp 1.2 Creativity" in page
    assert f'src="{BASE_URL}/credentials/{uuid}.png"' in page
    assert f"{BASE_URL}/credentials/{uuid}</span>" in page
    assert "Open Badges 3.0" in page
    assert "1 badge, valid on 14 March 2026." in page
    assert "src=x" not in page  # no name: she did not choose to show it
    assert re.search(r"<h1>Badges</h1>", page)

    async with database.session() as session:
        await set_name_on_badges(session, scene.learner_id, True)
    for path in (f"/portfolio/{token}/print", f"/portfolio/{token}"):
        page = await _page(client, path)
        assert "Badges of &lt;img src=x onerror=" in page
        assert "&amp;amp;" in page
        assert "<img src=x" not in page
        assert HOSTILE not in page

    printed = await _page(client, f"/portfolio/{token}/print?lang=pt")
    assert 'lang="pt"' in printed


async def test_the_summary_lists_valid_badges_and_goes_with_the_link(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    award_id, uuid = await _award(database, scene)
    token = await _portfolio(database, scene.learner_id)
    async with database.session() as session:
        await revoke_award(session, award_id, NOW)
    page = await _page(client, f"/portfolio/{token}/print")
    assert uuid not in page
    assert "0 badges, valid on" in page
    async with database.session() as session:
        await disable_portfolio(session, scene.learner_id)
    assert (await client.get(f"/portfolio/{token}/print")).status == 404
    assert (await client.get("/portfolio/AAAAAAAAAAAAAAAA/print")).status == 404
