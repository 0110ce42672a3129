"""make_news_feed: tables, dtypes, seeds, the documented generative process and its ground truth."""
import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._feed import START

SMALL = dict(n_users=300, n_authors=60, n_posts=600, n_sessions=800)
ACTIONS = list(datasets.FEED_ACTIONS)


@pytest.fixture(scope="module")
def world():
    return datasets.make_news_feed(**SMALL, random_state=3, return_truth=True)


@pytest.fixture(scope="module")
def default():
    return datasets.make_news_feed(random_state=7, return_truth=True)


def test_exported_from_datasets():
    """The generator, its bundle class and its constants are re-exported by course.datasets."""
    for name in ("make_news_feed", "NewsFeed", "FEED_TOPICS", "FEED_ACTIONS", "FEED_MEDIA"):
        assert name in datasets.__all__


def test_tables_columns_and_dtypes(world):
    """Each table has the documented columns; text columns are pandas str, times datetime64, ids int64."""
    f, _ = world
    assert isinstance(f, datasets.NewsFeed) and "impressions=" in repr(f)
    assert list(f.users.columns) == ["user_id", "signup_at"]
    assert list(f.authors.columns) == ["author_id", "kind", "main_topic"]
    assert list(f.posts.columns) == ["post_id", "author_id", "topic", "media", "created_at"]
    assert list(f.sessions.columns) == ["session_id", "user_id", "started_at", "randomised"]
    assert list(f.impressions.columns) == ["session_id", "user_id", "post_id", "author_id", "shown_at", "position",
                                           *ACTIONS, "dwell_s"]
    for frame, col in ((f.authors, "kind"), (f.authors, "main_topic"), (f.posts, "topic"), (f.posts, "media")):
        assert pd.api.types.is_string_dtype(frame[col].dtype) and frame[col].dtype != object
    for frame, col in ((f.users, "signup_at"), (f.posts, "created_at"), (f.sessions, "started_at"),
                       (f.impressions, "shown_at")):
        assert pd.api.types.is_datetime64_any_dtype(frame[col].dtype), col
    for col in ("session_id", "user_id", "post_id", "author_id", "position", *ACTIONS):
        assert f.impressions[col].dtype == np.int64, col
    assert f.impressions["dwell_s"].dtype == np.float64 and f.sessions["randomised"].dtype == bool
    assert len(f.users) == SMALL["n_users"] and len(f.posts) == SMALL["n_posts"]


