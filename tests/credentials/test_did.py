"""did:web identifiers and DID documents."""

import pytest

from credentials import did, keys


def test_issuer_did_and_document_url() -> None:
    identifier = did.issuer_did("https://example.org", "museu")
    assert identifier == "did:web:example.org:issuers:museu"
    assert did.did_document_url(identifier) == "https://example.org/issuers/museu/did.json"


def test_port_and_path_prefix_are_encoded() -> None:
    identifier = did.issuer_did("https://example.org:8443/colbot/", "biblioteca")
    assert identifier == "did:web:example.org%3A8443:colbot:issuers:biblioteca"
    assert (
        did.did_document_url(identifier)
        == "https://example.org:8443/colbot/issuers/biblioteca/did.json"
    )


@pytest.mark.parametrize("slug", ["Museu", "a b", "", "-x", "x/y"])
def test_bad_slugs_are_refused(slug: str) -> None:
    with pytest.raises(did.DidError):
        did.issuer_did("https://example.org", slug)


def test_document_lists_current_and_rotated_keys() -> None:
    identifier = did.issuer_did("https://example.org", "museu")
    current, old = keys.generate_key_pair(), keys.generate_key_pair()
    document = did.did_document(
        identifier, [current.public_key_multibase, old.public_key_multibase]
    )
    assert document["id"] == identifier
    assert len(document["verificationMethod"]) == 2
    for pair in (current, old):
        method_id = did.verification_method_id(identifier, pair.public_key_multibase)
        assert method_id in document["assertionMethod"]
        assert did.assertion_key(document, method_id) == pair.public_key_multibase
    stranger = did.verification_method_id(
        identifier, keys.generate_key_pair().public_key_multibase
    )
    with pytest.raises(did.DidError):
        did.assertion_key(document, stranger)
