"""Reading the schema.org properties of one JSON-LD node into plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalogue.formats import values
from catalogue.formats.context import ParseContext
from catalogue.formats.text import clean_title, html_to_text, split_list
from catalogue.records import ActivityType

_FRAMEWORKS = ("digcomp", "entrecomp", "lifecomp", "greencomp")


@dataclass(frozen=True)
class Place:
    """Where an activity happens."""

    name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online: bool = False
    online_url: str | None = None


@dataclass(frozen=True)
class Offer:
    """The booking link and price of an activity."""

    url: str | None = None
    cost: str | None = None
    free: bool | None = None


class NodeFields:
    """Property readers that share the warning context and the @id index."""

    def __init__(self, ctx: ParseContext, index: dict[str, dict[str, Any]], where: str) -> None:
        self.ctx, self.index, self.where = ctx, index, where

    def deref(self, value: Any) -> Any:
        """Follow {"@id": ...} references to nodes in the same @graph."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.index.get(str(value["@id"]), value)
        return value

    def many(self, value: Any) -> list[Any]:
        if value is None:
            return []
        return [self.deref(item) for item in (value if isinstance(value, list) else [value])]

    def first_text(self, value: Any) -> str:
        for item in self.many(value):
            text = (
                item.get("@value") or item.get("url") or item.get("@id")
                if isinstance(item, dict)
                else item
            )
            if isinstance(text, str | int | float) and str(text).strip():
                return str(text).strip()
        return ""

    def texts(self, value: Any, *, title: bool, lang: str | None = None) -> dict[str, str]:
        """{lang: text} from a string, a language-tagged value or a list of them."""
        found: dict[str, str] = {}
        untagged = lang or self.ctx.default_lang
        for item in self.many(value):
            lang, raw = untagged, item
            if isinstance(item, dict):
                lang = values.language(str(item.get("@language") or "")) or lang
                raw = item.get("@value")
            if not isinstance(raw, str):
                continue
            text = clean_title(raw) if title else html_to_text(raw)
            if text:
                found.setdefault(lang, text)
        return found

    def place(self, value: Any) -> Place:
        name = address = online_url = None
        latitude = longitude = None
        online = False
        for item in self.many(value):
            if isinstance(item, str):
                name = name or clean_title(item) or None
                continue
            if not isinstance(item, dict):
                continue
            kind = str(item.get("@type", ""))
            if kind.endswith("VirtualLocation"):
                online = True
                online_url = online_url or values.web_url(self.first_text(item.get("url")))
                continue
            name = name or clean_title(self.first_text(item.get("name"))) or None
            address = address or self._address(item.get("address"))
            geo = self.deref(item.get("geo"))
            if isinstance(geo, dict) and latitude is None:
                latitude, longitude = self.ctx.coordinates(
                    geo.get("latitude"), geo.get("longitude"), self.where
                )
            elif item.get("latitude") is not None and latitude is None:
                latitude, longitude = self.ctx.coordinates(
                    item.get("latitude"), item.get("longitude"), self.where
                )
        return Place(name, address, latitude, longitude, online, online_url)

    def _address(self, value: Any) -> str | None:
        value = self.deref(value)
        if isinstance(value, str):
            return clean_title(value) or None
        if not isinstance(value, dict):
            return None
        street = self.first_text(value.get("streetAddress"))
        town = " ".join(
            part
            for part in (
                self.first_text(value.get("postalCode")),
                self.first_text(value.get("addressLocality")),
            )
            if part
        )
        return ", ".join(part for part in (street, town) if part) or None

    def kind(self, node: dict[str, Any]) -> ActivityType | None:
        for item in self.many(node.get("additionalType")):
            kind = values.activity_type(item if isinstance(item, str) else "")
            if kind:
                return kind
        return None

    def keywords(self, node: dict[str, Any]) -> tuple[tuple[str, ...], list[str]]:
        """(topics, competence codes) from keywords and about."""
        topics: list[str] = []
        codes: list[str] = []
        raw: list[str] = []
        for item in self.many(node.get("keywords")):
            if isinstance(item, str):
                raw.extend(split_list(item) if "," in item else [item])
            elif isinstance(item, dict):
                raw.append(self.first_text(item.get("name")))
        for item in raw:
            if values.looks_like_competence(item):
                codes.append(item)
            elif item.strip():
                topics.append(values.topic(item))
        return values.unique(topics), codes

    def competence_terms(self, node: dict[str, Any]) -> list[str]:
        """Codes from teaches/assesses: DefinedTerm termCode + term set, a URL or a code."""
        codes: list[str] = []
        for key in ("teaches", "assesses"):
            for item in self.many(node.get(key)):
                if isinstance(item, str):
                    codes.append(item)
                    continue
                if not isinstance(item, dict):
                    continue
                code = self.first_text(item.get("termCode"))
                term_set = self.first_text(item.get("inDefinedTermSet")).lower()
                framework = next((name for name in _FRAMEWORKS if name in term_set), None)
                if code and framework and ":" not in code:
                    codes.append(f"{framework}:{code}")
                elif code:
                    codes.append(code)
                else:
                    url = self.first_text(item.get("url") or item.get("@id"))
                    codes.append(url or self.first_text(item.get("name")))
        return codes

    def offer(self, node: dict[str, Any]) -> Offer:
        for item in self.many(node.get("offers")):
            if not isinstance(item, dict):
                continue
            url = values.web_url(self.first_text(item.get("url")))
            price_text = self.first_text(item.get("price"))
            currency = self.first_text(item.get("priceCurrency"))
            try:
                price = float(price_text.replace(",", ".")) if price_text else None
            except ValueError:
                price = None
            if price is None:
                return Offer(url, price_text or None, None)
            if price == 0:
                return Offer(url, None, True)
            return Offer(url, f"{price_text} {currency}".strip(), False)
        return Offer()

    def free(self, node: dict[str, Any], offer: Offer) -> bool | None:
        flag = node.get("isAccessibleForFree")
        if isinstance(flag, bool):
            return flag
        if isinstance(flag, str):
            parsed = values.flag(flag)
            if parsed is not None:
                return parsed
        return offer.free

    def audience(self, node: dict[str, Any]) -> tuple[tuple[str, ...], int | None, int | None]:
        tags: list[str] = []
        low: Any = None
        high: Any = None
        ages = values.age_range(self.first_text(node.get("typicalAgeRange")))
        if ages:
            low, high = ages
        for item in self.many(node.get("audience")):
            if isinstance(item, str):
                tags.append(values.topic(item))
            elif isinstance(item, dict):
                tags.extend(
                    values.topic(t) for t in split_list(self.first_text(item.get("audienceType")))
                )
                low = low if low is not None else item.get("suggestedMinAge")
                high = high if high is not None else item.get("suggestedMaxAge")
        min_age, max_age = self.ctx.ages(low, high, self.where)
        return values.unique(tags), min_age, max_age

    def languages(self, node: dict[str, Any], sessions: list[dict[str, Any]]) -> tuple[str, ...]:
        raw: list[str] = []
        for source in [node, *sessions]:
            for item in self.many(source.get("inLanguage")):
                if isinstance(item, dict):
                    code = self.first_text(item.get("alternateName"))
                    raw.append(code or self.first_text(item.get("name")))
                elif isinstance(item, str):
                    raw.append(item)
        return self.ctx.languages(raw, self.where)

    def accessibility(self, node: dict[str, Any]) -> str | None:
        summary = self.first_text(node.get("accessibilitySummary"))
        features = [
            item for item in self.many(node.get("accessibilityFeature")) if isinstance(item, str)
        ]
        text = "; ".join(part for part in [summary, ", ".join(features)] if part)
        return text or None

    def image(self, value: Any) -> str | None:
        return values.web_url(self.first_text(value))
