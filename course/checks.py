"""Small assertion helpers for test cells.

Their messages are written for learners: they say what was expected and what came back, and they
never print the test's own source. Hidden tests use them too, so a failing hidden test gives a hint
without giving the answer away.
"""
from __future__ import annotations

import contextlib
import inspect
import numbers
import os
import types

import numpy as np

__all__ = [
    "assert_close",
    "assert_shape",
    "assert_type",
    "assert_raises",
    "forbid",
    "grading",
    "lab",
    "record_calls",
    "substitute",
]

# Set by the course's grader while it runs test cells in its trusted process (see
# course.grading.trusted): forbid, substitute and record_calls then act on the learner's kernel.
_REMOTE = None


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


def grading() -> bool:
    """True while an autograder runs the notebook (nbgrader or the course's grader), False for a learner."""
    return _REMOTE is not None or bool(os.environ.get("NBGRADER_EXECUTION"))


class lab:
    """``with checks.lab("Lab 3"):`` around a cell that needs a lab's answer.

    For a learner, an unanswered lab (its stub raises ``NotImplementedError``) or a name that an
    unfinished lab would have defined prints one friendly line instead of a traceback, so Run All goes
    on to the end of the notebook. Under an autograder nothing is caught: the test cell fails.
    """

    def __init__(self, *labs: str):
        if not labs or not all(isinstance(x, str) and x for x in labs):
            raise ValueError(f"lab() needs one or more lab names, got {labs!r}")
        self.labs = labs

    def _names(self) -> str:
        return self.labs[0] if len(self.labs) == 1 else ", ".join(self.labs[:-1]) + " and " + self.labs[-1]

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or grading():
            return False
        if issubclass(exc_type, NotImplementedError):
            print(f"{self._names()}: not answered yet. Write your answer in its cell, run it, then run this "
                  "cell again.")
            return True
        if issubclass(exc_type, NameError):
            missing = getattr(exc, "name", None)
            what = f" ({missing!r} is not defined yet)" if missing else ""
            print(f"This cell needs {self._names()}{what}: finish it and run the cells above, then run this "
                  "cell again.")
            return True
        return False


# --- forbidding delegation ---------------------------------------------------------------------

_METHODS = ("__init__", "__call__", "fit", "fit_transform", "transform", "predict", "kneighbors", "query")


def _trip_code(label: str, n_free: int) -> types.CodeType:
    """A code object that raises at once, with ``n_free`` free variables (a closure's size must match)."""
    free = [f"_f{i}" for i in range(n_free)]
    body = "".join(f"    {v} = None\n" for v in free) or "    pass\n"
    uses = "".join(f"{v}; " for v in free)
    msg = f"this exercise asks you to implement it yourself, not to call {label}"
    src = f"def _outer():\n{body}    def _trip(*args, **kwargs):\n        {uses}raise AssertionError({msg!r})\n" \
          f"    return _trip\n"
    ns: dict = {}
    exec(compile(src, "<forbid>", "exec"), ns)  # noqa: S102 - our own constant template
    return ns["_outer"]().__code__


def _tripwire(label: str):
    def tripwire(*args, **kwargs):
        raise AssertionError(f"this exercise asks you to implement it yourself, not to call {label}")

    return tripwire


def _disable(value, label: str, undo: list) -> None:
    """Make ``value`` itself unusable (so every name bound to it fails), recording how to undo it."""
    if isinstance(value, types.FunctionType):
        seen = set()
        while isinstance(value, types.FunctionType) and id(value) not in seen:
            seen.add(id(value))
            code = value.__code__
            value.__code__ = _trip_code(label, len(code.co_freevars))
            undo.append(lambda f=value, c=code: setattr(f, "__code__", c))
            value = getattr(value, "__wrapped__", None)
    elif isinstance(value, type):
        for meth in _METHODS:
            if not hasattr(value, meth) or (meth == "__call__" and "__call__" not in value.__dict__):
                continue
            own = value.__dict__.get(meth, _MISSING)
            try:
                setattr(value, meth, _tripwire(f"{label}.{meth}" if meth != "__init__" else label))
            except (TypeError, AttributeError):  # a built-in type
                continue
            if own is _MISSING:
                undo.append(lambda c=value, m=meth: delattr(c, m))
            else:
                undo.append(lambda c=value, m=meth, o=own: setattr(c, m, o))


_MISSING = object()


@contextlib.contextmanager
def forbid(target, *names: str):
    """Make ``target.<name>`` (a module, class or namespace dict) fail with a clear message while inside.

    Hidden tests use it to make sure a lab is implemented, not delegated to a library that already
    does it: ``with forbid(sklearn.metrics, "roc_auc_score"): student_auc(...)``. Python functions and
    classes are disabled themselves, not just their names, so an aliased import
    (``from sklearn.metrics import roc_auc_score as _auc``) fails too; built-in functions can only be
    replaced by name.
    """
    if _REMOTE is not None:
        with _REMOTE.forbid(target, names):
            yield
        return
    is_dict = isinstance(target, dict)
    undo: list = []
    try:
        for name in names:
            value = target.get(name, _MISSING) if is_dict else getattr(target, name, _MISSING)
            if value is _MISSING:
                continue
            label = name
            _disable(value, label, undo)
            if not isinstance(value, (types.FunctionType, type)):
                if is_dict:
                    target[name] = _tripwire(label)
                    undo.append(lambda n=name, v=value: target.__setitem__(n, v))
                else:
                    setattr(target, name, _tripwire(label))
                    undo.append(lambda n=name, v=value: setattr(target, n, v))
        yield
    finally:
        for step in reversed(undo):
            step()


@contextlib.contextmanager
def substitute(namespace: dict, name: str, replacement):
    """Bind ``namespace[name]`` to ``replacement`` while inside (a test's own reference for an earlier lab,
    so that one wrong lab costs points in that lab only); restore it after."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier, got {name!r}")
    if _REMOTE is not None:
        with _REMOTE.substitute(namespace, name, replacement):
            yield
        return
    saved = namespace.get(name, _MISSING)
    namespace[name] = replacement
    try:
        yield
    finally:
        if saved is _MISSING:
            namespace.pop(name, None)
        else:
            namespace[name] = saved


@contextlib.contextmanager
def record_calls(target, name: str):
    """Record the arguments of every call of ``target.<name>`` (a function of a module, or a method of a
    class) made inside; yields a list of dicts (argument name -> value, without ``self``), complete once
    the block has ended."""
    if _REMOTE is not None:
        with _REMOTE.record_calls(target, name) as calls:
            yield calls
        return
    original = getattr(target, name)
    own = target.__dict__.get(name, _MISSING) if isinstance(target, type) else original
    sig = inspect.signature(original)
    calls: list = []
    is_method = isinstance(target, type)

    def spy(*args, **kwargs):
        try:
            bound = sig.bind(*args, **kwargs).arguments
        except TypeError:
            bound = {"args": args, **kwargs}
        if is_method:
            bound = dict(list(bound.items())[1:])
        calls.append(dict(bound))
        return original(*args, **kwargs)

    setattr(target, name, spy)
    try:
        yield calls
    finally:
        if is_method and own is _MISSING:
            delattr(target, name)
        else:
            setattr(target, name, own if is_method else original)
