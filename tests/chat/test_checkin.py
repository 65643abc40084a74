"""Checking in with an organiser's QR code: the badge arrives, verifiable, exactly once."""

from __future__ import annotations

import asyncio
import json

import pytest

from credentials.checkin import checkin_payload
from credentials.verify import extract_credential
from tests.chat.conftest import SECRET_KEY, ChatWorld
from tests.chat.helpers import add_activities, onboard
from tests.privacy import mentions

SPECS = [
    {"key": "robotics", "place": "baixa", "days": 0.05, "topics": ["digital"],
     "competences": ["digcomp:3.4"], "titles": {"en": "Robotics club", "pt": "Clube de Robótica"}},
    {"key": "coding", "place": "alfama", "days": 3, "topics": ["digital"],
     "competences": ["digcomp:3.4"], "titles": {"en": "Coding dojo", "pt": "Dojo de programação"}},
]  # fmt: skip


async def test_scanning_the_code_gives_a_badge_once(world: ChatWorld) -> None:
    """Scan → badge picture with buttons → download → a credential; a second scan gives none."""
    ids = await add_activities(world.database, SPECS)
    user = await onboard(world, "Kai")
    payload = checkin_payload(ids["robotics"], SECRET_KEY.encode())

    await user.start(payload)
    award = await user.wait_for_message()
    assert award.photo
    assert "Robotics club" in award.caption
    labels = [b for row in award.buttons for b in row]
    assert "💼 Add to LinkedIn" in labels
    next_steps = await user.wait_for_message()
    assert "Coding dojo" in [b for row in next_steps.buttons for b in row]

    await user.press(award, "⬇️ Download")
    png, document = await user.wait_for_messages(2)
    credential = json.loads(document.document_bytes())
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert extract_credential(png.document_bytes())["id"] == credential["id"]
    assert not mentions(credential, "Kai")
    assert not mentions(credential, str(user.id))

    await user.start(payload)
    again = await user.wait_for_message()
    assert "already have this badge" in again.text


async def test_a_forged_code_is_refused(world: ChatWorld) -> None:
    """A code with a wrong signature, or for another activity, gives no badge."""
    ids = await add_activities(world.database, SPECS)
    user = await onboard(world, "Eve")
    genuine = checkin_payload(ids["robotics"], SECRET_KEY.encode())
    forged = f"chk_{ids['coding']}_{genuine.rsplit('_', 1)[1]}"
    await user.start(forged)
    refusal = await user.wait_for_message()
    assert "doesn't work" in refusal.text
    assert not refusal.photo


async def test_a_slow_send_does_not_hold_up_the_next_person(world: ChatWorld) -> None:
    """At an event everyone scans at once. The badge is kept before it is sent, so one slow
    send does not make the next person (same organiser) wait for it."""
    if world.database.dialect != "postgresql":
        pytest.skip("SQLite serves one update at a time by design")
    ids = await add_activities(world.database, SPECS)
    kai = await onboard(world, "Kai")
    lia = await onboard(world, "Lia")
    world.sandbox.faults.inject("sendPhoto", kai.id, delay=3.0)
    loop = asyncio.get_running_loop()

    async def scan(user: object, key: str) -> float:
        await user.start(checkin_payload(ids[key], SECRET_KEY.encode()))  # type: ignore[attr-defined]
        award = await user.wait_for_message(timeout=10)  # type: ignore[attr-defined]
        assert award.photo
        return loop.time()

    kai_scan = asyncio.create_task(scan(kai, "robotics"))
    await asyncio.sleep(0.3)  # Kai's badge is issued and on its slow way
    lia_done = await scan(lia, "coding")
    kai_done = await kai_scan
    assert lia_done < kai_done - 1.5  # Lia did not wait for Kai's send
