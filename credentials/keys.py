"""Ed25519 issuer keys: generation, Multikey encoding, signing, and encryption at rest."""

import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc

# Multicodec varint prefixes: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"
KEY_SIZE = 32

_BLOB_VERSION_1 = 1
_SALT_SIZE = 16
_NONCE_SIZE = 12
_HKDF_INFO = b"colbot credentials: issuer private key v1"


class KeyFormatError(ValueError):
    """A key is not a well-formed Ed25519 Multikey value."""


class KeyDecryptionError(ValueError):
    """An encrypted private key could not be decrypted (wrong secret, or tampered blob)."""


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair as raw bytes: the 32-byte seed and the 32-byte public key."""

    private_key: bytes
    public_key: bytes

    @property
    def public_key_multibase(self) -> str:
        """The public key as a Multikey `z6Mk...` string."""
        return encode_public_key(self.public_key)

    def __repr__(self) -> str:
        # Keeps private key bytes out of logs and tracebacks.
        return f"KeyPair(public_key_multibase={self.public_key_multibase!r})"


def generate_key_pair() -> KeyPair:
    """Generate a new Ed25519 key pair."""
    return key_pair_from_private_key(os.urandom(KEY_SIZE))


def key_pair_from_private_key(private_key: bytes) -> KeyPair:
    """Rebuild a key pair from a 32-byte Ed25519 seed."""
    public = _private_key_object(private_key).public_key()
    return KeyPair(private_key, public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def encode_public_key(public_key: bytes) -> str:
    """Encode a raw Ed25519 public key as Multikey (multicodec 0xed01, base58btc)."""
    _check_size(public_key)
    return encode_base58btc(ED25519_PUB_PREFIX + public_key)


def decode_public_key(multibase: str) -> bytes:
    """Decode a Multikey `z6Mk...` string to a raw Ed25519 public key."""
    return _decode(multibase, ED25519_PUB_PREFIX)


def encode_private_key(private_key: bytes) -> str:
    """Encode a raw Ed25519 seed as Multikey (multicodec 0x8026, base58btc)."""
    _check_size(private_key)
    return encode_base58btc(ED25519_PRIV_PREFIX + private_key)


def decode_private_key(multibase: str) -> bytes:
    """Decode a Multikey `z3u2...` string to a raw Ed25519 seed."""
    return _decode(multibase, ED25519_PRIV_PREFIX)


def sign(private_key: bytes, message: bytes) -> bytes:
    """Sign a message with an Ed25519 seed; returns the 64-byte signature."""
    return _private_key_object(private_key).sign(message)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Return whether an Ed25519 signature over a message is valid for a public key."""
    try:
        _public_key_object(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def encrypt_private_key(private_key: bytes, secret: str | bytes, context: bytes = b"") -> bytes:
    """Encrypt a seed for storage: version byte, salt, nonce, AES-256-GCM ciphertext and tag.

    `context` (for example the issuer's DID) is bound to the blob as associated data, so a blob
    copied to another issuer's row does not decrypt.
    """
    _check_size(private_key)
    salt = os.urandom(_SALT_SIZE)
    nonce = os.urandom(_NONCE_SIZE)
    header = bytes([_BLOB_VERSION_1]) + salt
    ciphertext = AESGCM(_derive_key(secret, salt)).encrypt(nonce, private_key, header + context)
    return header + nonce + ciphertext


def decrypt_private_key(blob: bytes, secret: str | bytes, context: bytes = b"") -> bytes:
    """Decrypt a blob made by `encrypt_private_key` with the same secret and context."""
    if not blob or blob[0] != _BLOB_VERSION_1:
        raise KeyDecryptionError("unknown encrypted key format version")
    header = blob[: 1 + _SALT_SIZE]
    nonce = blob[1 + _SALT_SIZE : 1 + _SALT_SIZE + _NONCE_SIZE]
    ciphertext = blob[1 + _SALT_SIZE + _NONCE_SIZE :]
    if len(nonce) != _NONCE_SIZE or len(ciphertext) != KEY_SIZE + 16:
        raise KeyDecryptionError("encrypted key blob has the wrong length")
    try:
        plain = AESGCM(_derive_key(secret, header[1:])).decrypt(
            nonce, ciphertext, header + context
        )
    except InvalidTag:
        raise KeyDecryptionError("wrong secret, or the encrypted key was altered") from None
    return plain


def _derive_key(secret: str | bytes, salt: bytes) -> bytes:
    material = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not material:
        raise ValueError("the key encryption secret is empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO)
    return hkdf.derive(material)


def _check_size(key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise KeyFormatError(f"an Ed25519 key has {KEY_SIZE} bytes, not {len(key)}")


def _decode(multibase: str, prefix: bytes) -> bytes:
    try:
        raw = decode_base58btc(multibase)
    except MultibaseError as error:
        raise KeyFormatError(str(error)) from error
    if not raw.startswith(prefix) or len(raw) != len(prefix) + KEY_SIZE:
        raise KeyFormatError("not an Ed25519 Multikey value of the expected kind")
    return raw[len(prefix) :]


# Building key objects is cheap but not free; issuers sign many credentials with one key.
@lru_cache(maxsize=64)
def _private_key_object(private_key: bytes) -> Ed25519PrivateKey:
    _check_size(private_key)
    return Ed25519PrivateKey.from_private_bytes(private_key)


@lru_cache(maxsize=256)
def _public_key_object(public_key: bytes) -> Ed25519PublicKey:
    _check_size(public_key)
    return Ed25519PublicKey.from_public_bytes(public_key)
