"""Badges in chat: the award message, downloads, My badges, and buttons that are not yours."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from bot.sandbox.client import SandboxUser
from bot.sandbox.state import PendingQuery
from bot.sandbox.view import ChatMessage
from catalogue.models import Activity, City, Partner
from community.models import Learner
from conversations.badges import send_award
from credentials.achievements import ensure_activity_achievement
from credentials.awards import award_view
from credentials.issuing import issue_award
from credentials.models import Award
from credentials.verify import extract_credential
from storage import utcnow
from tests.chat.conftest import ChatWorld

SECRET = b"chat-test-secret-chat-test-secret-0123"


async def _onboarded(world: ChatWorld, name: str) -> SandboxUser:
    """A person who finished onboarding earlier (in English, in Lisbon) and opens the chat."""
    user = world.sandbox.user(name, language_code="en")
    async with world.database.session() as session:
        city = await session.scalar(select(City).where(City.slug == "lisbon"))
        assert city is not None
        session.add(
            Learner(
                telegram_id=user.id,
                first_name=name,
                language="en",
                city_id=city.id,
                interests=[],
                consent=True,
                onboarded_at=utcnow(),
            )
        )
    await user.start()
    await user.wait_for_message(text_contains="Welcome back")
    return user


async def _activity(world: ChatWorld) -> int:
    async with world.database.session() as session:
        city = await session.scalar(select(City).where(City.slug == "lisbon"))
        assert city is not None
        partner = Partner(city_id=city.id, slug="fablab", name="FabLab <Lisboa>")
        session.add(partner)
        await session.flush()
        activity = Activity(
            city_id=city.id,
            partner_id=partner.id,
            source_id="robots-1",
            type="workshop",
            titles={"en": "Robots <b>&</b> code"},
            descriptions={"en": "You built a robot and taught it to dance."},
            topics=["digital"],
            competences=["digcomp:3.4"],
            languages=["en"],
            audience=[],
        )
        session.add(activity)
        await session.flush()
        return activity.id


async def _award(world: ChatWorld, user: SandboxUser, activity_id: int) -> int:
    """What a trigger does: issue the award, then send it to the learner."""
    async with world.database.session() as session:
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
        assert learner is not None
        achievement = await ensure_activity_achievement(session, activity_id)
        result = await issue_award(
            session,
            learner_id=learner.id,
            achievement_id=achievement.id,
            public_base_url=world.settings.public_base_url,
            secret_key=SECRET,
            now=world.application.bot_data.services.clock(),
        )
        view = await award_view(session, result.award, world.settings.public_base_url)
    await send_award(world.application.bot, user.id, view)
    return result.award.id


def _urls(message: ChatMessage) -> dict[str, str]:
    return {b["text"]: b["url"] for row in message.inline_keyboard for b in row if "url" in b}


async def _press_forged(
    world: ChatWorld, user: SandboxUser, message: ChatMessage, data: str
) -> Any:
    """Press a button the bot never sent (a modified client)."""
    sandbox_world = world.sandbox.world
    bot = world.sandbox.bot()
    query_id = sandbox_world.new_query_id()
    answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    bot.queries[query_id] = PendingQuery(user.id, answer)
    payload = {
        "id": query_id,
        "from": user.person.to_user(),
        "message": message.raw,
        "chat_instance": "7",
        "data": data,
    }
    await sandbox_world.push_update(bot, "callback_query", payload)
    return await asyncio.wait_for(answer, 5)


async def test_a_learner_receives_downloads_and_lists_a_badge(world: ChatWorld) -> None:
    ana = await _onboarded(world, "Ana")
    activity_id = await _activity(world)
    award_id = await _award(world, ana, activity_id)

    message = await ana.wait_for_message()
    assert message.photo, "the award comes as a picture"
    assert message.caption is not None
    assert "Robots <b>&</b> code" in message.caption
    assert "FabLab <Lisboa>" in message.caption
    assert len(message.caption) <= 1024
    assert message.buttons == [["🔎 View", "💼 Add to LinkedIn"], ["⬇️ Download", "📤 Share"]]
    urls = _urls(message)
    async with world.database.session() as session:
        award = await session.get(Award, award_id)
        assert award is not None
    page = f"{world.settings.public_base_url}/credentials/{award.credential_uuid}"
    assert urls["🔎 View"] == page
    linkedin = urls["💼 Add to LinkedIn"]
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    assert f"certId={award.credential_uuid}" in linkedin
    assert "organizationName=FabLab%20%3CLisboa%3E" in linkedin
    assert urls["📤 Share"].startswith("https://t.me/share/url?")

    await ana.press(message, "⬇️ Download")
    png, document = await ana.wait_for_messages(2)
    assert png.document is not None
    assert png.document["file_name"].endswith(".png")
    credential = json.loads(document.document_bytes())
    assert credential["id"] == f"urn:uuid:{award.credential_uuid}"
    assert extract_credential(png.document_bytes()) == credential

    await ana.send("🏅 My badges")
    listing = await ana.wait_for_message()
    assert "You have 1 badge" in (listing.text or "")
    assert "Programming: 1 of 1" in (listing.text or "")  # the plain name, not the code
    assert "Robots <b>&</b> code (FabLab <Lisboa>," in (listing.text or "")

    await ana.press(listing, "📦 Download all (zip)")
    export = await ana.wait_for_message()
    with zipfile.ZipFile(io.BytesIO(export.document_bytes())) as archive:
        names = sorted(archive.namelist())
    assert [name.rsplit(".", 1)[1] for name in names] == ["json", "png"]

    await ana.press(listing, "🌍 Make a public portfolio link")
    link = await ana.wait_for_message()
    assert f"{world.settings.public_base_url}/portfolio/" in (link.text or "")


async def test_revoking_my_own_badge_asks_first(world: ChatWorld) -> None:
    ana = await _onboarded(world, "Ana")
    award_id = await _award(world, ana, await _activity(world))
    await ana.wait_for_message()
    await ana.send("/badges")
    listing = await ana.wait_for_message()
    await ana.press(listing, "🏅 Robots")
    opened = await ana.wait_for_message()
    await ana.press(opened, "🗑 Revoke this badge")
    question = await ana.wait_for_message()
    assert "no longer valid" in (question.text or "")
    await ana.press(question, "Yes, revoke it")
    done = await ana.wait_for_edit(question)
    assert "revoked" in (done.text or "")
    # The reply goes out just before the update's unit of work commits.
    for _attempt in range(50):
        async with world.database.session() as session:
            award = await session.get(Award, award_id)
        assert award is not None
        if award.revoked:
            break
        await asyncio.sleep(0.05)
    assert award.revoked
    assert award.revoked_by == "learner"


async def test_buttons_for_someone_elses_badge_are_refused(world: ChatWorld) -> None:
    ana = await _onboarded(world, "Ana")
    rui = await _onboarded(world, "Rui")
    activity_id = await _activity(world)
    rui_award = await _award(world, rui, activity_id)
    await _award(world, ana, activity_id)
    mine = await ana.wait_for_message()
    ana.mark_read()
    for data in (f"badge:v1:dl:{rui_award}", f"badge:v1:rvy:{rui_award}", "badge:v1:dl:x"):
        answer = await _press_forged(world, ana, mine, data)
        assert answer.get("text") == "That badge isn't yours."
    await asyncio.sleep(0.2)
    assert ana.unread() == []
    async with world.database.session() as session:
        award = await session.get(Award, rui_award)
        assert award is not None
        assert not award.revoked
