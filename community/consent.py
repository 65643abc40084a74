"""The GDPR digital age of consent, and the age bands learners pick from."""

from __future__ import annotations

from enum import StrEnum


class AgeBand(StrEnum):
    """Age bands precise enough to apply every country's consent age (13 to 16)."""

    UNDER_13 = "u13"
    AGE_13 = "13"
    AGE_14 = "14"
    AGE_15 = "15"
    AGE_16_17 = "16-17"
    AGE_18_24 = "18-24"
    AGE_25_34 = "25-34"
    AGE_35_PLUS = "35+"


# The youngest age in each band.
_BAND_MIN_AGE = {
    AgeBand.UNDER_13: 0,
    AgeBand.AGE_13: 13,
    AgeBand.AGE_14: 14,
    AgeBand.AGE_15: 15,
    AgeBand.AGE_16_17: 16,
    AgeBand.AGE_18_24: 18,
    AgeBand.AGE_25_34: 25,
    AgeBand.AGE_35_PLUS: 35,
}

# Article 8 GDPR lets each member state set the age between 13 and 16; 16 applies where the
# state did not choose. Countries outside the EU follow their own comparable rule.
DIGITAL_CONSENT_AGE: dict[str, int] = {
    "AT": 14, "BE": 13, "BG": 14, "CY": 14, "CZ": 15, "DE": 16, "DK": 13, "EE": 13, "ES": 14,
    "FI": 13, "FR": 15, "GB": 13, "GR": 15, "HR": 16, "HU": 16, "IE": 16, "IS": 13, "IT": 14,
    "LI": 16, "LT": 14, "LU": 16, "LV": 13, "MT": 13, "NL": 16, "NO": 13, "PL": 16, "PT": 13,
    "RO": 16, "SE": 13, "SI": 15, "SK": 16, "UA": 14,
}  # fmt: skip
DEFAULT_CONSENT_AGE = 16


def consent_age(country: str) -> int:
    """Return the age from which a person may consent alone in ``country``."""
    return DIGITAL_CONSENT_AGE.get(country.upper(), DEFAULT_CONSENT_AGE)


def needs_guardian(band: AgeBand, country: str) -> bool:
    """Return True when someone in ``band`` needs a parent or guardian to agree."""
    return _BAND_MIN_AGE[band] < consent_age(country)
