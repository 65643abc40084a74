"""How activities look in chat: list lines, the card, and the texts they share."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from catalogue.activities import ActivityDetails
from catalogue.records import ActivityType
from conversations.competences import skills_line
from conversations.i18n import (
    N_,
    LazyString,
    Markup,
    _,
    format_day,
    format_distance,
    format_skeleton,
    ngettext,
)

TYPE_LABELS: dict[str, LazyString] = {
    ActivityType.EVENT: N_("Event"),
    ActivityType.COURSE: N_("Course"),
    ActivityType.WORKSHOP: N_("Workshop"),
    ActivityType.INTERNSHIP: N_("Internship"),
    ActivityType.VOLUNTEERING: N_("Volunteering"),
    ActivityType.DIGITAL_EXPERIENCE: N_("Online experience"),
    ActivityType.PROJECT: N_("Project"),
    ActivityType.OPEN_SPACE: N_("Open space"),
}
TITLE_LIMIT = 80
DESCRIPTION_LIMIT = 600


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary so it fits in ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut or text[: limit - 1]) + "…"


def type_label(code: str) -> str:
    """The activity type in the reader's language."""
    label = TYPE_LABELS.get(code)
    return str(label) if label else code


def when(start: datetime | None, timezone: str, now: datetime, *, all_day: bool = False) -> str:
    """'today 18:00', 'tomorrow 10:00' or 'Sat 14 Dec 10:00', in the city's timezone."""
    if start is None:
        return _("any time")
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date()
    today = now.astimezone(zone).date()
    time = "" if all_day else format_skeleton(start, "Hm", timezone)
    if day == today:
        return _("today {time}", time=time).strip() if time else _("today")
    if day == today + timedelta(days=1):
        return _("tomorrow {time}", time=time).strip() if time else _("tomorrow")
    date = format_day(start, timezone)
    return f"{date} {time}".strip()


def list_line(
    number: int,
    title: str,
    start: datetime | None,
    timezone: str,
    now: datetime,
    *,
    all_day: bool,
    distance_km: float | None,
    activity_type: str,
    is_free: bool | None,
    online: bool,
) -> str:
    """One compact entry of a result list (HTML)."""
    facts = [when(start, timezone, now, all_day=all_day)]
    if distance_km is not None:
        facts.append(format_distance(distance_km))
    facts.append(type_label(activity_type))
    if is_free:
        facts.append(_("free"))
    if online:
        facts.append(_("online"))
    return _(
        "{number}. <b>{title}</b>\n    {facts}",
        number=Markup(str(number)),
        title=shorten(title, TITLE_LIMIT),
        facts=" · ".join(facts),
    )


def card_text(details: ActivityDetails, language: str, now: datetime) -> str:
    """The activity card (HTML); every part is bounded, so it stays under 4,096 characters."""
    activity = details.activity
    organiser = _(
        "by {organiser} · {type}", organiser=details.partner.name, type=type_label(activity.type)
    )
    lines = [_("<b>{title}</b>", title=shorten(activity.title(language), 200)), organiser, ""]
    if details.active:
        lines += _date_lines(details, now)
    else:
        lines.append(_("❌ This activity is no longer on offer."))
    lines += _fact_lines(details)
    description = activity.description(language)
    if description:
        lines += ["", _("{text}", text=shorten(description, DESCRIPTION_LIMIT))]
    if activity.competences:
        lines += ["", _("🧩 Skills: {skills}", skills=skills_line(activity.competences))]
    if activity.accessibility:
        lines.append(_("♿ {notes}", notes=shorten(activity.accessibility, 200)))
    if details.active and activity.online and activity.latitude is None:
        lines += ["", _("🏅 Leads to a badge: take part, and use the organiser's check-in link.")]
    elif details.active:
        lines += ["", _("🏅 Leads to a badge: go, and scan the organiser's QR code to get it.")]
    return "\n".join(lines)


def _date_lines(details: ActivityDetails, now: datetime) -> list[str]:
    timezone = details.city.timezone
    lines = []
    for occurrence in details.upcoming:
        start = when(occurrence.starts_at, timezone, now, all_day=occurrence.all_day)
        if occurrence.ends_at and not occurrence.all_day:
            end = format_skeleton(occurrence.ends_at, "Hm", timezone)
            lines.append(_("🗓 {start}–{end}", start=start, end=end))
        else:
            lines.append(_("🗓 {start}", start=start))
    more = details.upcoming_total - len(details.upcoming)
    if more > 0:
        lines.append(ngettext("   and {count} more date", "   and {count} more dates", more))
    if not details.upcoming:
        lines.append(_("🗓 No dates coming up right now."))
    return lines


def _fact_lines(details: ActivityDetails) -> list[str]:
    activity = details.activity
    lines = []
    place = ", ".join(p for p in (activity.venue_name, activity.address) if p)
    if place:
        lines.append(_("📍 {place}", place=shorten(place, 200)))
    if activity.online:
        lines.append(_("💻 Online"))
    if activity.is_free:
        lines.append(_("🆓 Free"))
    elif activity.cost:
        lines.append(_("💶 {cost}", cost=shorten(activity.cost, 100)))
    if activity.min_age is not None or activity.max_age is not None:
        lines.append(_ages(activity.min_age, activity.max_age))
    return lines


def _ages(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("👥 Ages {low}–{high}", low=low, high=high)
    if low is not None:
        return _("👥 From age {low}", low=low)
    return _("👥 Up to age {high}", high=high)
