"""The topics learners can follow; codes are stable, labels live in the chat layer."""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    """A broad interest area used for onboarding, filters and follows."""

    DIGITAL = "digital"
    ARTS = "arts"
    ENVIRONMENT = "environment"
    JOBS = "jobs"
    ENTREPRENEURSHIP = "entrepreneurship"
    LANGUAGES = "languages"
    SCIENCE = "science"
    SPORT = "sport"
    VOLUNTEERING = "volunteering"
    WELLBEING = "wellbeing"
    CITIZENSHIP = "citizenship"
    CULTURE = "culture"
