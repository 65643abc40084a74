"""did:web identifiers and DID documents for issuers.

Spec: https://w3c-ccg.github.io/did-method-web/ and https://www.w3.org/TR/cid-1.0/#multikey
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
ISSUERS_PATH = "issuers"
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_DID_WEB = re.compile(r"^did:web:[A-Za-z0-9.%-]+(?::[A-Za-z0-9._~%-]+)*$")


class DidError(ValueError):
    """A DID or a DID document is malformed or not usable for the request."""


def issuer_did(public_base_url: str, slug: str) -> str:
    """Return the did:web of an issuer, e.g. `did:web:example.org:issuers:museu`."""
    if not _SLUG.match(slug):
        raise DidError(f"issuer slug {slug!r} must be lowercase letters, digits and hyphens")
    parts = urlsplit(public_base_url)
    if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
        raise DidError("did:web needs an https public base URL")
    if not parts.hostname or parts.query or parts.fragment:
        raise DidError(f"unusable public base URL {public_base_url!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did", "web", host, *path, ISSUERS_PATH, slug])


def did_document_url(did: str) -> str:
    """Return the HTTPS URL where a did:web document is served (path form: `.../did.json`)."""
    if not _DID_WEB.match(did):
        raise DidError(f"not a did:web identifier: {did!r}")
    host, *path = did.removeprefix("did:web:").split(":")
    host = unquote(host)
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{'/'.join(unquote(segment) for segment in path)}/did.json"


def verification_method_id(did: str, public_key_multibase: str) -> str:
    """Return the id of an issuer key: the DID with the key's multibase as fragment."""
    return f"{did}#{public_key_multibase}"


def did_document(did: str, public_keys_multibase: Iterable[str]) -> dict[str, Any]:
    """Build a DID document listing every key (current and rotated) as an assertionMethod."""
    keys = list(dict.fromkeys(public_keys_multibase))
    if not keys:
        raise DidError("a DID document needs at least one key")
    methods = [
        {
            "id": verification_method_id(did, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key,
        }
        for key in keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def assertion_key(document: Mapping[str, Any], method_id: str) -> str:
    """Return the publicKeyMultibase of a Multikey that the DID document authorises to assert."""
    did = method_id.split("#", 1)[0]
    if document.get("id") != did:
        raise DidError("the DID document is not the one of the key's controller")
    methods = {
        _absolute(did, m.get("id")): m for m in _objects(document.get("verificationMethod"))
    }
    listed = {
        _absolute(did, entry if isinstance(entry, str) else entry.get("id"))
        for entry in document.get("assertionMethod", [])
        if isinstance(entry, str | dict)
    }
    for entry in _objects(document.get("assertionMethod")):
        methods.setdefault(_absolute(did, entry.get("id")), entry)
    if method_id not in listed:
        raise DidError("the key is not listed as an assertionMethod of its DID")
    method = methods.get(method_id)
    if method is None:
        raise DidError("the key is not in the DID document")
    if method.get("type") != "Multikey" or method.get("controller") != did:
        raise DidError("the key is not a Multikey controlled by the DID")
    key = method.get("publicKeyMultibase")
    if not isinstance(key, str):
        raise DidError("the key has no publicKeyMultibase")
    return key


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _absolute(did: str, method_id: Any) -> str:
    # DID documents may list methods by relative fragment ('#key-1').
    text = str(method_id)
    return did + text if text.startswith("#") else text
