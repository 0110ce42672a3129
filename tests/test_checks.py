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


def test_forbid_catches_an_aliased_import_and_classes():
    """An alias bound before the block fails too; a class cannot be built; all is restored after."""
    import sklearn.metrics
    import sklearn.neighbors
    from sklearn.metrics import roc_auc_score as _auc
    from sklearn.neighbors import NearestNeighbors as _NN

    with checks.forbid(sklearn.metrics, "roc_auc_score"), checks.forbid(sklearn.neighbors, "NearestNeighbors"):
        with pytest.raises(AssertionError, match="not to call roc_auc_score"):
            _auc([0, 1], [0.1, 0.9])
        with pytest.raises(AssertionError, match="not to call NearestNeighbors"):
            _NN(n_neighbors=1)
    assert _auc([0, 1], [0.1, 0.9]) == 1.0
    assert _NN(n_neighbors=1).n_neighbors == 1


def test_lab_is_friendly_for_a_learner_and_strict_for_a_grader(monkeypatch, capsys):
    """An unanswered lab prints one line for a learner; under an autograder the error propagates."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with checks.lab("Lab 3"):
        raise NotImplementedError()
    with checks.lab("Lab 1", "Lab 2"):
        raise NameError("name 'p_full' is not defined", name="p_full")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Lab 3: not answered yet") and "Lab 1 and Lab 2" in out[1] and "p_full" in out[1]
    with pytest.raises(AssertionError):
        with checks.lab("Lab 3"):
            raise AssertionError("a wrong answer still fails")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert checks.grading()
    with pytest.raises(NotImplementedError):
        with checks.lab("Lab 3"):
            raise NotImplementedError()
    with pytest.raises(ValueError, match="lab names"):
        checks.lab()


def test_substitute_and_record_calls_restore():
    ns = {"f": len}
    with checks.substitute(ns, "f", abs):
        assert ns["f"] is abs
    assert ns["f"] is len
    with checks.substitute(ns, "g", abs):
        assert ns["g"] is abs
    assert "g" not in ns

    class Model:
        def fit(self, X, y=None, *, group=None):
            return self

    with checks.record_calls(Model, "fit") as calls:
        Model().fit([1], group=[1])
    assert calls == [{"X": [1], "group": [1]}]
    assert Model.fit.__name__ == "fit" and "spy" not in repr(Model.fit)
    with checks.record_calls(math, "floor") as calls:
        math.floor(2.5)
    assert calls == [{"x": 2.5}] or calls == [{"args": (2.5,)}]
    assert math.floor(2.5) == 2
