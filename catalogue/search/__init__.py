"""Search the learning offer: near a point, what is on next, and by text, with filters."""

from catalogue.search.listing import count_upcoming, upcoming
from catalogue.search.spatial import near
from catalogue.search.text import search_text
from catalogue.search.types import ActivityHit, DateWindow, NearResult, SearchFilters
from catalogue.search.windows import WindowKind, date_window

__all__ = [
    "ActivityHit",
    "DateWindow",
    "NearResult",
    "SearchFilters",
    "WindowKind",
    "count_upcoming",
    "date_window",
    "near",
    "search_text",
    "upcoming",
]
