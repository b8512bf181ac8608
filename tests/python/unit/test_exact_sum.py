"""brainsim.exact_sum / exact_dot: exactly rounded (checked against fractions.Fraction, whose
float() rounds correctly), order independent, bitwise equal to math.fsum wherever fsum returns a
value; IEEE specials; no copies; clear errors for bad input."""

from __future__ import annotations

import math
import random
import struct
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import brainsim as bs
from brainsim import numeric
from brainsim.errors import BrainsimIOError, ConfigError

exact_sum = numeric.exact_sum
exact_dot = numeric.exact_dot

finite = st.floats(allow_nan=False, allow_infinity=False)
# Doubles of every magnitude, including subnormals: random bit patterns with a finite exponent.
any_finite_bits = st.integers(0, 2**64 - 1).map(lambda b: struct.unpack("<d", struct.pack("<Q", b))[0]).filter(
    math.isfinite
)
values = st.one_of(finite, any_finite_bits)
value_lists = st.lists(values, max_size=300)


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def same(a: float, b: float) -> bool:
    return bits(a) == bits(b)


def exact_reference(xs) -> float:
    """The exact sum, correctly rounded: Fraction is exact and float(Fraction) rounds to nearest
    even (raising OverflowError beyond the double range)."""
    total = sum((Fraction(x) for x in xs), Fraction(0))
    try:
        return float(total)
    except OverflowError:
        return math.inf if total > 0 else -math.inf


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value_lists)
def test_matches_fraction_reference(xs):
    got = exact_sum(np.array(xs, dtype=np.float64))
    assert same(got, exact_reference(xs))


@settings(max_examples=100, deadline=None)
@given(value_lists, st.randoms(use_true_random=False))
def test_permutation_invariance(xs, rnd):
    a = np.array(xs, dtype=np.float64)
    ref = exact_sum(a)
    perm = list(xs)
    rnd.shuffle(perm)
    assert same(exact_sum(np.array(perm, dtype=np.float64)), ref)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(finite, any_finite_bits, st.sampled_from([math.inf, -math.inf, math.nan])), max_size=100))
def test_bitwise_equal_to_fsum_wherever_fsum_returns(xs):
    try:
        expected = math.fsum(xs)
    except (OverflowError, ValueError):
        return  # fsum raises for intermediate overflow and inf - inf; no value to compare
    got = exact_sum(np.array(xs, dtype=np.float64))
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert same(got, expected)


def test_bulk_kernel_matches_fraction_on_long_arrays():
    # Long arrays go through the vectorised slicing and exponent-bin paths.
    rng = np.random.default_rng(7)
    cases = [
        rng.standard_normal(5000),
        rng.random(4099),
        rng.standard_normal(6000) * 10.0 ** rng.integers(-30, 30, 6000),
        rng.standard_normal(3000) * 2.0 ** rng.integers(-1074, 1000, 3000),
        np.concatenate([rng.standard_normal(2048) * 1e300, -rng.standard_normal(2048) * 1e-300]),
    ]
    for a in cases:
        assert same(exact_sum(a), exact_reference(a.tolist()))
        assert same(exact_sum(a), math.fsum(a))


@pytest.mark.parametrize(
    ("xs", "expected"),
    [
        ([1e40, 1.0, -1e40], 1.0),  # condition number 2e40
        ([1e300, 1e-300, -1e300], 1e-300),
        ([1.0, 2.0**-53], 1.0),  # tie to even (down)
        ([1.0 + 2.0**-52, 2.0**-53], 1.0 + 2.0**-51),  # tie to even (up)
        ([5e-324] * 7, 7 * 5e-324),  # subnormals
        ([1.7976931348623157e308] * 2, math.inf),  # overflow to inf
        ([-1.7976931348623157e308] * 2, -math.inf),
        ([1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308], 1.7976931348623157e308),
        ([math.inf, 1.0], math.inf),
        ([-math.inf, -math.inf], -math.inf),
        ([], 0.0),
        ([-0.0, -0.0], 0.0),  # an exact zero is +0.0, as math.fsum
    ],
)
def test_hand_built_cases(xs, expected):
    arr = np.array(xs + [0.0] * 40, dtype=np.float64)  # padded so the bulk kernel runs too
    assert same(exact_sum(np.array(xs, dtype=np.float64)), expected)
    assert same(exact_sum(arr), expected)


