"""Looking for personal data in a credential without tripping over its random parts."""

from __future__ import annotations

import json
import re
from typing import Any


def mentions(document: Any, word: str) -> bool:
    """Whether ``word`` stands on its own anywhere in ``document`` (text, or JSON data).

    Signatures, keys and hashes are long runs of letters and digits in which a short name or a
    number turns up now and then by chance ("…rrAnaqK…"); only a whole word counts here.
    """
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", text) is not None
