"""Labels for codes that live in the domain (topics, age bands, menu entries)."""

from __future__ import annotations

from enum import StrEnum

from catalogue.topics import Topic
from community.consent import AgeBand
from conversations.i18n import N_, LazyString

TOPIC_LABELS: dict[Topic, LazyString] = {
    Topic.DIGITAL: N_("💻 Digital and coding"),
    Topic.ARTS: N_("🎨 Arts and music"),
    Topic.ENVIRONMENT: N_("🌱 Nature and climate"),
    Topic.JOBS: N_("💼 Jobs and CV"),
    Topic.ENTREPRENEURSHIP: N_("🚀 Start your own thing"),
    Topic.LANGUAGES: N_("🗣 Languages"),
    Topic.SCIENCE: N_("🔬 Science"),
    Topic.SPORT: N_("⚽ Sport"),
    Topic.VOLUNTEERING: N_("🤝 Volunteering"),
    Topic.WELLBEING: N_("🧘 Wellbeing"),
    Topic.CITIZENSHIP: N_("🗳 Your community"),
    Topic.CULTURE: N_("🏛 Culture and history"),
}

AGE_LABELS: dict[AgeBand, LazyString] = {
    AgeBand.UNDER_13: N_("Under 13"),
    AgeBand.AGE_13: N_("13"),
    AgeBand.AGE_14: N_("14"),
    AgeBand.AGE_15: N_("15"),
    AgeBand.AGE_16_17: N_("16–17"),
    AgeBand.AGE_18_24: N_("18–24"),
    AgeBand.AGE_25_34: N_("25–34"),
    AgeBand.AGE_35_PLUS: N_("35 or older"),
}


class MenuItem(StrEnum):
    """The entries of the main menu."""

    NEAR_ME = "near"
    THIS_WEEK = "week"
    PLANS = "plans"
    CHALLENGES = "challenges"
    BADGES = "badges"
    SETTINGS = "settings"
    HELP = "help"
    MENU = "menu"  # "back to the menu" under the location keyboard


MENU_LABELS: dict[MenuItem, LazyString] = {
    MenuItem.NEAR_ME: N_("📍 Near me"),
    MenuItem.THIS_WEEK: N_("🗓 This week"),
    MenuItem.PLANS: N_("⭐ My plans"),
    MenuItem.CHALLENGES: N_("🎯 Challenges"),
    MenuItem.BADGES: N_("🏅 My badges"),
    MenuItem.SETTINGS: N_("⚙️ Settings"),
    MenuItem.HELP: N_("❓ Help"),
    MenuItem.MENU: N_("↩ Menu"),
}

SHARE_LOCATION = N_("📍 Share my location")