def test_condition_number_1e40_with_many_terms():
    rng = np.random.default_rng(3)
    y = rng.standard_normal(5000) * 1e30
    t = 2.5e-13
    a = np.concatenate([y, -y, [t]])
    rng.shuffle(a)
    assert np.abs(a).sum() / t > 1e40
    assert exact_sum(a) == t
    assert np.sum(a) != t  # plain summation fails here


def test_nan_semantics():
    assert math.isnan(exact_sum(np.array([math.inf, -math.inf])))
    assert math.isnan(exact_sum(np.array([1.0, math.nan, 2.0])))
    big = np.ones(5000)
    big[1234] = math.nan
    assert math.isnan(exact_sum(big))


def test_exact_dot_against_fraction():
    rng = np.random.default_rng(11)
    for scale in (1.0, 1e150, 1e-160):
        a = rng.standard_normal(2000) * scale
        b = rng.standard_normal(2000) * 2.0 ** rng.integers(-40, 40, 2000)
        ref = sum((Fraction(x) * Fraction(y) for x, y in zip(a.tolist(), b.tolist())), Fraction(0))
        assert same(exact_dot(a, b), float(ref))
    # products that underflow as doubles still count exactly
    assert exact_dot(np.array([2.0**-600, 1.0]), np.array([2.0**-600, 2.0**-1074])) == 2.0**-1074
    assert math.isnan(exact_dot(np.array([math.inf]), np.array([0.0])))


def test_no_copy_and_conversions():
    a = np.arange(10.0)
    assert numeric._as_float64(a, "a") is a  # contiguous float64: used in place
    assert exact_sum(a[::2]) == 20.0  # strided view: converted
    assert exact_sum(np.arange(10, dtype=np.float32)) == 45.0
    assert exact_sum([0.1, 0.2, 0.3]) == 0.6
    assert exact_sum(np.arange(5, dtype=np.int64)) == 10.0
    assert bs.numeric.exact_sum is exact_sum


@pytest.mark.parametrize("bad", [np.zeros((2, 3)), np.float64(1.0), np.zeros((0, 0))])
def test_wrong_shape_raises_config_error(bad):
    with pytest.raises(ConfigError, match="'a'") as info:
        exact_sum(bad)
    assert info.value.parameter == "a"
    assert "1-d" in info.value.allowed


def test_wrong_dtype_and_mismatched_dot():
    with pytest.raises(ConfigError, match="dtype") as info:
        exact_sum(np.array(["x", "y"]))
    assert info.value.parameter == "a"
    with pytest.raises(ConfigError, match="'b'") as info:
        exact_dot(np.zeros(3), np.zeros(4))
    assert info.value.parameter == "b"
    with pytest.raises(ConfigError, match="'b'"):
        exact_dot(np.zeros(3), np.zeros((3, 1)))


def test_superaccumulator_merge_serialize_digest():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(10000) * 10.0 ** rng.integers(-20, 20, 10000)
    whole = numeric.Superaccumulator()
    whole.add_array(x)
    parts = [numeric.Superaccumulator() for _ in range(3)]
    for p, chunk in zip(parts, np.array_split(x, 3)):
        p.add_array(chunk)
    merged = numeric.Superaccumulator()
    for p in reversed(parts):
        merged.merge(numeric.Superaccumulator.from_bytes(p.to_bytes()))
    assert merged == whole
    assert merged.digest() == whole.digest()
    assert same(merged.value(), exact_sum(x))
    assert same(float(whole), math.fsum(x))
    # the digest is the sha256 of the canonical bytes
    import hashlib

    assert whole.digest() == hashlib.sha256(whole.to_bytes()).hexdigest()
    with pytest.raises(BrainsimIOError, match="corrupt"):
        numeric.Superaccumulator.from_bytes(b"nonsense bytes here")


def test_exact_sum_with_local_communicator():
    a = np.random.default_rng(1).standard_normal(1000)
    assert same(exact_sum(a, comm=bs.local_communicator()), exact_sum(a))


def test_naive_sum_differs_under_permutation_but_exact_does_not():
    rng = random.Random(1)
    xs = [rng.gauss(0, 1) * 10 ** rng.randint(-10, 10) for _ in range(2000)]
    orders = [xs, sorted(xs), sorted(xs, key=abs)]
    naive = {bits(sum(o)) for o in orders}
    exact = {bits(exact_sum(np.array(o))) for o in orders}
    assert len(naive) > 1
    assert len(exact) == 1
