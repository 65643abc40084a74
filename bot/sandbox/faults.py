"""Fault injection: make chosen Bot API calls fail or answer slowly."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.errors import ApiError, bad_request, forbidden, too_many_requests


@dataclass
class Fault:
    """One injected fault; ``times`` left to fire (None means for ever), ``hits`` fired so far."""

    method: str | None
    chat_id: int | str | None
    error: int | None
    retry_after: int
    delay: float | None
    description: str | None
    times: int | None
    hits: int = 0

    def matches(self, method: str, chat_id: str | None) -> bool:
        """Whether this fault applies to a call of ``method`` for ``chat_id``."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == (chat_id or "")

    def to_error(self) -> ApiError | None:
        """The error answer this fault gives, if it gives one."""
        if self.error is None:
            return None
        if self.error == 429:
            return too_many_requests(self.retry_after)
        if self.error == 403:
            return forbidden(self.description or "bot was blocked by the user")
        if self.error == 400:
            return bad_request(self.description or "injected error")
        if self.error == 409:
            return ApiError(409, f"Conflict: {self.description or 'injected conflict'}")
        return ApiError(self.error, self.description or "Internal Server Error")


class FaultInjector:
    """The faults a test arranged; the server asks it before answering each call."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def inject(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        error: int | None = None,
        retry_after: int = 1,
        delay: float | None = None,
        description: str | None = None,
        times: int | None = 1,
    ) -> Fault:
        """Make the next ``times`` matching calls wait ``delay`` and/or fail with ``error``."""
        if error is None and delay is None:
            raise ValueError("a fault needs an error, a delay, or both")
        fault = Fault(method, chat_id, error, retry_after, delay, description, times)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self.faults.clear()

    def take(self, method: str, chat_id: str | None) -> list[Fault]:
        """The faults that fire for this call, counted as fired."""
        fired = [fault for fault in self.faults if fault.matches(method, chat_id)]
        for fault in fired:
            fault.hits += 1
        return fired
