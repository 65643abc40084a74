"""Fixtures for credentials stored in the database: a city, a partner, an activity, learners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from catalogue.models import Activity, City, Partner
from community.models import Learner
from storage import Database

BASE_URL = "https://colbot.example.org"
SECRET = b"a-test-secret-that-is-long-enough-0123456789"
NOW = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)


@dataclass
class Scene:
    """Ids of the rows a credentials test starts from."""

    city_id: int
    partner_id: int
    activity_id: int
    learner_id: int
    other_learner_id: int


async def make_scene(database: Database) -> Scene:
    """A museum in Lisbon with one workshop, and two learners."""
    async with database.session() as session:
        city = City(
            slug="lisbon",
            names={"en": "Lisbon", "pt": "Lisboa"},
            country="PT",
            timezone="Europe/Lisbon",
            default_language="pt",
            latitude=38.72,
            longitude=-9.14,
            neighbourhoods=[],
        )
        session.add(city)
        await session.flush()
        partner = Partner(
            city_id=city.id,
            slug="museu",
            name="Museu <da> Cidade",
            website="https://museu.example",
        )
        session.add(partner)
        await session.flush()
        activity = Activity(
            city_id=city.id,
            partner_id=partner.id,
            source_id="w-1",
            type="workshop",
            titles={"en": "Robots & <script>alert(1)</script>", "pt": "Robôs e código"},
            descriptions={"en": "Build and program a small robot."},
            topics=["digital"],
            competences=["digcomp:3.4", "entrecomp:1.2"],
            languages=["pt"],
            audience=[],
        )
        # A name with a space: keys, hashes and proofs (base58, base64, hex) never hold one, so
        # "her name is not in the credential" cannot fail by chance on a random signature.
        ana = Learner(telegram_id=4242, first_name="Ana Sofia", language="en", interests=[])
        rui = Learner(telegram_id=4343, first_name="Rui", language="pt", interests=[])
        session.add_all([activity, ana, rui])
        await session.flush()
        return Scene(city.id, partner.id, activity.id, ana.id, rui.id)


@pytest.fixture
async def scene(database: Database) -> Scene:
    """The rows every credentials test needs."""
    return await make_scene(database)
