"""Seeded watch log of a video platform (users, videos, plays with watch fractions): chapter 06's data."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["WatchLog", "make_watch_log", "VIDEO_GENRES", "AGE_BANDS"]

VIDEO_GENRES = ("comedy", "music", "gaming", "news", "sports", "education", "cooking", "travel", "science",
                "kids")
# Share of uploads per genre (a few genres dominate the catalogue) and the median length in minutes.
_GENRE_SHARE = np.array([0.16, 0.15, 0.14, 0.10, 0.09, 0.09, 0.08, 0.07, 0.06, 0.06])
_GENRE_MINUTES = np.array([6.0, 4.0, 18.0, 5.0, 8.0, 14.0, 9.0, 12.0, 11.0, 7.0])
AGE_BANDS = ("13-17", "18-24", "25-44", "45+")
_BAND_SHARE = np.array([0.15, 0.25, 0.40, 0.20])
START = pd.Timestamp("2026-01-05")  # a Monday
FRESH_DAYS = 6.0  # a new upload's audience decays with this time scale (days)
CLICKBAIT_RATE = 0.08  # share of videos with an enticing thumbnail and a disappointing body


@dataclass
class WatchLog:
    """The tables of a simulated video platform.

    Attributes
    ----------
    users : DataFrame
        One row per user, by ``user_id`` (int64): ``age_band`` (str, one of ``AGE_BANDS``) and
        ``signup_at`` (datetime64).
    videos : DataFrame
        One row per video, by ``video_id`` (int64): ``genre`` (str, one of ``VIDEO_GENRES``),
        ``duration_min`` (float64) and ``uploaded_at`` (datetime64).
    watches : DataFrame
        One row per play, sorted by ``watched_at``: ``user_id``, ``video_id`` (int64),
        ``watched_at`` (datetime64) and ``watch_fraction`` (float64 in (0, 1], the share of the
        video that was played). A user plays a given video at most once.
    """

    users: pd.DataFrame
    videos: pd.DataFrame
    watches: pd.DataFrame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name)):,}" for name in ("users", "videos", "watches"))
        return f"WatchLog({sizes})"


def make_watch_log(n_users=2000, n_videos=1000, *, n_days=56, n_factors=8, watches_per_user=30.0,
                   cold_start_rate=0.1, new_video_rate=0.3, return_truth=False, random_state=None):
    """Generate users, videos and a log of plays with partial watches.

    The generative process, step by step:

    1. **Tastes.** Each of the ten genres (``VIDEO_GENRES``) has a centre in an ``n_factors``
       dimensional taste space. A video's hidden factor vector is its genre's centre plus noise;
       a user's is the mean of the centres of one or two favourite genres plus noise. Favourite
       genres are drawn from a preference that depends on the user's age band, so age bands
       differ in what they watch.
    2. **Videos** have a genre (a few genres dominate), a log-normal length around the genre's
       median, a long-tailed ``buzz`` (how much the platform and the outside world push it), a
       ``quality`` and, for ``CLICKBAIT_RATE`` of them, a clickbait flag: more plays, shorter
       watches. ``1 - new_video_rate`` of the videos were uploaded in the 120 days before the
       window, the rest during it.
    3. **Users** have a long-tailed activity level; ``cold_start_rate`` of them sign up during the
       window, the others before it.
    4. **Plays.** A user plays about ``watches_per_user * activity * (share of the window they
       were signed up)`` distinct videos (Poisson), drawn without replacement with weight
       ``exp(affinity + buzz + 1.0 * clickbait + log(exposure))`` where ``affinity`` is the
       scaled dot product of the two factor vectors (standard deviation about 1.2) and
       ``exposure`` the share of the window in which both the user and the video existed. A
       video from before the window is played at a uniform time in it; a new upload is played
       soon after its upload (exponential, ``FRESH_DAYS`` scale, truncated at the window's end).
    5. **Watch fraction.** A play lasts a share ``f`` of the video, with mean
       ``m = sigmoid(-1.0 + 0.9 * affinity + quality - 3.0 * clickbait)``: with probability
       ``0.4 * m`` the video is watched to the end (``f = 1``), otherwise ``f ~ Beta(4m, 4(1-m))``,
       floored at 0.01 and rounded to three decimals. So plays follow appeal, watch time follows
       taste and quality, and the two disagree on clickbait.

    Parameters
    ----------
    n_users : int, default=2000
        Number of users, 20 to 100,000.
    n_videos : int, default=1000
        Number of videos, 20 to 50,000.
    n_days : int, default=56
        Length of the window in days (from Monday 2026-01-05), 7 to 365.
    n_factors : int, default=8
        Dimension of the hidden taste space, 2 to 64.
    watches_per_user : float, default=30.0
        Mean number of plays of a user with average activity present for the whole window, 1 to 500.
    cold_start_rate : float, default=0.1
        Share of users who sign up during the window, 0 to 1.
    new_video_rate : float, default=0.3
        Share of videos uploaded during the window, 0 to 1.
    return_truth : bool, default=False
        Also return a dict with the hidden quantities (see Returns).
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    log : WatchLog
        The three tables (see ``WatchLog``).
    truth : dict, only if ``return_truth``
        ``"user_factors"`` (n_users x n_factors), ``"video_factors"`` (n_videos x n_factors),
        ``"scale"`` (affinity = scale * user_factors @ video_factors.T), ``"buzz"``, ``"quality"``,
        ``"clickbait"`` (bool) per video, ``"favourite_genres"`` (list of tuples) and
        ``"cold_start"`` (bool) per user, ``"expected_fraction"`` per row of ``log.watches``
        (the mean ``m`` of step 5, without the completions), ``"start"``, ``"end"``, ``"n_days"``.

    Examples
    --------
    >>> log = make_watch_log(200, 100, random_state=0)
    >>> list(log.watches.columns)
    ['user_id', 'video_id', 'watched_at', 'watch_fraction']
    """
    n_users = check_int("n_users", n_users, low=20, high=100_000)
    n_videos = check_int("n_videos", n_videos, low=20, high=50_000)
    n_days = check_int("n_days", n_days, low=7, high=365)
    n_factors = check_int("n_factors", n_factors, low=2, high=64)
    watches_per_user = check_float("watches_per_user", watches_per_user, low=1, high=500)
    cold_start_rate = check_float("cold_start_rate", cold_start_rate, low=0, high=1)
    new_video_rate = check_float("new_video_rate", new_video_rate, low=0, high=1)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    n_genres = len(VIDEO_GENRES)

    # 1. tastes
    centres = rng.normal(0.0, 1.0, size=(n_genres, n_factors))
    band_pref = rng.normal(0.0, 1.5, size=(len(AGE_BANDS), n_genres))

    # 2. videos
    genre = rng.choice(n_genres, size=n_videos, p=_GENRE_SHARE / _GENRE_SHARE.sum())
    v_fac = centres[genre] + rng.normal(0.0, 0.6, size=(n_videos, n_factors))
    minutes = np.round(_GENRE_MINUTES[genre] * np.exp(rng.normal(0.0, 0.5, size=n_videos)), 1)
    minutes = np.maximum(minutes, 0.5)
    buzz = rng.normal(0.0, 1.1, size=n_videos)
    quality = rng.normal(0.0, 0.5, size=n_videos)
    clickbait = rng.random(n_videos) < CLICKBAIT_RATE
    new = rng.random(n_videos) < new_video_rate
    uploaded = np.where(new, rng.uniform(0, n_days - 0.5, size=n_videos), -rng.uniform(1, 120, size=n_videos))

    # 3. users
    band = rng.choice(len(AGE_BANDS), size=n_users, p=_BAND_SHARE / _BAND_SHARE.sum())
    n_fav = rng.integers(1, 3, size=n_users)
    gumbel = np.log(_softmax(band_pref[band])) + rng.gumbel(size=(n_users, n_genres))
    top = np.argsort(-gumbel, axis=1)[:, :2]
    fav = [tuple(int(g) for g in sorted(row[:k])) for row, k in zip(top, n_fav)]
    u_fac = np.where((n_fav == 1)[:, None], centres[top[:, 0]], (centres[top[:, 0]] + centres[top[:, 1]]) / 2)
    u_fac = u_fac + rng.normal(0.0, 0.5, size=(n_users, n_factors))
    activity = np.exp(rng.normal(0.0, 0.8, size=n_users))
    cold = rng.random(n_users) < cold_start_rate
    signup = np.where(cold, rng.uniform(0, n_days - 1, size=n_users), -rng.uniform(10, 900, size=n_users))
    present = (n_days - np.maximum(signup, 0.0)) / n_days
    n_plays = rng.poisson(watches_per_user * activity * present)
    scale = 1.2 / np.sqrt(n_factors * (1.0 + 0.6 ** 2) * (0.5 + 0.5 ** 2))

    # 4. plays: a weighted draw without replacement per user (Gumbel top-k), in chunks of users
    users_of, videos_of = [], []
    chunk = max(1, 2_000_000 // n_videos)
    for s in range(0, n_users, chunk):
        idx = np.arange(s, min(s + chunk, n_users))
        aff = scale * u_fac[idx] @ v_fac.T
        lo = np.maximum(np.maximum(signup[idx, None], uploaded[None, :]), 0.0)
        exposure = (n_days - lo) / n_days
        with np.errstate(divide="ignore"):
            key = aff + buzz + 1.0 * clickbait + np.log(np.clip(exposure, 0.0, None))
        key = key + rng.gumbel(size=key.shape)
        order = np.argsort(-key, axis=1)
        n_ok = np.isfinite(key).sum(axis=1)
        for row, u in enumerate(idx):
            m = min(int(n_plays[u]), int(n_ok[row]))
            users_of.append(np.full(m, u))
            videos_of.append(order[row, :m])
    user_of = np.concatenate(users_of).astype(np.int64)
    video_of = np.concatenate(videos_of).astype(np.int64)
    lo = np.maximum(np.maximum(signup[user_of], uploaded[video_of]), 0.0)
    span = n_days - lo
    draw = rng.random(len(user_of))
    fresh = uploaded[video_of] >= 0
    t_exp = lo - FRESH_DAYS * np.log1p(-draw * (1.0 - np.exp(-span / FRESH_DAYS)))
    t = np.where(fresh, t_exp, lo + draw * span)
    t = np.minimum(t, n_days - 1e-6)

    # 5. watch fractions
    aff = scale * np.einsum("ij,ij->i", u_fac[user_of], v_fac[video_of])
    mean = 1.0 / (1.0 + np.exp(-(-1.0 + 0.9 * aff + quality[video_of] - 3.0 * clickbait[video_of])))
    done = rng.random(len(user_of)) < 0.4 * mean
    part = rng.beta(4 * mean, 4 * (1 - mean))
    fraction = np.where(done, 1.0, np.round(np.maximum(part, 0.01), 3))

    order = np.argsort(t, kind="stable")
    user_of, video_of, t = user_of[order], video_of[order], t[order]
    fraction, mean = fraction[order], mean[order]

    def stamp(days):
        return START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s")

    users = pd.DataFrame({
        "user_id": np.arange(n_users, dtype=np.int64),
        "age_band": pd.array(np.array(AGE_BANDS, dtype=object)[band], dtype="str"),
        "signup_at": stamp(signup),
    })
    videos = pd.DataFrame({
        "video_id": np.arange(n_videos, dtype=np.int64),
        "genre": pd.array(np.array(VIDEO_GENRES, dtype=object)[genre], dtype="str"),
        "duration_min": minutes.astype(float),
        "uploaded_at": stamp(uploaded),
    })
    watches = pd.DataFrame({
        "user_id": user_of,
        "video_id": video_of,
        "watched_at": stamp(t),
        "watch_fraction": fraction.astype(float),
    })
    log = WatchLog(users, videos, watches)
    if not return_truth:
        return log
    truth = {
        "user_factors": u_fac, "video_factors": v_fac, "scale": float(scale),
        "buzz": buzz, "quality": quality,
        "clickbait": clickbait, "favourite_genres": [tuple(VIDEO_GENRES[g] for g in f) for f in fav],
        "cold_start": cold, "expected_fraction": mean,
        "start": START, "end": START + pd.Timedelta(days=n_days),
        "n_days": n_days,
    }
    return log, truth


def _softmax(x):
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
