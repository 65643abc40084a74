"""``colbot demo``: the whole service offline, with a terminal chat or a scripted tour.

The demo starts the local Bot API sandbox, the real bot (long polling over HTTP), the web
server and the sample partners' feed server, all on loopback, on a fresh SQLite database loaded
with the sample cities, partners and feeds (read through the real sync path).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.app import BotApplication, BuildOptions
from bot.feed_server import SampleFeedServer, load_sample_catalogue
from bot.migrate import migrate
from bot.runner import running_bot
from bot.sandbox.client import SandboxUser
from bot.sandbox.server import SandboxServer
from bot.sandbox.view import ChatMessage
from bot.settings import Settings
from catalogue.cities import read_cities_file, upsert_cities
from catalogue.sync import SyncReport
from storage import create_database, utcnow

DEMO_TOKEN = "100000001:DEMO-token-for-the-local-sandbox-only"  # noqa: S105 - sandbox only
DEMO_BOT = "city_learning_demo_bot"
PLACES = {
    "baixa": (38.7110, -9.1375),
    "alfama": (38.7114, -9.1300),
    "belem": (38.6970, -9.2060),
    "marvila": (38.7440, -9.1030),
    "funchal": (32.6500, -16.9080),
}


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DemoClock:
    """The demo's time: real time, plus however far the tour has moved it forward."""

    ahead: timedelta = timedelta(0)

    def now(self) -> datetime:
        """Return the demo's current time."""
        return utcnow() + self.ahead

    def move_to(self, moment: datetime) -> None:
        """Jump forward to ``moment`` (never back)."""
        self.ahead = max(self.ahead, moment - utcnow())


@dataclass
class Demo:
    """The running pieces of a demo."""

    sandbox: SandboxServer
    application: BotApplication
    settings: Settings
    user: SandboxUser
    feeds: SampleFeedServer | None = None
    clock: DemoClock = field(default_factory=DemoClock)


async def prepare_database(
    settings: Settings, feeds: SampleFeedServer | None = None
) -> list[SyncReport]:
    """Create a fresh demo database with the sample cities, and partners and feeds if served."""
    database = create_database(settings.db_url)
    try:
        await migrate(database)
        if feeds is not None:
            return await load_sample_catalogue(database, feeds)
        async with database.session() as session:
            await upsert_cities(session, read_cities_file())
        return []
    finally:
        await database.dispose()


@contextlib.asynccontextmanager
async def running_demo(settings: Settings, *, language: str = "en") -> AsyncIterator[Demo]:
    """Start sandbox, bot and web server; yield a person ready to chat."""
    data_dir = settings.data_dir / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = data_dir / "demo.sqlite3"
    for stale in data_dir.glob("demo.sqlite3*"):
        stale.unlink()
    port = free_port()
    async with (
        SandboxServer(host="127.0.0.1", port=0) as sandbox,
        SampleFeedServer(host="127.0.0.1") as feeds,
    ):
        sandbox.add_bot(DEMO_TOKEN, DEMO_BOT, "City of Learning (demo)")
        demo_settings = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(DEMO_TOKEN),
                # Badges are signed with keys encrypted by this; a demo makes a fresh one.
                "secret_key": settings.secret_key or SecretStr(secrets.token_urlsafe(32)),
                "telegram_api_url": sandbox.base_url,
                "telegram_file_url": sandbox.base_file_url,
                "database_url": f"sqlite+aiosqlite:///{db_file.resolve()}",
                "web_port": port,
                "web_host": "127.0.0.1",
                "public_base_url": f"http://127.0.0.1:{port}",
                # The demo database holds only the sample feeds, all on the local feed server,
                # so the scheduled sync may read loopback there.
                "feed_allow_networks": ["127.0.0.1/32"],
            }
        )
        await prepare_database(demo_settings, feeds)
        clock = DemoClock()
        options = BuildOptions(clock=clock.now)
        async with running_bot(demo_settings, mode="polling", options=options) as application:
            user = sandbox.user("Alex", language_code=language, username="alex_demo")
            yield Demo(sandbox, application, demo_settings, user, feeds, clock)


