"""Near me for everyone: picking a place instead of sharing one, and places outside the city."""

from __future__ import annotations

from sqlalchemy import update

from catalogue.models import Activity, ActivityStatus
from tests.chat.conftest import ChatWorld
from tests.chat.helpers import PLACES, add_activities, onboard
from tests.chat.planning import press_plan

FUNCHAL = (32.6500, -16.9100)
SPECS = [
    {"key": "robotics", "place": "baixa", "days": 1, "titles": {"en": "Robotics club"}},
    {"key": "museum", "place": "belem", "days": 2, "titles": {"en": "Museum night"}},
]


def _labels(keyboard: list[list[str]] | None) -> list[str]:
    return [label for row in keyboard or [] for label in row]


async def test_near_me_offers_places_and_brings_the_menu_back(world: ChatWorld) -> None:
    """Someone who can't share a location picks the city centre, and keeps the menu."""
    await add_activities(world.database, SPECS)
    user = await onboard(world, "Nina")
    await user.press_reply_button("📍 Near me")
    ask = await user.wait_for_message(text_contains="Share my location")
    assert _labels(user.reply_keyboard()) == ["📍 Share my location", "↩ Menu"]
    picker = await user.wait_for_message(text_contains="Or pick a place")
    assert ask.message_id < picker.message_id

    await user.press(picker, "City centre")
    await user.wait_for_message(text_contains="Looking around City centre")
    assert "📍 Near me" in _labels(user.reply_keyboard())
    listing = await user.wait_for_message(text_contains="Near City centre")
    assert "Robotics club" in listing.text
    assert "Museum night" in listing.text
    # The picker is still there for another try; paging keeps the place's name.
    await user.press(picker, "City centre")
    again = await user.wait_for_message(text_contains="Near City centre")
    assert again.message_id > listing.message_id

    await user.press_reply_button("📍 Near me")
    await user.wait_for_message(text_contains="Or pick a place")
    await user.press_reply_button("↩ Menu")
    menu = await user.wait_for_message()
    assert "What would you like to do?" in menu.text
    assert "📍 Near me" in _labels(user.reply_keyboard())


async def test_a_location_in_another_city_offers_to_switch(world: ChatWorld) -> None:
    """In Funchal with Lisbon chosen: switch to Madeira in one tap; the open sea: pick a place."""
    await add_activities(world.database, SPECS)
    user = await onboard(world, "Rui")
    await user.share_location(*FUNCHAL)
    offer = await user.wait_for_message(text_contains="another City of Learning: Madeira")
    assert "Your city now: Lisbon" in offer.text
    await user.press(offer, "🏙 Switch to Madeira")
    switched = await user.wait_for_edit(offer)
    assert "I found nothing coming up within" in switched.text
    assert "within 30 km" in switched.text  # as far as Madeira reaches
    await user.send("/near")
    await user.wait_for_message(text_contains="Or pick a place")
    await user.share_location(0.0, 0.0)
    far = await user.wait_for_message(text_contains="too far away for me")
    assert "(Madeira)" in far.text
    assert "City centre" in _labels(far.buttons)


async def test_a_card_of_an_activity_no_longer_on_offer(world: ChatWorld) -> None:
    """After the partner drops it: no dates, no Save or calendar, a way to what else is on."""
    ids = await add_activities(world.database, SPECS)
    user = await onboard(world, "Eva")
    await user.share_location(*PLACES["baixa"])
    listing = await user.wait_for_message(text_contains="Near you")
    await user.press(listing, "1")
    card = await user.wait_for_message(text_contains="Robotics club")
    async with world.database.session() as session:
        await session.execute(
            update(Activity)
            .where(Activity.id == ids["robotics"])
            .values(status=ActivityStatus.RETIRED.value)
        )
    await user.press(card, "📅 Add to calendar")
    refused = await user.wait_for_message()
    assert refused.document is None
    assert "not on offer any more" in refused.text

    await user.send(f"/start act_{ids['robotics']}")
    gone = await user.wait_for_message(text_contains="Robotics club")
    assert "no longer on offer" in gone.text
    assert "🗓" not in gone.text  # no dates
    labels = _labels(gone.buttons)
    assert "⭐ Save" not in labels
    assert "📅 Add to calendar" not in labels
    await user.press(gone, "🗓 What's on this week")
    week = await user.wait_for_edit(gone)
    assert "This week" in week.text
    assert "Museum night" in week.text


async def test_remind_me_only_turns_reminders_on(world: ChatWorld) -> None:
    """Save, then Remind me twice: reminders stay on; the bell in My plans turns them off."""
    ids = await add_activities(world.database, SPECS)
    user = await onboard(world, "Tom")
    await user.send(f"/start act_{ids['museum']}")
    card = await user.wait_for_message(text_contains="Museum night")
    await press_plan(world.database, user, card, "save", ids["museum"])
    for _ in range(2):
        answer = await user.press(card, callback_data=f"plan:v1:remind:{ids['museum']}")
        assert answer == "⏰ I'll remind you before it starts."

    await user.send("/plans")
    plans = await user.wait_for_message(predicate=lambda m: (m.text or "").startswith("⭐"))
    assert "🔕" not in plans.text.split("\n\n")[1]  # the plan line
    answer = await user.press(plans, "🔔")
    assert answer is not None
    assert "No more reminders" in answer
    quiet = await user.wait_for_edit(plans)
    assert "Museum night" in quiet.text
    assert "🔕" in quiet.text.split("\n\n")[1]
    assert await user.press(quiet, "🔕") == "🔔 Reminders on for this one."
