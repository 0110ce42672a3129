"""Argument checks name the argument and the bad value."""
import numpy as np
import pytest

from course import _validation as v


def test_check_int_accepts_ints_and_rejects_bools_floats_and_out_of_range():
    assert v.check_int("n", np.int64(5), low=1) == 5
    with pytest.raises(TypeError, match="n must be an int, got bool True"):
        v.check_int("n", True)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        v.check_int("n", 2.0)
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        v.check_int("n", 0, low=1)
    with pytest.raises(ValueError, match="n must be <= 3, got 4"):
        v.check_int("n", 4, high=3)


def test_check_float_bounds_open_and_closed():
    assert v.check_float("p", 1, low=0, high=1) == 1.0
    with pytest.raises(ValueError, match="p must be < 1"):
        v.check_float("p", 1, high=1, high_open=True)
    with pytest.raises(ValueError, match="p must be > 0"):
        v.check_float("p", 0.0, low=0, low_open=True)
    with pytest.raises(ValueError, match="finite"):
        v.check_float("p", float("nan"))
    with pytest.raises(TypeError, match="p must be a number, got str"):
        v.check_float("p", "0.5")


def test_check_random_state_never_uses_the_global_rng():
    a = v.check_random_state("random_state", 3).random(3)
    b = v.check_random_state("random_state", 3).random(3)
    assert np.array_equal(a, b)
    gen = np.random.default_rng(1)
    assert v.check_random_state("random_state", gen) is gen
    with pytest.raises(TypeError, match="random_state must be None, an int or a numpy Generator"):
        v.check_random_state("random_state", "seed")
    with pytest.raises(ValueError, match="-1"):
        v.check_random_state("random_state", -1)


def test_check_array_and_choice_and_bool():
    assert v.check_array("x", [1, 2], ndim=1).dtype == float
    with pytest.raises(ValueError, match="x must have 1 dimension"):
        v.check_array("x", [[1]], ndim=1)
    with pytest.raises(TypeError, match="x must be array-like"):
        v.check_array("x", "abc")
    with pytest.raises(ValueError, match="at least 2"):
        v.check_array("x", [1], min_len=2)
    with pytest.raises(ValueError, match="mode must be one of"):
        v.check_choice("mode", "x", {"a", "b"})
    with pytest.raises(TypeError, match="flag must be True or False, got int 1"):
        v.check_bool("flag", 1)
