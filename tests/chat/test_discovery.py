"""Discovery end to end: near me, this week, search, the card, calendar, deep links, inline."""

from __future__ import annotations

from icalendar import Calendar

from conversations.competences import competence_name, skills_line
from conversations.i18n import use_language
from tests.chat.conftest import ChatWorld
from tests.chat.helpers import PLACES, add_activities, onboard

HOSTILE = '<b>Hack</b> & <script>alert(1)</script> <a href="x">'


def _spec(key: str, place: str, days: float, en: str, pt: str, **extra: object) -> dict:
    return {"key": key, "place": place, "days": days, "titles": {"en": en, "pt": pt}, **extra}


SPECS = [
    _spec("robotics", "baixa", 1, "Robotics club", "Clube de Robótica", topics=["digital"],
          competences=["digcomp:3.4"], descriptions={"en": "Build a robot."}),
    _spec("cv", "alfama", 2, "CV workshop", "Oficina de CV", topics=["jobs"]),
    _spec("hostile", "chiado", 3, HOSTILE, HOSTILE),
    _spec("theatre", "graca", 4, "Youth theatre", "Teatro jovem", type="event",
          competences=["lifecomp:s2", "http://data.europa.eu/esco/skill/5b7e-theatre"]),
    _spec("repair", "arroios", 5, "Repair café", "Café reparação"),
    _spec("green", "marvila", 6, "Green jobs", "Empregos verdes"),
    _spec("museum", "belem", 20, "Museum night", "Noite no museu"),
]  # fmt: skip


async def test_near_me_lists_pages_and_opens_a_card(world: ChatWorld) -> None:
    """A shared location gives the nearest activities first; paging and the card work."""
    ids = await add_activities(world.database, SPECS)
    user = await onboard(world, "Nina")
    await user.share_location(*PLACES["baixa"])
    await user.wait_for_message(text_contains="Looking around")
    listing = await user.wait_for_message(text_contains="Near you")
    assert listing.text.index("Robotics club") < listing.text.index("CV workshop")
    assert "today" in listing.text or "tomorrow" in listing.text
    assert HOSTILE in listing.text  # shown literally, never as markup
    assert listing.buttons[0][:2] == ["1", "2"]

    labels = [b for row in listing.buttons for b in row]
    # A full page: looking further away would show the same nearest five, so it isn't offered.
    assert "More ▶" in labels
    assert "🔍 Look further away" not in labels
    await user.press(listing, "More ▶")
    second = await user.wait_for_edit(listing)
    assert "6." in second.text
    assert "◀ Back" in [b for row in second.buttons for b in row]

    await user.press(second, "6")
    card = await user.wait_for_message()
    assert card.text.startswith("Green jobs") or "Green jobs" in card.text
    labels = [b for row in card.buttons for b in row]
    assert {"⭐ Save", "✅ I'm going", "📅 Add to calendar", "📤 Share", "✍️ Sign up"} <= set(
        labels
    )
    share = card.inline_keyboard[2][0]["url"]
    assert f"start%3Dact_{ids['green']}" in share or f"start=act_{ids['green']}" in share

    await user.press(card, "📅 Add to calendar")
    document = await user.wait_for_message()
    assert document.document["file_name"].endswith(".ics")
    calendar = Calendar.from_ical(document.document_bytes())
    events = calendar.walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == "Green jobs"

    await user.press(card, "🗺 Show on map")
    venue = await user.wait_for_message()
    assert venue.venue is not None
    assert abs(venue.venue["location"]["latitude"] - PLACES["marvila"][0]) < 1e-4


async def test_this_week_and_search_in_portuguese(world: ChatWorld) -> None:
    """The week list and free-text search speak Portuguese and ignore accents."""
    await add_activities(world.database, SPECS)
    user = await onboard(world, "Rita", "pt")
    keyboard = [label for row in user.reply_keyboard() or [] for label in row]
    week_label = next(label for label in keyboard if label.startswith("🗓"))
    await user.press_reply_button(week_label)
    week = await user.wait_for_message()
    assert "Clube de Robótica" in week.text
    assert "Noite no museu" not in week.text  # 20 days away
    await user.send("robotica")
    found = await user.wait_for_message()
    assert "Clube de Robótica" in found.text
    await user.send("xyzzy nada")
    nothing = await user.wait_for_message()
    assert "xyzzy" in nothing.text


