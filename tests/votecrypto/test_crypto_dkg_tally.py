"""Key generation t of n, the encrypted tally, decryption shares and the pooling rule."""

# ruff: noqa: N803, N806 - the protocol's names (Y, Y_j, A, D) are kept

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votecrypto import tally as tally_module
from votecrypto.ballot import ciphertext_blob, make_ballot
from votecrypto.dkg import (
    ceremony_context,
    deal,
    election_key,
    receive,
    register,
    verification_key,
    verify_check,
    verify_deal,
    verify_registration,
)
from votecrypto.elgamal import Ciphertext, encrypt
from votecrypto.encoding import cjson, hash32, sha256_hex
from votecrypto.group import IDENTITY, G, N, Point, base_mul, random_scalar, scalar_hex
from votecrypto.tally import (
    aggregate,
    aggregate_parallel,
    build_tally,
    decrypt_tally,
    decryption_share,
    lagrange,
    tally_ciphertexts,
    verify_share,
)
from votecrypto.testkit import Ceremony, make_credentials, run_ceremony

ELECTION = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
H_E = hash32("test", "manifest")
_SMALL_KIT = run_ceremony(ELECTION, 3, 2)  # 2 of 3, for the property test (fixtures do not mix with @given)


@pytest.fixture(scope="module")
def kit() -> Ceremony:
    return run_ceremony(ELECTION, 5, 3)


def blob(Y: Point, selections: list[int]) -> bytes:
    """The stored form of a ballot with these selections (proofs play no part in the tally)."""
    return b"".join(encrypt(Y, m)[0].to_bytes() for m in selections)


# --- key generation -------------------------------------------------------------------------------


def test_an_honest_ceremony_is_verifiable_by_anyone(kit: Ceremony) -> None:
    ctx = ceremony_context(ELECTION)
    assert kit.ctx == ctx == hash32("amanat/v1/ceremony", ELECTION)
    assert all(verify_registration(ctx, reg) for reg in kit.registrations)
    assert all(verify_deal(ctx, d, 3, [1, 2, 3, 4, 5]) for d in kit.deals)
    assert all(verify_check(ctx, check, kit.deals, 3) for check in kit.checks)
    assert kit.public_key == election_key(kit.deals)
    assert kit.public_key == sum((Point.from_hex(d["commitments"][0]) for d in kit.deals), IDENTITY)
    for j, x_j in kit.secrets.items():
        assert base_mul(x_j) == kit.verification_keys[j] == verification_key(kit.deals, j, 3)


def test_any_t_shares_give_the_key_and_t_minus_1_do_not(kit: Ceremony) -> None:
    for chosen in itertools.combinations(range(1, 6), 3):
        x = sum(lagrange(chosen, j) * kit.secrets[j] for j in chosen) % N
        assert base_mul(x) == kit.public_key
    for chosen in itertools.combinations(range(1, 6), 2):
        x = sum(lagrange(chosen, j) * kit.secrets[j] for j in chosen) % N
        assert base_mul(x) != kit.public_key


def test_registrations_are_bound_to_the_ceremony_and_the_index() -> None:
    ctx = ceremony_context(ELECTION)
    private, public = register(ctx, 2)
    assert set(private) == {"index", "secret"} and set(public) == {"index", "public", "pok"}
    assert base_mul(int(private["secret"], 16)) == Point.from_hex(public["public"])
    assert verify_registration(ctx, public)
    assert not verify_registration(ceremony_context("another"), public)
    assert not verify_registration(ctx, {**public, "index": 3})
    assert not verify_registration(ctx, {**public, "public": (Point.from_hex(public["public"]) + G).hex()})
    for bad in [
        None,
        {},
        {**public, "index": "2"},
        {**public, "index": 0},
        {**public, "extra": 1},
        {**public, "public": "zz"},
    ]:
        assert verify_registration(ctx, bad) is False


def fresh(n: int = 3, t: int = 2) -> tuple[bytes, dict[int, int], list[dict[str, Any]]]:
    ctx = ceremony_context(ELECTION)
    keys, publics = {}, {}
    for j in range(1, n + 1):
        private, public = register(ctx, j)
        keys[j], publics[j] = int(private["secret"], 16), public["public"]
    return ctx, keys, [deal(ctx, i, t, publics) for i in range(1, n + 1)]


