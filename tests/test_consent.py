"""The digital age of consent of the city's country decides who needs a guardian."""

from __future__ import annotations

import pytest

from community.consent import AgeBand, consent_age, needs_guardian


@pytest.mark.parametrize(
    ("country", "age"), [("PT", 13), ("IE", 16), ("ES", 14), ("LT", 14), ("DE", 16), ("ZZ", 16)]
)
def test_consent_age_per_country(country: str, age: int) -> None:
    """GDPR article 8 ages, and 16 where a country set none."""
    assert consent_age(country) == age


def test_guardian_needed_below_the_age_only() -> None:
    """A 13-year-old alone in Portugal, with a guardian in Spain and Ireland."""
    assert not needs_guardian(AgeBand.AGE_13, "PT")
    assert needs_guardian(AgeBand.AGE_13, "ES")
    assert not needs_guardian(AgeBand.AGE_14, "ES")
    assert needs_guardian(AgeBand.AGE_15, "IE")
    assert not needs_guardian(AgeBand.AGE_16_17, "IE")
    assert needs_guardian(AgeBand.UNDER_13, "PT")
