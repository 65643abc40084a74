"""Learners read competences as plain names in their language; credentials keep the codes."""

from __future__ import annotations

import pytest

from conversations.competences import NAMES, competence_name, skills_line
from conversations.i18n import LANGUAGES, use_language
from credentials.competences import FRAMEWORKS

ESCO = "http://data.europa.eu/esco/skill/0a8a7a7b-3c1e-4d6c-9a53-9d7b5b1c3c11"


def test_every_framework_competence_has_a_plain_name() -> None:
    assert set(NAMES) == set(FRAMEWORKS)
    for key, framework in FRAMEWORKS.items():
        assert set(NAMES[key]) == set(framework.competences), key


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_names_are_translated_and_differ_from_each_other(language: str) -> None:
    with use_language(language):
        names = [competence_name(f"{key}:{code}") for key in NAMES for code in NAMES[key]]
    assert all(names)
    # Two competences that read the same would be confusing in one list.
    assert len(set(names)) == len(names)
    if language != "en":
        with use_language("en"):
            english = [competence_name(f"{key}:{code}") for key in NAMES for code in NAMES[key]]
        same = [name for name, source in zip(names, english, strict=True) if name == source]
        assert len(same) <= 3, same  # a loanword or two, not an untranslated list


def test_the_skills_line_names_what_it_knows_and_counts_the_rest() -> None:
    with use_language("en"):
        assert skills_line(["digcomp:3.4", "LifeComp:S2", ESCO]) == (
            "Programming, Communication and 1 more"
        )
        assert skills_line(["greencomp:1.3"]) == "Protecting nature"
        assert skills_line([ESCO, "unknown:9"]) == "2 skills"
        many = [f"entrecomp:{code}" for code in NAMES["entrecomp"]]
        line = skills_line(many)
        assert line.endswith(f"and {len(many) - 6} more")
        assert line.count(",") == 5


def test_plural_forms_follow_the_language() -> None:
    unnamed = [f"{ESCO}{n}" for n in range(5)]
    with use_language("uk"):
        five = skills_line(unnamed)
        one = skills_line(unnamed[:1])
    assert five.startswith("5 ")
    assert one.startswith("1 ")
    assert five[2:] != one[2:]  # "навичок" after 5, "навичка" after 1
