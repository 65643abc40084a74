"""A live, read-only view of one message as a person sees it."""

from __future__ import annotations

from typing import Any

from bot.sandbox.messages import describe
from bot.sandbox.state import StoredMessage, World


class ChatMessage:
    """A message in a sandbox chat; reads reflect later edits and deletion."""

    def __init__(self, world: World, stored: StoredMessage) -> None:
        self._world = world
        self.stored = stored
        self.version_seen = stored.version

    def __repr__(self) -> str:
        return f"<ChatMessage {describe(self.stored)}>"

    @property
    def raw(self) -> dict[str, Any]:
        """The Bot API ``Message`` object as it is now."""
        return self.stored.raw

    @property
    def message_id(self) -> int:
        """The id within its chat."""
        return self.stored.message_id

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent it."""
        return self.stored.outgoing

    @property
    def deleted(self) -> bool:
        """Whether it was deleted."""
        return self.stored.deleted

    @property
    def edited(self) -> bool:
        """Whether it was edited since it was sent."""
        return self.stored.version > 0 and not self.stored.deleted

    @property
    def text(self) -> str | None:
        """The plain text (HTML tags already turned into entities)."""
        return self.raw.get("text")

    @property
    def caption(self) -> str | None:
        """The caption of a media message."""
        return self.raw.get("caption")

    @property
    def entities(self) -> list[dict[str, Any]]:
        """Entities of the text or caption."""
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])

    def entity_texts(self, kind: str) -> list[str]:
        """The pieces of text covered by entities of one type (e.g. 'bold', 'text_link')."""
        source = self.text if self.text is not None else (self.caption or "")
        encoded = source.encode("utf-16-le")
        return [
            encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e["type"] == kind
        ]

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """The inline buttons as the Bot API objects, row by row."""
        return [list(row) for row in self.raw.get("reply_markup", {}).get("inline_keyboard", [])]

    @property
    def buttons(self) -> list[list[str]]:
        """The labels of the inline buttons (or, failing that, of the reply keyboard it set)."""
        rows = self.inline_keyboard
        if not rows and self.stored.markup and "keyboard" in self.stored.markup:
            rows = self.stored.markup["keyboard"]
        return [[b["text"] for b in row] for row in rows]

    @property
    def button_data(self) -> list[str]:
        """Every callback_data of the inline keyboard, flat."""
        return [
            b["callback_data"] for row in self.inline_keyboard for b in row if "callback_data" in b
        ]

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        """The reply_markup the bot sent with this message, whatever its kind."""
        return self.stored.markup

    @property
    def photo(self) -> list[dict[str, Any]]:
        """The PhotoSize list, smallest first."""
        return list(self.raw.get("photo") or [])

    def photo_bytes(self) -> bytes:
        """The largest size as a recipient downloads it (a JPEG, as Telegram re-encodes)."""
        if not self.photo:
            raise AssertionError(f"not a photo message: {describe(self.stored)}")
        return self._world.file(self.photo[-1]["file_id"]).data

    @property
    def uploaded_bytes(self) -> bytes | None:
        """The exact bytes the bot uploaded for its photo or document."""
        return self.stored.uploads.get("photo") or self.stored.uploads.get("document")

    @property
    def document(self) -> dict[str, Any] | None:
        """The Document object, if this is a file."""
        return self.raw.get("document")

    def document_bytes(self) -> bytes:
        """The document's bytes, exactly as uploaded."""
        if self.document is None:
            raise AssertionError(f"not a document message: {describe(self.stored)}")
        return self._world.file(self.document["file_id"]).data

    @property
    def location(self) -> dict[str, Any] | None:
        """The Location object, if any."""
        return self.raw.get("location")

    @property
    def venue(self) -> dict[str, Any] | None:
        """The Venue object, if any."""
        return self.raw.get("venue")

    @property
    def reply_to_message_id(self) -> int | None:
        """The id of the message this one replies to."""
        target = self.raw.get("reply_to_message")
        return None if target is None else int(target["message_id"])
