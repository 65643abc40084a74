"""Onboarding end to end: a person talks to the real application through the sandbox."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.client import SandboxUser
from community.models import Learner
from tests.chat.conftest import ChatWorld
from tests.chat.helpers import settle


async def _learner(world: ChatWorld, user: SandboxUser) -> Learner:
    await settle(user)
    async with world.database.session() as session:
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
    assert learner is not None
    return learner


async def test_onboarding_in_portuguese_from_a_shared_location(world: ChatWorld) -> None:
    """Language preselected from Telegram, nearest city from a location, menu at the end."""
    ana = world.sandbox.user("Ana", language_code="pt-PT")
    await ana.start()
    welcome = await ana.wait_for_message()
    assert "Olá" in welcome.text or "Oi" in welcome.text
    assert "✅ Português" in [label for row in welcome.buttons for label in row]

    await ana.press(welcome, "✅ Português")
    city_question = await ana.wait_for_message()
    assert "Lisboa" in [label for row in city_question.buttons for label in row]
    await ana.wait_for_message()  # the reply keyboard with the location button
    assert ana.reply_keyboard() is not None

    await ana.share_location(38.7139, -9.1334)  # Baixa, Lisbon
    found = await ana.wait_for_message()
    assert "Lisboa" in found.text

    interests = await ana.wait_for_message()
    await ana.press(interests, 0)
    edited = await ana.wait_for_edit(interests)
    assert edited.buttons[0][0].startswith("✅")
    await ana.press(edited, len([b for row in edited.buttons for b in row]) - 1)  # Done

    age = await ana.wait_for_message()
    await ana.press(age, "18–24")
    consent = await ana.wait_for_message()
    await ana.press(consent, 0)
    menu = await ana.wait_for_message()
    assert "Ana" in menu.text
    keyboard = ana.reply_keyboard()
    assert keyboard is not None
    assert any("Perto de mim" in label for row in keyboard for label in row)

    learner = await _learner(world, ana)
    assert learner.language == "pt"
    assert learner.onboarding_step is None
    assert learner.consent is True
    assert learner.age_band == "18-24"
    assert len(learner.interests) == 1


async def test_deep_link_city_and_guardian_rule_in_english(world: ChatWorld) -> None:
    """A t.me link naming Vilnius skips the city; a 13-year-old there needs a guardian."""
    tom = world.sandbox.user("Tom", language_code="en")
    await tom.start("vilnius")
    welcome = await tom.wait_for_message()
    await tom.press(welcome, "✅ English")
    interests = await tom.wait_for_message()
    assert "What do you like?" in interests.text
    await tom.press(interests, "Skip")
    age = await tom.wait_for_message()
    await tom.press(age, "13")
    guardian = await tom.wait_for_message()
    assert "under 14" in guardian.text
    assert "Lithuania" in guardian.text
    await tom.press(guardian, "Not yet")
    menu = await tom.wait_for_message()
    assert "only keep your language and" in menu.text

    learner = await _learner(world, tom)
    assert learner.consent is False
    assert learner.age_band is None
    assert learner.interests == []


async def test_unexpected_input_at_every_step_repeats_the_step(world: ChatWorld) -> None:
    """Free text, a huge message, an unknown command and an old button never break the flow."""
    eva = world.sandbox.user("Eva", language_code="es")
    await eva.start()
    welcome = await eva.wait_for_message()
    await eva.send("hola???")
    hint = await eva.wait_for_message()
    assert "botones" in hint.text
    again = await eva.wait_for_message()
    assert again.buttons == welcome.buttons

    await eva.press(again, "✅ Español")
    await eva.wait_for_messages(2)
    await eva.send("x" * 4000)
    assert "botones" in (await eva.wait_for_message()).text
    await eva.wait_for_messages(2)  # the city question again, with its location keyboard
    await eva.send("/frobnicate")
    assert "botones" in (await eva.wait_for_message()).text
    city = (await eva.wait_for_messages(2))[0]

    answer = await eva.press(welcome, "English")  # a button from the first message
    assert answer is not None
    repeated = await eva.wait_for_message()
    assert repeated.buttons == city.buttons

    learner = await _learner(world, eva)
    assert learner.language == "es"
    assert learner.onboarding_step == "city"
