"""Badges that follow a check-in, the name on badges, hiding a badge, the printable summary."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select

from bot.sandbox.client import SandboxUser
from bot.sandbox.view import ChatMessage
from catalogue.cities import get_city
from catalogue.models import Activity, Playlist, PlaylistItem
from community.models import Learner
from credentials.achievements import AchievementSpec
from credentials.checkin import checkin_payload
from credentials.checking import verify_locally
from credentials.custom import create_meta_achievement, ensure_playlist_achievement
from credentials.images import AchievementKind
from credentials.models import Achievement, Award
from tests.chat.conftest import SECRET_KEY, ChatWorld
from tests.chat.helpers import add_activities, onboard
from tests.chat.test_badges import _press_forged

SPECS = [
    {"key": "robotics", "place": "baixa", "days": 0.05, "topics": ["digital"],
     "competences": ["digcomp:3.4"], "titles": {"en": "Robotics club", "pt": "Clube de Robótica"}},
    {"key": "coding", "place": "alfama", "days": 3, "topics": ["digital"],
     "competences": ["digcomp:3.4"], "titles": {"en": "Coding dojo", "pt": "Dojo de programação"}},
]  # fmt: skip


def _is_badge(text: str) -> Any:
    return lambda message: bool(message.photo) and text in (message.caption or "")


async def _check_in(user: SandboxUser, activity_id: int, title: str) -> ChatMessage:
    await user.start(checkin_payload(activity_id, SECRET_KEY.encode()))
    return await user.wait_for_message(predicate=_is_badge(title))


async def _awards(world: ChatWorld, user: SandboxUser, count: int) -> list[Award]:
    """The person's awards, once the update that made the last one has committed."""
    for _attempt in range(100):
        async with world.database.session() as session:
            awards = list(
                (
                    await session.scalars(
                        select(Award)
                        .join(Learner, Learner.id == Award.learner_id)
                        .where(Learner.telegram_id == user.id)
                        .order_by(Award.id)
                    )
                ).all()
            )
        if len(awards) >= count:
            return awards
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} awards, found {len(awards)}")


async def _public(world: ChatWorld, award_id: int, expected: bool) -> None:
    for _attempt in range(100):
        async with world.database.session() as session:
            award = await session.get(Award, award_id)
        assert award is not None
        if award.public is expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"award {award_id} never became public={expected}")


async def _playlist_and_meta(world: ChatWorld, ids: dict[str, int]) -> None:
    """The two activities as a playlist, and a meta-badge that requires the playlist's badge."""
    async with world.database.session() as session:
        city = await get_city(session, "lisbon")
        assert city is not None
        playlist = Playlist(city_id=city.id, slug="digital-path", titles={"en": "Digital path"})
        session.add(playlist)
        await session.flush()
        for position, key in enumerate(("robotics", "coding")):
            session.add(
                PlaylistItem(playlist_id=playlist.id, activity_id=ids[key], position=position)
            )
        await session.flush()
        badge = await ensure_playlist_achievement(session, playlist.id)
        activity = await session.get(Activity, ids["robotics"])
        assert activity is not None
        await create_meta_achievement(
            session,
            AchievementSpec(
                partner_id=activity.partner_id,
                kind=AchievementKind.META,
                names={"en": "Digital master"},
                descriptions={"en": "Finished the digital path."},
                criteria={},
            ),
            [badge.id],
        )


async def test_a_check_in_that_finishes_a_playlist_brings_its_badges(world: ChatWorld) -> None:
    ids = await add_activities(world.database, SPECS)
    await _playlist_and_meta(world, ids)
    kai = await onboard(world, "Kai")

    await _check_in(kai, ids["robotics"], "Robotics club")
    await _check_in(kai, ids["coding"], "Coding dojo")
    # In this order: the activity's badge, the playlist's, then the badge that required it.
    playlist = await kai.wait_for_message(predicate=_is_badge("Digital path"))
    meta = await kai.wait_for_message(predicate=_is_badge("Digital master"))
    assert "💼 Add to LinkedIn" in [b for row in playlist.buttons for b in row]
    assert "Finished the digital path." in (meta.caption or "")
    awards = await _awards(world, kai, 4)
    async with world.database.session() as session:
        rows = await session.execute(select(Achievement.id, Achievement.kind))
        kind_of = dict(rows.all())
    kinds = [kind_of[award.achievement_id] for award in awards]
    assert kinds == ["activity", "activity", "playlist", "meta"]

    kai.mark_read()
    await kai.start(checkin_payload(ids["coding"], SECRET_KEY.encode()))
    await kai.wait_for_message(text_contains="already have this badge")
    await asyncio.sleep(0.3)
    assert not [m for m in kai.unread() if m.photo]
    assert len(await _awards(world, kai, 4)) == 4


