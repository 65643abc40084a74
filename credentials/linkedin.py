"""The LinkedIn "Add licence or certification" link, pre-filled from an award."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def add_to_profile_url(
    *, name: str, organization: str, issued_at: datetime, cert_url: str, cert_id: str
) -> str:
    """Return the LinkedIn link that opens the certification form already filled in."""
    query = urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": name,
            "organizationName": organization,
            "issueYear": issued_at.year,
            "issueMonth": issued_at.month,
            "certUrl": cert_url,
            "certId": cert_id,
        },
        quote_via=quote,
    )
    return f"{LINKEDIN_ADD}?{query}"
