"""Message filters that depend on the learner of the current update."""

from __future__ import annotations

from telegram import Message
from telegram.ext import filters

from conversations.context import current_scope


class _InOnboarding(filters.MessageFilter):
    """Passes while the sender is still answering the onboarding questions."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        # The guard has loaded the learner into this task's scope before any handler runs.
        scope = current_scope.get()
        return bool(scope and scope.learner and scope.learner.onboarding_step)


IN_ONBOARDING = _InOnboarding(name="IN_ONBOARDING")
PRIVATE = filters.ChatType.PRIVATE