async def test_my_name_goes_only_on_badges_earned_after_i_ask(world: ChatWorld) -> None:
    ids = await add_activities(world.database, SPECS)
    kai = await onboard(world, "Kai")
    await _check_in(kai, ids["robotics"], "Robotics club")

    await kai.send("🏅 My badges")
    listing = await kai.wait_for_message(text_contains="You have 1 badge")
    await kai.press(listing, "👤 Put my name on my badges")
    note = await kai.wait_for_message(text_contains="new badges will show your first name, Kai")
    assert "Badges you already have stay as they are" in (note.text or "")
    edited = await kai.wait_for_edit(listing)
    assert ["👤 Leave my name off new badges"] in edited.buttons

    await _check_in(kai, ids["coding"], "Coding dojo")
    before, after = await _awards(world, kai, 2)
    async with world.database.session() as session:
        for award, names in ((before, []), (after, ["Kai"])):
            credential = json.loads(award.credential_json)
            identities = credential["credentialSubject"]["identifier"]
            assert [i["identityHash"] for i in identities if i["identityType"] == "name"] == names
            assert str(kai.id) not in award.credential_json
            verdict = await verify_locally(
                session,
                credential,
                world.settings.public_base_url,
                SECRET_KEY.encode(),
                world.application.bot_data.services.clock(),
            )
            assert verdict.valid, verdict.reasons

    await kai.press(edited, "👤 Leave my name off new badges")
    off = await kai.wait_for_message(text_contains="won't show your name")
    assert "stay as they are" in (off.text or "")


async def test_hiding_a_badge_from_my_portfolio_and_printing_it(world: ChatWorld) -> None:
    ids = await add_activities(world.database, SPECS)
    ana = await onboard(world, "Ana")
    await _check_in(ana, ids["robotics"], "Robotics club")
    [award] = await _awards(world, ana, 1)

    await ana.send("/badges")
    listing = await ana.wait_for_message(text_contains="You have 1 badge")
    assert "🖨 Printable summary" not in [b for row in listing.buttons for b in row]
    await ana.press(listing, "🌍 Make a public portfolio link")
    link = await ana.wait_for_message(text_contains="/portfolio/")
    assert "(not your name)" in (link.text or "")
    await ana.send("/badges")
    listing = await ana.wait_for_message(text_contains="You have 1 badge")
    printable = await ana.press(listing, "🖨 Printable summary")
    portfolio = next(w for w in (link.text or "").split() if "/portfolio/" in w)
    assert printable == f"{portfolio}/print"

    await ana.press(listing, "🏅 Robotics club")
    opened = await ana.wait_for_message(predicate=_is_badge("Robotics club"))
    answer = await ana.press(opened, "🙈 Hide from my portfolio")
    assert answer == "🙈 Hidden from your public portfolio. Its own link still works."
    hidden = await ana.wait_for_edit(opened)
    assert ["👁 Show on my portfolio"] in hidden.buttons
    assert ["🗑 Revoke this badge"] in hidden.buttons
    await _public(world, award.id, False)

    answer = await ana.press(hidden, "👁 Show on my portfolio")
    assert answer == "👁 This badge is on your public portfolio again."
    shown = await ana.wait_for_edit(hidden)
    assert ["🙈 Hide from my portfolio"] in shown.buttons
    await _public(world, award.id, True)


async def test_forged_badge_buttons_are_refused(world: ChatWorld) -> None:
    ids = await add_activities(world.database, SPECS)
    rui = await onboard(world, "Rui")
    await _check_in(rui, ids["robotics"], "Robotics club")
    [rui_award] = await _awards(world, rui, 1)
    ana = await onboard(world, "Ana")
    mine = await _check_in(ana, ids["robotics"], "Robotics club")
    await ana.wait_for_message(text_contains="Want to keep going?")

    for data in (
        f"badge:v1:hide:{rui_award.id}",
        f"badge:v1:show:{rui_award.id}",
        "badge:v1:hide:x",
        "badge:v1:hide",
    ):
        answer = await _press_forged(world, ana, mine, data)
        assert answer.get("text") == "That badge isn't yours.", data
    answer = await _press_forged(world, ana, mine, "badge:v2:nmon")
    assert answer.get("text") == "That button doesn't work any more."
    await asyncio.sleep(0.2)
    assert ana.unread() == []
    await _public(world, rui_award.id, True)
