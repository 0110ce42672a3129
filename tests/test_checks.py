"""The assertion helpers used by test cells."""
import math

import numpy as np
import pytest

from course import checks


def test_assert_close_messages():
    checks.assert_close(0.1 + 0.2, 0.3)
    checks.assert_close([1, 2], np.array([1.0, 2.0 + 1e-12]))
    with pytest.raises(AssertionError, match="auc should be about 0.75, got 0.7"):
        checks.assert_close(0.7, 0.75, name="auc")
    with pytest.raises(AssertionError, match="should have shape"):
        checks.assert_close([1, 2, 3], [1, 2])
    with pytest.raises(AssertionError, match="1 of 3 values differ"):
        checks.assert_close([1, 2, 3], [1, 2, 4])
    with pytest.raises(AssertionError, match="should be numeric"):
        checks.assert_close("x", 1.0)


def test_assert_shape_and_type():
    checks.assert_shape(np.zeros((3, 2)), (3, None))
    with pytest.raises(AssertionError, match=r"should have shape \(2, 2\), got \(3, 2\)"):
        checks.assert_shape(np.zeros((3, 2)), (2, 2))
    checks.assert_type(1.5, float)
    with pytest.raises(AssertionError, match="should be float, got bool"):
        checks.assert_type(True, float)
    with pytest.raises(AssertionError, match="should be int or float, got str"):
        checks.assert_type("1", (int, float))


def test_assert_raises():
    assert checks.assert_raises(ValueError, int, "x") is None
    with pytest.raises(AssertionError, match="nothing was raised"):
        checks.assert_raises(ValueError, int, "3")
    with pytest.raises(AssertionError, match="expected ValueError, got ZeroDivisionError"):
        checks.assert_raises(ValueError, lambda: 1 / 0)
    with pytest.raises(AssertionError, match="should mention 'rate'"):
        checks.assert_raises(ValueError, int, "x", match="rate")


def test_forbid_on_a_module_and_a_namespace_restores_everything():
    ns = {"sqrt": math.sqrt}
    original = math.sqrt
    with checks.forbid(math, "sqrt", "not_there"), checks.forbid(ns, "sqrt", "absent"):
        with pytest.raises(AssertionError, match="implement it yourself, not to call sqrt"):
            math.sqrt(4)
        with pytest.raises(AssertionError, match="sqrt"):
            ns["sqrt"](4)
        assert "absent" not in ns and not hasattr(math, "not_there")
    assert math.sqrt is original and ns["sqrt"] is original


def test_forbid_restores_after_an_exception():
    original = math.floor
    with pytest.raises(RuntimeError):
        with checks.forbid(math, "floor"):
            raise RuntimeError("boom")
    assert math.floor is original
