"""Bot API methods that send or look up files."""

from __future__ import annotations

from typing import Any

from bot.sandbox.api import Call, method
from bot.sandbox.errors import bad_request
from bot.sandbox.media import file_object, store_document, store_photo
from bot.sandbox.methods_messages import caption_content, send_content, target_chat
from bot.sandbox.params import Upload


async def _input_file(call: Call, name: str) -> Upload | str:
    """An uploaded or fetched file (as ``Upload``), or a file_id to re-use (as ``str``)."""
    upload = call.params.upload(name)
    if upload is not None:
        return upload
    value = call.params.get_str(name, required=True) or ""
    if value.startswith(("http://", "https://")):
        data = await call.services.fetch_url(value)
        return Upload(value.rsplit("/", 1)[-1] or None, None, data)
    call.world.file(value)
    return value


@method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    """sendPhoto: an upload, a URL or a file_id; the chat receives several JPEG sizes."""
    conversation = target_chat(call)
    source = await _input_file(call, "photo")
    caption = caption_content(call)
    if isinstance(source, Upload):
        sizes = store_photo(call.world, source.data)
        uploads = {"photo": source.data}
    else:
        known = call.world.media.get(source)
        if not isinstance(known, list):
            raise bad_request("wrong file identifier/HTTP URL specified")
        sizes = known
        uploads = {"photo": call.world.file(sizes[-1]["file_id"]).data}
    content: dict[str, Any] = {"photo": [dict(size) for size in sizes], **caption}
    if call.params.get_bool("has_spoiler"):
        content["has_media_spoiler"] = True
    return await send_content(call, conversation, content, uploads=uploads)


@method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    """sendDocument: any file, kept byte for byte."""
    conversation = target_chat(call)
    source = await _input_file(call, "document")
    caption = caption_content(call)
    if isinstance(source, Upload):
        document = store_document(call.world, source.data, source.filename, source.content_type)
        data = source.data
    else:
        known = call.world.media.get(source)
        if isinstance(known, list):
            # a photo's file_id sent as a document: Telegram refuses the type change
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = call.world.file(source)
        document = known or {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        data = stored.data
    content = {"document": dict(document), **caption}
    return await send_content(call, conversation, content, uploads={"document": data})


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    """getFile: the download path of a file_id."""
    file_id = call.params.get_str("file_id", required=True) or ""
    return file_object(call.world.file(file_id))
