"""Ed25519 keys: Multikey encoding and encryption at rest."""

import pytest

from credentials import keys


def test_multikey_round_trip() -> None:
    pair = keys.generate_key_pair()
    public = pair.public_key_multibase
    assert public.startswith("z6Mk")
    assert keys.decode_public_key(public) == pair.public_key
    private = keys.encode_private_key(pair.private_key)
    assert private.startswith("z3u2")
    assert keys.decode_private_key(private) == pair.private_key
    assert keys.key_pair_from_private_key(pair.private_key) == pair


def test_decode_refuses_the_wrong_kind_of_key() -> None:
    pair = keys.generate_key_pair()
    with pytest.raises(keys.KeyFormatError):
        keys.decode_public_key(keys.encode_private_key(pair.private_key))
    with pytest.raises(keys.KeyFormatError):
        keys.decode_public_key("z0OIl")
    with pytest.raises(keys.KeyFormatError):
        keys.decode_public_key("u6Mk")


def test_sign_and_verify() -> None:
    pair = keys.generate_key_pair()
    signature = keys.sign(pair.private_key, b"hello")
    assert keys.verify_signature(pair.public_key, signature, b"hello")
    assert not keys.verify_signature(pair.public_key, signature, b"hellO")
    assert not keys.verify_signature(keys.generate_key_pair().public_key, signature, b"hello")


def test_repr_hides_the_private_key() -> None:
    pair = keys.generate_key_pair()
    assert pair.private_key.hex() not in repr(pair)


def test_encryption_round_trip_and_wrong_secret() -> None:
    pair = keys.generate_key_pair()
    blob = keys.encrypt_private_key(pair.private_key, "settings-secret", b"did:web:a")
    assert blob[0] == 1
    assert pair.private_key not in blob
    assert keys.decrypt_private_key(blob, "settings-secret", b"did:web:a") == pair.private_key
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key(blob, "another-secret", b"did:web:a")
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key(blob, "settings-secret", b"did:web:b")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key(tampered, "settings-secret", b"did:web:a")
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key(b"\x02" + blob[1:], "settings-secret", b"did:web:a")


def test_each_encryption_is_salted() -> None:
    pair = keys.generate_key_pair()
    first = keys.encrypt_private_key(pair.private_key, b"s")
    assert first != keys.encrypt_private_key(pair.private_key, b"s")
