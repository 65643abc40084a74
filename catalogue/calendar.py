"""An activity as an iCalendar file, for "Add to calendar"."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from catalogue.models import Activity, Occurrence


def activity_ics(
    activity: Activity,
    occurrences: list[Occurrence],
    *,
    language: str,
    url: str,
    now: datetime,
) -> bytes:
    """Return a VCALENDAR with one VEVENT per upcoming occurrence of the activity."""
    calendar = Calendar()
    calendar.add("prodid", "-//colbot//City of Learning//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    place = ", ".join(p for p in (activity.venue_name, activity.address) if p)
    for occurrence in occurrences:
        event = Event()
        event.add("uid", f"activity-{activity.id}-{occurrence.id}@colbot")
        event.add("dtstamp", now)
        event.add("summary", activity.title(language))
        event.add("dtstart", occurrence.starts_at)
        if occurrence.ends_at is not None:
            event.add("dtend", occurrence.ends_at)
        if place:
            event.add("location", place)
        if activity.latitude is not None and activity.longitude is not None:
            event.add("geo", (activity.latitude, activity.longitude))
        description = activity.description(language)
        event.add("description", f"{description}\n\n{url}".strip())
        event.add("url", activity.signup_url or url)
        calendar.add_component(event)
    return calendar.to_ical()