def test_a_bad_share_brings_a_complaint_against_its_dealer() -> None:
    ctx, keys, deals = fresh()
    bad = copy.deepcopy(deals)
    shares = bad[1]["shares"]  # dealer 2 sends trustee 3 the ciphertext meant for trustee 1
    shares[2]["ct"], shares[2]["K"] = shares[0]["ct"], shares[0]["K"]
    assert receive(ctx, 3, keys[3], bad, 2) == (None, {"index": 3, "against": 2})
    x_1, check = receive(ctx, 1, keys[1], bad, 2)
    assert x_1 is not None and verify_check(ctx, check, bad, 2)


def test_a_share_that_does_not_match_the_commitments_brings_a_complaint() -> None:
    ctx, keys, deals = fresh()
    bad = copy.deepcopy(deals)
    bad[0]["commitments"][1] = (Point.from_hex(bad[0]["commitments"][1]) + G).hex()
    assert verify_deal(ctx, bad[0], 2, [1, 2, 3])  # still well formed: only the recipients can tell
    assert receive(ctx, 3, keys[3], bad, 2) == (None, {"index": 3, "against": 1})
    bad[0]["commitments"] = deals[0]["commitments"]
    bad[0]["shares"][1]["ct"] = "00" * 48
    assert verify_deal(ctx, bad[0], 2, [1, 2, 3])  # the public form cannot show it; the recipient can
    assert receive(ctx, 2, keys[2], bad, 2) == (None, {"index": 2, "against": 1})
    assert receive(ctx, 2, random_scalar(), deals, 2)[0] is None  # the wrong receiving key


def test_a_malformed_deal_brings_a_complaint_not_an_error() -> None:
    ctx, keys, deals = fresh()
    for broken in (
        {"commitments": "x"},
        {"commitments": deals[0]["commitments"][:1]},
        {"pok": deals[1]["pok"]},
        {"shares": []},
    ):
        assert receive(ctx, 2, keys[2], [{**deals[0], **broken}, *deals[1:]], 2) == (None, {"index": 2, "against": 1})


def test_malformed_deals_are_refused() -> None:
    ctx, _keys, deals = fresh()
    good = deals[0]
    assert verify_deal(ctx, good, 2, [1, 2, 3])
    assert not verify_deal(ctx, good, 3, [1, 2, 3])  # wrong threshold
    assert not verify_deal(ctx, good, 2, [1, 2, 3, 4])  # a trustee without a share
    assert not verify_deal(ctx, {**good, "index": 2}, 2, [1, 2, 3])  # the proof names dealer 1
    assert not verify_deal(ctx, {**good, "pok": deals[1]["pok"]}, 2, [1, 2, 3])
    assert not verify_deal(ctx, {**good, "commitments": ["00", good["commitments"][1]]}, 2, [1, 2, 3])
    assert not verify_deal(ctx, {**good, "shares": good["shares"][::-1]}, 2, [1, 2, 3])
    for bad in [None, {}, {**good, "extra": 1}, {**good, "shares": [{"to": 1}] * 3}, {**good, "commitments": "x"}]:
        assert verify_deal(ctx, bad, 2, [1, 2, 3]) is False


def test_a_check_must_match_the_commitments(kit: Ceremony) -> None:
    check = kit.checks[0]
    assert not verify_check(kit.ctx, {**check, "index": 2}, kit.deals, 3)
    assert not verify_check(kit.ctx, {**kit.checks[1], "index": 1}, kit.deals, 3)
    assert not verify_check(kit.ctx, check, kit.deals[1:], 3)
    for bad in [None, {}, {**check, "extra": 1}, {**check, "verification_key": "zz"}]:
        assert verify_check(kit.ctx, bad, kit.deals, 3) is False


def test_deal_refuses_an_impossible_threshold() -> None:
    ctx = ceremony_context(ELECTION)
    with pytest.raises(ValueError):
        deal(ctx, 1, 4, {1: G.hex(), 2: G.hex(), 3: G.hex()})


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=N - 1), min_size=1, max_size=5), st.data())
def test_lagrange_interpolates_at_zero(coefficients: list[int], data: st.DataObject) -> None:
    indices = data.draw(
        st.lists(st.integers(min_value=1, max_value=20), min_size=len(coefficients), max_size=8, unique=True)
    )

    def f(x: int) -> int:
        return sum(a * x**k for k, a in enumerate(coefficients)) % N

    assert sum(lagrange(indices, j) * f(j) for j in indices) % N == coefficients[0]


