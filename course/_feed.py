"""Seeded social feed (users, authors, posts, sessions, impressions with six actions): chapter 10's data."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["NewsFeed", "make_news_feed", "FEED_TOPICS", "FEED_ACTIONS", "FEED_MEDIA"]

FEED_TOPICS = ("friends", "sport", "politics", "tech", "food", "travel", "music", "humour")
FEED_MEDIA = ("text", "photo", "video", "link")
FEED_ACTIONS = ("click", "like", "comment", "share", "hide")
AUTHOR_KINDS = ("friend", "creator", "publisher")
START = pd.Timestamp("2026-05-04")  # a Monday
_N_COMMUNITIES = 12
_WINDOW_H = 72.0  # a session's candidates were posted in the last three days
_SECONDS_PER_SLOT = 3.0
_HOUR_PROFILE = np.array([2, 1, 1, 1, 1, 2, 5, 9, 9, 7, 6, 7, 9, 8, 7, 6, 7, 8, 10, 12, 13, 12, 9, 5], float)
_HOUR_PROFILE /= _HOUR_PROFILE.sum()
_MEDIA_EFFECT = {"click": (0.0, 0.1, 0.3, 0.4), "like": (0.0, 0.5, 0.2, -0.4), "comment": (0.3, 0.1, -0.2, 0.0),
                 "share": (-0.4, 0.1, 0.4, 0.5), "hide": (0.0, 0.0, 0.2, 0.3)}
# per action: intercept (solved to hit the rate), loading on the shared interest z, extra terms
LOADING = {"click": 1.0, "like": 1.2, "comment": 1.0, "share": 1.3, "hide": -1.0}
RATES = {"click": 0.15, "like": 0.07, "comment": 0.02, "share": 0.015, "hide": 0.03}


@dataclass
class NewsFeed:
    """The tables of a simulated social feed.

    Attributes
    ----------
    users : DataFrame
        ``user_id`` (int64), ``signup_at`` (datetime64).
    authors : DataFrame
        ``author_id`` (int64), ``kind`` (str: friend, creator or publisher), ``main_topic`` (str).
    posts : DataFrame
        ``post_id``, ``author_id`` (int64), ``topic``, ``media`` (str), ``created_at`` (datetime64).
    sessions : DataFrame
        ``session_id``, ``user_id`` (int64), ``started_at`` (datetime64), ``randomised`` (bool: the feed was
        shown in a uniformly random order).
    impressions : DataFrame
        One row per post shown in a session, sorted by ``shown_at``: ``session_id``, ``user_id``, ``post_id``,
        ``author_id`` (int64), ``shown_at`` (datetime64: the session start plus three seconds per slot),
        ``position`` (int64, slot from 0), the five actions ``click``, ``like``, ``comment``, ``share``,
        ``hide`` (int64 0/1) and ``dwell_s`` (float64, seconds the post was on screen).
    """

    users: pd.DataFrame
    authors: pd.DataFrame
    posts: pd.DataFrame
    sessions: pd.DataFrame
    impressions: pd.DataFrame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name)):,}" for name in
                          ("users", "authors", "posts", "sessions", "impressions"))
        return f"NewsFeed({sizes})"


def make_news_feed(n_users=1500, n_authors=300, *, n_posts=3000, n_sessions=6000, n_days=21,
                   feed_length=(8, 24), position_bias=0.8, randomised_rate=0.1, cold_start_rate=0.1,
                   return_truth=False, random_state=None):
    """Generate users, authors, posts and a log of feed sessions with six kinds of engagement.

    The generative process:

    1. **Users** belong to one of twelve communities and have a hidden taste over the eight topics
       (Dirichlet around their community's), a long-tailed activity level, a propensity to like, a reading
       speed (dwell multiplier) and a mood per session. ``cold_start_rate`` of them sign up during the window.
    2. **Authors** are friends (60 %), creators (30 %) or publishers (10 %), each with a community, a main
       topic, a long-tailed quality and a long-tailed posting rate (a few authors write most posts).
    3. **Affinity** between a user and an author is ``1.0 * same community + 0.8 * log(8 * taste[topic] +
       0.05) + u . v`` with four hidden dimensions ``u`` (users) and ``v`` (authors), plus 0.5 for a friend.
    4. **Posts** are written by authors in proportion to their rate, on their main topic three times in
       four, with a media type and a quality (the author's plus noise), at uniform times from two days
       before the window to its end.
    5. **Sessions** happen after signup (more for active users, mostly in the evening). Each shows
       ``feed_length[0]`` to ``feed_length[1]`` posts from the last 72 hours, drawn without replacement
       with weight ``exp(1.5 * affinity + 0.5 * quality - age_h / 48)``. The logging policy orders them by a noisy
       old score (recency plus quality); ``randomised_rate`` of the sessions use a uniformly random order.
    6. **Engagement.** The user examines slot ``p`` (from 0) with probability ``(p + 1) ** -position_bias``
       and an unexamined post gets no action. A shared interest ``z = affinity + quality + mood - age_h / 36
       + e`` (``e`` ~ N(0, 0.5) per impression) drives every action: given examination, action ``a`` happens
       with probability ``sigmoid(c_a + LOADING[a] * z + media effect + extra)``, where ``like`` adds the
       user's propensity, ``comment`` adds 1.0 for friends, and ``c_a`` is solved so that these
       probabilities average ``RATES[a]`` over all shown posts (the realised rate among examined posts is
       a little higher, as the logging policy puts better posts where people look). Hiding a post rules out like, comment and share. The actions are
       thus correlated through ``z``, and ``hide`` negatively. **Dwell** is the time on screen: about 0.4 s
       when a post is scrolled past unexamined, otherwise ``speed * exp(0.6 + 0.45 * z)`` seconds with
       noise, plus 5 to 60 s more after a click.

    Parameters
    ----------
    n_users : int, default=1500
        Number of users, 50 to 200,000.
    n_authors : int, default=300
        Number of authors, 20 to 50,000.
    n_posts : int, default=3000
        Number of posts, 100 to 500,000.
    n_sessions : int, default=6000
        Number of feed sessions, 50 to 500,000.
    n_days : int, default=21
        Length of the window in days, 3 to 365.
    feed_length : (int, int), default=(8, 24)
        Smallest and largest number of posts per session (fewer if fewer are eligible), each 2 to 200.
    position_bias : float, default=0.8
        Exponent of the examination curve ``(p + 1) ** -position_bias``, 0 (no bias) to 3.
    randomised_rate : float, default=0.1
        Share of sessions shown in a uniformly random order, 0 to 1.
    cold_start_rate : float, default=0.1
        Share of users who sign up during the window, 0 to 1.
    return_truth : bool, default=False
        Also return a dict of ground truth (see Returns).
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    feed : NewsFeed
        The five tables (see ``NewsFeed``).
    truth : dict, only if ``return_truth``
        Per impression row: ``"p_examine"`` (the position propensity), ``"p_click"``, ``"p_like"``,
        ``"p_comment"``, ``"p_share"``, ``"p_hide"`` (each the probability given examination),
        ``"affinity"``, ``"z_mean"`` (``z`` without the per-impression noise), ``"examined"`` (bool).
        Settings: ``"propensity"`` (per slot 0 .. feed_length[1] - 1), ``"start"``, ``"end"``.

    Examples
    --------
    >>> feed = make_news_feed(300, 60, n_posts=600, n_sessions=400, random_state=0)
    >>> list(feed.impressions.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['session_id', 'user_id', 'post_id', 'author_id', 'shown_at', 'position', 'click', 'like', 'comment',
     'share', 'hide', 'dwell_s']
    """
    n_users = check_int("n_users", n_users, low=50, high=200_000)
    n_authors = check_int("n_authors", n_authors, low=20, high=50_000)
    n_posts = check_int("n_posts", n_posts, low=100, high=500_000)
    n_sessions = check_int("n_sessions", n_sessions, low=50, high=500_000)
    n_days = check_int("n_days", n_days, low=3, high=365)
    lo_f, hi_f = _check_pair(feed_length)
    eta = check_float("position_bias", position_bias, low=0, high=3)
    randomised_rate = check_float("randomised_rate", randomised_rate, low=0, high=1)
    cold_start_rate = check_float("cold_start_rate", cold_start_rate, low=0, high=1)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    n_top = len(FEED_TOPICS)

    # 1. users
    community_taste = rng.dirichlet(np.full(n_top, 0.4), size=_N_COMMUNITIES)
    u_comm = rng.integers(0, _N_COMMUNITIES, size=n_users)
    taste = np.array([rng.dirichlet(0.3 + 5.0 * community_taste[c]) for c in u_comm])
    activity = np.exp(rng.normal(0.0, 1.0, size=n_users))
    liker = rng.normal(0.0, 0.8, size=n_users)
    speed = np.exp(rng.normal(0.0, 0.35, size=n_users))
    cold = rng.random(n_users) < cold_start_rate
    signup = np.where(cold, rng.uniform(0, n_days - 1, size=n_users), -rng.uniform(30, 900, size=n_users))
    u_vec = rng.normal(0.0, 0.45, size=(n_users, 4))

    # 2. authors
    kind = rng.choice(3, size=n_authors, p=[0.6, 0.3, 0.1])
    a_comm = rng.integers(0, _N_COMMUNITIES, size=n_authors)
    a_topic = np.array([rng.choice(n_top, p=community_taste[c]) for c in a_comm])
    a_topic[kind == 0] = np.where(rng.random(int((kind == 0).sum())) < 0.5, 0, a_topic[kind == 0])
    a_quality = rng.normal(-0.2, 0.6, size=n_authors) + 0.3 * (kind == 1)
    rate = np.exp(rng.normal(0.0, 1.1, size=n_authors)) * np.where(kind == 2, 4.0, 1.0)
    a_vec = rng.normal(0.0, 0.45, size=(n_authors, 4))

    # 4. posts
    p_author = rng.choice(n_authors, size=n_posts, p=rate / rate.sum())
    p_topic = np.where(rng.random(n_posts) < 0.75, a_topic[p_author], rng.integers(0, n_top, size=n_posts))
    p_media = rng.choice(len(FEED_MEDIA), size=n_posts, p=[0.3, 0.35, 0.2, 0.15])
    p_quality = a_quality[p_author] + rng.normal(0.0, 0.5, size=n_posts)
    created = np.sort(rng.uniform(-2.0, n_days, size=n_posts))  # days; post ids follow time

    # 5. sessions
    s_user = rng.choice(n_users, size=n_sessions, p=activity / activity.sum())
    lo_t = np.maximum(signup[s_user], 0.0)
    day = np.floor(lo_t + rng.random(n_sessions) * (n_days - lo_t))
    s_time = day + (rng.choice(24, size=n_sessions, p=_HOUR_PROFILE) + rng.random(n_sessions)) / 24.0
    early = s_time < lo_t
    s_time[early] = lo_t[early] + rng.random(int(early.sum())) * (n_days - lo_t[early])
    s_time = np.minimum(s_time, n_days - 1e-3)
    order = np.argsort(s_time, kind="stable")
    s_user, s_time = s_user[order], s_time[order]
    randomised = rng.random(n_sessions) < randomised_rate
    mood = rng.normal(0.0, 0.4, size=n_sessions)

    def affinity(users, posts):
        a = p_author[posts]
        return (1.0 * (u_comm[users] == a_comm[a]) + 0.8 * np.log(n_top * taste[users, p_topic[posts]] + 0.05)
                + np.sum(u_vec[users] * a_vec[a], axis=-1) + 0.5 * (kind[a] == 0))

    sess, post = _show(rng, s_user, s_time, created, p_quality, affinity, lo_f, hi_f, randomised)
    position = _positions(sess)
    user = s_user[sess]
    age_h = (s_time[sess] - created[post]) * 24.0
    aff = affinity(user, post)
    z_mean = aff + p_quality[post] + mood[sess] - age_h / 36.0
    z = z_mean + rng.normal(0.0, 0.5, size=len(sess))

    # 6. engagement
    propensity = (np.arange(hi_f) + 1.0) ** -eta
    examined = rng.random(len(sess)) < propensity[position]
    media = p_media[post]
    extra = {"click": 0.0, "like": liker[user], "comment": 1.0 * (kind[p_author[post]] == 0), "share": 0.0,
             "hide": 0.0}
    logits = {a: LOADING[a] * z + np.asarray(_MEDIA_EFFECT[a])[media] + extra[a] for a in FEED_ACTIONS}
    p = {a: _sigmoid(logits[a] + _solve_rate(logits[a], RATES[a])) for a in FEED_ACTIONS}
    draws = {a: examined & (rng.random(len(sess)) < p[a]) for a in FEED_ACTIONS}
    for a in ("like", "comment", "share"):
        draws[a] &= ~draws["hide"]
    scrolled = np.exp(rng.normal(np.log(0.4), 0.3, size=len(sess)))
    read = speed[user] * np.exp(0.6 + 0.45 * z + rng.normal(0.0, 0.3, size=len(sess)))
    dwell = np.where(examined, read, scrolled) + draws["click"] * rng.uniform(5, 60, size=len(sess))
    dwell = np.round(dwell, 1)

    def stamp(days):
        return START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s")

    topics = np.array(FEED_TOPICS, dtype=object)
    users = pd.DataFrame({"user_id": np.arange(n_users, dtype=np.int64), "signup_at": stamp(signup)})
    authors = pd.DataFrame({"author_id": np.arange(n_authors, dtype=np.int64),
                            "kind": pd.array(np.array(AUTHOR_KINDS, dtype=object)[kind], dtype="str"),
                            "main_topic": pd.array(topics[a_topic], dtype="str")})
    posts = pd.DataFrame({"post_id": np.arange(n_posts, dtype=np.int64), "author_id": p_author.astype(np.int64),
                          "topic": pd.array(topics[p_topic], dtype="str"),
                          "media": pd.array(np.array(FEED_MEDIA, dtype=object)[p_media], dtype="str"),
                          "created_at": stamp(created)})
    sessions = pd.DataFrame({"session_id": np.arange(n_sessions, dtype=np.int64),
                             "user_id": s_user.astype(np.int64), "started_at": stamp(s_time),
                             "randomised": randomised})
    shown_at = sessions["started_at"].to_numpy()[sess] + (position * _SECONDS_PER_SLOT * 1e9).astype(
        "timedelta64[ns]")
    impressions = pd.DataFrame({
        "session_id": sess.astype(np.int64), "user_id": user.astype(np.int64), "post_id": post.astype(np.int64),
        "author_id": p_author[post].astype(np.int64), "shown_at": shown_at, "position": position,
        **{a: draws[a].astype(np.int64) for a in FEED_ACTIONS}, "dwell_s": dwell.astype(np.float64)})
    by_time = np.argsort(impressions["shown_at"].to_numpy(), kind="stable")
    impressions = impressions.iloc[by_time].reset_index(drop=True)
    feed = NewsFeed(users, authors, posts, sessions, impressions)
    if not return_truth:
        return feed
    p_given = {f"p_{a}": p[a] * (1.0 - p["hide"]) if a in ("like", "comment", "share") else p[a]
               for a in FEED_ACTIONS}
    truth = {"p_examine": propensity[position], **p_given, "affinity": aff, "z_mean": z_mean,
             "examined": examined}
    truth = {k: np.asarray(v)[by_time] for k, v in truth.items()}
    truth.update({"propensity": propensity, "start": START, "end": START + pd.Timedelta(days=n_days)})
    return feed, truth


def _check_pair(pair):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"feed_length must be a pair (smallest, largest), got {pair!r}")
    lo = check_int("feed_length[0]", pair[0], low=2, high=200)
    hi = check_int("feed_length[1]", pair[1], low=2, high=200)
    if hi < lo:
        raise ValueError(f"feed_length must be (smallest, largest) with smallest <= largest, got {pair!r}")
    return lo, hi


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _solve_rate(logit, rate):
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.mean(_sigmoid(logit + mid)) < rate else (lo, mid)
    return (lo + hi) / 2


def _show(rng, s_user, s_time, created, quality, affinity, lo_f, hi_f, randomised):
    """Posts of the last 72 hours drawn by weight (Gumbel top-k), then ordered by the logging policy."""
    size = rng.integers(lo_f, hi_f + 1, size=len(s_user))
    first = np.searchsorted(created, s_time - _WINDOW_H / 24.0, side="left")
    last = np.searchsorted(created, s_time, side="left")
    sess, post = [], []
    for s in range(len(s_user)):
        cand = np.arange(first[s], last[s])
        if len(cand) == 0:
            continue
        age_h = (s_time[s] - created[cand]) * 24.0
        key = 1.5 * affinity(np.full(len(cand), s_user[s]), cand) + 0.5 * quality[cand] - age_h / 48.0
        m = min(size[s], len(cand))
        pick = cand[np.argsort(-(key + rng.gumbel(size=len(cand))))[:m]]
        if randomised[s]:
            pick = rng.permutation(pick)
        else:
            old = -(s_time[s] - created[pick]) * 24.0 / 12.0 + 0.7 * quality[pick] + rng.normal(0, 0.7, m)
            pick = pick[np.argsort(-old, kind="stable")]
        sess.append(np.full(m, s))
        post.append(pick)
    return np.concatenate(sess).astype(np.int64), np.concatenate(post).astype(np.int64)


def _positions(sess):
    starts = np.r_[0, np.flatnonzero(np.diff(sess)) + 1]
    sizes = np.diff(np.r_[starts, len(sess)])
    return (np.arange(len(sess)) - np.repeat(starts, sizes)).astype(np.int64)
