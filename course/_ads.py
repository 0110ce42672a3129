"""Seeded ad-impression log with known click-through rates and planted drift: chapter 08's data."""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["make_click_log"]

AD_CATEGORIES = ("retail", "travel", "finance", "games", "auto", "food", "beauty", "tech", "education",
                 "health")
SITE_CATEGORIES = ("news", "sports", "games", "video", "social", "shopping", "weather", "blogs")
DEVICE_TYPES = ("mobile", "desktop", "tablet")
DRIFT_KINDS = ("traffic", "concept")
FEATURES = ("day", "hour", "user_id", "ad_id", "ad_category", "site_id", "site_category", "device_type",
            "position", "user_impressions_30d", "user_clicks_30d")

_AD_CAT_SHARE = np.array([0.2, 0.1, 0.08, 0.14, 0.06, 0.1, 0.08, 0.12, 0.05, 0.07])
_SITE_CAT_SHARE = np.array([0.22, 0.12, 0.1, 0.14, 0.18, 0.1, 0.06, 0.08])
_NEW_SOURCE_SITE_SHARE = np.array([0.02, 0.03, 0.45, 0.35, 0.05, 0.02, 0.03, 0.05])
_DEVICE_WEEKDAY = np.array([0.55, 0.35, 0.10])
_DEVICE_WEEKEND = np.array([0.63, 0.26, 0.11])
_DEVICE_NEW_SOURCE = np.array([0.92, 0.02, 0.06])
_DEVICE_EFFECT = np.array([0.0, -0.25, 0.1])
_POSITION_EFFECT = np.array([0.0, -0.45, -0.9])
_POSITION_SHARE = np.array([0.5, 0.3, 0.2])
NEW_SOURCE_SHARE = 0.4  # share of a traffic-drift day's impressions that come from the new source
CONCEPT_MOBILE_SHIFT = -1.6  # logit change of mobile impressions on a concept-drift day (CTR x ~0.2)