# --- aggregation and the tally --------------------------------------------------------------------


def test_aggregate_sums_each_candidate(kit: Ceremony) -> None:
    encrypted = [[encrypt(kit.public_key, m) for m in (1, 0, 1)] for _ in range(30)]
    blobs = [b"".join(ct.to_bytes() for ct, _ in row) for row in encrypted]
    sums = aggregate(blobs, 3)
    for i in range(3):
        assert sums[i] == Ciphertext(base_mul(sum(row[i][1] for row in encrypted)), sums[i].b)
        assert sums[i].b == sum((row[i][0].b for row in encrypted), IDENTITY)
    assert aggregate([], 3) == [Ciphertext(IDENTITY, IDENTITY)] * 3
    assert aggregate([memoryview(b) for b in blobs], 3) == sums  # as a database returns binary columns


def test_aggregate_across_chunks_and_processes(kit: Ceremony, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally_module, "CHUNK", 7)
    monkeypatch.setattr(tally_module, "BATCH", 9)
    blobs = [blob(kit.public_key, [1, 0]) for _ in range(40)]
    sums = aggregate(blobs, 2)
    assert sums == aggregate_parallel(iter(blobs), 2, workers=2) == aggregate_parallel(blobs, 2, workers=1)
    assert sums[0].b == sum((Point.from_bytes(b[33:66]) for b in blobs), IDENTITY)


def test_aggregate_refuses_damaged_blobs(kit: Ceremony) -> None:
    good = blob(kit.public_key, [1, 0])
    with pytest.raises(ValueError):
        aggregate([good, good[:-1]], 2)
    with pytest.raises(ValueError):
        aggregate([good[:33] + b"\x02" + b"\xff" * 32 + good[66:]], 2)


def shares_of(kit: Ceremony, tally: dict[str, Any], chosen: tuple[int, ...]) -> dict[int, dict[str, Any]]:
    return {j: decryption_share(H_E, j, kit.secrets[j], tally) for j in chosen}


def test_round_trip_with_real_ballots_and_any_three_trustees(kit: Ceremony) -> None:
    m = {"election": ELECTION, "candidates": [{"id": i} for i in range(4)], "min_choices": 1, "max_choices": 2}
    m["public_key"] = kit.public_key.hex()
    m_hash = sha256_hex(cjson(m))
    rng = random.Random(6)
    rows, counts = [], [0] * 4
    for index, (credential, _public) in enumerate(make_credentials(ELECTION, 24)):
        selections = [0] * 4
        for i in rng.sample(range(4), rng.randint(1, 2)):
            selections[i] = 1
        counts = [c + s for c, s in zip(counts, selections, strict=True)]
        ballot, _ = make_ballot(m, m_hash, credential, selections)
        rows.append(("12" if index % 2 else "7", ciphertext_blob(ballot)))
    tally = build_tally(rows, 4, 10)
    assert tally["counted"] == 24 and set(tally["units"]) == {"12", "7"}
    for chosen in itertools.combinations(range(1, 6), 3):
        shares = shares_of(kit, tally, chosen)
        assert all(verify_share(H_E, j, kit.verification_keys[j], tally, s) for j, s in shares.items())
        result = decrypt_tally(tally, shares, 3)
        assert result["counts"] == counts and result["counted"] == 24
        assert [a + b for a, b in zip(result["units"]["12"], result["units"]["7"], strict=True)] == counts
    with pytest.raises(ValueError):
        decrypt_tally(tally, shares_of(kit, tally, (1, 2)), 3)


def test_t_minus_one_shares_cannot_decrypt(kit: Ceremony) -> None:
    tally = build_tally([("1", blob(kit.public_key, [1, 0])) for _ in range(3)], 2, 1)
    shares = shares_of(kit, tally, (1, 2))
    with pytest.raises(ValueError):
        decrypt_tally(tally, shares, 2)  # two shares as if two were enough: m·G is not found


def test_an_empty_tally_decrypts_to_zeros(kit: Ceremony) -> None:
    tally = build_tally([], 3, 20)
    assert tally == {"counted": 0, "total": [{"a": "00", "b": "00"}] * 3, "units": {}}
    shares = shares_of(kit, tally, (2, 3, 5))
    assert all(verify_share(H_E, j, kit.verification_keys[j], tally, s) for j, s in shares.items())
    assert decrypt_tally(tally, shares, 3) == {"counts": [0, 0, 0], "units": {}, "counted": 0}


