"""Competence codes (`digcomp:2.1`, ESCO URIs) as OB 3.0 alignments and short labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Framework:
    """A European competence framework: its name, home page and the names of its competences."""

    name: str
    url: str
    competences: dict[str, str]


DIGCOMP = Framework(
    "DigComp 2.2",
    "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
    {
        "1.1": "Browsing, searching and filtering data, information and digital content",
        "1.2": "Evaluating data, information and digital content",
        "1.3": "Managing data, information and digital content",
        "2.1": "Interacting through digital technologies",
        "2.2": "Sharing through digital technologies",
        "2.3": "Engaging in citizenship through digital technologies",
        "2.4": "Collaborating through digital technologies",
        "2.5": "Netiquette",
        "2.6": "Managing digital identity",
        "3.1": "Developing digital content",
        "3.2": "Integrating and re-elaborating digital content",
        "3.3": "Copyright and licences",
        "3.4": "Programming",
        "4.1": "Protecting devices",
        "4.2": "Protecting personal data and privacy",
        "4.3": "Protecting health and well-being",
        "4.4": "Protecting the environment",
        "5.1": "Solving technical problems",
        "5.2": "Identifying needs and technological responses",
        "5.3": "Creatively using digital technologies",
        "5.4": "Identifying digital competence gaps",
    },
)
ENTRECOMP = Framework(
    "EntreComp",
    "https://publications.jrc.ec.europa.eu/repository/handle/JRC101581",
    {
        "1.1": "Spotting opportunities",
        "1.2": "Creativity",
        "1.3": "Vision",
        "1.4": "Valuing ideas",
        "1.5": "Ethical and sustainable thinking",
        "2.1": "Self-awareness and self-efficacy",
        "2.2": "Motivation and perseverance",
        "2.3": "Mobilising resources",
        "2.4": "Financial and economic literacy",
        "2.5": "Mobilising others",
        "3.1": "Taking the initiative",
        "3.2": "Planning and management",
        "3.3": "Coping with uncertainty, ambiguity and risk",
        "3.4": "Working with others",
        "3.5": "Learning through experience",
    },
)
LIFECOMP = Framework(
    "LifeComp",
    "https://publications.jrc.ec.europa.eu/repository/handle/JRC120911",
    {
        "p1": "Self-regulation",
        "p2": "Flexibility",
        "p3": "Wellbeing",
        "s1": "Empathy",
        "s2": "Communication",
        "s3": "Collaboration",
        "l1": "Growth mindset",
        "l2": "Critical thinking",
        "l3": "Managing learning",
    },
)
GREENCOMP = Framework(
    "GreenComp",
    "https://publications.jrc.ec.europa.eu/repository/handle/JRC128040",
    {
        "1.1": "Valuing sustainability",
        "1.2": "Supporting fairness",
        "1.3": "Promoting nature",
        "2.1": "Systems thinking",
        "2.2": "Critical thinking",
        "2.3": "Problem framing",
        "3.1": "Futures literacy",
        "3.2": "Adaptability",
        "3.3": "Exploratory thinking",
        "4.1": "Political agency",
        "4.2": "Collective action",
        "4.3": "Individual initiative",
    },
)
FRAMEWORKS: dict[str, Framework] = {
    "digcomp": DIGCOMP,
    "entrecomp": ENTRECOMP,
    "lifecomp": LIFECOMP,
    "greencomp": GREENCOMP,
}
ESCO_PREFIX = "http://data.europa.eu/esco/"


def competence_label(code: str) -> str:
    """Return a short human label for a competence code, e.g. `DigComp 2.2 3.4 Programming`."""
    framework_key, _, local = code.partition(":")
    framework = FRAMEWORKS.get(framework_key)
    if framework is not None and not code.startswith("http"):
        name = framework.competences.get(local)
        return f"{framework.name.split()[0]} {local}" + (f" {name}" if name else "")
    if code.startswith(("http://data.europa.eu/esco/", "https://data.europa.eu/esco/")):
        kind = code.rstrip("/").split("/")[-2]
        return f"ESCO {kind} {code.rstrip('/').rsplit('/', 1)[-1][:8]}"
    return code


def alignment_for(code: str) -> dict[str, Any] | None:
    """Return the OB 3.0 alignment fields for a competence code, or None if unknown."""
    framework_key, _, local = code.partition(":")
    framework = FRAMEWORKS.get(framework_key)
    if framework is not None and not code.startswith("http"):
        name = framework.competences.get(local)
        if name is None:
            return None
        return {
            "targetName": name,
            "targetUrl": framework.url,
            "targetType": "ceasn:Competency",
            "targetCode": local,
            "targetFramework": framework.name,
        }
    if code.startswith(("http://data.europa.eu/esco/", "https://data.europa.eu/esco/")):
        kind = code.rstrip("/").split("/")[-2]
        return {
            "targetName": competence_label(code),
            "targetUrl": code,
            "targetType": "ext:ESCOSkill" if kind == "skill" else "ext:ESCOOccupation",
            "targetCode": code.rstrip("/").rsplit("/", 1)[-1],
            "targetFramework": "ESCO",
        }
    return None
