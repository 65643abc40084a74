"""Plans end to end: save from a card, "I'm going", My plans, "did you go?", follows, digest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import jobs_reminders
from community.models import Attendance, Plan
from tests.chat.conftest import ChatWorld
from tests.chat.planning import (
    eventually,
    install_clock,
    learner_row,
    lisbon_day,
    open_card,
    person,
    press_plan,
    settle,
    workshop,
)


async def test_save_going_and_my_plans_in_spanish(world: ChatWorld) -> None:
    """Save one activity and go to another; My plans lists both by date; 🗑 removes one."""
    clock = install_clock(world)
    eva = world.sandbox.user("Eva", language_code="es")
    await person(world, eva, language="es")
    later = await workshop(world.database, lisbon_day(5, 18, 30))
    sooner = await workshop(
        world.database, lisbon_day(2, 10), titles={"es": "Taller de cerámica", "en": "Pottery"}
    )

    card = await open_card(eva, later)
    answer = await press_plan(world.database, eva, card, "save", later.id)
    assert answer is not None
    assert "⭐" in answer
    card = await open_card(eva, sooner)
    answer = await press_plan(world.database, eva, card, "going", sooner.id)
    assert answer is not None
    assert "✅" in answer

    await eva.send("/plans")
    plans = await eva.wait_for_message(predicate=lambda m: (m.text or "").startswith("⭐"))
    assert plans.text is not None
    assert plans.text.index("Taller de cerámica") < plans.text.index("Taller de robots")
    assert "18:30" in plans.text
    assert "10:00" in plans.text
    assert f"act:v1:open:{sooner.id}" in plans.button_data

    await eva.press(plans, callback_data=f"plan:v1:drop:{later.id}")
    shorter = await eva.wait_for_edit(plans)
    assert shorter.text is not None
    assert "Taller de robots" not in shorter.text
    await eva.press(shorter, callback_data=f"act:v1:open:{sooner.id}")
    opened = await eva.wait_for_message(text_contains="Taller de cerámica")
    assert opened.button_data

    async def statuses() -> list[str]:
        async with world.database.session() as session:
            found = list(await session.scalars(select(Plan.status)))
        return found if found == ["going"] else []

    assert await eventually(statuses) == ["going"]
    assert clock.now is not None


async def test_did_you_go_records_attendance(world: ChatWorld) -> None:
    """After a session of something you're going to, "did you go?"; yes is kept."""
    clock = install_clock(world)
    tom = world.sandbox.user("Tom", language_code="en")
    await person(world, tom, language="en")
    start = lisbon_day(3, 17)
    activity = await workshop(world.database, [start, start + timedelta(days=7)])
    card = await open_card(tom, activity)
    await press_plan(world.database, tom, card, "going", activity.id)

    clock.set(start + timedelta(hours=2))
    await jobs_reminders.dispatch_now(world.application)
    question = await tom.wait_for_message(text_contains="Did you go")
    assert "Robot workshop" in (question.text or "")
    await tom.press(question, "Yes, I went")
    thanks = await tom.wait_for_edit(question)
    assert "Well done" in (thanks.text or "")

    async def attendances() -> list[Attendance]:
        async with world.database.session() as session:
            return list(await session.scalars(select(Attendance)))

    attended = await eventually(attendances)
    assert [(a.activity_id, a.starts_at) for a in attended] == [(activity.id, start)]

    # The next weekly session gets its own reminder.
    clock.set(start + timedelta(days=6))
    await jobs_reminders.dispatch_now(world.application)
    reminder = await tom.wait_for_message(text_contains="Reminder")
    assert "Robot workshop" in (reminder.text or "")


async def test_without_consent_nothing_is_kept(world: ChatWorld) -> None:
    """A person who did not agree to reminders is told how to turn them on."""
    install_clock(world)
    rui = world.sandbox.user("Rui", language_code="en")
    await person(world, rui, language="en", consent=False)
    activity = await workshop(world.database, lisbon_day(3, 17))
    card = await open_card(rui, activity)
    answer = await rui.press(card, callback_data=f"plan:v1:save:{activity.id}")
    assert answer is not None
    assert "/settings" in answer
    learner = await learner_row(world.database, rui.id)
    async with world.database.session() as session:
        assert await session.scalar(select(Plan).where(Plan.learner_id == learner.id)) is None


async def test_following_a_topic_and_the_weekly_news(world: ChatWorld) -> None:
    """Follow a topic; the news comes at the chosen time only when something is new; mute."""
    clock = install_clock(world)
    ana = world.sandbox.user("Ana", language_code="pt")
    await person(world, ana, language="pt")
    # From the settings, like from /following.
    await ana.send("/settings")
    settings = await ana.wait_for_message(text_contains="⚙️")
    following = next(label for row in settings.buttons for label in row if "🔔" in label)
    assert following == "🔔 O que sigo e novidades semanais"
    await ana.press(settings, following)
    screen = await ana.wait_for_edit(settings)
    assert "📬" in (screen.text or "")
    await ana.press(screen, callback_data="fol:v1:topics")
    picker = await ana.wait_for_edit(screen)
    await ana.press(picker, callback_data="fol:v1:t:science")
    picker = await ana.wait_for_edit(picker)
    assert any(label.startswith("✅") for row in picker.buttons for label in row)
    await ana.press(picker, callback_data="fol:v1:list")
    screen = await ana.wait_for_edit(picker)
    assert "🔬" in (screen.text or "")
    await settle(ana)

    monday = lisbon_day(0, 18)
    while monday.weekday() != 0:
        monday += timedelta(days=1)
    clock.set(monday - timedelta(days=2))
    await workshop(
        world.database,
        monday + timedelta(days=3),
        titles={"pt": "Clube de ciência", "en": "Science club"},
        topics=["science"],
        created_at=clock.now,
    )
    await workshop(
        world.database, monday + timedelta(days=3), topics=["sport"], created_at=clock.now
    )

    assert await jobs_reminders.digests_now(world.application, monday - timedelta(hours=1)) == 0
    assert await jobs_reminders.digests_now(world.application, monday + timedelta(minutes=1)) == 1
    news = await ana.wait_for_message(text_contains="Clube de ciência")
    assert "Oficina" not in (news.text or "")
    assert await jobs_reminders.digests_now(world.application, monday + timedelta(minutes=20)) == 0

    # A week without anything new: no message at all.
    assert await jobs_reminders.digests_now(world.application, monday + timedelta(days=7)) == 0
    await ana.press(news, callback_data="fol:v1:mute")
    await settle(ana)
    await workshop(
        world.database,
        monday + timedelta(days=16),
        titles={"pt": "Feira de ciência"},
        topics=["science"],
        created_at=monday + timedelta(days=8),
    )
    assert await jobs_reminders.digests_now(world.application, monday + timedelta(days=14)) == 0
    news_messages = [m for m in ana.messages_from_bot() if "ciência" in (m.text or "")]
    assert len(news_messages) == 1  # muted: the fair was never announced
