"""The public credential pages, served by the real aiohttp application."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.web import build_web_app
from bot.web_credentials import CredentialSite
from catalogue.models import Occurrence
from community.learners import forget_learner
from community.models import Learner
from credentials.achievements import ensure_activity_achievement
from credentials.issuing import issue_award, revoke_award
from credentials.portfolio import disable_portfolio, enable_portfolio, set_name_on_badges
from credentials.verify import extract_credential, verify_credential
from storage import Database
from tests.credentials_db.conftest import BASE_URL, NOW, SECRET, Scene
from tests.privacy import mentions

VERIFIER_DIR = Path(__file__).resolve().parents[1] / "js-verifier"
NODE = shutil.which("node")


@pytest.fixture
async def client(database: Database) -> AsyncIterator[TestClient[Any, Any]]:
    """An HTTP client of the web application with the credential pages added."""
    site = CredentialSite(database, BASE_URL, SECRET, lambda: NOW)
    app = build_web_app(
        database, credentials=site, bot_username="colbot_demo_bot", clock=lambda: NOW
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _award(database: Database, scene: Scene) -> tuple[int, str, dict[str, Any]]:
    async with database.session() as session:
        achievement = await ensure_activity_achievement(session, scene.activity_id)
        result = await issue_award(
            session,
            learner_id=scene.learner_id,
            achievement_id=achievement.id,
            public_base_url=BASE_URL,
            secret_key=SECRET,
            now=NOW - timedelta(hours=1),
        )
    award = result.award
    return award.id, award.credential_uuid, json.loads(award.credential_json)


async def _fetch(client: TestClient[Any, Any], url: str) -> dict[str, Any] | None:
    """Resolve one of our URLs through the web application, as a remote verifier would."""
    response = await client.get(url.removeprefix(BASE_URL))
    return await response.json(content_type=None) if response.status == 200 else None


async def _verify_over_http(client: TestClient[Any, Any], credential: dict[str, Any]) -> Any:
    issuer = credential["issuer"]["id"]
    did_path = "/" + "/".join(issuer.split(":")[3:]) + "/did.json"
    status_url = credential["credentialStatus"]["statusListCredential"]
    documents = {
        issuer: await _fetch(client, did_path),
        status_url: await _fetch(client, status_url),
    }
    return verify_credential(credential, documents.get, documents.get, now=NOW)


async def test_did_document_and_status_list_let_anyone_verify(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    award_id, _uuid, credential = await _award(database, scene)
    response = await client.get("/issuers/museu/did.json")
    assert response.status == 200
    document = await response.json(content_type=None)
    assert document["id"] == "did:web:colbot.example.org:issuers:museu"
    assert credential["proof"]["verificationMethod"] in document["assertionMethod"]
    verdict = await _verify_over_http(client, credential)
    assert verdict.valid, verdict.reasons
    assert verdict.status == "active"

    async with database.session() as session:
        await revoke_award(session, award_id, NOW)
    status = await _fetch(client, "/status/museu/1")
    assert status is not None
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    verdict = await _verify_over_http(client, credential)
    assert verdict.status == "revoked"
    assert not verdict.valid


async def test_unknown_things_are_not_found(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    await _award(database, scene)
    for path in (
        "/issuers/nobody/did.json",
        "/status/museu/2",
        "/credentials/00000000-0000-4000-8000-000000000000",
        "/credentials/not-a-uuid",
        "/portfolio/AAAAAAAAAAAAAAAA",
    ):
        assert (await client.get(path)).status == 404, path


async def test_credential_page_is_escaped_and_says_genuine(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    award_id, uuid, credential = await _award(database, scene)
    response = await client.get(f"/credentials/{uuid}", headers={"Accept-Language": "en"})
    assert response.status == 200
    page = await response.text()
    assert "<script>alert(1)</script>" not in page
    assert "Robots &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Museu &lt;da&gt; Cidade" in page
    assert "Genuine" in page
    assert "Programming" in page
    assert f"/credentials/{uuid}.json" in page

    downloaded = await (await client.get(f"/credentials/{uuid}.json")).json(content_type=None)
    assert downloaded == credential
    png = await (await client.get(f"/credentials/{uuid}.png")).read()
    assert extract_credential(png) == credential

    async with database.session() as session:
        await revoke_award(session, award_id, NOW)
    page = await (await client.get(f"/credentials/{uuid}?lang=en")).text()
    assert "revoked" in page
    assert "Genuine" not in page


async def test_portfolio_is_public_only_while_switched_on(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    _award_id, uuid, _credential = await _award(database, scene)
    async with database.session() as session:
        token = await enable_portfolio(session, scene.learner_id)
    page = await (await client.get(f"/portfolio/{token}")).text()
    assert f"/credentials/{uuid}" in page
    assert not mentions(page, "Ana Sofia")
    async with database.session() as session:
        await disable_portfolio(session, scene.learner_id)
    assert (await client.get(f"/portfolio/{token}")).status == 404


async def test_badge_class_and_its_image(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    _award_id, _uuid, credential = await _award(database, scene)
    achievement = credential["credentialSubject"]["achievement"]
    document = await _fetch(client, achievement["id"])
    assert document is not None
    assert document["type"] == ["Achievement"]
    image = await client.get(achievement["image"]["id"].removeprefix(BASE_URL))
    assert image.content_type == "image/png"


@pytest.mark.npm
@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(
    not (VERIFIER_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="tests/js-verifier/node_modules is missing: run `npm ci` in tests/js-verifier",
)
async def test_a_deleted_learners_badge_passes_an_independent_verifier(
    client: TestClient[Any, Any], database: Database, scene: Scene, tmp_path: Path
) -> None:
    _award_id, uuid, _credential = await _award(database, scene)
    async with database.session() as session:
        await forget_learner(session, scene.learner_id)
    credential = await _fetch(client, f"/credentials/{uuid}.json")
    assert credential is not None
    assert not mentions(credential, "Ana Sofia")
    files = {
        "credential": credential,
        "did": await _fetch(client, "/issuers/museu/did.json"),
        "status": await _fetch(client, "/status/museu/1"),
    }
    for name, document in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(document), "utf-8")
    process = await asyncio.create_subprocess_exec(
        str(NODE),
        str(VERIFIER_DIR / "verify.mjs"),
        str(tmp_path / "credential.json"),
        "--did",
        str(tmp_path / "did.json"),
        "--status",
        str(tmp_path / "status.json"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    verdict = json.loads(stdout or b"{}")
    assert verdict.get("verified"), stderr.decode() or verdict
    assert verdict["status"] == "active"


async def test_the_city_page_reports_the_four_numbers(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    """Learners, badges issued (revoked ones not counted), activities on offer, partners."""
    async with database.session() as session:
        await session.execute(
            update(Learner).where(Learner.id == scene.learner_id).values(city_id=scene.city_id)
        )
    await _award(database, scene)
    response = await client.get("/cities/lisbon")
    page = await response.text()
    assert response.status == 200
    # The city's own language first (Lisbon's is Portuguese), singular after 1.
    assert '<html lang="pt">' in page
    assert "<h1>Lisboa</h1>" in page
    assert "<b>1</b>badge emitido" in page
    assert "<b>1</b>parceiro" in page
    english = await (await client.get("/cities/lisbon?lang=en")).text()
    assert "<b>1</b>learner<" in english
    assert "<b>1</b>badge issued" in english
    assert "<b>1</b>partner<" in english
    award_id, _uuid, _doc = await _award(database, scene)
    async with database.session() as session:
        await revoke_award(session, award_id, by="test", now=NOW)
    page = await (await client.get("/cities/lisbon")).text()
    assert "<b>0</b>badges emitidos" in page
    assert (await client.get("/cities/atlantis")).status == 404


async def test_the_city_page_shows_the_week_and_the_partners_safely(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    """What is on this week links into the bot; feed and partner text is never markup."""
    async with database.session() as session:
        session.add(
            Occurrence(
                activity_id=scene.activity_id,
                starts_at=NOW + timedelta(days=2),
                ends_at=NOW + timedelta(days=2, hours=2),
                source_tz="Europe/Lisbon",
            )
        )
    page = await (await client.get("/cities/lisbon?lang=en")).text()
    assert "Coming up this week" in page
    assert "Robots &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert f"https://t.me/colbot_demo_bot?start=act_{scene.activity_id}" in page
    assert "https://t.me/colbot_demo_bot?start=city_lisbon" in page
    assert "Museu &lt;da&gt; Cidade" in page
    assert 'href="https://museu.example"' in page
    assert "Mon 16 Mar 15:09" in page  # the session, in Lisbon's time
    assert 'href="/cities/lisbon?lang=uk"' in page
    ukrainian = await (await client.get("/cities/lisbon?lang=uk")).text()
    assert '<html lang="uk">' in ukrainian
    assert "Coming up this week" not in ukrainian
    # An unknown language falls back to the city's own.
    assert '<html lang="pt">' in await (await client.get("/cities/lisbon?lang=xx")).text()


async def test_the_city_page_tells_time_on_the_citys_clock(
    database: Database, scene: Scene
) -> None:
    """A feed may give times in UTC; the page shows them as Lisbon's clocks do (summer: +1)."""
    summer = datetime(2026, 7, 13, 12, 0, tzinfo=UTC)
    async with database.session() as session:
        session.add(
            Occurrence(
                activity_id=scene.activity_id,
                starts_at=datetime(2026, 7, 15, 17, 0, tzinfo=UTC),
                source_tz="UTC",
            )
        )
    app = build_web_app(database, clock=lambda: summer)
    async with TestClient(TestServer(app)) as summer_client:
        page = await (await summer_client.get("/cities/lisbon?lang=en")).text()
    assert "Wed 15 Jul 18:00" in page


