"""Reading Bot API parameters from query strings, JSON, url-encoded forms and multipart bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.errors import ApiError, bad_request

# Telegram's own wording for some missing parameters; the rest use the generic phrase.
_MISSING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "message_id": "message identifier is not specified",
    "latitude": "wrong latitude",
    "longitude": "wrong longitude",
}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one call, with typed getters that fail like the Bot API."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None

    def raw(self, name: str) -> Any:
        """The value as received, or None."""
        return self.values.get(name)

    def _required(self, name: str) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(_MISSING.get(name, f'parameter "{name}" is required'))
        return value

    def get_str(self, name: str, *, required: bool = False) -> str | None:
        """A string parameter; numbers from JSON bodies are accepted as their text."""
        value = self._required(name) if required else self.values.get(name)
        if value is None:
            return None
        if isinstance(value, Upload):
            raise bad_request(f"wrong parameter {name} specified")
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise bad_request(f"wrong parameter {name} specified")
        return value

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        """An integer parameter."""
        value = self._required(name) if required else self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, *, required: bool = False) -> float | None:
        """A floating-point parameter."""
        value = self._required(name) if required else self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(_MISSING.get(name, f"invalid {name} specified")) from None

    def get_bool(self, name: str) -> bool:
        """A boolean parameter; absent means false."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def get_json(self, name: str, *, required: bool = False) -> Any:
        """A JSON-serialised parameter (object or array); form fields carry it as text."""
        value = self._required(name) if required else self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def get_chat_id(self) -> int | str:
        """The required chat identifier: an integer or an ``@username``."""
        value = self.get_optional_chat_id()
        if value is None:
            raise bad_request("chat_id is empty")
        return value

    def get_optional_chat_id(self) -> int | str | None:
        """A chat identifier if given: an integer or an ``@username``."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def upload(self, name: str) -> Upload | None:
        """The uploaded file sent in this parameter, directly or via ``attach://``."""
        value = self.values.get(name)
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.values.get(value.removeprefix("attach://"))
            if isinstance(attached, Upload):
                return attached
            raise bad_request("wrong file identifier/HTTP URL specified")
        return None


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and whatever body the request carries."""
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return Params(values)
    content_type = request.content_type
    if content_type == "application/json":
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name
            if name is None:
                continue
            if part.filename is not None:
                data = await part.read(decode=False)
                values[name] = Upload(part.filename, part.headers.get("Content-Type"), bytes(data))
            else:
                values[name] = await part.text()
    elif content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        values.update({key: str(value) for key, value in form.items()})
    return Params(values)
