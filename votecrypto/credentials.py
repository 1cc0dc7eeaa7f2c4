"""Voter credentials (protocol §3): a secret string per member, a BIP-340 key derived from it.

The credential authority's offline tool makes the credentials, hands each member theirs and
publishes only the public credentials; the member's device derives the key and signs the ballot.
"""

from __future__ import annotations

import secrets

from coincurve import PrivateKey, PublicKeyXOnly

from votecrypto.encoding import hash_scalar
from votecrypto.group import scalar_bytes

__all__ = [
    "ALPHABET",
    "credential_secret",
    "new_credential",
    "normalise",
    "public_credential",
    "sign",
    "verify_signature",
]

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
LENGTH, GROUP = 20, 5
CREDENTIAL = "amanat/v1/credential"
_ALPHABET = frozenset(ALPHABET)
_HEX = frozenset("0123456789abcdef")


def new_credential() -> str:
    """20 random base58 characters as four groups of five joined by dashes."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(text: str) -> str:
    """The credential without dashes and spaces; ValueError unless 20 base58 characters remain."""
    if not isinstance(text, str):
        raise ValueError("a credential is text")
    raw = text.replace("-", "").replace(" ", "")
    if len(raw) != LENGTH or not _ALPHABET.issuperset(raw):
        raise ValueError("a credential is 20 characters of the base58 alphabet")
    return raw


def credential_secret(election: str, credential: str) -> int:
    """x = Hs("amanat/v1/credential", election, credential); ValueError in the (negligible) case x = 0."""
    x = hash_scalar(CREDENTIAL, election, normalise(credential))
    if x == 0:
        raise ValueError("this credential gives a zero key; draw another")
    return x


def public_credential(secret: int) -> str:
    """The BIP-340 x-only public key of the secret, hex 64."""
    return PublicKeyXOnly.from_secret(scalar_bytes(secret)).format().hex()


def sign(secret: int, message32: bytes, aux: bytes | None = None) -> str:
    """BIP-340 Schnorr signature (hex 128); aux is 32 bytes of auxiliary randomness, fresh if None."""
    if aux is None:
        aux = secrets.token_bytes(32)
    if len(aux) != 32 or len(message32) != 32:
        raise ValueError("the message and the auxiliary randomness are 32 bytes")
    return PrivateKey(scalar_bytes(secret)).sign_schnorr(message32, aux).hex()


def verify_signature(public_hex: str, message32: bytes, sig_hex: str) -> bool:
    """True for a valid BIP-340 signature; False for anything malformed or wrong."""
    if not (isinstance(public_hex, str) and len(public_hex) == 64 and _HEX.issuperset(public_hex)):
        return False
    if not (isinstance(sig_hex, str) and len(sig_hex) == 128 and _HEX.issuperset(sig_hex)):
        return False
    if not isinstance(message32, bytes) or len(message32) != 32:
        return False
    try:
        return PublicKeyXOnly(bytes.fromhex(public_hex)).verify(bytes.fromhex(sig_hex), message32)
    except ValueError:
        return False
