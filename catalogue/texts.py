"""Texts given in several languages: which one a reader sees."""


def in_language(texts: dict[str, str], language: str, default: str = "") -> str:
    """Pick the text in ``language``, else English (read by more people), else any."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), default)
