"""ElGamal and the proofs: what is encrypted decrypts, valid proofs verify, forged ones fail."""

# ruff: noqa: N806 - the protocol's names (Y, Y_j, A, D) are kept

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votecrypto.elgamal import Ciphertext, decrypt_point, dlog, encrypt
from votecrypto.encoding import hash32
from votecrypto.group import IDENTITY, G, N, base_mul, random_scalar, scalar_hex
from votecrypto.proofs import (
    prove_decryption,
    prove_pok,
    prove_range,
    verify_decryption,
    verify_pok,
    verify_range,
)

FAST = settings(max_examples=25, deadline=None)
X = random_scalar()
Y = base_mul(X)
H_E = hash32("test", "manifest")
CRED = hash32("test", "credential")


@FAST
@given(st.integers(min_value=0, max_value=5000))
def test_what_is_encrypted_decrypts(m: int) -> None:
    ct, r = encrypt(Y, m)
    assert ct.a == base_mul(r)
    assert dlog(decrypt_point(X, ct), 5000) == m


def test_encryption_is_additive_and_randomised() -> None:
    c1, r1 = encrypt(Y, 3)
    c2, r2 = encrypt(Y, 4)
    assert dlog(decrypt_point(X, c1 + c2), 10) == 7
    assert (c1 + c2).a == base_mul(r1 + r2)
    assert encrypt(Y, 3)[0] != c1
    assert encrypt(Y, 3, r1)[0] == c1


def test_dlog_refuses_values_beyond_the_bound() -> None:
    assert dlog(IDENTITY, 0) == 0
    assert dlog(base_mul(100), 100) == 100
    for point, bound in [(base_mul(101), 100), (base_mul(N - 1), 100), (base_mul(random_scalar()), 1000)]:
        with pytest.raises(ValueError):
            dlog(point, bound)


def test_ciphertexts_round_trip_through_json_and_bytes() -> None:
    ct, _ = encrypt(Y, 1)
    assert Ciphertext.from_json(ct.to_json()) == ct
    assert Ciphertext.from_bytes(ct.to_bytes()) == ct
    assert len(ct.to_bytes()) == 66
    for bad in [{"a": ct.a.hex()}, {**ct.to_json(), "c": "00"}, {"a": "zz", "b": ct.b.hex()}, [ct.a.hex()]]:
        with pytest.raises(ValueError):
            Ciphertext.from_json(bad)  # type: ignore[arg-type]


value_lists = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5, unique=True)


@FAST
@given(value_lists, st.data())
def test_range_proofs_verify_for_every_allowed_value(values: list[int], data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(values))
    ct, r = encrypt(Y, value)
    proof = prove_range(H_E, CRED, Y, ct, r, value, values)
    assert len(proof) == len(values)
    assert verify_range(H_E, CRED, Y, ct, proof, values)


@FAST
@given(st.sampled_from([0, 1]), st.integers(min_value=0, max_value=3), st.sampled_from(["c", "s"]))
def test_forged_or_mismatched_range_proofs_fail(value: int, where: int, field: str) -> None:
    ct, r = encrypt(Y, value)
    proof = prove_range(H_E, CRED, Y, ct, r, value, [0, 1])
    other, _ = encrypt(Y, value)
    assert not verify_range(H_E, CRED, Y, other, proof, [0, 1])  # another ciphertext
    assert not verify_range(H_E, hash32("test", "other credential"), Y, ct, proof, [0, 1])
    assert not verify_range(hash32("test", "other election"), CRED, Y, ct, proof, [0, 1])
    assert not verify_range(H_E, CRED, base_mul(random_scalar()), ct, proof, [0, 1])  # another key
    assert not verify_range(H_E, CRED, Y, ct, proof, [1, 0])
    assert not verify_range(H_E, CRED, Y, ct, proof, [0, 2])
    assert not verify_range(H_E, CRED, Y, ct, list(reversed(proof)), [0, 1])
    altered = [dict(p) for p in proof]
    index = where % 2
    altered[index][field] = scalar_hex(int(altered[index][field], 16) + 1)
    assert not verify_range(H_E, CRED, Y, ct, altered, [0, 1])


def test_a_value_outside_the_list_cannot_be_proved() -> None:
    ct, r = encrypt(Y, 2)
    with pytest.raises(ValueError):
        prove_range(H_E, CRED, Y, ct, r, 2, [0, 1])
    lying = prove_range(H_E, CRED, Y, ct, r, 1, [0, 1])  # claims 1, encrypts 2
    assert not verify_range(H_E, CRED, Y, ct, lying, [0, 1])
    wrong_r = prove_range(H_E, CRED, Y, ct, r + 1, 2, [1, 2])
    assert not verify_range(H_E, CRED, Y, ct, wrong_r, [1, 2])


