"""JSON-LD processing over vendored contexts: strict expansion and RDFC-1.0 canonicalisation."""

import copy
import json
import threading
import uuid
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

CONTEXTS_PACKAGE = "credentials.contexts"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

# Bounds the memo of processed contexts; documents with inline contexts add entries.
_PROCESSED_CONTEXT_MEMO_SIZE = 512


class JsonLdProcessingError(ValueError):
    """A document is not valid JSON-LD for our purposes."""


class UnknownContextError(JsonLdProcessingError):
    """A document refers to a context URL that is not vendored; nothing is ever fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown JSON-LD context {url!r}: only vendored contexts are loaded")
        self.url = url


class UndefinedTermError(JsonLdProcessingError):
    """A document uses a term (property or type) that its active contexts do not define."""

    def __init__(self, term: str) -> None:
        super().__init__(f"the term {term!r} is not defined by the document's contexts")
        self.term = term


class RelativeIriError(JsonLdProcessingError):
    """A document uses a relative IRI as an identifier, which RDF conversion would drop."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"the identifier {iri!r} is not an absolute IRI")
        self.iri = iri


@cache
def _context_index() -> dict[str, str]:
    text = resources.files(CONTEXTS_PACKAGE).joinpath("index.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def _load_context(url: str) -> dict[str, Any]:
    filename = _context_index()[url]
    text = resources.files(CONTEXTS_PACKAGE).joinpath(filename).read_text("utf-8")
    return dict(json.loads(text))


def known_context_urls() -> frozenset[str]:
    """Return the context URLs this package can load."""
    return frozenset(_context_index())


def load_context(url: str) -> dict[str, Any]:
    """Return a copy of the vendored context document for a URL."""
    if url not in _context_index():
        raise UnknownContextError(url)
    return copy.deepcopy(_load_context(url))


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves vendored contexts and never fetches."""
    del options  # the loader's answer does not depend on request options
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
        # 'static' lets pyld keep the processed context in its shared cache.
        "tag": "static",
    }


class _StrictProcessor(jsonld.JsonLdProcessor):
    """A pyld processor that rejects undefined terms and memoises context processing."""

    _memo: dict[tuple[str, str, str, bool, bool, bool], dict[str, Any]] = {}  # noqa: RUF012
    _memo_lock = threading.Lock()

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._property_dropped)

    @staticmethod
    def _property_dropped(term: str | None) -> None:
        raise UndefinedTermError(term or "")

    def _process_context(  # type: ignore[override]
        self,
        active_ctx: dict[str, Any],
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> dict[str, Any]:
        # pyld re-processes every type-scoped context on every node (a fresh clone gets a fresh
        # id, so its own cache misses); processing is a pure function of these inputs, and
        # active contexts are never mutated once built, so the result can be shared.
        if "_uuid" not in active_ctx:
            active_ctx["_uuid"] = str(uuid.uuid4())
        key = (
            active_ctx["_uuid"],
            json.dumps(local_ctx, sort_keys=True, separators=(",", ":")),
            str(options.get("base", "")),
            override_protected,
            propagate,
            validate_scoped,
        )
        processed = self._memo.get(key)
        if processed is None:
            processed = super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
            with self._memo_lock:
                if len(self._memo) >= _PROCESSED_CONTEXT_MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = processed
        return processed

    def expand(self, input_: Any, options: dict[str, Any]) -> list[Any]:
        """Expand, then reject relative IRIs that RDF conversion would silently drop."""
        expanded: list[Any] = super().expand(input_, options)
        _reject_relative_iris(expanded)
        return expanded


def _is_absolute_or_blank(value: str) -> bool:
    if value.startswith("_:"):
        return True
    scheme, colon, _ = value.partition(":")
    return bool(colon) and scheme.isascii() and scheme[:1].isalpha()


def _reject_relative_iris(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _reject_relative_iris(item)
        return
    if not isinstance(node, dict):
        return
    is_value = "@value" in node
    for key, value in node.items():
        if key == "@type":
            for type_iri in value if isinstance(value, list) else [value]:
                if type_iri != "@json" and not _is_absolute_or_blank(str(type_iri)):
                    raise UndefinedTermError(type_iri)
        elif key == "@id":
            if isinstance(value, str) and not _is_absolute_or_blank(value):
                raise RelativeIriError(value)
        elif not is_value and key not in ("@value", "@language", "@direction", "@index"):
            _reject_relative_iris(value)


def _options(**extra: Any) -> dict[str, Any]:
    # With an empty base pyld resolves relative IRIs against a made-up default base; None
    # keeps them relative so that the strict check above can see and reject them.
    return {"documentLoader": document_loader, "base": None, **extra}


def _unwrap(error: jsonld.JsonLdError) -> Exception:
    """Find the meaningful cause inside pyld's nested error wrappers."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, JsonLdProcessingError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return JsonLdProcessingError(str(error))


def expand(document: Mapping[str, Any]) -> list[Any]:
    """Expand a JSON-LD document, rejecting undefined terms and unknown contexts."""
    try:
        return _StrictProcessor().expand(dict(document), _options())
    except jsonld.JsonLdError as error:
        raise _unwrap(error) from error


def canonicalize(document: Mapping[str, Any]) -> str:
    """Return the RDFC-1.0 (URDNA2015) canonical N-Quads of a strict JSON-LD document."""
    options = _options(algorithm="URDNA2015", format="application/n-quads")
    try:
        result: str = _StrictProcessor().normalize(dict(document), options)
    except jsonld.JsonLdError as error:
        raise _unwrap(error) from error
    return result
