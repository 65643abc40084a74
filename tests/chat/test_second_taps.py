"""Taps people really make: twice on the same button, odd deep links, long lists, odd names.

None of them may end in the generic apology; each gets a useful answer or none at all.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from catalogue.models import Activity, City, Partner
from community.follows import MAX_FOLLOWS
from community.models import Follow, Learner
from conversations.badges import award_caption
from conversations.i18n import LANGUAGES, _, use_language
from credentials.achievements import ensure_activity_achievement
from credentials.awards import award_view
from credentials.issuing import issue_award
from storage import utcnow
from tests.chat.conftest import ChatWorld
from tests.chat.helpers import add_activities, onboard
from tests.chat.test_badges import SECRET, _onboarded
from tests.chat.test_robustness import _press_forged

APOLOGY = "something went wrong"


def _apologies(user: object) -> list[str]:
    return [m.text for m in user.history() if m.text and APOLOGY in m.text]  # type: ignore[attr-defined]


async def test_tapping_the_tab_already_shown_changes_nothing(world: ChatWorld) -> None:
    await add_activities(world.database, [{"titles": {"en": "Robots"}, "days": 2}])
    user = await onboard(world, "Ana")
    await user.press_reply_button("🗓 This week")
    week = await user.wait_for_message(text_contains="This week")
    # `press` fails unless the bot answers the tap (which stops the button's spinner).
    await user.press(week, "• This week")
    await asyncio.sleep(0.3)
    assert not _apologies(user)


async def test_an_interest_without_consent_gets_its_explanation(world: ChatWorld) -> None:
    user = world.sandbox.user("Nina", language_code="en")
    await user.start("lisbon")
    await user.press(await user.wait_for_message(), "✅ English")
    await user.press(await user.wait_for_message(), "Skip")
    await user.press(await user.wait_for_message(), "25–34")
    await user.press(await user.wait_for_message(), "No, thanks")
    await user.wait_for_message()
    await user.send("/settings")
    settings = await user.wait_for_message(text_contains="Your settings")
    await user.press(settings, "❤️ Interests")
    picker = await user.wait_for_edit(settings)
    answer = await user.press(picker, 0)
    assert "Turn on badges and reminders first" in str(answer)
    await asyncio.sleep(0.3)
    assert not _apologies(user)


async def test_odd_ids_in_links_and_buttons_are_old_buttons(world: ChatWorld) -> None:
    user = await onboard(world, "Gil")
    user.mark_read()
    await user.send("/start act_²")  # "²" is a digit to str.isdigit, not to int()
    await user.wait_for_message(text_contains="Welcome back")
    await user.send("/settings")
    settings = await user.wait_for_message(text_contains="Your settings")
    for data in ("act:v1:open:99999999999999999999", "act:v1:near:nan:inf:3:0", "act:v1:map:0"):
        answer = await _press_forged(world, user, settings, data)
        assert "doesn't work any more" in answer
    await asyncio.sleep(0.3)
    assert not _apologies(user)


async def test_help_in_a_group_does_not_pin_the_menu_there(world: ChatWorld) -> None:
    user = await onboard(world, "Dan")
    group = world.sandbox.group("Youth group A")
    await user.send("/help", chat=group)
    await asyncio.sleep(0.5)
    assert user.reply_keyboard(chat=group) is None


async def test_names_in_buttons_and_pop_ups_read_as_written(world: ChatWorld) -> None:
    ids = await add_activities(
        world.database,
        [{"key": "r", "titles": {"en": "Robots"}, "days": 2, "topics": ["digital"]}],
    )
    async with world.database.session() as session:
        activity = await session.get(Activity, ids["r"])
        assert activity is not None
        partner = await session.get(Partner, activity.partner_id)
        assert partner is not None
        partner.name = "Arts & Crafts <Lab>"
    user = await onboard(world, "Eva")
    await user.start(f"act_{ids['r']}")
    card = await user.wait_for_message(text_contains="Robots")
    answer = await user.press(card, "🔔 Follow the organiser")
    assert "Arts & Crafts <Lab>" in str(answer)
    await user.send("/following")
    screen = await user.wait_for_message(text_contains="Following")
    assert "❌ 🏢 Arts & Crafts <Lab>" in [label for row in screen.buttons for label in row]
    assert "Arts & Crafts <Lab>" in (screen.text or "")  # the message is HTML: escaped there


async def test_at_the_follow_limit_the_reason_is_given(world: ChatWorld) -> None:
    user = await onboard(world, "Fil")
    async with world.database.session() as session:
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
        assert learner is not None
        session.add_all(
            Follow(learner_id=learner.id, kind="place", value=f"p{n}", created_at=utcnow())
            for n in range(MAX_FOLLOWS)
        )
    await user.send("/following")
    screen = await user.wait_for_message(text_contains="Following")
    await user.press(screen, callback_data="fol:v1:topics")
    picker = await user.wait_for_edit(screen)
    answer = await user.press(picker, callback_data="fol:v1:t:science")
    assert f"You follow {MAX_FOLLOWS} things already" in str(answer)


async def test_many_badges_fit_in_one_message(world: ChatWorld) -> None:
    user = await _onboarded(world, "Hal")
    async with world.database.session() as session:
        city = await session.scalar(select(City).where(City.slug == "lisbon"))
        assert city is not None
        partner = Partner(city_id=city.id, slug="big", name="Associação Cultural do Bairro Alto")
        session.add(partner)
        await session.flush()
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
        assert learner is not None
        for n in range(40):
            activity = Activity(
                city_id=city.id,
                partner_id=partner.id,
                source_id=f"s{n}",
                type="workshop",
                titles={"en": f"Robotics and creative coding for beginners, session {n}"},
                descriptions={"en": "A session."},
                topics=["digital"],
                competences=["digcomp:3.4", "entrecomp:1.2", "lifecomp:s3"],
                languages=["en"],
                audience=[],
            )
            session.add(activity)
            await session.flush()
            achievement = await ensure_activity_achievement(session, activity.id)
            await issue_award(
                session,
                learner_id=learner.id,
                achievement_id=achievement.id,
                public_base_url=world.settings.public_base_url,
                secret_key=SECRET,
                now=utcnow(),
            )
    user.mark_read()
    await user.press_reply_button("🏅 My badges")
    listing = await user.wait_for_message(text_contains="You have 40 badges")
    assert len(listing.text or "") <= 4096
    assert "more badges." in (listing.text or "")
    assert not _apologies(user)


async def test_the_longest_award_caption_fits_and_keeps_the_revoked_line(
    world: ChatWorld,
) -> None:
    user = await _onboarded(world, "Ivo")
    async with world.database.session() as session:
        city = await session.scalar(select(City).where(City.slug == "lisbon"))
        assert city is not None
        partner = Partner(city_id=city.id, slug="amp", name="&<" * 100)  # the column holds 200
        session.add(partner)
        await session.flush()
        activity = Activity(
            city_id=city.id,
            partner_id=partner.id,
            source_id="amp",
            type="workshop",
            titles={"en": "<b>&" * 200},
            descriptions={"en": "&<>" * 400},
            topics=[],
            competences=[],
            languages=["en"],
            audience=[],
        )
        session.add(activity)
        await session.flush()
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
        assert learner is not None
        achievement = await ensure_activity_achievement(session, activity.id)
        result = await issue_award(
            session,
            learner_id=learner.id,
            achievement_id=achievement.id,
            public_base_url=world.settings.public_base_url,
            secret_key=SECRET,
            now=utcnow(),
        )
        result.award.revoked = True
        view = await award_view(session, result.award, world.settings.public_base_url)
    for language in LANGUAGES:
        with use_language(language):
            caption = award_caption(view)
            revoked = _("⛔ This badge has been revoked.")
        shown = caption.replace("<b>", "").replace("</b>", "")
        shown = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert len(shown) <= 1024, language
        assert caption.endswith(revoked), language
