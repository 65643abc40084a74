"""HTTP control endpoints under /sandbox/ so that an out-of-process tool can act as people."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.sandbox.client import SandboxGroup, SandboxUser
    from bot.sandbox.server import SandboxServer


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "description": message}, status=status)


def control_routes(server: SandboxServer) -> list[web.RouteDef]:
    """Routes for people and chats: create, send, share, press, read."""

    async def body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        try:
            data = await request.json()
        except json.JSONDecodeError:
            raise web.HTTPBadRequest(text="body must be a JSON object") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        return data

    def person(request: web.Request) -> SandboxUser:
        try:
            return server.users[int(request.match_info["user_id"])]
        except (KeyError, ValueError):
            raise web.HTTPNotFound(text="no such user") from None

    def chat(data: dict[str, Any]) -> SandboxGroup | None:
        chat_id = data.get("chat_id")
        if chat_id is None or int(chat_id) > 0:
            return None
        if int(chat_id) not in server.groups:
            raise web.HTTPNotFound(text="no such group")
        return server.groups[int(chat_id)]

    async def state(request: web.Request) -> web.Response:
        del request
        world = server.world
        return web.json_response(
            {
                "bots": [b.to_user() for b in world.bots.values()],
                "users": [p.to_user() for p in world.people.values()],
                "groups": [g.to_chat() for g in world.groups.values()],
            }
        )

    async def create_user(request: web.Request) -> web.Response:
        data = await body(request)
        if not data.get("first_name"):
            return _error(400, "first_name is required")
        user = server.user(
            str(data["first_name"]),
            username=data.get("username"),
            language_code=data.get("language_code", "en"),
        )
        return web.json_response({"ok": True, "user": user.person.to_user()})

    async def create_group(request: web.Request) -> web.Response:
        data = await body(request)
        group = server.group(str(data.get("title") or "Group"), kind=data.get("kind", "group"))
        return web.json_response({"ok": True, "chat": group.group.to_chat()})

    async def send(request: web.Request) -> web.Response:
        data = await body(request)
        message = await person(request).send(str(data.get("text", "")), chat=chat(data))
        return web.json_response({"ok": True, "message": message.raw})

    async def location(request: web.Request) -> web.Response:
        data = await body(request)
        message = await person(request).share_location(
            float(data["latitude"]), float(data["longitude"]), chat=chat(data)
        )
        return web.json_response({"ok": True, "message": message.raw})

    async def press(request: web.Request) -> web.Response:
        data = await body(request)
        user = person(request)
        group = chat(data)
        conversation = user.conversation(group)
        stored = conversation.messages.get(int(data.get("message_id", 0)))
        if stored is None:
            return _error(404, "no such message")
        from bot.sandbox.view import ChatMessage

        try:
            answer = await user.press(ChatMessage(server.world, stored), data.get("button"))
        except AssertionError as exc:
            return _error(400, str(exc))
        return web.json_response({"ok": True, "answer": answer})

    async def messages(request: web.Request) -> web.Response:
        user = person(request)
        group = chat(dict(request.query))
        return web.json_response(
            {
                "ok": True,
                "messages": [
                    {
                        "raw": m.raw,
                        "from_bot": m.from_bot,
                        "deleted": m.deleted,
                        "markup": m.reply_markup,
                    }
                    for m in user.history(group)
                ],
            }
        )

    return [
        web.get("/sandbox/state", state),
        web.post("/sandbox/users", create_user),
        web.post("/sandbox/groups", create_group),
        web.post("/sandbox/users/{user_id}/send", send),
        web.post("/sandbox/users/{user_id}/location", location),
        web.post("/sandbox/users/{user_id}/press", press),
        web.get("/sandbox/users/{user_id}/messages", messages),
    ]
