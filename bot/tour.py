"""The scripted demo tour: a person's first hour with the bot, checked step by step.

Alex starts the bot, answers the onboarding questions, looks for activities near Baixa, saves
one, gets its reminder when the demo clock reaches the day, checks in with the organiser's QR
code, receives the badge, downloads it (written under ``--out`` and verified), and switches
to Portuguese. The tour fails as soon as a step does not get the reply it expects.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.demo import PLACES, Demo, render
from bot.jobs_reminders import dispatch_now
from bot.sandbox.view import ChatMessage
from catalogue.activities import activity_details
from conversations.context import Services
from credentials.checkin import checkin_payload
from credentials.checking import verify_locally
from credentials.verify import extract_credential


@dataclass
class Tour:
    """What the steps share: the running demo and what the person has found so far."""

    demo: Demo
    activity_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


Action = Callable[[Tour], Awaitable[object]]


@dataclass(frozen=True)
class Step:
    """Do something as the person, then expect a bot message containing ``expect``.

    An empty ``expect`` waits for the pressed message to be edited instead.
    """

    says: str
    action: Action
    expect: str


def _services(tour: Tour) -> Services:
    services = tour.demo.application.bot_data.services
    if services is None:
        raise AssertionError("the demo application has no services")
    return services


def _saved(tour: Tour) -> int:
    if tour.activity_id is None:
        raise AssertionError("no activity was saved")
    return tour.activity_id


def _last_with_buttons(tour: Tour) -> ChatMessage:
    return next(m for m in reversed(tour.demo.user.messages_from_bot()) if m.inline_keyboard)


def _reply_label(tour: Tour, mark: str) -> str:
    keyboard = tour.demo.user.reply_keyboard() or []
    return next(label for row in keyboard for label in row if label.startswith(mark))


def press(label: str) -> Action:
    """Press an inline button of the latest message that has buttons."""

    async def act(tour: Tour) -> object:
        return await tour.demo.user.press(_last_with_buttons(tour), label)

    return act


def send(text: str) -> Action:
    """Send a text or command."""

    async def act(tour: Tour) -> object:
        return await tour.demo.user.send(text)

    return act


def share(place: str) -> Action:
    """Share a location."""

    async def act(tour: Tour) -> object:
        return await tour.demo.user.share_location(*PLACES[place])

    return act


def near_me(place: str) -> Action:
    """Tap the menu's Near me button, then the button that shares the location."""

    async def act(tour: Tour) -> object:
        user = tour.demo.user
        await user.press_reply_button(_reply_label(tour, "📍"))
        await user.wait_for_message(text_contains="Or pick a place")
        return await user.press_reply_button(_reply_label(tour, "📍"), location=PLACES[place])

    return act


async def save_first_activity(tour: Tour) -> object:
    """Press ⭐ Save on the card, remembering which activity it was."""
    card = _last_with_buttons(tour)
    data = next(d for d in card.button_data if d.startswith("plan:v1:save:"))
    tour.activity_id = int(data.rsplit(":", 1)[1])
    answer = await tour.demo.user.press(card, "⭐ Save")
    tour.notes.append(f"💬 {answer}")
    return answer


async def time_passes(tour: Tour) -> object:
    """Move the demo clock to just before the saved activity and run the reminder job."""
    demo = tour.demo
    services = _services(tour)
    async with services.database.session() as session:
        details = await activity_details(session, _saved(tour), now=demo.clock.now())
    if details is None or not details.upcoming:
        raise AssertionError("the saved activity has no dates coming up")
    start = details.upcoming[0].starts_at
    for before in (timedelta(minutes=30), timedelta(minutes=1)):
        demo.clock.move_to(start - before)
        await dispatch_now(demo.application)
        if any("⏰" in (m.text or "") for m in demo.user.unread()):
            break
    return start


async def check_in(tour: Tour) -> object:
    """Scan the organiser's QR code at the activity (a deep link into the bot)."""
    secret = _services(tour).secret_key
    if secret is None:
        raise AssertionError("the demo has no secret key to sign check-in codes")
    return await tour.demo.user.start(checkin_payload(_saved(tour), secret))


