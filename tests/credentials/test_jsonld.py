"""Strict JSON-LD processing: vendored contexts only, undefined terms rejected, same N-Quads."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from credential_factories import make_credential
from pyld import jsonld as pyld_jsonld

from credentials import jsonld, status_list
from credentials.jsonld import RelativeIriError, UndefinedTermError, UnknownContextError

VECTOR = json.loads(
    (Path(__file__).parent / "fixtures" / "ob3-eddsa-test-vector" / "vector.json").read_text()
)


def _plain_pyld_nquads(document: dict[str, Any]) -> str:
    """Canonicalise with stock pyld and no caching tricks, as the reference."""

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": jsonld.load_context(url)}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    return str(pyld_jsonld.normalize(copy.deepcopy(document), options))


def _documents() -> list[dict[str, Any]]:
    did = "did:web:example.org:issuers:museu"
    unicode_name = 'Noite no Museu — «Ção» \\ "quoted" \u00e9\u4e2d'
    list_document = status_list.status_list_credential(
        "https://example.org/status/1",
        did,
        status_list.StatusList(),
        make_credential(did).valid_from,
    )
    return [
        VECTOR["credential"],
        make_credential(did).to_jsonld(),
        make_credential(did, with_name=True, name=unicode_name).to_jsonld(),
        list_document,
    ]


@pytest.mark.parametrize("document", _documents())
def test_fast_path_gives_identical_nquads_to_stock_pyld(document: dict[str, Any]) -> None:
    # Run twice so the second pass goes through every memoised context.
    assert jsonld.canonicalize(document) == _plain_pyld_nquads(document)
    assert jsonld.canonicalize(document) == _plain_pyld_nquads(document)


def test_unknown_context_is_refused_without_fetching() -> None:
    document = {**VECTOR["credential"], "@context": ["https://evil.example/context.json"]}
    with pytest.raises(UnknownContextError, match=r"evil\.example"):
        jsonld.canonicalize(document)
    with pytest.raises(UnknownContextError):
        jsonld.document_loader("https://www.w3.org/ns/did/v1")


@pytest.mark.parametrize(
    ("path", "term"),
    [
        ((), "favouriteColour"),
        (("issuer",), "favouriteColour"),
        (("credentialSubject", "achievement"), "favouriteColour"),
        (("credentialSubject", "achievement", "criteria"), "favouriteColour"),
    ],
)
def test_undefined_property_is_named(path: tuple[str, ...], term: str) -> None:
    document = copy.deepcopy(VECTOR["credential"])
    node = document
    for key in path:
        node = node[key]
    node[term] = "blue"
    with pytest.raises(UndefinedTermError) as caught:
        jsonld.canonicalize(document)
    assert caught.value.term == term


def test_undefined_type_is_named() -> None:
    document = copy.deepcopy(VECTOR["credential"])
    document["credentialSubject"]["type"].append("SuperSubject")
    with pytest.raises(UndefinedTermError, match="SuperSubject"):
        jsonld.canonicalize(document)


def test_relative_identifier_is_refused() -> None:
    document = copy.deepcopy(VECTOR["credential"])
    document["issuer"]["id"] = "issuers/565049"
    with pytest.raises(RelativeIriError):
        jsonld.expand(document)


def test_vendored_contexts_are_indexed() -> None:
    assert jsonld.VC_V2_CONTEXT in jsonld.known_context_urls()
    assert jsonld.OB_V3_CONTEXT in jsonld.known_context_urls()
    assert jsonld.OB_EXTENSIONS_CONTEXT in jsonld.known_context_urls()
