"""The scripted demo tour: a person's first minutes with the bot, checked step by step."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.demo import PLACES, Demo, render
from bot.sandbox.client import SandboxUser
from bot.sandbox.view import ChatMessage

Action = Callable[[SandboxUser], Awaitable[object]]


@dataclass(frozen=True)
class Step:
    """Do something as the person, then expect a bot message containing ``expect``."""

    says: str
    action: Action
    expect: str


def _last_with_buttons(user: SandboxUser) -> ChatMessage:
    return next(m for m in reversed(user.messages_from_bot()) if m.inline_keyboard)


def press(label: str) -> Action:
    """Press an inline button of the latest message that has buttons."""

    async def act(user: SandboxUser) -> object:
        return await user.press(_last_with_buttons(user), label)

    return act


def send(text: str) -> Action:
    """Send a text or command."""

    async def act(user: SandboxUser) -> object:
        return await user.send(text)

    return act


def tap(label: str) -> Action:
    """Tap a button of the keyboard under the text field."""

    async def act(user: SandboxUser) -> object:
        return await user.press_reply_button(label)

    return act


def share(place: str) -> Action:
    """Share a location."""

    async def act(user: SandboxUser) -> object:
        return await user.share_location(*PLACES[place])

    return act


STEPS = [
    Step("/start", send("/start"), "which language"),
    Step("picks English", press("English"), "Where are you?"),
    Step("shares a location in Baixa", share("baixa"), "What do you like?"),
    Step("likes digital things", press("Digital"), ""),
    Step("is done with interests", press("Done"), "How old are you?"),
    Step("is 18 to 24", press("18–24"), "Is that OK?"),
    Step("agrees", press("Yes, that's OK"), "You're all set"),
    Step("asks for help", send("/help"), "how I can help"),
    Step("taps This week", tap("🗓 This week"), "this week"),
    Step("opens settings", send("/settings"), "Your settings"),
    Step("wants another language", press("Language"), ""),
    Step("picks Português", press("Português"), "O que queres fazer"),
]


async def _wait_for(user: SandboxUser, expect: str) -> None:
    if not expect:
        # A button that edits its own message: wait for the edit.
        await user.wait_for_edit(_last_with_buttons(user), timeout=10)
        return
    await user.wait_for_message(
        timeout=10, predicate=lambda m: expect.lower() in _plain(m).lower()
    )


def _plain(message: ChatMessage) -> str:
    return (message.text or message.caption or "").replace("<b>", "").replace("</b>", "")


async def run_tour(demo: Demo, out: Path | None) -> int:
    """Play every step, print the transcript, write it under ``out``; 1 if a step failed."""
    user = demo.user
    transcript: list[str] = []
    printed: set[int] = set()
    failed: str | None = None
    for number, step in enumerate(STEPS, 1):
        transcript.append(f"\n👤 ({number}) Alex {step.says}")
        print(transcript[-1])
        try:
            await step.action(user)
            await _wait_for(user, step.expect)
        except AssertionError as exc:
            failed = f"step {number} ({step.says}): {exc}"
        for message in user.messages_from_bot():
            if message.message_id not in printed:
                printed.add(message.message_id)
                transcript.append(render(message))
                print(transcript[-1])
        if failed:
            break
    if out is not None:
        await asyncio.to_thread(_write, out, transcript, failed)
    if failed:
        print(f"\n✗ the tour stopped at {failed}")
        return 1
    print(f"\n✓ the tour passed all {len(STEPS)} steps")
    return 0


def _write(out: Path, transcript: list[str], failed: str | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "transcript.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    report = {"steps": len(STEPS), "failed": failed}
    (out / "tour.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