def test_bad_shares_fail_verification(kit: Ceremony) -> None:
    tally = build_tally([(u, blob(kit.public_key, [0, 1])) for u in ["1", "1", "2", "2"]], 2, 2)
    share = decryption_share(H_E, 1, kit.secrets[1], tally)
    Y_1 = kit.verification_keys[1]
    assert verify_share(H_E, 1, Y_1, tally, share)
    assert not verify_share(H_E, 2, kit.verification_keys[2], tally, share)
    assert not verify_share(H_E, 1, Y_1, tally, {**share, "index": 2})
    assert not verify_share(hash32("test", "other"), 1, Y_1, tally, share)
    forged = copy.deepcopy(share)
    forged["units"]["2"][1]["d"] = (Point.from_hex(forged["units"]["2"][1]["d"]) + G).hex()
    assert not verify_share(H_E, 1, Y_1, tally, forged)
    missing = copy.deepcopy(share)
    del missing["units"]["2"]
    assert not verify_share(H_E, 1, Y_1, tally, missing)
    short = {**share, "total": share["total"][:1]}
    assert not verify_share(H_E, 1, Y_1, tally, short)
    other_tally = build_tally([("1", blob(kit.public_key, [0, 1]))] * 4, 2, 2)
    assert not verify_share(H_E, 1, Y_1, other_tally, share)
    wrong_key = decryption_share(H_E, 1, kit.secrets[2], tally)
    assert not verify_share(H_E, 1, Y_1, tally, wrong_key)
    for bad in [None, {}, {**share, "extra": 1}, {**share, "total": "x"}]:
        assert verify_share(H_E, 1, Y_1, tally, bad) is False


def test_tally_ciphertexts_lists_the_total_then_units_in_key_order(kit: Ceremony) -> None:
    rows = [(u, blob(kit.public_key, [1])) for u in ["b", "a", "b", "a", "c", "d"]]
    tally = build_tally(rows, 1, 2)
    assert list(tally["units"]) == ["a", "b", "other"]
    expected = [tally["total"][0], tally["units"]["a"]["sums"][0], tally["units"]["b"]["sums"][0]]
    assert [ct.to_json() for ct in tally_ciphertexts(tally)] == [*expected, tally["units"]["other"]["sums"][0]]


@settings(max_examples=12, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["3", "14", "15", "92", "65"]), st.integers(min_value=1, max_value=9), min_size=1),
    st.integers(min_value=1, max_value=8),
)
def test_the_pooling_rule(sizes: dict[str, int], minimum: int) -> None:
    """Small units pool as "other"; a pool still below the minimum means no per-unit results at all."""
    kit = _SMALL_KIT
    rows, truth = [], {}
    for unit, size in sizes.items():
        truth[unit] = [0, 0]
        for k in range(size):
            selections = [k % 2, (k + 1) % 2]
            truth[unit] = [t + s for t, s in zip(truth[unit], selections, strict=True)]
            rows.append((unit, blob(kit.public_key, selections)))
    random.Random(len(rows)).shuffle(rows)
    tally = build_tally(rows, 2, minimum)
    small = [u for u, n in sizes.items() if n < minimum]
    pooled = sum(sizes[u] for u in small)
    expected: dict[str, list[int]] = {}
    if not small or pooled >= minimum:
        expected = {u: truth[u] for u, n in sizes.items() if n >= minimum}
        if small:
            expected["other"] = [sum(truth[u][i] for u in small) for i in range(2)]
    assert {u: e["counted"] for u, e in tally["units"].items()} == {
        u: (pooled if u == "other" else sizes[u]) for u in expected
    }
    result = decrypt_tally(tally, shares_of(kit, tally, (1, 2)), 2)
    assert result["units"] == expected
    assert result["counts"] == [sum(t[i] for t in truth.values()) for i in range(2)]
    assert all(e["counted"] >= minimum for e in tally["units"].values())


def test_a_share_part_is_a_point_and_two_scalars(kit: Ceremony) -> None:
    tally = build_tally([("1", blob(kit.public_key, [1]))], 1, 1)
    part = decryption_share(H_E, 4, kit.secrets[4], tally)["total"][0]
    assert set(part) == {"d", "c", "s"} and len(part["c"]) == len(part["s"]) == len(scalar_hex(1))
