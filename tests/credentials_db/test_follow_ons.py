"""Badges that follow from others: a finished playlist, a meta-badge, given once, even in races."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from catalogue.models import Activity, Playlist, PlaylistItem
from credentials.achievements import AchievementError, AchievementSpec, ensure_activity_achievement
from credentials.checking import verify_locally
from credentials.custom import (
    create_challenge_achievement,
    create_meta_achievement,
    ensure_playlist_achievement,
    requirements,
)
from credentials.follow_ons import award_follow_ons
from credentials.images import AchievementKind
from credentials.issuing import issue_award, revoke_own_award
from credentials.models import Achievement, Award
from credentials.portfolio import name_on_badges, set_name_on_badges
from storage import Database
from tests.credentials_db.conftest import BASE_URL, NOW, SECRET, Scene
from tests.privacy import mentions


@dataclass
class Path:
    """A two-step playlist (the scene's workshop, then a second one) and their badge classes."""

    activities: tuple[int, int]
    badges: tuple[int, int]
    playlist_id: int
    playlist_badge: int


async def _path(database: Database, scene: Scene) -> Path:
    async with database.session() as session:
        second = Activity(
            city_id=scene.city_id,
            partner_id=scene.partner_id,
            source_id="w-2",
            type="workshop",
            titles={"en": "Robots, part two"},
            descriptions={"en": "Make the robot follow a line."},
            topics=["digital", "maker"],
            competences=["digcomp:5.3"],
            languages=["pt"],
            audience=[],
        )
        playlist = Playlist(
            city_id=scene.city_id,
            slug="robot-path",
            titles={"en": "Robot path", "pt": "Percurso dos robôs"},
            descriptions={"en": "Two workshops, one robot."},
        )
        session.add_all([second, playlist])
        await session.flush()
        session.add_all(
            [
                PlaylistItem(playlist_id=playlist.id, activity_id=scene.activity_id, position=1),
                PlaylistItem(playlist_id=playlist.id, activity_id=second.id, position=2),
            ]
        )
        await session.flush()
        first_badge = await ensure_activity_achievement(session, scene.activity_id)
        second_badge = await ensure_activity_achievement(session, second.id)
        playlist_badge = await ensure_playlist_achievement(session, playlist.id)
        return Path(
            (scene.activity_id, second.id),
            (first_badge.id, second_badge.id),
            playlist.id,
            playlist_badge.id,
        )


async def _give(database: Database, learner_id: int, achievement_id: int) -> Award:
    async with database.session() as session:
        result = await issue_award(
            session,
            learner_id=learner_id,
            achievement_id=achievement_id,
            public_base_url=BASE_URL,
            secret_key=SECRET,
            now=NOW,
        )
        return result.award


async def _follow_ons(database: Database, learner_id: int) -> list[Award]:
    async with database.session() as session:
        return await award_follow_ons(
            session, learner_id=learner_id, public_base_url=BASE_URL, secret_key=SECRET, now=NOW
        )


async def _held(database: Database, learner_id: int) -> list[int]:
    async with database.session() as session:
        query = select(Award.achievement_id).where(Award.learner_id == learner_id)
        return sorted((await session.scalars(query)).all())


async def test_a_playlist_badge_describes_the_playlist(database: Database, scene: Scene) -> None:
    path = await _path(database, scene)
    async with database.session() as session:
        badge = await session.get(Achievement, path.playlist_badge)
        assert badge is not None
        assert badge.kind == "playlist"
        assert badge.partner_id == scene.partner_id  # the first activity's organiser
        assert badge.name("pt") == "Percurso dos robôs"
        assert badge.competences == ["digcomp:3.4", "entrecomp:1.2", "digcomp:5.3"]
        assert badge.tags[:3] == ["playlist", "digital", "maker"]
        again = await ensure_playlist_achievement(session, path.playlist_id)
        assert again.id == badge.id
        empty = Playlist(city_id=scene.city_id, slug="empty", titles={"en": "Nothing yet"})
        session.add(empty)
        await session.flush()
        with pytest.raises(AchievementError, match="no activities"):
            await ensure_playlist_achievement(session, empty.id)


async def test_finishing_a_playlist_gives_its_badge_once(database: Database, scene: Scene) -> None:
    path = await _path(database, scene)
    await _give(database, scene.learner_id, path.badges[0])
    assert await _follow_ons(database, scene.learner_id) == []

    await _give(database, scene.learner_id, path.badges[1])
    [award] = await _follow_ons(database, scene.learner_id)
    assert award.achievement_id == path.playlist_badge
    credential = json.loads(award.credential_json)
    assert credential["credentialSubject"]["achievement"]["name"] == "Robot path"
    async with database.session() as session:
        verdict = await verify_locally(session, credential, BASE_URL, SECRET, NOW)
    assert verdict.valid, verdict.reasons

    assert await _follow_ons(database, scene.learner_id) == []
    assert await _held(database, scene.learner_id) == sorted([*path.badges, path.playlist_badge])
    assert await _held(database, scene.other_learner_id) == []


async def test_a_meta_badge_needs_every_badge_it_requires(
    database: Database, scene: Scene
) -> None:
    path = await _path(database, scene)
    async with database.session() as session:
        challenge = await create_challenge_achievement(
            session,
            AchievementSpec(
                partner_id=scene.partner_id,
                kind=AchievementKind.CHALLENGE,
                names={"en": "Teach a friend"},
                descriptions={"en": "Showed someone else how to build one."},
                criteria={},
            ),
        )
        meta = await create_meta_achievement(
            session,
            AchievementSpec(
                partner_id=scene.partner_id,
                kind=AchievementKind.META,
                names={"en": "Robot master"},
                descriptions={"en": "The whole path, and passing it on."},
                criteria={},
            ),
            [path.playlist_badge, challenge.id, challenge.id],
        )
        assert meta.kind == "meta"
        assert await requirements(session, meta.id) == [path.playlist_badge, challenge.id]
        assert meta.criteria["en"] == "Earned all of these badges: Robot path, Teach a friend."
        assert challenge.criteria["en"] == "Completed the challenge and had it approved."
        with pytest.raises(AchievementError, match="no achievement with id 999"):
            await create_meta_achievement(session, meta_spec(scene), [challenge.id, 999])
        with pytest.raises(AchievementError, match="at least one"):
            await create_meta_achievement(session, meta_spec(scene), [])

    for badge in path.badges:
        await _give(database, scene.learner_id, badge)
    # The playlist badge alone does not complete the meta-badge.
    assert [a.achievement_id for a in await _follow_ons(database, scene.learner_id)] == [
        path.playlist_badge
    ]
    await _give(database, scene.learner_id, challenge.id)
    [award] = await _follow_ons(database, scene.learner_id)
    assert award.achievement_id == meta.id
    assert await _follow_ons(database, scene.learner_id) == []


def meta_spec(scene: Scene) -> AchievementSpec:
    """A meta-badge definition used only to test refusals."""
    return AchievementSpec(
        partner_id=scene.partner_id,
        kind=AchievementKind.META,
        names={"en": "Refused"},
        descriptions={},
        criteria={},
    )


async def test_one_award_completes_a_playlist_and_the_meta_badge_on_it(
    database: Database, scene: Scene
) -> None:
    path = await _path(database, scene)
    async with database.session() as session:
        meta = await create_meta_achievement(session, meta_spec(scene), [path.playlist_badge])
    for badge in path.badges:
        await _give(database, scene.learner_id, badge)
    created = await _follow_ons(database, scene.learner_id)
    assert [a.achievement_id for a in created] == [path.playlist_badge, meta.id]


async def test_two_concurrent_triggers_give_each_follow_on_once(
    database: Database, scene: Scene
) -> None:
    path = await _path(database, scene)
    async with database.session() as session:
        meta = await create_meta_achievement(session, meta_spec(scene), [path.playlist_badge])
    for badge in path.badges:
        await _give(database, scene.learner_id, badge)

    results = await asyncio.gather(*(_follow_ons(database, scene.learner_id) for _ in range(3)))

    given = sorted(a.achievement_id for created in results for a in created)
    assert given == sorted([path.playlist_badge, meta.id])
    async with database.session() as session:
        count = select(func.count()).select_from(Award).where(Award.learner_id == scene.learner_id)
        assert await session.scalar(count) == 4


async def test_a_revoked_badge_does_not_count(database: Database, scene: Scene) -> None:
    path = await _path(database, scene)
    first = await _give(database, scene.learner_id, path.badges[0])
    async with database.session() as session:
        await revoke_own_award(session, scene.learner_id, first.id, NOW)
    await _give(database, scene.learner_id, path.badges[1])
    assert await _follow_ons(database, scene.learner_id) == []


async def test_the_name_choice_changes_only_new_credentials(
    database: Database, scene: Scene
) -> None:
    path = await _path(database, scene)
    before = await _give(database, scene.learner_id, path.badges[0])
    async with database.session() as session:
        assert not await name_on_badges(session, scene.learner_id)
        await set_name_on_badges(session, scene.learner_id, True)
    after = await _give(database, scene.learner_id, path.badges[1])
    [follow_on] = await _follow_ons(database, scene.learner_id)

    async with database.session() as session:
        old = await session.get(Award, before.id)
        assert old is not None
        assert old.credential_json == before.credential_json
        for award, named in ((old, False), (after, True), (follow_on, True)):
            credential = json.loads(award.credential_json)
            names = [
                i["identityHash"]
                for i in credential["credentialSubject"]["identifier"]
                if i["identityType"] == "name"
            ]
            assert names == (["Ana Sofia"] if named else [])
            assert not mentions(award.credential_json, "4242")  # never the Telegram id
            verdict = await verify_locally(session, credential, BASE_URL, SECRET, NOW)
            assert verdict.valid, verdict.reasons
        await set_name_on_badges(session, scene.learner_id, False)
        assert not await name_on_badges(session, scene.learner_id)
