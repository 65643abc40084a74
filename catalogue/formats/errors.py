"""Errors raised while reading a feed; each message is one plain-English line."""

from __future__ import annotations


class FeedError(Exception):
    """Base class for everything that can go wrong while fetching or reading a feed."""


class FeedFormatError(FeedError):
    """The body could not be read as the expected feed format."""


class FeedTooLargeError(FeedFormatError):
    """The body is larger than the parser accepts."""


class MalformedXMLError(FeedFormatError):
    """The XML is not well-formed; a lenient reader may still recover some items."""


class UnsafeFeedError(FeedFormatError):
    """The body tries something dangerous (entity expansion, external entities, a path)."""
