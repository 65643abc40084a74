"""Feed sync: read each partner's feed and keep the catalogue in step with it."""

from catalogue.sync.engine import (
    PARSE_TIMEOUT,
    SUDDENLY_EMPTY,
    SyncReport,
    UnknownFeedError,
    import_feed,
    sync_feed,
)
from catalogue.sync.leader import sync_round

__all__ = [
    "PARSE_TIMEOUT",
    "SUDDENLY_EMPTY",
    "SyncReport",
    "UnknownFeedError",
    "import_feed",
    "sync_feed",
    "sync_round",
]
