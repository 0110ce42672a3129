"""Seeded push-notification log: the running example of chapter 01."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["make_notification_log"]

NOTIF_TYPES = ("breaking", "digest", "social", "promo")
DEVICES = ("android", "ios", "web")
_TYPE_EFFECT = np.array([0.9, -0.2, 0.5, -0.9])
_DEVICE_EFFECT = np.array([0.0, 0.25, -0.6])
START = pd.Timestamp("2026-01-05")  # a Monday


def make_notification_log(n_samples=20_000, *, n_days=28, positive_rate=0.04, as_frame=True,
                          return_truth=False, random_state=None):
    """Generate a log of push notifications sent to users and whether each was opened.

    Each row is one notification. A user's latent appetite for notifications drives both how often
    they opened recently (``opens_7d``) and whether they open this one, so the past predicts the
    future the way it does in a real log. Open probability also depends on the hour (evening peak),
    the notification type, the device and the user's tenure. Users' activity is long-tailed: a few
    heavy users receive many notifications.

    Parameters
    ----------
    n_samples : int, default=20000
        Number of notifications (rows), at least 100.
    n_days : int, default=28
        Days covered, starting on Monday 2026-01-05; at least 2.
    positive_rate : float, default=0.04
        Target share of opened notifications, in (0, 0.5).
    as_frame : bool, default=True
        If True, ``X`` is a DataFrame sorted by ``sent_at``. If False, ``X`` is a float array of shape
        (n_samples, 7) holding [hour, weekday, tenure_days, opens_7d, notif_type code, device code,
        days since start]; the codes index ``truth["notif_types"]`` and ``truth["devices"]``.
    return_truth : bool, default=False
        Also return a dict with the true open probability of every row (``"p"``) and the generator's
        settings, so that calibration can be checked against the truth.
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    X : DataFrame of shape (n_samples, 8) or ndarray of shape (n_samples, 7)
        DataFrame columns: ``sent_at`` (datetime64), ``user_id`` (int64), ``hour`` (int64),
        ``weekday`` (int64, 0 = Monday), ``tenure_days`` (int64), ``opens_7d`` (int64),
        ``notif_type`` and ``device`` (category).
    y : ndarray of shape (n_samples,), int64
        1 if the notification was opened.
    truth : dict, only if ``return_truth``

    Examples
    --------
    >>> X, y = make_notification_log(1000, random_state=0)
    >>> X.shape, y.dtype.name
    ((1000, 8), 'int64')
    """
    n = check_int("n_samples", n_samples, low=100)
    n_days = check_int("n_days", n_days, low=2, high=3650)
    rate = check_float("positive_rate", positive_rate, low=0, high=0.5, low_open=True, high_open=True)
    as_frame = check_bool("as_frame", as_frame)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)

    n_users = max(10, n // 15)
    weight = 1.0 / np.arange(1, n_users + 1) ** 0.8  # long-tailed activity
    user = rng.choice(n_users, size=n, p=weight / weight.sum())
    appetite = rng.normal(0.0, 0.9, size=n_users)
    tenure0 = rng.gamma(1.5, 200.0, size=n_users).astype(np.int64)

    day = np.sort(rng.integers(0, n_days, size=n))
    hour = rng.choice(24, size=n, p=_hour_profile())
    minute = rng.integers(0, 60, size=n)
    sent_at = START + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour * 60 + minute, unit="min")
    weekday = (day % 7).astype(np.int64)
    tenure = tenure0[user] + day
    ntype = rng.choice(len(NOTIF_TYPES), size=n, p=[0.15, 0.4, 0.25, 0.2])
    device = rng.choice(len(DEVICES), size=n, p=[0.55, 0.35, 0.10])
    opens_7d = rng.poisson(1.2 * np.exp(appetite[user]))

    evening = np.exp(-0.5 * ((hour - 20) / 2.5) ** 2)
    logit = (appetite[user] + 0.9 * evening + _TYPE_EFFECT[ntype] + _DEVICE_EFFECT[device]
             + 0.25 * np.log1p(tenure / 365.0) - 0.15 * (weekday >= 5))
    shift = _solve_intercept(logit, rate)
    p = 1.0 / (1.0 + np.exp(-(logit + shift)))
    y = (rng.random(n) < p).astype(np.int64)

    order = np.argsort(sent_at.values, kind="stable")
    if as_frame:
        X = pd.DataFrame({
            "sent_at": sent_at.values[order],
            "user_id": user[order].astype(np.int64),
            "hour": hour[order].astype(np.int64),
            "weekday": weekday[order],
            "tenure_days": tenure[order].astype(np.int64),
            "opens_7d": opens_7d[order].astype(np.int64),
            "notif_type": pd.Categorical.from_codes(ntype[order], NOTIF_TYPES),
            "device": pd.Categorical.from_codes(device[order], DEVICES),
        })
    else:
        X = np.column_stack([hour, weekday, tenure, opens_7d, ntype, device, day]).astype(float)[order]
    y = y[order]
    if not return_truth:
        return X, y
    truth = {"p": p[order], "intercept_shift": shift, "notif_types": NOTIF_TYPES, "devices": DEVICES,
             "n_users": n_users, "start": START, "n_days": n_days}
    return X, y, truth


def _hour_profile() -> np.ndarray:
    hours = np.arange(24)
    w = 0.2 + np.exp(-0.5 * ((hours - 8) / 1.5) ** 2) + 1.4 * np.exp(-0.5 * ((hours - 19) / 2.5) ** 2)
    w[(hours >= 1) & (hours <= 5)] *= 0.15
    return w / w.sum()


def _solve_intercept(logit: np.ndarray, rate: float) -> float:
    """The shift that makes the mean open probability equal ``rate`` (bisection; monotone)."""
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(logit + mid)))) < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
