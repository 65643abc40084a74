"""Photos and documents: turning bytes into Telegram's PhotoSize and Document objects."""

from __future__ import annotations

import io
import mimetypes
from typing import Any

from PIL import Image, UnidentifiedImageError

from bot.sandbox.errors import bad_request
from bot.sandbox.state import StoredFile, World

# Telegram keeps a ladder of downscaled copies of every photo, up to 1280 px on the long side.
_THUMB_SIDES = (90, 320, 800)
_MAX_SIDE = 1280
PHOTO_LIMIT = 10 * 1024 * 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024


def _jpeg(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=87)
    return out.getvalue(), copy.width, copy.height


def _photo_size(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "width": stored.width,
        "height": stored.height,
    }


def store_photo(world: World, data: bytes) -> list[dict[str, Any]]:
    """Store a photo the way Telegram does (JPEG re-encoded, several sizes); return PhotoSizes."""
    if len(data) > PHOTO_LIMIT:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    width, height = image.size
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    sides = [side for side in _THUMB_SIDES if max(width, height) > side]
    sides.append(min(max(width, height), _MAX_SIDE))
    sizes: list[dict[str, Any]] = []
    for side in sides:
        jpeg, w, h = _jpeg(image, side)
        stored = world.store_file(jpeg, "photos", "jpg", mime_type="image/jpeg", width=w, height=h)
        sizes.append(_photo_size(stored))
    for size in sizes:
        world.media[size["file_id"]] = sizes
    return sizes


def store_document(
    world: World, data: bytes, file_name: str | None, content_type: str | None
) -> dict[str, Any]:
    """Store a document and return its ``Document`` object."""
    if len(data) > DOCUMENT_LIMIT:
        raise bad_request("file is too big")
    name = file_name or "document"
    guessed = mimetypes.guess_type(name)[0]
    mime = guessed or (content_type if content_type else "application/octet-stream")
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    stored = world.store_file(data, "documents", extension, file_name=name, mime_type=mime)
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": name,
        "mime_type": mime,
        "file_size": len(data),
    }
    world.media[stored.file_id] = document
    return document


def file_object(stored: StoredFile) -> dict[str, Any]:
    """The ``File`` object getFile returns."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
