"""Competences in plain words, in the reader's language.

Partners tag activities with codes from the European frameworks (``digcomp:3.4``,
``lifecomp:s2``...). Credentials keep the official names (`credentials.competences`), which an
employer or a wallet reads; a learner in the chat reads these short, everyday names instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversations.i18n import N_, LazyString, _, ngettext

NAMES: dict[str, dict[str, LazyString]] = {
    "digcomp": {
        "1.1": N_("Finding information online"),
        "1.2": N_("Checking if information is true"),
        "1.3": N_("Organising files and information"),
        "2.1": N_("Talking with people online"),
        "2.2": N_("Sharing things online"),
        "2.3": N_("Taking part in your community online"),
        "2.4": N_("Working together online"),
        "2.5": N_("Good manners online"),
        "2.6": N_("Looking after your online identity"),
        "3.1": N_("Making digital content"),
        "3.2": N_("Remixing and improving content"),
        "3.3": N_("Copyright and licences"),
        "3.4": N_("Programming"),
        "4.1": N_("Keeping devices safe"),
        "4.2": N_("Protecting your data and privacy"),
        "4.3": N_("Staying healthy with technology"),
        "4.4": N_("Technology and the planet"),
        "5.1": N_("Fixing technical problems"),
        "5.2": N_("Choosing the right digital tools"),
        "5.3": N_("Being creative with technology"),
        "5.4": N_("Knowing which digital skills to learn next"),
    },
    "entrecomp": {
        "1.1": N_("Spotting opportunities"),
        "1.2": N_("Creativity"),
        "1.3": N_("Having a vision"),
        "1.4": N_("Seeing what ideas are worth"),
        "1.5": N_("Thinking about what is fair and green"),
        "2.1": N_("Believing in yourself"),
        "2.2": N_("Keeping going"),
        "2.3": N_("Finding what you need to make things happen"),
        "2.4": N_("Money and finance"),
        "2.5": N_("Getting others on board"),
        "3.1": N_("Taking the first step"),
        "3.2": N_("Planning and organising"),
        "3.3": N_("Dealing with risk and the unknown"),
        "3.4": N_("Working with others"),
        "3.5": N_("Learning by doing"),
    },
    "lifecomp": {
        "p1": N_("Managing your feelings"),
        "p2": N_("Being flexible"),
        "p3": N_("Looking after yourself"),
        "s1": N_("Understanding others"),
        "s2": N_("Communication"),
        "s3": N_("Teamwork"),
        "l1": N_("Believing you can learn"),
        "l2": N_("Thinking critically"),
        "l3": N_("Organising your learning"),
    },
    "greencomp": {
        "1.1": N_("Caring about the planet"),
        "1.2": N_("Fairness for people and nature"),
        "1.3": N_("Protecting nature"),
        "2.1": N_("Seeing the big picture"),
        "2.2": N_("Questioning what you hear"),
        "2.3": N_("Understanding a problem"),
        "3.1": N_("Imagining the future"),
        "3.2": N_("Adapting to change"),
        "3.3": N_("Exploring new ideas"),
        "4.1": N_("Speaking up for change"),
        "4.2": N_("Acting together"),
        "4.3": N_("Doing your part"),
    },
}


def competence_name(code: str) -> str | None:
    """The plain name of ``code`` (``lifecomp:s2`` → "Communication"), or None if unknown."""
    framework, _sep, local = code.lower().partition(":")
    name = NAMES.get(framework, {}).get(local)
    return str(name) if name is not None else None


def skills_line(codes: Sequence[str], *, limit: int = 6) -> str:
    """Named competences, then how many others there are ("and 2 more")."""
    unique = list(dict.fromkeys(code.lower() for code in codes))
    names = list(dict.fromkeys(n for n in map(competence_name, unique) if n))
    shown = names[:limit]
    others = len(unique) - len(shown)
    if not shown:
        return ngettext("{count} skill", "{count} skills", len(unique))
    text = ", ".join(shown)
    if others > 0:
        text = _(
            "{skills} and {more}",
            skills=text,
            more=ngettext("{count} more", "{count} more", others),
        )
    return text
