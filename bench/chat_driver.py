"""The other side of ``bench chat``: a sandbox and its people, in a process of their own.

Keeping the simulated Telegram out of the bot's process means the figures measure the bot, not
the sandbox competing with it for the same interpreter. Protocol on stdin/stdout, one line each:
the driver prints ``READY <port>``; ``GO <people> <rounds>`` makes every person send ``/start``
and wait for the reply, ``rounds`` times, and prints ``RESULT <updates per second>``; ``QUIT``
(or end of input) stops it.
"""

from __future__ import annotations

import asyncio
import sys
import time

from bot.sandbox.client import SandboxUser
from bot.sandbox.server import SandboxServer

TOKEN = "123456789:BENCH-token-for-the-local-sandbox"  # noqa: S105 - sandbox only


async def _talk(user: SandboxUser, rounds: int) -> None:
    for _ in range(rounds):
        await user.send("/start")
        await user.wait_for_message(timeout=60)


async def _load(sandbox: SandboxServer, people: int, rounds: int) -> float:
    users = [sandbox.user(f"P{i}", language_code="en") for i in range(people)]
    await asyncio.gather(*(_talk(user, 1) for user in users))  # warm up
    started = time.perf_counter()
    await asyncio.gather(*(_talk(user, rounds) for user in users))
    return people * rounds / (time.perf_counter() - started)


async def main() -> None:
    """Serve the sandbox until told to quit."""
    loop = asyncio.get_running_loop()
    async with SandboxServer(host="127.0.0.1", port=0) as sandbox:
        sandbox.add_bot(TOKEN, "bench_bot", "Bench")
        print(f"READY {sandbox.url.rsplit(':', 1)[1]}", flush=True)
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line or line[0] == "QUIT":
                return
            if line[0] == "GO":
                rate = await _load(sandbox, int(line[1]), int(line[2]))
                print(f"RESULT {rate:.2f}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