async def test_a_city_with_nothing_on_says_so(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    page = await (await client.get("/cities/lisbon?lang=en")).text()
    assert "Nothing is planned for this week yet" in page
    index = await (await client.get("/")).text()
    assert 'href="/cities/lisbon"' in index


async def test_a_web_copy_without_the_status_list_does_not_claim_too_much(
    database: Database, scene: Scene
) -> None:
    """A replica without the secret key cannot read status lists: it never says "not revoked"
    for a revoked badge, and says plainly when it could not check."""
    award_id, uuid, _credential = await _award(database, scene)
    without_key = CredentialSite(database, BASE_URL, None, lambda: NOW)
    app = build_web_app(database, credentials=without_key)
    async with TestClient(TestServer(app)) as replica:
        unchecked = await (await replica.get(f"/credentials/{uuid}?lang=en")).text()
        assert "could not be checked right now" in unchecked
        assert "has not been revoked" not in unchecked
        async with database.session() as session:
            await revoke_award(session, award_id, by="test", now=NOW)
        revoked = await (await replica.get(f"/credentials/{uuid}?lang=en")).text()
    assert "This badge has been revoked" in revoked
    assert "has not been revoked" not in revoked


async def test_a_deleted_learners_named_badge_is_no_longer_published(
    client: TestClient[Any, Any], database: Database, scene: Scene
) -> None:
    """Her name was on it because she chose so; after she deletes her account it is not shown."""
    async with database.session() as session:
        await set_name_on_badges(session, scene.learner_id, True)
    _award_id, uuid, credential = await _award(database, scene)
    assert mentions(credential, "Ana Sofia")
    async with database.session() as session:
        await forget_learner(session, scene.learner_id)
    for path in (f"/credentials/{uuid}", f"/credentials/{uuid}.json", f"/credentials/{uuid}.png"):
        response = await client.get(path)
        assert response.status == 410, path
        assert not mentions(await response.text(), "Ana Sofia")
    # The copy she shared still verifies: the issuer's key and the status list are public.
    assert (await _verify_over_http(client, credential)).valid