def test_same_seed_same_feed_and_different_seed_differs():
    """random_state fixes every table; another seed gives another log."""
    a = datasets.make_news_feed(**SMALL, random_state=11)
    b = datasets.make_news_feed(**SMALL, random_state=11)
    c = datasets.make_news_feed(**SMALL, random_state=12)
    for name in ("users", "authors", "posts", "sessions", "impressions"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.impressions["post_id"].equals(c.impressions["post_id"])


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator works as random_state and the global RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_news_feed(**SMALL, random_state=np.random.default_rng(5))
    assert np.random.random() == before


def test_sessions_show_recent_posts_in_consecutive_slots(world):
    """Posts are at most 72 h old when shown, sessions start after signup, slots run 0..n-1 three seconds apart."""
    f, _ = world
    imp = f.impressions
    rows = imp.merge(f.posts[["post_id", "author_id", "created_at"]], on="post_id", suffixes=("", "_post"))
    assert (rows["author_id"] == rows["author_id_post"]).all()
    age = rows["shown_at"] - rows["created_at"]
    assert (age >= pd.Timedelta(0)).all() and (age <= pd.Timedelta(hours=72, seconds=80)).all()
    s = f.sessions.merge(f.users, on="user_id")
    assert (s["started_at"] >= s["signup_at"] - pd.Timedelta(seconds=1)).all()
    assert imp["shown_at"].is_monotonic_increasing
    assert imp["shown_at"].min() >= START and imp["shown_at"].max() < START + pd.Timedelta(days=21, minutes=5)
    slots = imp.groupby("session_id")["position"].agg(lambda p: sorted(p) == list(range(len(p))))
    assert slots.all()
    assert imp.groupby("session_id").size().between(1, 24).all()
    assert not imp.duplicated(["session_id", "post_id"]).any()
    start = imp["session_id"].map(f.sessions.set_index("session_id")["started_at"])
    assert ((imp["shown_at"] - start) == pd.to_timedelta(3 * imp["position"], unit="s")).all()


def test_actions_and_dwell_are_consistent(world):
    """Actions are 0/1; a hide rules out like, comment and share; dwell is positive and longer after a click."""
    f, t = world
    imp = f.impressions
    for a in ACTIONS:
        assert set(imp[a].unique()) <= {0, 1}
    hidden = imp["hide"] == 1
    assert (imp.loc[hidden, ["like", "comment", "share"]] == 0).all().all()
    assert (imp["dwell_s"] > 0).all()
    assert imp.loc[imp["click"] == 1, "dwell_s"].min() >= 5
    assert not (imp[ACTIONS].to_numpy().any(axis=1) & ~t["examined"]).any()  # no action without examination


def test_truth_is_aligned_and_matches_the_realised_rates(default):
    """Truth has one entry per impression; actions happen at the rate of p_examine * p_action."""
    f, t = default
    imp = f.impressions
    n = len(imp)
    for key in ("p_examine", "p_click", "p_like", "p_comment", "p_share", "p_hide", "affinity", "z_mean",
                "examined"):
        assert len(t[key]) == n, key
    np.testing.assert_allclose(t["p_examine"], t["propensity"][imp["position"].to_numpy()])
    np.testing.assert_allclose(t["propensity"], (np.arange(24) + 1.0) ** -0.8)
    for a in ACTIONS:
        expected = np.mean(t["p_examine"] * t[f"p_{a}"])
        assert abs(imp[a].mean() - expected) < 4 * np.sqrt(expected / n) + 1e-4, a
    assert abs(t["examined"].mean() - t["p_examine"].mean()) < 0.01


def test_documented_effects_show_in_the_log(default):
    """Position bias in randomised sessions, correlated actions, a long tail of authors, cold-start users."""
    f, t = default
    imp = f.impressions
    rand = imp["session_id"].map(f.sessions.set_index("session_id")["randomised"]).to_numpy()
    ctr = imp[rand].groupby("position")["click"].mean()
    assert ctr.iloc[0] > 2.5 * ctr.iloc[8:16].mean()
    assert 0.05 < f.sessions["randomised"].mean() < 0.15
    corr = imp[ACTIONS].corr()
    assert corr.loc["click", "like"] > 0.15 and corr.loc["click", "share"] > 0.08
    posts_per_author = f.posts.groupby("author_id").size().sort_values(ascending=False)
    assert posts_per_author.iloc[: len(posts_per_author) // 10].sum() > 0.3 * len(f.posts)
    rates = imp[ACTIONS].mean()
    assert 0.03 < rates["click"] < 0.08 and rates["share"] < rates["like"] < rates["click"]
    examined = t["examined"]
    assert abs(t["p_click"].mean() - 0.15) < 0.002  # RATES["click"], averaged over every shown post
    assert 0.15 < imp.loc[examined, "click"].mean() < 0.22  # the old ranker puts better posts where people look
    pairs = imp.groupby(["user_id", "author_id"]).size()
    assert pairs.max() > 20 and (pairs > 1).mean() > 0.2  # users keep seeing the authors they like
    assert ((f.users["signup_at"] >= START).mean() - 0.1) ** 2 < 0.03 ** 2
    hi, lo = t["affinity"] > np.quantile(t["affinity"], 0.8), t["affinity"] < np.quantile(t["affinity"], 0.2)
    assert imp["click"][hi].mean() > 2 * imp["click"][lo].mean()


def test_knobs_change_what_they_say():
    """position_bias=0 flattens examination; randomised_rate=0 and cold_start_rate=0 switch those off."""
    f, t = datasets.make_news_feed(**SMALL, position_bias=0.0, randomised_rate=0.0, cold_start_rate=0.0,
                                   feed_length=(3, 5), random_state=1, return_truth=True)
    assert np.all(t["p_examine"] == 1.0) and t["examined"].all()
    assert not f.sessions["randomised"].any()
    assert (f.users["signup_at"] < START).all()
    assert f.impressions.groupby("session_id").size().max() <= 5


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(n_users=10), ValueError, "n_users"),
    (dict(n_users=2.5), TypeError, "n_users"),
    (dict(n_authors=True), TypeError, "n_authors"),
    (dict(n_posts=5), ValueError, "n_posts"),
    (dict(n_sessions=0), ValueError, "n_sessions"),
    (dict(n_days=1), ValueError, "n_days"),
    (dict(feed_length=5), TypeError, "feed_length"),
    (dict(feed_length=(10, 4)), ValueError, "feed_length"),
    (dict(feed_length=(1, 4)), ValueError, "feed_length[0]"),
    (dict(position_bias=-1), ValueError, "position_bias"),
    (dict(position_bias="strong"), TypeError, "position_bias"),
    (dict(randomised_rate=1.5), ValueError, "randomised_rate"),
    (dict(cold_start_rate=-0.1), ValueError, "cold_start_rate"),
    (dict(return_truth="yes"), TypeError, "return_truth"),
    (dict(random_state=-3), ValueError, "random_state"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, word):
    """Every bad argument raises the documented error type with the argument's name in the message."""
    with pytest.raises(exc, match=word.replace("[", r"\[").replace("]", r"\]")):
        datasets.make_news_feed(**kwargs)
