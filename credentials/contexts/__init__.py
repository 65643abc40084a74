"""Vendored JSON-LD context documents, keyed by URL in index.json; nothing is fetched."""