async def download_badge(tour: Tour) -> object:
    """Press Download under the badge and keep both files."""
    user = tour.demo.user
    badge = next(m for m in reversed(user.messages_from_bot()) if m.photo)
    user.mark_read()
    await user.press(badge, "⬇️ Download")
    for _ in range(2):
        message = await user.wait_for_message(timeout=10, predicate=lambda m: bool(m.document))
        document = message.document or {}
        tour.files[str(document.get("file_name", "badge"))] = message.document_bytes()
    return None


async def verify_badge(tour: Tour) -> str:
    """Check the downloaded credential the way a verifier would."""
    services = _services(tour)
    png = next(data for name, data in tour.files.items() if name.endswith(".png"))
    document = extract_credential(png)
    async with services.database.session() as session:
        result = await verify_locally(
            session, document, services.public_base_url, services.secret_key, services.clock()
        )
    verdict = "valid" if result.valid else "NOT valid: " + "; ".join(result.reasons)
    tour.notes.append(
        f"🔏 {result.achievement_name} from {result.issuer_name}: {verdict} ({result.status})"
    )
    if not result.valid:
        raise AssertionError(f"the downloaded badge does not verify: {result.reasons}")
    return verdict


STEPS = [
    Step("/start", send("/start"), "which language"),
    Step("picks English", press("English"), "Where are you?"),
    Step("shares a location in Baixa", share("baixa"), "What do you like?"),
    Step("likes digital things", press("Digital"), ""),
    Step("is done with interests", press("Done"), "How old are you?"),
    Step("is 18 to 24", press("18–24"), "Is that OK?"),
    Step("agrees", press("Yes, that's OK"), "You're all set"),
    Step("taps Near me in Baixa", near_me("baixa"), "Near you"),
    Step("opens the first activity", press("1"), "🗓"),
    Step("saves it", save_first_activity, ""),
    Step("waits until the day of the activity", time_passes, "⏰ Reminder"),
    # The badge, then what to do next (the sample data always has a follow-on for it).
    Step("goes, and scans the organiser's QR code", check_in, "want to keep going"),
    Step("downloads the badge", download_badge, "-"),
    Step("checks the badge like an employer would", verify_badge, "-"),
    Step("asks for help", send("/help"), "how I can help"),
    Step("taps This week", send("🗓 This week"), "This week in"),
    Step("opens settings", send("/settings"), "Your settings"),
    Step("wants another language", press("Language"), ""),
    Step("picks Português", press("Português"), "O que queres fazer"),
]


async def _wait_for(tour: Tour, expect: str) -> None:
    user = tour.demo.user
    if expect == "-":
        return
    if not expect:
        # A button that edits its own message, or only answers: give the bot a moment.
        await asyncio.sleep(0.2)
        return
    await user.wait_for_message(
        timeout=10, predicate=lambda m: expect.lower() in _plain(m).lower()
    )


def _plain(message: ChatMessage) -> str:
    return (message.text or message.caption or "").replace("<b>", "").replace("</b>", "")


async def run_tour(demo: Demo, out: Path | None) -> int:
    """Play every step, print the transcript, write it under ``out``; 1 if a step failed."""
    tour = Tour(demo)
    transcript: list[str] = []
    printed: set[int] = set()
    failed: str | None = None
    for number, step in enumerate(STEPS, 1):
        transcript.append(f"\n👤 ({number}) Alex {step.says}")
        print(transcript[-1])
        try:
            await step.action(tour)
            await _wait_for(tour, step.expect)
        except (AssertionError, StopIteration) as exc:
            failed = f"step {number} ({step.says}): {exc or type(exc).__name__}"
        for message in demo.user.messages_from_bot():
            if message.message_id not in printed:
                printed.add(message.message_id)
                transcript.append(render(message))
                print(transcript[-1])
        for note in tour.notes:
            transcript.append(f"   {note}")
            print(transcript[-1])
        tour.notes.clear()
        if failed:
            break
    if out is not None:
        await asyncio.to_thread(_write, out, transcript, failed, tour.files)
    if failed:
        print(f"\n✗ the tour stopped at {failed}")
        return 1
    where = f"; the badge is in {out / 'credentials'}" if out is not None else ""
    print(f"\n✓ the tour passed all {len(STEPS)} steps{where}")
    return 0


def _write(out: Path, transcript: list[str], failed: str | None, files: dict[str, bytes]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "transcript.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    folder = out / "credentials"
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(data)
    report = {"steps": len(STEPS), "failed": failed, "credentials": sorted(files)}
    (out / "tour.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