def make_click_log(n_samples=200_000, *, n_days=28, drift_days=(17, 21, 25), drift_kinds=None,
                   positive_rate=0.03, as_frame=True, return_truth=False, random_state=None):
    """Generate a log of ad impressions, whether each was clicked, and planted drift on given days.

    Each row is one impression of an ad on a site, shown to a user on a device. The true click
    probability of a row comes from a known logistic model: main effects of the user, the ad, the
    site, the device, the hour and the slot position, plus two interactions that a linear model can
    only learn through feature crosses (ad category x site category, ad category x device type).
    Users, ads and sites have long-tailed popularity: a few are seen very often, most rarely. The
    user's click history over the last 30 days (``user_impressions_30d``, ``user_clicks_30d``) is a
    noisy view of the user's latent appetite for ads. Weekends carry slightly more mobile traffic.

    On each day in ``drift_days`` one shift is planted, for that day only:

    - ``"traffic"``: a new traffic source supplies 40% of the day's impressions (so the day is
      busier): new users with little history, new sites that are mostly games and video, almost
      all mobile, busiest late at night. The click model itself is unchanged (covariate shift).
    - ``"concept"``: an app release pushes the ad slot below the fold on mobile: the logit of every
      mobile impression drops by 1.6 (its CTR falls to about a fifth). Feature distributions are
      unchanged; only the relation between features and clicks moves (concept drift).

    Parameters
    ----------
    n_samples : int, default=200000
        Expected number of impressions, at least 1000 (each traffic-drift day is busier, which
        adds a few percent).
    n_days : int, default=28
        Days covered, numbered 0 to ``n_days - 1``; day 0 is a Monday. At least 2.
    drift_days : tuple of int, default=(17, 21, 25)
        Days that receive a planted shift, each in [1, n_days - 1], without repeats. May be empty.
    drift_kinds : tuple of str or None, default=None
        The shift planted on each drift day, ``"traffic"`` or ``"concept"``, same length as
        ``drift_days``. None alternates, starting with ``"traffic"``.
    positive_rate : float, default=0.03
        Mean click probability of the stable process, in (0, 0.5).
    as_frame : bool, default=True
        If True, ``X`` is a DataFrame sorted by day then hour. If False, ``X`` is a float array of
        shape (n_rows, 11) in the column order of the DataFrame, with each string column replaced
        by integer codes (the order of first appearance in the sorted log).
    return_truth : bool, default=False
        Also return a dict with the ground truth: ``"p"`` (true click probability of every row),
        ``"p_stable"`` (what it would be without concept drift), ``"source"`` (``"organic"`` or
        ``"new_source"`` per row), ``"drift_days"``, ``"drift_kinds"`` ({day: kind}),
        ``"shifts"`` ({day: a sentence on what shifted}), ``"stable_days"``, ``"intercept"``.
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    X : DataFrame of shape (n_rows, 11) or ndarray of shape (n_rows, 11)
        DataFrame columns: ``day``, ``hour``, ``position`` (1 = top slot), ``user_impressions_30d``,
        ``user_clicks_30d`` (int64) and ``user_id``, ``ad_id``, ``ad_category``, ``site_id``,
        ``site_category``, ``device_type`` (str).
    y : ndarray of shape (n_rows,), int64
        1 if the impression was clicked.
    truth : dict, only if ``return_truth``

    Examples
    --------
    >>> X, y = make_click_log(5000, random_state=0)
    >>> X.shape[1], y.dtype.name
    (11, 'int64')
    """
    n = check_int("n_samples", n_samples, low=1000)
    n_days = check_int("n_days", n_days, low=2, high=3650)
    days, kinds = _check_drift(drift_days, drift_kinds, n_days)
    rate = check_float("positive_rate", positive_rate, low=0, high=0.5, low_open=True, high_open=True)
    as_frame = check_bool("as_frame", as_frame)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)

    traffic_days = [d for d, k in zip(days, kinds) if k == "traffic"]
    concept_days = [d for d, k in zip(days, kinds) if k == "concept"]
    weight = np.ones(n_days)
    weight[traffic_days] = 1.0 / (1.0 - NEW_SOURCE_SHARE)
    n_rows = int(round(n * weight.sum() / n_days))
    day = np.sort(rng.choice(n_days, size=n_rows, p=weight / weight.sum()))
    new = np.isin(day, traffic_days) & (rng.random(n_rows) < NEW_SOURCE_SHARE)
    weekend = day % 7 >= 5

    # Catalogues: long-tailed popularity, one category per ad and per site.
    n_users, n_ads, n_sites = max(50, n // 8), max(20, n // 250), max(20, n // 300)
    n_new_sites, n_new_users = max(5, n_sites // 10), max(50, n // 10)
    ad_cat = rng.choice(len(AD_CATEGORIES), size=n_ads, p=_AD_CAT_SHARE)
    site_cat = np.concatenate([rng.choice(len(SITE_CATEGORIES), size=n_sites, p=_SITE_CAT_SHARE),
                               rng.choice(len(SITE_CATEGORIES), size=n_new_sites, p=_NEW_SOURCE_SITE_SHARE)])
    ad_eff = rng.normal(0.0, 0.35, size=n_ads)
    site_eff = np.concatenate([rng.normal(0.0, 0.35, size=n_sites), rng.normal(-0.3, 0.35, size=n_new_sites)])
    user_eff = np.concatenate([rng.normal(0.0, 0.6, size=n_users), rng.normal(-0.2, 0.6, size=n_new_users)])
    cross_site = rng.normal(0.0, 0.45, size=(len(AD_CATEGORIES), len(SITE_CATEGORIES)))
    cross_site[AD_CATEGORIES.index("games"), SITE_CATEGORIES.index("games")] = 1.3
    cross_site[AD_CATEGORIES.index("retail"), SITE_CATEGORIES.index("shopping")] = 1.0
    cross_site[AD_CATEGORIES.index("finance"), SITE_CATEGORIES.index("news")] = 0.8
    cross_site[AD_CATEGORIES.index("travel"), SITE_CATEGORIES.index("weather")] = 0.9
    cross_device = rng.normal(0.0, 0.35, size=(len(AD_CATEGORIES), len(DEVICE_TYPES)))
    cross_device[AD_CATEGORIES.index("games"), 0] = 0.9
    cross_device[AD_CATEGORIES.index("finance"), 1] = 0.6

    user_pop, ad_pop = _popularity(rng, n_users, 0.7), _popularity(rng, n_ads, 0.8)
    site_pop, new_site_pop = _popularity(rng, n_sites, 0.9), _popularity(rng, n_new_sites, 0.8)
    user = np.where(new, n_users + rng.integers(0, n_new_users, size=n_rows),
                    rng.choice(n_users, size=n_rows, p=user_pop))
    ad = rng.choice(n_ads, size=n_rows, p=ad_pop)
    # The new source is a network of gaming apps: the ad server fills half its slots with games ads.
    games_ads = np.flatnonzero(ad_cat == AD_CATEGORIES.index("games"))
    to_games = new & (rng.random(n_rows) < 0.5)
    if games_ads.size:
        games_pop = ad_pop[games_ads] / ad_pop[games_ads].sum()
        ad[to_games] = rng.choice(games_ads, size=int(to_games.sum()), p=games_pop)
    site = np.where(new, n_sites + rng.choice(n_new_sites, size=n_rows, p=new_site_pop),
                    rng.choice(n_sites, size=n_rows, p=site_pop))
    # Impressions over the last 30 days follow how often the user shows up here (the log is a sample).
    activity = np.concatenate([60.0 * n * user_pop / n_days, np.full(n_new_users, 1.5)])
    activity *= rng.lognormal(0.0, 0.5, size=len(activity))
    device = _mixture(rng, np.where(new[:, None], _DEVICE_NEW_SOURCE,
                                    np.where(weekend[:, None], _DEVICE_WEEKEND, _DEVICE_WEEKDAY)))
    hour = np.where(new, rng.choice(24, size=n_rows, p=_hours(night=True)),
                    rng.choice(24, size=n_rows, p=_hours()))
    position = rng.choice(3, size=n_rows, p=_POSITION_SHARE)
    impressions = rng.poisson(activity[user])
    clicks_30d = rng.binomial(impressions, _sigmoid(-3.4 + user_eff[user]))

    acat, scat = ad_cat[ad], site_cat[site]
    logit = (user_eff[user] + ad_eff[ad] + site_eff[site] + _DEVICE_EFFECT[device]
             + _POSITION_EFFECT[position] + 0.35 * np.sin(2 * np.pi * (hour - 15) / 24)
             + cross_site[acat, scat] + cross_device[acat, device])
    intercept = _solve_intercept(logit, rate)
    p_stable = _sigmoid(logit + intercept)
    broken = np.isin(day, concept_days) & (device == 0)
    p = np.where(broken, _sigmoid(logit + intercept + CONCEPT_MOBILE_SHIFT), p_stable)
    y = (rng.random(n_rows) < p).astype(np.int64)

    order = np.lexsort((rng.random(n_rows), hour, day))
    columns = {
        "day": day, "hour": hour, "user_id": _ids("u", user, 6), "ad_id": _ids("a", ad, 4),
        "ad_category": np.array(AD_CATEGORIES)[acat], "site_id": _ids("s", site, 4),
        "site_category": np.array(SITE_CATEGORIES)[scat], "device_type": np.array(DEVICE_TYPES)[device],
        "position": position + 1, "user_impressions_30d": impressions, "user_clicks_30d": clicks_30d,
    }
    frame = pd.DataFrame({name: columns[name][order] for name in FEATURES})
    for name in ("day", "hour", "position", "user_impressions_30d", "user_clicks_30d"):
        frame[name] = frame[name].astype(np.int64)
    if as_frame:
        X = frame
    else:
        X = np.column_stack([pd.factorize(frame[c])[0] if frame[c].dtype != np.int64 else frame[c].to_numpy()
                             for c in FEATURES]).astype(float)
    y = y[order]
    if not return_truth:
        return X, y
    shifts = {d: ("a new traffic source: 40% of the day's impressions come from new users on new games/video "
                  "sites, almost all on mobile, late at night" if k == "traffic" else
                  "mobile ad slot below the fold: the logit of mobile impressions drops by 1.6 (CTR x ~0.2)")
              for d, k in zip(days, kinds)}
    truth = {"p": p[order], "p_stable": p_stable[order],
             "source": np.where(new, "new_source", "organic")[order],
             "drift_days": days, "drift_kinds": dict(zip(days, kinds)), "shifts": shifts,
             "stable_days": tuple(d for d in range(n_days) if d not in days), "intercept": intercept,
             "ad_categories": AD_CATEGORIES, "site_categories": SITE_CATEGORIES, "device_types": DEVICE_TYPES}
    return X, y, truth


def _check_drift(drift_days, drift_kinds, n_days):
    if isinstance(drift_days, (str, bytes)) or not hasattr(drift_days, "__iter__"):
        raise TypeError(f"drift_days must be a tuple of ints, got {type(drift_days).__name__} {drift_days!r}")
    days = tuple(drift_days)
    for d in days:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"drift_days must hold ints, got {type(d).__name__} {d!r}")
        if not 1 <= d <= n_days - 1:
            raise ValueError(f"drift_days must lie in [1, n_days - 1] = [1, {n_days - 1}], got {d!r}")
    if len(set(days)) != len(days):
        raise ValueError(f"drift_days must not repeat a day, got {drift_days!r}")
    days = tuple(int(d) for d in days)
    if drift_kinds is None:
        kinds = tuple(DRIFT_KINDS[i % 2] for i in range(len(days)))
    else:
        if isinstance(drift_kinds, str) or not hasattr(drift_kinds, "__iter__"):
            raise TypeError(f"drift_kinds must be a tuple of str or None, got {type(drift_kinds).__name__}")
        kinds = tuple(drift_kinds)
        if len(kinds) != len(days):
            raise ValueError(f"drift_kinds must have one entry per drift day ({len(days)}), got {len(kinds)}")
        for k in kinds:
            if k not in DRIFT_KINDS:
                raise ValueError(f"drift_kinds must hold 'traffic' or 'concept', got {k!r}")
    pairs = sorted(zip(days, kinds))
    return tuple(d for d, _ in pairs), tuple(k for _, k in pairs)


def _popularity(rng, n_items: int, exponent: float) -> np.ndarray:
    """Long-tailed probabilities, proportional to 1 / rank**exponent, in a random item order."""
    w = 1.0 / np.arange(1, n_items + 1) ** exponent
    return rng.permutation(w / w.sum())


def _mixture(rng, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row from that row's probability vector."""
    return (rng.random(len(probs))[:, None] > np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)


def _hours(night: bool = False) -> np.ndarray:
    h = np.arange(24)
    if night:
        dist = (h - 23.5 + 12) % 24 - 12  # hours from 23:30, wrapping round midnight
        w = 0.1 + np.exp(-0.5 * (dist / 2.5) ** 2)
    else:
        w = 0.15 + 0.7 * np.exp(-0.5 * ((h - 9) / 2.0) ** 2) + np.exp(-0.5 * ((h - 20) / 2.5) ** 2)
        w[(h >= 1) & (h <= 5)] *= 0.3
    return w / w.sum()


def _ids(prefix: str, index: np.ndarray, width: int) -> np.ndarray:
    uniq, inv = np.unique(index, return_inverse=True)
    return np.array([f"{prefix}{i:0{width}d}" for i in uniq], dtype=object)[inv]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _solve_intercept(logit: np.ndarray, rate: float) -> float:
    """The intercept that makes the mean click probability equal ``rate`` (bisection; monotone)."""
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if np.mean(_sigmoid(logit + mid)) < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
