"""Follows and the weekly digest: only new, upcoming, matching activities, once per week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from catalogue.topics import Topic
from community.digest import enqueue_digests, last_slot, mute_digest
from community.follows import describe_follows, toggle_follow, unfollow
from community.models import FollowKind, Learner, Reminder
from community.preferences import DigestPreferences, get_digest, set_digest
from storage import Database
from tests.community import factories

# Monday 7 December 2026, 18:00 in Lisbon (UTC+0 in winter): the default digest slot.
SLOT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
LAST_WEEK = SLOT - timedelta(days=7)


async def _digests(database: Database) -> list[Reminder]:
    async with database.session() as session:
        rows = await session.scalars(select(Reminder).where(Reminder.kind == "digest"))
        return list(rows)


def test_last_slot_is_in_city_time() -> None:
    """Monday 18:00 in the city; before it on Monday, the previous Monday counts."""
    prefs = DigestPreferences()
    assert last_slot(SLOT + timedelta(hours=3), "Europe/Lisbon", prefs) == SLOT
    assert last_slot(SLOT - timedelta(minutes=1), "Europe/Lisbon", prefs) == LAST_WEEK
    vilnius = last_slot(SLOT + timedelta(hours=3), "Europe/Vilnius", prefs)
    assert vilnius == SLOT - timedelta(hours=2)


async def test_follow_toggle_and_validation(database: Database) -> None:
    """Topics, partners and neighbourhoods of the learner's city; anything else is refused."""
    async with database.session() as session:
        ana = await factories.learner(session)
        org = await factories.partner(session, "Casa da Ciência")
        now = SLOT
        assert await toggle_follow(session, ana, FollowKind.TOPIC, Topic.SCIENCE.value, now)
        assert await toggle_follow(session, ana, FollowKind.PARTNER, str(org.id), now)
        assert await toggle_follow(session, ana, FollowKind.PLACE, "alfama", now)
        assert await toggle_follow(session, ana, FollowKind.TOPIC, "astrology", now) is None
        assert await toggle_follow(session, ana, FollowKind.PARTNER, "99999", now) is None
        assert await toggle_follow(session, ana, FollowKind.PLACE, "soho", now) is None
        names = [f.name for f in await describe_follows(session, ana)]
        assert names == ["science", "Casa da Ciência", "Alfama"]
        assert await toggle_follow(session, ana, FollowKind.TOPIC, "science", now) is False
        followed = await describe_follows(session, ana)
        stranger = await factories.learner(session)
        assert not await unfollow(session, stranger.id, followed[0].id)
        assert await unfollow(session, ana.id, followed[0].id)
        assert len(await describe_follows(session, ana)) == 1


async def test_digest_only_when_something_new_matches(database: Database) -> None:
    """Nothing new: no digest. New and matching: one digest, once, listing only those."""
    async with database.session() as session:
        ana = await factories.learner(session)
        await toggle_follow(session, ana, FollowKind.TOPIC, "arts", LAST_WEEK)
        await factories.activity(  # old news: created before last week's slot
            session,
            SLOT + timedelta(days=2),
            topics=["arts"],
            created_at=LAST_WEEK - timedelta(days=1),
        )
        await factories.activity(  # new but not followed (and far from any followed place)
            session,
            SLOT + timedelta(days=2),
            topics=["sport"],
            created_at=SLOT - timedelta(1),
        )
    assert await enqueue_digests(database, SLOT + timedelta(minutes=5)) == 0

    async with database.session() as session:
        painting = await factories.activity(
            session, SLOT + timedelta(days=3), topics=["arts"], created_at=SLOT - timedelta(1)
        )
        await factories.activity(  # new and matching, but already over
            session, SLOT - timedelta(hours=1), topics=["arts"], created_at=SLOT - timedelta(1)
        )
    assert await enqueue_digests(database, SLOT + timedelta(minutes=10)) == 1
    assert await enqueue_digests(database, SLOT + timedelta(minutes=20)) == 0  # once a week
    [digest] = await _digests(database)
    assert digest.payload["activity_ids"] == [painting.id]

    # The next Monday: nothing created since this digest, so nothing is sent.
    assert await enqueue_digests(database, SLOT + timedelta(days=7, minutes=5)) == 0


async def test_place_and_partner_follows_and_mute(database: Database) -> None:
    """A neighbourhood matches activities near it; a partner its own; muted means none."""
    async with database.session() as session:
        ana = await factories.learner(session)
        bia = await factories.learner(session, name="Bia")
        org = await factories.partner(session, "Museu")
        await toggle_follow(session, ana, FollowKind.PLACE, "belem", LAST_WEEK)
        await toggle_follow(session, bia, FollowKind.PARTNER, str(org.id), LAST_WEEK)
        in_belem = await factories.activity(
            session,
            SLOT + timedelta(days=1),
            topics=["sport"],
            where=(38.6975, -9.2065),
            created_at=SLOT - timedelta(days=2),
        )
        by_museum = await factories.activity(
            session,
            SLOT + timedelta(days=1),
            owner=org,
            where=None,
            created_at=SLOT - timedelta(days=2),
        )
        set_digest(bia, DigestPreferences(weekday=0, hour=18))
        mute_digest(bia)
        assert get_digest(bia).muted
    assert await enqueue_digests(database, SLOT) == 1
    [digest] = await _digests(database)
    assert digest.learner_id == ana.id
    assert digest.payload["activity_ids"] == [in_belem.id]

    async with database.session() as session:
        bia = await session.get(Learner, bia.id)
        mute_digest(bia, muted=False)
    assert await enqueue_digests(database, SLOT + timedelta(minutes=1)) == 1
    bias = [d for d in await _digests(database) if d.learner_id == bia.id]
    assert bias[0].payload["activity_ids"] == [by_museum.id]