async def test_a_shared_link_opens_the_activity_for_a_newcomer(world: ChatWorld) -> None:
    """A friend's t.me link shows the card first, then onboarding starts."""
    ids = await add_activities(world.database, SPECS)
    friend = world.sandbox.user("Zé", language_code="pt")
    await friend.start(f"act_{ids['theatre']}")
    card = await friend.wait_for_message()
    assert "Teatro jovem" in card.text
    with use_language("pt"):
        skills = skills_line(["lifecomp:s2", "esco"])
        communication = competence_name("lifecomp:s2")
    # The plain name of the one it knows, and a count for the ESCO skill; never the codes.
    assert skills in card.text
    assert skills.startswith(communication)
    assert "LifeComp" not in card.text
    welcome = await friend.wait_for_message()
    assert welcome.inline_keyboard


async def test_inline_mode_offers_matching_activities(world: ChatWorld) -> None:
    """Typing @bot words in any chat lists activities with a link back to the bot."""
    await add_activities(world.database, SPECS)
    user = await onboard(world, "Ivo")
    results = await user.inline_query("repair")
    assert results
    assert results[0]["title"] == "Repair café"
    assert "start=act_" in results[0]["reply_markup"]["inline_keyboard"][0][0]["url"]


async def test_filters_narrow_every_list_and_are_remembered(world: ChatWorld) -> None:
    """Kinds and 'free only' chosen once apply to near me and this week until cleared."""
    await add_activities(
        world.database,
        [
            _spec("talk", "baixa", 1, "Career talk", "Palestra", type="event"),
            _spec("paid", "alfama", 1, "Paid workshop", "Oficina paga", free=False),
            _spec("free", "graca", 2, "Free workshop", "Oficina grátis"),
        ],
    )
    user = await onboard(world, "Filo")
    await user.share_location(*PLACES["baixa"])
    await user.wait_for_message(text_contains="Looking around")
    listing = await user.wait_for_message(text_contains="Near you")
    assert "Career talk" in listing.text
    await user.press(listing, "⚙️ Filters")
    screen = await user.wait_for_message(text_contains="Filters")
    await user.press(screen, "🆓 Free only")
    screen = await user.wait_for_edit(screen)
    await user.press(screen, "🏷 Kinds (0)")
    kinds = await user.wait_for_edit(screen)
    await user.press(kinds, "Workshop")
    kinds = await user.wait_for_edit(kinds)
    assert "✅ Workshop" in [b for row in kinds.buttons for b in row]
    await user.press(kinds, "⬅️ Back")
    screen = await user.wait_for_edit(kinds)
    await user.press(screen, "✅ Show results")
    filtered = await user.wait_for_edit(screen)
    assert "Free workshop" in filtered.text
    assert "Paid workshop" not in filtered.text
    assert "Career talk" not in filtered.text
    assert "Filters: free · Workshop" in filtered.text
    assert "⚙️ Filters (2)" in [b for row in filtered.buttons for b in row]

    await user.send("/menu")
    await user.wait_for_message()
    await user.press_reply_button("🗓 This week")
    week = await user.wait_for_message(text_contains="This week")
    assert "Free workshop" in week.text
    assert "Career talk" not in week.text


def _first_title(text: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith("1. "))
    return line.removeprefix("1. ").strip()


async def test_a_live_location_redraws_its_list_as_the_person_walks(world: ChatWorld) -> None:
    """Walking from Baixa to Belém with a live location moves the list with you."""
    await add_activities(world.database, SPECS)
    user = await onboard(world, "Lia")
    shared = await user.share_location(*PLACES["baixa"], live_period=900)
    await user.wait_for_message(text_contains="Looking around")
    listing = await user.wait_for_message(text_contains="Near you")
    assert _first_title(listing.text) == "Robotics club"
    await user.move_live_location(shared, 38.7112, -9.1377)  # a few metres: nothing changes
    await user.move_live_location(shared, *PLACES["belem"])
    moved = await user.wait_for_edit(listing)
    assert _first_title(moved.text) == "Museum night"
    await user.edit(await user.send("robotica"), "robotics!")  # an edited text: no answer
    await user.wait_for_message(text_contains="Robotics club")
    await user.send("/help")
    after = await user.wait_for_message()
    assert "how I can help" in after.text
