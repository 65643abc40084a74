"""Fixtures for the credentials tests."""

import pytest
from credential_factories import BASE_URL, Issuer

from credentials import did, keys


@pytest.fixture
def issuer() -> Issuer:
    return Issuer(did=did.issuer_did(BASE_URL, "museu"), key=keys.generate_key_pair())
