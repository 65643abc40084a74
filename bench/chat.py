"""Updates per second through the whole stack, against a bare echo bot on the same sandbox.

Four runs on one local Bot API sandbox, in one process: a bare python-telegram-bot echo bot
with PTB's default (httpx) transport and with ours (aiohttp), then colbot itself (guards,
learner load, SQLite write, translated reply) with each transport. Every person sends
``/start`` and the run ends when every reply has arrived.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bench.chat_driver import TOKEN
from bot.app import BuildOptions
from bot.migrate import migrate
from bot.runner import running_bot
from bot.settings import load_settings
from bot.transport import AiohttpRequest
from storage import create_database

PEOPLE = 20
ROUNDS = 15

Runner = Callable[["Driver"], AbstractAsyncContextManager[object]]


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")


def echo_bot(transport: str) -> Runner:
    """A bare PTB echo bot polling the sandbox."""

    @asynccontextmanager
    async def run(sandbox: Driver) -> AsyncIterator[object]:
        def request(read: float) -> Any:
            if transport == "httpx":
                return HTTPXRequest(connection_pool_size=16, read_timeout=read)
            return AiohttpRequest(connection_pool_size=16, read_timeout=read)

        application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(sandbox.base_url)
            .base_file_url(sandbox.base_file_url)
            .request(request(10.0))
            .get_updates_request(request(40.0))
            .build()
        )
        application.add_handler(MessageHandler(filters.TEXT, _echo))
        async with application:
            await application.updater.start_polling(poll_interval=0.0)
            await application.start()
            yield application
            await application.updater.stop()
            await application.stop()

    return run


async def _fresh_postgres(url: str) -> None:
    database = create_database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await database.dispose()


def colbot(transport: str, folder: Path, postgres_url: str | None = None) -> Runner:
    """colbot itself, on a fresh SQLite database (or an emptied PostgreSQL one)."""

    @asynccontextmanager
    async def run(sandbox: Driver) -> AsyncIterator[object]:
        url = postgres_url or f"sqlite+aiosqlite:///{folder / f'bench-{transport}.sqlite3'}"
        if postgres_url:
            await _fresh_postgres(postgres_url)
        database = create_database(url)
        await migrate(database)
        await database.dispose()
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_url=sandbox.base_url,
            telegram_file_url=sandbox.base_file_url,
            database_url=url,
            web_port=0,
            log_level="WARNING",
        )
        # Telegram's own rate limits are not what is measured here.
        options = BuildOptions(transport=transport, rate_limit=False)
        async with running_bot(settings, mode="polling", options=options) as application:
            yield application

    return run


class Driver:
    """The sandbox process: Telegram and the people, on the other core."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        if process.stdin is None or process.stdout is None:
            msg = "the sandbox process needs pipes"
            raise RuntimeError(msg)
        self.stdin: asyncio.StreamWriter = process.stdin
        self.stdout: asyncio.StreamReader = process.stdout
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"

    async def load(self, people: int, rounds: int) -> float:
        """Ask the people to talk; return the updates per second they saw answered."""
        self.stdin.write(f"GO {people} {rounds}\n".encode())
        await self.stdin.drain()
        line = (await self.stdout.readline()).decode().split()
        if not line or line[0] != "RESULT":
            msg = f"the sandbox process answered {line!r}"
            raise RuntimeError(msg)
        return float(line[1])


@asynccontextmanager
async def driver() -> AsyncIterator[Driver]:
    """Start the sandbox process and stop it afterwards."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.chat_driver",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout = process.stdout
    ready = (await stdout.readline()).decode().split() if stdout else []
    if not ready or ready[0] != "READY":
        process.kill()
        msg = "the sandbox process did not start"
        raise RuntimeError(msg)
    sandbox = Driver(process, int(ready[1]))
    try:
        yield sandbox
    finally:
        sandbox.stdin.write(b"QUIT\n")
        await sandbox.stdin.drain()
        await process.wait()


async def measure(runner: Runner, people: int = PEOPLE, rounds: int = ROUNDS) -> float:
    """Return updates per second with the bot in this process and the sandbox in another."""
    async with driver() as sandbox, runner(sandbox):
        return await sandbox.load(people, rounds)


async def run() -> dict[str, float]:
    """Measure the four configurations and the ratios between them.

    With COLBOT_BENCH_DATABASE_URL naming a scratch PostgreSQL database (it is emptied), colbot
    is also measured there, where different people's updates run concurrently.
    """
    postgres_url = os.environ.get("COLBOT_BENCH_DATABASE_URL")
    extra: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        echo_httpx = await measure(echo_bot("httpx"))
        echo_aiohttp = await measure(echo_bot("aiohttp"))
        colbot_httpx = await measure(colbot("httpx", folder))
        colbot_aiohttp = await measure(colbot("aiohttp", folder))
        if postgres_url:
            on_postgres = await measure(colbot("aiohttp", folder, postgres_url))
            extra = {
                "colbot_aiohttp_postgres_updates_per_s": round(on_postgres, 1),
                "colbot_postgres_vs_echo_httpx": round(on_postgres / echo_httpx, 2),
            }
    return extra | {
        "echo_httpx_updates_per_s": round(echo_httpx, 1),
        "echo_aiohttp_updates_per_s": round(echo_aiohttp, 1),
        "colbot_httpx_updates_per_s": round(colbot_httpx, 1),
        "colbot_aiohttp_updates_per_s": round(colbot_aiohttp, 1),
        "echo_aiohttp_vs_httpx": round(echo_aiohttp / echo_httpx, 2),
        "colbot_aiohttp_vs_httpx": round(colbot_aiohttp / colbot_httpx, 2),
        "colbot_aiohttp_vs_echo_httpx": round(colbot_aiohttp / echo_httpx, 2),
    }


if __name__ == "__main__":
    for key, value in asyncio.run(run()).items():
        print(f"{key:34} {value}")
