"""Argument checks shared by every public helper: each error names the argument and its value."""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_int", "check_float", "check_bool", "check_random_state", "check_choice", "check_array"]


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return value


def check_float(name: str, value, *, low: float | None = None, high: float | None = None,
                low_open: bool = False, high_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value!r}")
    return value


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_choice(name: str, value, choices) -> object:
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_random_state(name: str, value) -> np.random.Generator:
    """Turn None, an int seed or a Generator into a Generator (never the global RNG)."""
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be a non-negative int, None or a numpy Generator, got {value!r}")
        return np.random.default_rng(value)
    if isinstance(value, np.random.Generator):
        return value
    raise TypeError(f"{name} must be None, an int or a numpy Generator, got {type(value).__name__} {value!r}")


def check_array(name: str, value, *, ndim: int | None = None, dtype=float, min_len: int = 0) -> np.ndarray:
    """Convert array-likes to a numpy array of ``dtype`` with the given number of dimensions."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be array-like, got {type(value).__name__} {value!r}")
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of {np.dtype(dtype).name}, got {type(value).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if len(arr) < min_len:
        raise ValueError(f"{name} must have at least {min_len} element(s), got {len(arr)}")
    return arr
