"""Awards in the database: issued once, signed by the partner, verifiable, revocable."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalogue.models import Partner
from community.learners import forget_learner
from credentials import ob3
from credentials.achievements import ensure_activity_achievement
from credentials.checking import verify_locally
from credentials.issuers import IssuerError, did_document_for, rotate_key, unlock
from credentials.issuing import (
    AwardError,
    issue_award,
    revoke_award,
    revoke_own_award,
    unrevoke_award,
)
from credentials.models import Award, IssuerKey
from credentials.portfolio import set_name_on_badges
from storage import Database
from tests.credentials_db.conftest import BASE_URL, NOW, SECRET, Scene
from tests.privacy import mentions


async def _issue(database: Database, scene: Scene, learner_id: int | None = None, **extra):
    async with database.session() as session:
        achievement = await ensure_activity_achievement(session, scene.activity_id)
        return await issue_award(
            session,
            learner_id=learner_id or scene.learner_id,
            achievement_id=achievement.id,
            public_base_url=BASE_URL,
            secret_key=SECRET,
            now=NOW,
            **extra,
        )


async def _verify(database: Database, document: dict, later: timedelta = timedelta(0)):
    async with database.session() as session:
        return await verify_locally(session, document, BASE_URL, SECRET, NOW + later)


def _credential(award: Award) -> dict:
    return json.loads(award.credential_json)


async def test_an_award_is_a_verifiable_open_badge(database: Database, scene: Scene) -> None:
    result = await _issue(database, scene)
    assert result.created
    credential = _credential(result.award)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:colbot.example.org:issuers:museu"
    assert credential["issuer"]["name"] == "Museu <da> Cidade"
    assert credential["id"] == f"urn:uuid:{result.award.credential_uuid}"
    status = credential["credentialStatus"]
    assert status["statusListCredential"] == f"{BASE_URL}/status/museu/1"
    achievement = credential["credentialSubject"]["achievement"]
    assert {a["targetFramework"] for a in achievement["alignment"]} == {"DigComp 2.2", "EntreComp"}
    verdict = await _verify(database, credential)
    assert verdict.valid, verdict.reasons
    assert verdict.status == "active"
    assert verdict.achievement_name == "Robots & <script>alert(1)</script>"
    assert not mentions(credential, "Ana Sofia")
    assert not mentions(credential, "4242")


async def test_second_trigger_returns_the_same_award(database: Database, scene: Scene) -> None:
    first = await _issue(database, scene)
    second = await _issue(database, scene)
    assert not second.created
    assert second.award.credential_uuid == first.award.credential_uuid


async def test_two_concurrent_triggers_make_one_award(database: Database, scene: Scene) -> None:
    async with database.session() as session:
        await ensure_activity_achievement(session, scene.activity_id)
    results = await asyncio.gather(*(_issue(database, scene) for _ in range(4)))
    assert sum(r.created for r in results) == 1
    assert len({r.award.credential_uuid for r in results}) == 1
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Award)) == 1
        assert await session.scalar(select(func.count()).select_from(IssuerKey)) == 1


async def test_learners_get_distinct_status_slots(database: Database, scene: Scene) -> None:
    ana = _credential((await _issue(database, scene)).award)
    rui = _credential((await _issue(database, scene, scene.other_learner_id)).award)
    assert ana["credentialStatus"]["statusListIndex"] != rui["credentialStatus"]["statusListIndex"]
    assert rui["credentialSubject"]["achievement"]["name"] == "Robôs e código"


async def test_a_deleted_learner_leaves_a_valid_anonymous_credential(
    database: Database, scene: Scene
) -> None:
    result = await _issue(database, scene)
    async with database.session() as session:
        await forget_learner(session, scene.learner_id)
    async with database.session() as session:
        award = await session.scalar(select(Award))
        assert award is not None
        assert award.learner_id is None
    credential = _credential(award)
    assert credential == _credential(result.award)
    verdict = await _verify(database, credential, timedelta(days=30))
    assert verdict.valid, verdict.reasons
    assert not mentions(credential, "Ana Sofia")


async def test_the_name_only_when_asked(database: Database, scene: Scene) -> None:
    async with database.session() as session:
        await set_name_on_badges(session, scene.learner_id, True)
    credential = _credential((await _issue(database, scene)).award)
    identifiers = credential["credentialSubject"]["identifier"]
    assert {"type": "IdentityObject", "identityHash": "Ana Sofia", "identityType": "name",
            "hashed": False} in identifiers  # fmt: skip
    assert (await _verify(database, credential)).valid


async def test_evidence_is_signed_with_the_badge(database: Database, scene: Scene) -> None:
    evidence = ob3.Evidence(id=f"{BASE_URL}/evidence/1", name="Robot video", narrative="Built it")
    credential = _credential((await _issue(database, scene, evidence=[evidence])).award)
    assert credential["evidence"][0]["name"] == "Robot video"
    assert (await _verify(database, credential)).valid


async def test_revoked_then_restored(database: Database, scene: Scene) -> None:
    result = await _issue(database, scene)
    credential = _credential(result.award)
    async with database.session() as session:
        await revoke_award(session, result.award.id, NOW)
    verdict = await _verify(database, credential, timedelta(minutes=1))
    assert not verdict.valid
    assert verdict.status == "revoked"
    async with database.session() as session:
        await unrevoke_award(session, result.award.id)
    verdict = await _verify(database, credential, timedelta(minutes=2))
    assert verdict.valid
    assert verdict.status == "active"


async def test_a_learner_revokes_only_their_own(database: Database, scene: Scene) -> None:
    result = await _issue(database, scene)
    async with database.session() as session:
        with pytest.raises(AwardError):
            await revoke_own_award(session, scene.other_learner_id, result.award.id, NOW)
    async with database.session() as session:
        await revoke_own_award(session, scene.learner_id, result.award.id, NOW)
    verdict = await _verify(database, _credential(result.award), timedelta(minutes=1))
    assert verdict.status == "revoked"


async def test_rotation_keeps_old_credentials_valid(database: Database, scene: Scene) -> None:
    old = _credential((await _issue(database, scene)).award)
    async with database.session() as session:
        partner = await session.get(Partner, scene.partner_id)
        assert partner is not None
        await rotate_key(session, partner, BASE_URL, SECRET, NOW)
    new = _credential((await _issue(database, scene, scene.other_learner_id)).award)
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    async with database.session() as session:
        document = await did_document_for(session, old["issuer"]["id"])
        keys = await session.scalars(select(IssuerKey).order_by(IssuerKey.generation))
        assert [k.active for k in keys] == [False, True]
    assert document is not None
    assert len(document["assertionMethod"]) == 2
    for credential in (old, new):
        verdict = await _verify(database, credential, timedelta(minutes=1))
        assert verdict.valid, verdict.reasons
        assert verdict.status == "active"


async def test_keys_are_stored_encrypted(database: Database, scene: Scene) -> None:
    await _issue(database, scene)
    async with database.session() as session:
        key = await session.scalar(select(IssuerKey))
    assert key is not None
    assert len(key.encrypted_private_key) == 1 + 16 + 12 + 32 + 16
    assert b"PRIVATE" not in key.encrypted_private_key
    with pytest.raises(IssuerError):
        unlock(key, b"another-secret-another-secret-another")
