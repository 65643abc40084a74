"""Reminders end to end through the sandbox: languages, snooze, stop, quiet hours, restarts,
blocked people, rate limits, moved and cancelled activities, and two dispatchers at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update
from telegram import Bot

from bot import jobs_reminders
from bot.app import BuildOptions
from bot.runner import running_bot
from bot.sandbox.server import SandboxServer
from catalogue.cities import upsert_cities
from catalogue.models import Activity, ActivityStatus, Occurrence
from community.models import Learner, Reminder
from community.reminders import notify_changes
from storage import Database, create_database
from tests.chat.conftest import CITIES, TOKEN, ChatWorld, bot_settings
from tests.chat.planning import (
    Clock,
    install_clock,
    learner_row,
    lisbon_day,
    open_card,
    person,
    press_plan,
    settle,
    workshop,
)


async def test_reminders_in_two_languages_with_snooze_and_stop(world: ChatWorld) -> None:
    """Ana (pt) and Tom (en) save the same workshop; each is reminded in their language."""
    clock = install_clock(world)
    ana = world.sandbox.user("Ana", language_code="pt")
    tom = world.sandbox.user("Tom", language_code="en")
    await person(world, ana, language="pt")
    await person(world, tom, language="en")
    start = lisbon_day(3, 18, 30)
    activity = await workshop(world.database, start)
    for user in (ana, tom):
        card = await open_card(user, activity)
        await press_plan(world.database, user, card, "save", activity.id)

    clock.set(start - timedelta(days=1))
    await jobs_reminders.dispatch_now(world.application)
    pt = await ana.wait_for_message(text_contains="Oficina de robôs")
    en = await tom.wait_for_message(text_contains="Robot workshop")
    assert "18:30" in (pt.text or "")
    assert "18:30" in (en.text or "")
    assert "Robot" not in (pt.text or "")

    # Ana snoozes: the same reminder comes back an hour later, once.
    answer = await ana.press(pt, callback_data=pt.button_data[0])
    assert answer
    await settle(ana)
    clock.set(clock.now + timedelta(minutes=59))
    await jobs_reminders.dispatch_now(world.application)
    assert not ana.unread()
    clock.set(clock.now + timedelta(minutes=2))
    await jobs_reminders.dispatch_now(world.application)
    again = await ana.wait_for_message(text_contains="Oficina de robôs")

    # Tom stops his reminders; Ana keeps hers: only she hears an hour before.
    assert "Stop reminders" in str(en.buttons)
    await tom.press(en, "Stop reminders")
    await settle(tom)
    clock.set(start - timedelta(hours=1))
    await jobs_reminders.dispatch_now(world.application)
    last = await ana.wait_for_message(text_contains="Oficina de robôs")
    assert last.message_id != again.message_id
    await jobs_reminders.dispatch_now(world.application)
    assert not tom.unread()
    assert not ana.unread()


async def test_quiet_hours_move_reminders_out_of_the_night(world: ChatWorld) -> None:
    """A 23:30 session: the day-before reminder waits until 08:00; the hour-before one comes
    at 21:59 instead of 22:30."""
    clock = install_clock(world)
    eva = world.sandbox.user("Eva", language_code="es")
    await person(world, eva, language="es")
    start = lisbon_day(3, 23, 30)
    activity = await workshop(world.database, start)
    card = await open_card(eva, activity)
    await press_plan(world.database, eva, card, "save", activity.id)

    clock.set(start - timedelta(days=1))  # 23:30 the day before: quiet
    await jobs_reminders.dispatch_now(world.application)
    clock.set(lisbon_day(3, 7, 59))
    await jobs_reminders.dispatch_now(world.application)
    assert not eva.unread()
    clock.set(lisbon_day(3, 8))
    await jobs_reminders.dispatch_now(world.application)
    morning = await eva.wait_for_message(text_contains="Taller de robots")
    assert "23:30" in (morning.text or "")
    clock.set(lisbon_day(3, 21, 59))
    await jobs_reminders.dispatch_now(world.application)
    await eva.wait_for_message(text_contains="Taller de robots")


async def test_reminder_settings_change_what_is_scheduled(world: ChatWorld) -> None:
    """/reminders: 1 day off and 3 hours on; the next reminder follows the new choice."""
    clock = install_clock(world)
    tom = world.sandbox.user("Tom", language_code="en")
    await person(world, tom, language="en")
    start = lisbon_day(4, 19)
    activity = await workshop(world.database, start)
    card = await open_card(tom, activity)
    await press_plan(world.database, tom, card, "save", activity.id)
    await tom.send("/reminders")
    screen = await tom.wait_for_message(text_contains="Reminders")
    await tom.press(screen, "1 day before")
    screen = await tom.wait_for_edit(screen)
    await tom.press(screen, "3 hours before")
    screen = await tom.wait_for_edit(screen)
    assert "3 hours before, 1 hour before" in (screen.text or "")
    await settle(tom)

    clock.set(start - timedelta(days=1))
    await jobs_reminders.dispatch_now(world.application)
    assert not tom.unread()
    clock.set(start - timedelta(hours=3))
    await jobs_reminders.dispatch_now(world.application)
    await tom.wait_for_message(text_contains="Robot workshop")


async def test_a_restart_between_saving_and_the_reminder(
    sandbox: SandboxServer, database: Database, database_url: str
) -> None:
    """Save with one process, stop it, start another on the same database: delivered once."""
    async with database.session() as session:
        await upsert_cities(session, CITIES)
    settings = bot_settings(sandbox, database_url)
    ana = sandbox.user("Ana", language_code="pt")
    await person(database, ana, language="pt")
    start = lisbon_day(2, 18)
    activity = await workshop(database, start)
    async with running_bot(settings, options=BuildOptions()) as first:
        card = await open_card(ana, activity)
        await press_plan(database, ana, card, "save", activity.id)
    clock = Clock(start - timedelta(days=1))
    async with running_bot(settings, options=BuildOptions()) as second:
        services = second.bot_data.services
        assert services is not None
        assert first is not second
        services.clock = clock
        await jobs_reminders.dispatch_now(second)
        await jobs_reminders.dispatch_now(second)
    async with running_bot(settings, options=BuildOptions()) as third:
        await jobs_reminders.dispatch_now(third, clock.now + timedelta(minutes=1))
    reminders = [m for m in ana.messages_from_bot() if "Oficina de robôs" in (m.text or "")]
    assert len(reminders) == 2  # the card, then exactly one reminder
    assert "⏰" in (reminders[-1].text or "")


async def test_a_blocked_bot_marks_the_person_inactive_and_others_still_hear(
    world: ChatWorld,
) -> None:
    """403 for Rui: he is marked inactive and his reminders cancelled; Tom still gets his."""
    clock = install_clock(world)
    rui = world.sandbox.user("Rui", language_code="en")
    tom = world.sandbox.user("Tom", language_code="en")
    await person(world, rui, language="en")
    await person(world, tom, language="en")
    start = lisbon_day(3, 12)
    activity = await workshop(world.database, start)
    for user in (rui, tom):
        card = await open_card(user, activity)
        await press_plan(world.database, user, card, "save", activity.id)
    world.sandbox.faults.inject("sendMessage", rui.id, error=403, times=None)

    clock.set(start - timedelta(days=1))
    report = await jobs_reminders.dispatch_now(world.application)
    await tom.wait_for_message(text_contains="Robot workshop")
    assert report.outcomes.get("blocked") == 1
    assert (await learner_row(world.database, rui.id)).is_active is False
    clock.set(start - timedelta(hours=1))
    later = await jobs_reminders.dispatch_now(world.application)
    await tom.wait_for_message(text_contains="Robot workshop")
    assert later.outcomes == {"sent": 1}  # Rui's hour-before reminder was cancelled


async def test_a_rate_limit_is_waited_out(world: ChatWorld) -> None:
    """429 once: the reminder still arrives, once."""
    clock = install_clock(world)
    tom = world.sandbox.user("Tom", language_code="en")
    await person(world, tom, language="en")
    start = lisbon_day(3, 12)
    activity = await workshop(world.database, start)
    card = await open_card(tom, activity)
    await press_plan(world.database, tom, card, "save", activity.id)
    world.sandbox.faults.inject("sendMessage", tom.id, error=429, retry_after=1, times=1)
    clock.set(start - timedelta(days=1))
    for _ in range(2):
        await jobs_reminders.dispatch_now(world.application, clock.now + timedelta(seconds=2))
    await tom.wait_for_message(text_contains="Robot workshop")
    assert len([m for m in tom.messages_from_bot() if "⏰" in (m.text or "")]) == 1


async def test_moved_and_cancelled_activities_are_told_once(world: ChatWorld) -> None:
    """A sync moves one saved activity and retires another: one notice each, then quiet."""
    clock = install_clock(world)
    ana = world.sandbox.user("Ana", language_code="pt")
    await person(world, ana, language="pt")
    moved = await workshop(world.database, lisbon_day(4, 18))
    dropped = await workshop(
        world.database, lisbon_day(5, 18), titles={"pt": "Visita ao museu", "en": "Museum"}
    )
    for activity in (moved, dropped):
        card = await open_card(ana, activity)
        await press_plan(world.database, ana, card, "save", activity.id)

    async with world.database.session() as session:
        await session.execute(
            update(Occurrence)
            .where(Occurrence.activity_id == moved.id)
            .values(starts_at=lisbon_day(6, 17, 15))
        )
        await session.execute(
            update(Activity)
            .where(Activity.id == dropped.id)
            .values(status=ActivityStatus.RETIRED.value)
        )
    for _ in range(2):  # the sync runs twice; nobody is told twice
        await notify_changes(world.database, [moved.id], [dropped.id], clock.now)
        await jobs_reminders.dispatch_now(world.application)
    notice = await ana.wait_for_message(text_contains="17:15")
    assert "Oficina de robôs" in (notice.text or "")
    await ana.wait_for_message(text_contains="Visita ao museu")
    assert not ana.unread()

    clock.set(lisbon_day(5, 17, 15))  # the new day-before time of the moved workshop
    await jobs_reminders.dispatch_now(world.application)
    reminder = await ana.wait_for_message(text_contains="Oficina de robôs")
    assert "17:15" in (reminder.text or "")


async def test_two_dispatchers_send_a_thousand_reminders_once_each(
    sandbox: SandboxServer, database: Database, database_url: str
) -> None:
    """Two engines (as two processes would have) race over 1,000 due reminders."""
    async with database.session() as session:
        await upsert_cities(session, CITIES)
    start = lisbon_day(2, 18)
    activity = await workshop(database, start)
    people = [sandbox.user(f"P{n}", language_code="en") for n in range(1000)]
    async with database.session() as session:
        learners = [
            Learner(
                telegram_id=p.id,
                language="en",
                city_id=activity.city_id,
                consent=True,
                interests=[],
                preferences={},
            )
            for p in people
        ]
        session.add_all(learners)
        await session.flush()
        session.add_all(
            Reminder(
                key=f"load:{learner.id}",
                learner_id=learner.id,
                activity_id=activity.id,
                kind="reminder",
                starts_at=start,
                due_at=start - timedelta(hours=1),
                payload={},
            )
            for learner in learners
        )
    for p in people:
        p.person.started_bots.add(p.bot.id)

    other = create_database(database_url)
    try:
        async with (
            Bot(TOKEN, base_url=sandbox.base_url) as one,
            Bot(TOKEN, base_url=sandbox.base_url) as two,
        ):
            reports = await asyncio.gather(
                jobs_reminders.deliver_due(one, database, start),
                jobs_reminders.deliver_due(two, other, start),
            )
    finally:
        await other.dispose()
    received = Counter(len(p.messages_from_bot()) for p in people)
    assert received == Counter({1: 1000})
    assert all(r.claimed > 0 for r in reports)
    async with database.session() as session:
        statuses = Counter(await session.scalars(select(Reminder.status)))
    assert statuses == Counter({"sent": 1000})
