"""The group wrapper: encodings, arithmetic with the identity, scalars."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votecrypto.group import IDENTITY, G, N, Point, base_mul, random_scalar, scalar_from_hex, scalar_hex, sum_points

P_FIELD = 2**256 - 2**32 - 977
scalars = st.integers(min_value=1, max_value=N - 1)
FAST = settings(max_examples=40, deadline=None)


def off_curve_x() -> int:
    """An x with no point on the curve (x³ + 7 is not a square mod p)."""
    x = 1
    while pow(x**3 + 7, (P_FIELD - 1) // 2, P_FIELD) == 1:
        x += 1
    return x


@FAST
@given(scalars)
def test_points_round_trip_through_bytes_and_hex(k: int) -> None:
    point = base_mul(k)
    assert len(point.to_bytes()) == 33
    assert Point.from_bytes(point.to_bytes()) == point
    assert Point.from_hex(point.hex()) == point
    assert hash(Point.from_hex(point.hex())) == hash(point)


def test_the_identity_is_one_zero_byte() -> None:
    assert IDENTITY.to_bytes() == b"\x00"
    assert IDENTITY.hex() == "00"
    assert Point.from_hex("00").is_identity
    assert not G.is_identity


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "02" + "00" * 31,
        G.hex().upper(),
        "04" + G.hex()[2:],
        "05" + G.hex()[2:],
        "02" + "ff" * 32,  # x beyond the field
        " " + G.hex()[1:],
        G.hex() + "00",
    ],
)
def test_malformed_points_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Point.from_hex(text)


def test_an_x_off_the_curve_is_refused() -> None:
    with pytest.raises(ValueError):
        Point.from_bytes(b"\x02" + off_curve_x().to_bytes(32, "big"))
    with pytest.raises(ValueError):
        Point.from_hex(None)  # type: ignore[arg-type]


@FAST
@given(scalars, scalars)
def test_arithmetic_follows_the_scalars(a: int, b: int) -> None:
    p, q = base_mul(a), base_mul(b)
    assert p + q == base_mul(a + b)
    assert p - q == base_mul(a - b)
    assert -p == base_mul(-a)
    assert b * p == p * b == base_mul(a * b)
    assert (b + N) * p == b * p
    assert (-b) * p == -(b * p)


def test_the_identity_is_neutral_and_multiples_of_n_give_it() -> None:
    p = base_mul(12345)
    assert p + IDENTITY == IDENTITY + p == p
    assert p - p == IDENTITY
    assert p + (-p) == IDENTITY
    assert -IDENTITY == IDENTITY
    assert 0 * p == N * p == IDENTITY
    assert 7 * IDENTITY == IDENTITY
    assert base_mul(0) == base_mul(N) == IDENTITY
    assert (N - 1) * G == -G


def test_points_are_immutable() -> None:
    with pytest.raises(AttributeError):
        G._pk = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point(b"\x02")


def test_sum_points_over_many_chunks_with_identities_and_cancellation() -> None:
    points = [G] * 5000 + [IDENTITY] * 3 + [base_mul(7)]
    assert sum_points(points) == base_mul(5007)
    assert sum_points([]) == IDENTITY
    assert sum_points([IDENTITY, IDENTITY]) == IDENTITY
    assert sum_points([G, base_mul(5), -base_mul(6)]) == IDENTITY
    assert sum_points(iter([G, G])) == base_mul(2)


@FAST
@given(st.lists(scalars, min_size=1, max_size=20))
def test_sum_points_equals_the_sum_of_scalars(ks: list[int]) -> None:
    assert sum_points(base_mul(k) for k in ks) == base_mul(sum(ks))


def test_scalars_round_trip_and_refuse_malformed_text() -> None:
    assert scalar_from_hex(scalar_hex(N - 1)) == N - 1
    assert scalar_hex(N + 5) == scalar_hex(5)
    assert scalar_from_hex("00" * 32) == 0
    for bad in [f"{N:064x}", scalar_hex(0xABC).upper(), "0" * 63, "0" * 65, "zz" * 32, 5]:
        with pytest.raises(ValueError):
            scalar_from_hex(bad)  # type: ignore[arg-type]


def test_random_scalars_are_in_range_and_distinct() -> None:
    drawn = {random_scalar() for _ in range(200)}
    assert len(drawn) == 200
    assert all(1 <= k < N for k in drawn)
