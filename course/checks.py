"""Small assertion helpers for test cells.

Their messages are written for learners: they say what was expected and what came back, and they
never print the test's own source. Hidden tests use them too, so a failing hidden test gives a hint
without giving the answer away.
"""
from __future__ import annotations

import contextlib
import numbers

import numpy as np

__all__ = ["assert_close", "assert_shape", "assert_type", "assert_raises", "forbid"]


def assert_close(actual, expected, *, rtol: float = 1e-6, atol: float = 1e-9, name: str = "result"):
    """Assert that numbers or arrays agree within tolerance; the message shows both."""
    try:
        a = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be numeric, got {type(actual).__name__}") from None
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise AssertionError(f"{name} should have shape {e.shape}, got {a.shape}")
    if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        if a.ndim == 0:
            raise AssertionError(f"{name} should be about {float(e):.6g}, got {float(a):.6g}")
        bad = int(np.sum(~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)))
        raise AssertionError(f"{name}: {bad} of {a.size} values differ from the expected ones")


def assert_shape(value, shape: tuple, *, name: str = "result"):
    """Assert an array-like's shape; ``None`` in ``shape`` matches any length."""
    got = np.shape(value)
    if len(got) != len(shape) or any(s is not None and g != s for g, s in zip(got, shape)):
        raise AssertionError(f"{name} should have shape {shape}, got {got}")


def assert_type(value, types_, *, name: str = "result"):
    """Assert ``isinstance(value, types_)`` with a readable message (bools are not numbers here)."""
    wanted = types_ if isinstance(types_, tuple) else (types_,)
    is_bool = isinstance(value, (bool, np.bool_))
    if not isinstance(value, wanted) or (is_bool and bool not in wanted and any(
            issubclass(t, numbers.Number) for t in wanted)):
        names = " or ".join(t.__name__ for t in wanted)
        raise AssertionError(f"{name} should be {names}, got {type(value).__name__}")


def assert_raises(exc_type, func, *args, match: str | None = None, **kwargs) -> None:
    """Assert that ``func(*args, **kwargs)`` raises ``exc_type`` (whose message contains ``match``).

    Returns None, so that a test cell ending with this call shows no output.
    """
    try:
        func(*args, **kwargs)
    except exc_type as exc:
        if match is not None and match not in str(exc):
            raise AssertionError(f"{exc_type.__name__} raised, but its message should mention {match!r}: "
                                 f"got {str(exc)!r}") from None
        return None
    except Exception as exc:  # noqa: BLE001 - report whatever came instead
        raise AssertionError(f"expected {exc_type.__name__}, got {type(exc).__name__}: {exc}") from None
    raise AssertionError(f"expected {exc_type.__name__}, but nothing was raised")


@contextlib.contextmanager
def forbid(target, *names: str):
    """Temporarily replace ``target.<name>`` (a module, class or namespace dict) with a tripwire.

    Hidden tests use it to make sure a lab is implemented, not delegated to a library that already
    does it: ``with forbid(sklearn.metrics, "roc_auc_score"): student_auc(...)``.
    """
    is_dict = isinstance(target, dict)
    missing = object()
    saved = {}
    for name in names:
        saved[name] = target.get(name, missing) if is_dict else getattr(target, name, missing)

        def tripwire(*args, _name=name, **kwargs):
            raise AssertionError(f"this exercise asks you to implement it yourself, not to call {_name}")

        if is_dict:
            if saved[name] is not missing:
                target[name] = tripwire
        elif saved[name] is not missing:
            setattr(target, name, tripwire)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                continue
            if is_dict:
                target[name] = old
            else:
                setattr(target, name, old)