def render(message: ChatMessage) -> str:
    """Show a bot message as terminal text, with numbered buttons."""
    lines = []
    body = message.text or message.caption or ""
    if message.photo:
        lines.append("[photo]")
    if message.document:
        lines.append(f"[document: {message.document.get('file_name', 'file')}]")
    if message.location:
        lines.append(f"[location {message.location['latitude']}, {message.location['longitude']}]")
    if body:
        lines.append(body)
    number = 1
    for row in message.inline_keyboard:
        cells = []
        for button in row:
            cells.append(f"[{number}] {button['text']}")
            number += 1
        lines.append("   ".join(cells))
    keyboard = (message.reply_markup or {}).get("keyboard")
    if keyboard:
        labels = [button["text"] for row in keyboard for button in row]
        lines.append("⌨ " + "   ".join(f"[k{i}] {b}" for i, b in enumerate(labels, 1)))
    return "\n".join(f"🤖 {line}" if i == 0 else f"   {line}" for i, line in enumerate(lines))


HELP = """Type a message and press Enter. Also:
  1, 2, ...        press that inline button of the last message that has buttons
  /loc PLACE       share a location: baixa, alfama, belem, marvila, funchal, or "LAT LON"
  /keys            show the keyboard under the text field; k1, k2, ... press its buttons
  /photo PATH      send a photo from a file
  /quit            leave the demo"""


async def _print_replies(user: SandboxUser, out: list[ChatMessage]) -> None:
    while True:
        try:
            message = await user.wait_for_message(timeout=3600)
        except AssertionError:
            continue
        out.append(message)
        print(render(message), flush=True)


def _location(argument: str) -> tuple[float, float] | None:
    if argument.lower() in PLACES:
        return PLACES[argument.lower()]
    parts = argument.replace(",", " ").split()
    try:
        return float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None


async def _press_inline(user: SandboxUser, line: str) -> None:
    with_buttons = [m for m in user.messages_from_bot() if m.inline_keyboard]
    if not with_buttons:
        print("(no buttons to press)")
        return
    message = with_buttons[-1]
    count = sum(len(row) for row in message.inline_keyboard)
    number = int(line)
    if not 1 <= number <= count:
        print(f"(no button {number}: the last message with buttons has {count})")
        return
    try:
        answer = await user.press(message, number - 1)
    except AssertionError as exc:
        print(f"(cannot press: {exc})")
        return
    if answer:
        print(f"   💬 {answer}")


async def _press_reply(user: SandboxUser, line: str) -> None:
    labels = [label for row in user.reply_keyboard() or [] for label in row]
    if line == "/keys":
        print("   " + "   ".join(f"[k{i}] {b}" for i, b in enumerate(labels, 1)) or "(none)")
        return
    index = int(line[1:]) - 1
    if 0 <= index < len(labels):
        await user.press_reply_button(labels[index], location=PLACES["baixa"])


async def _share_location(user: SandboxUser, argument: str) -> None:
    point = _location(argument or "baixa")
    if point is None:
        print("(say /loc baixa, or /loc 38.71 -9.14)")
        return
    await user.share_location(*point)


def _read_photo(argument: str) -> bytes | None:
    path = Path(argument).expanduser()
    return path.read_bytes() if path.is_file() else None


async def _act(user: SandboxUser, line: str) -> bool:
    """Carry out one line typed by the person; False to leave."""
    if line in ("/quit", "/exit"):
        return False
    if line.isdigit():
        await _press_inline(user, line)
    elif line == "/keys" or (line.startswith("k") and line[1:].isdigit()):
        await _press_reply(user, line)
    elif line.startswith("/loc"):
        await _share_location(user, line[4:].strip())
    elif line.startswith("/photo "):
        photo = await asyncio.to_thread(_read_photo, line[7:].strip())
        if photo is None:
            print("(no such file)")
        else:
            await user.send_photo(photo)
    else:
        await user.send(line)
    return True


async def terminal_chat(demo: Demo) -> None:
    """Let a person chat with the bot from the terminal until /quit or end of input."""
    print(f"City of Learning demo — web pages at {demo.settings.public_base_url}")
    print(HELP)
    seen: list[ChatMessage] = []
    printer = asyncio.create_task(_print_replies(demo.user, seen))
    loop = asyncio.get_running_loop()
    try:
        await demo.user.start()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            if line.strip() and not await _act(demo.user, line.strip()):
                break
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer


async def run_demo(settings: Settings, *, tour: bool, out: Path | None) -> int:
    """Run the interactive demo, or the scripted tour when ``tour`` is set."""
    async with running_demo(settings) as demo:
        if tour:
            from bot.tour import run_tour

            return await run_tour(demo, out)
        await terminal_chat(demo)
    return 0
