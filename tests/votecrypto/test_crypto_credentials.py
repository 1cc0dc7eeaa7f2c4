"""Credentials: the format members type, the key derived from it, BIP-340 signatures."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votecrypto.credentials import (
    ALPHABET,
    credential_secret,
    new_credential,
    normalise,
    public_credential,
    sign,
    verify_signature,
)
from votecrypto.encoding import hash_scalar

ELECTION = "0b9f3c52-6a1e-4d7b-8c2f-5e4a3b2c1d0e"
FAST = settings(max_examples=30, deadline=None)


def test_new_credentials_are_four_groups_of_five_base58_characters() -> None:
    made = {new_credential() for _ in range(100)}
    assert len(made) == 100
    pattern = re.compile(f"^[{ALPHABET}]{{5}}(-[{ALPHABET}]{{5}}){{3}}$")
    assert all(pattern.match(c) for c in made)
    assert not set("0OIl") & set(ALPHABET)


def test_normalise_ignores_dashes_and_spaces_and_refuses_the_rest() -> None:
    assert normalise("3mKq7-Zp2Wx-9Hc4T-bN8vR") == "3mKq7Zp2Wx9Hc4TbN8vR"
    assert normalise(" 3mKq7 Zp2Wx-9Hc4T bN8vR ") == "3mKq7Zp2Wx9Hc4TbN8vR"
    for bad in [
        "3mKq7-Zp2Wx-9Hc4T-bN8v",
        "3mKq7-Zp2Wx-9Hc4T-bN8vRR",
        "0mKq7-Zp2Wx-9Hc4T-bN8vR",
        "lmKq7Zp2Wx9Hc4TbN8vR",
        None,
    ]:
        with pytest.raises(ValueError):
            normalise(bad)  # type: ignore[arg-type]


def test_the_secret_follows_the_protocol_and_depends_on_the_election() -> None:
    credential = "3mKq7-Zp2Wx-9Hc4T-bN8vR"
    secret = credential_secret(ELECTION, credential)
    assert secret == hash_scalar("amanat/v1/credential", ELECTION, "3mKq7Zp2Wx9Hc4TbN8vR")
    assert credential_secret(ELECTION, "3mKq7 Zp2Wx 9Hc4T bN8vR") == secret
    assert credential_secret("another-election", credential) != secret
    assert re.fullmatch("[0-9a-f]{64}", public_credential(secret))


def test_bip340_reference_vector() -> None:
    """BIP-340 test vector 0, so that any BIP-340 implementation (the booth's) agrees."""
    public = public_credential(3)
    assert public == "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
    signature = sign(3, bytes(32), bytes(32))
    assert signature == (
        "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
        "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0"
    )
    assert verify_signature(public, bytes(32), signature)


@FAST
@given(st.binary(min_size=32, max_size=32))
def test_signatures_verify_and_forgeries_fail(message: bytes) -> None:
    secret = credential_secret(ELECTION, new_credential())
    public = public_credential(secret)
    signature = sign(secret, message)
    assert verify_signature(public, message, signature)
    other = public_credential(credential_secret(ELECTION, new_credential()))
    assert not verify_signature(other, message, signature)
    assert not verify_signature(public, bytes(b ^ 1 for b in message), signature)
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not verify_signature(public, message, flipped)


@pytest.mark.parametrize(
    ("public", "message", "signature"),
    [
        ("zz" * 32, bytes(32), "00" * 64),
        ("F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", bytes(32), "00" * 64),
        ("00" * 32, bytes(32), "00" * 64),  # x = 0 is not on the curve
        ("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", bytes(31), "00" * 64),
        ("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", bytes(32), "00" * 63),
        (None, bytes(32), "00" * 64),
        ("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", "text", "00" * 64),
    ],
)
def test_malformed_signature_input_is_false_not_an_error(public: object, message: object, signature: str) -> None:
    assert verify_signature(public, message, signature) is False  # type: ignore[arg-type]


def test_sign_refuses_wrong_sizes() -> None:
    with pytest.raises(ValueError):
        sign(3, bytes(31))
    with pytest.raises(ValueError):
        sign(3, bytes(32), bytes(31))