@pytest.mark.parametrize(
    "proof",
    [
        None,
        "x",
        [],
        [{"c": "00" * 32, "s": "00" * 32}],
        [{"c": "00" * 32}, {"c": "00" * 32}],
        [{"c": "00" * 32, "s": "00" * 32, "t": 1}, {"c": "00" * 32, "s": "00" * 32}],
        [{"c": scalar_hex(N - 1)[:-1] + "G", "s": "00" * 32}, {"c": "00" * 32, "s": "00" * 32}],
        [{"c": "ff" * 32, "s": "00" * 32}, {"c": "00" * 32, "s": "00" * 32}],
        [{"c": 5, "s": "00" * 32}, {"c": "00" * 32, "s": "00" * 32}],
        [["c", "s"], ["c", "s"]],
    ],
)
def test_malformed_range_proofs_are_false_not_errors(proof: object) -> None:
    ct, _ = encrypt(Y, 1)
    assert verify_range(H_E, CRED, Y, ct, proof, [0, 1]) is False


def test_values_that_cannot_be_encoded_are_false_not_errors() -> None:
    ct, r = encrypt(Y, 1)
    proof = prove_range(H_E, CRED, Y, ct, r, 1, [0, 1])
    assert verify_range(H_E, CRED, Y, ct, proof, [-1, 1]) is False


def test_proofs_are_reproducible_with_a_fixed_rng() -> None:
    ct, r = encrypt(Y, 1)
    draws = iter(range(1, 10))
    first = prove_range(H_E, CRED, Y, ct, r, 1, [0, 1], rng=lambda: next(draws))
    draws = iter(range(1, 10))
    assert prove_range(H_E, CRED, Y, ct, r, 1, [0, 1], rng=lambda: next(draws)) == first
    assert first[0] == {"c": scalar_hex(1), "s": scalar_hex(2)}  # the simulated branch takes c, s in order


def test_knowledge_proofs_bind_the_context_the_index_and_the_key() -> None:
    ctx = hash32("test", "ceremony")
    secret = random_scalar()
    public = base_mul(secret)
    pok = prove_pok(ctx, 2, secret)
    assert verify_pok(ctx, 2, public, pok)
    assert not verify_pok(ctx, 3, public, pok)
    assert not verify_pok(hash32("test", "other"), 2, public, pok)
    assert not verify_pok(ctx, 2, public + G, pok)
    assert not verify_pok(ctx, 2, IDENTITY, pok)
    assert not verify_pok(ctx, 2, public, {**pok, "s": scalar_hex(int(pok["s"], 16) + 1)})
    assert not verify_pok(ctx, 2, public, {**pok, "c": scalar_hex(int(pok["c"], 16) + 1)})
    for bad in [None, {}, {"c": pok["c"]}, {**pok, "x": "1"}, {"c": "zz", "s": pok["s"]}]:
        assert verify_pok(ctx, 2, public, bad) is False


def test_decryption_proofs_verify_and_forgeries_fail() -> None:
    A = base_mul(random_scalar())
    share = prove_decryption(H_E, 1, X, Y, A)
    assert share["d"] == (X * A).hex()
    assert verify_decryption(H_E, 1, Y, A, share)
    assert not verify_decryption(H_E, 2, Y, A, share)
    assert not verify_decryption(hash32("test", "other"), 1, Y, A, share)
    assert not verify_decryption(H_E, 1, Y, A + G, share)
    assert not verify_decryption(H_E, 1, Y + G, A, share)
    assert not verify_decryption(H_E, 1, Y, A, {**share, "d": (X * A + G).hex()})
    assert not verify_decryption(H_E, 1, Y, A, {**share, "s": scalar_hex(int(share["s"], 16) + 1)})
    lie = prove_decryption(H_E, 1, X + 1, Y, A)  # a D from another key, with a proof under it
    assert not verify_decryption(H_E, 1, Y, A, lie)
    for bad in [None, {}, {**share, "extra": 1}, {**share, "d": "zz"}]:
        assert verify_decryption(H_E, 1, Y, A, bad) is False


def test_the_identity_has_the_zero_decryption_form_only() -> None:
    zero = prove_decryption(H_E, 1, X, Y, IDENTITY)
    assert zero == {"d": "00", "c": "00" * 32, "s": "00" * 32}
    assert verify_decryption(H_E, 1, Y, IDENTITY, zero)
    assert not verify_decryption(H_E, 1, Y, IDENTITY, {**zero, "c": scalar_hex(1)})
    assert not verify_decryption(H_E, 1, Y, IDENTITY, {**zero, "d": G.hex()})
    assert not verify_decryption(H_E, 1, Y, base_mul(5), zero)
