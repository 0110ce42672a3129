"""make_event_platform: tables, dtypes, seeds, the documented generative process and its ground truth."""
import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._events import START

SMALL = dict(n_users=400, n_events=150, n_requests=1200)


@pytest.fixture(scope="module")
def world():
    return datasets.make_event_platform(**SMALL, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The generator, its bundle class and its constants are re-exported by course.datasets."""
    for name in ("make_event_platform", "EventPlatform", "EVENT_CATEGORIES", "EVENT_CITIES"):
        assert name in datasets.__all__


def test_tables_columns_and_dtypes(world):
    """Each table has the documented columns; text columns are pandas 3 str, times datetime64."""
    p, _ = world
    assert isinstance(p, datasets.EventPlatform)
    assert list(p.users.columns) == ["user_id", "city", "home_lat", "home_lon", "signup_at", "interests"]
    assert list(p.events.columns) == ["event_id", "host_id", "category", "city", "lat", "lon", "price",
                                      "created_at", "start_at"]
    assert list(p.friendships.columns) == ["user_a", "user_b"]
    assert list(p.impressions.columns) == ["request_id", "user_id", "event_id", "request_at", "position",
                                           "clicked", "registered", "registered_at"]
    assert list(p.registrations.columns) == ["user_id", "event_id", "registered_at"]
    for frame, col in ((p.users, "city"), (p.users, "interests"), (p.events, "category"), (p.events, "city")):
        assert pd.api.types.is_string_dtype(frame[col].dtype) and frame[col].dtype != object
    for frame, col in ((p.users, "signup_at"), (p.events, "created_at"), (p.events, "start_at"),
                       (p.impressions, "request_at"), (p.impressions, "registered_at")):
        assert pd.api.types.is_datetime64_any_dtype(frame[col].dtype), col
    for col in ("request_id", "user_id", "event_id", "position", "clicked", "registered"):
        assert p.impressions[col].dtype == np.int64, col
    assert len(p.users) == SMALL["n_users"] and len(p.events) == SMALL["n_events"]
    assert "impressions=" in repr(p)


def test_same_seed_same_platform_and_different_seed_differs():
    """random_state fixes every table; another seed gives another log."""
    a = datasets.make_event_platform(**SMALL, random_state=11)
    b = datasets.make_event_platform(**SMALL, random_state=11)
    c = datasets.make_event_platform(**SMALL, random_state=12)
    for name in ("users", "events", "friendships", "impressions", "registrations"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.impressions["event_id"].equals(c.impressions["event_id"])


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator works as random_state and the global RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_event_platform(**SMALL, random_state=np.random.default_rng(5))
    assert np.random.random() == before


def test_values_are_in_range(world):
    """Coordinates sit in the region, ids are valid, labels are 0/1 and friendships are clean pairs."""
    p, _ = world
    assert p.users["home_lat"].between(51, 53.5).all() and p.events["lon"].between(3.5, 7).all()
    assert set(p.events["category"]) <= set(datasets.EVENT_CATEGORIES)
    assert (p.events["price"] >= 0).all() and (p.events["price"] == 0).mean() > 0.2
    assert (p.events["start_at"] > p.events["created_at"]).all()
    for interests in p.users["interests"]:
        parts = interests.split("|")
        assert 1 <= len(parts) <= 3 and set(parts) <= set(datasets.EVENT_CATEGORIES)
    f = p.friendships
    assert (f["user_a"] < f["user_b"]).all() and not f.duplicated().any()
    assert f.to_numpy().max() < SMALL["n_users"]
    imp = p.impressions
    assert set(imp["clicked"].unique()) <= {0, 1} and set(imp["registered"].unique()) <= {0, 1}
    assert imp["event_id"].between(0, SMALL["n_events"] - 1).all()


def test_requests_show_upcoming_events_to_signed_up_users(world):
    """Shown events were created before the request and start within (1 h, 30 days] of it."""
    p, _ = world
    rows = p.impressions.merge(p.events, on="event_id").merge(p.users, on="user_id")
    ahead = rows["start_at"] - rows["request_at"]
    assert (rows["created_at"] <= rows["request_at"]).all()
    assert (ahead > pd.Timedelta(hours=1)).all() and (ahead <= pd.Timedelta(days=30, seconds=1)).all()
    assert (rows["signup_at"] <= rows["request_at"] + pd.Timedelta(seconds=1)).all()
    imp = p.impressions
    assert imp["request_at"].is_monotonic_increasing and imp["request_id"].is_monotonic_increasing
    sizes = imp.groupby("request_id").size()
    assert sizes.max() <= 20 and sizes.median() >= 8
    assert (imp.groupby("request_id")["position"].agg(lambda s: list(s) == list(range(len(s))))).all()
    assert not imp.duplicated(["request_id", "event_id"]).any()
    assert imp["request_at"].min() >= START and imp["request_at"].max() < START + pd.Timedelta(days=42)


def test_registrations_are_the_registered_impressions(world):
    """registrations lists exactly the registered rows; each was clicked; no event is registered twice."""
    p, _ = world
    imp = p.impressions
    reg = imp[imp["registered"] == 1]
    assert (reg["clicked"] == 1).all()
    assert reg["registered_at"].notna().all()
    assert imp.loc[imp["registered"] == 0, "registered_at"].isna().all()
    lag = reg["registered_at"] - reg["request_at"]
    assert (lag >= pd.Timedelta(minutes=1)).all() and (lag <= pd.Timedelta(minutes=20, seconds=1)).all()
    assert len(p.registrations) == len(reg)
    assert p.registrations["registered_at"].is_monotonic_increasing
    assert not p.registrations.duplicated(["user_id", "event_id"]).any()
    assert (reg.groupby("request_id").size() <= 2).all()


def test_truth_is_aligned_and_consistent(world):
    """The truth has one entry per impression; probabilities are valid and match the realised rates."""
    p, t = world
    n = len(p.impressions)
    for key in ("p_register", "p_click", "gain", "friends_before"):
        assert len(t[key]) == n, key
    assert len(t["components"]) == n
    assert set(t["components"].columns) == {"distance", "time", "affinity", "social", "price", "buzz", "user",
                                             "request", "intercept"}
    assert ((t["p_register"] > 0) & (t["p_register"] < 1)).all()
    assert (t["p_click"] >= t["p_register"]).all() and (t["p_click"] <= 1).all()
    np.testing.assert_allclose(t["gain"], 2 * t["p_register"] + t["p_click"])
    assert t["taste"].shape == (SMALL["n_users"], len(datasets.EVENT_CATEGORIES))
    np.testing.assert_allclose(t["taste"].sum(axis=1), 1.0)
    imp = p.impressions
    assert abs(t["p_register"].mean() - imp["registered"].mean()) < 0.01
    assert abs(t["p_click"].mean() - imp["clicked"].mean()) < 0.015
    per_request = pd.Series(t["p_register"]).groupby(imp["request_id"].to_numpy()).sum()
    assert per_request.max() <= 1 + 0.3 + 1e-9  # at most two registrations, the second with chance 0.3


def test_friends_before_counts_only_earlier_registrations_of_friends(world):
    """truth["friends_before"] equals a brute-force count over the tables, strictly before the request."""
    p, t = world
    friends = {}
    for a, b in p.friendships.itertuples(index=False):
        friends.setdefault(a, set()).add(b)
        friends.setdefault(b, set()).add(a)
    regs = p.registrations
    expected = []
    for u, e, at in p.impressions[["user_id", "event_id", "request_at"]].itertuples(index=False):
        who = regs[(regs["event_id"] == e) & (regs["registered_at"] < at)]["user_id"]
        expected.append(len(set(who) & friends.get(u, set())))
    np.testing.assert_array_equal(t["friends_before"], expected)
    assert (t["friends_before"] > 0).any()
    np.testing.assert_allclose(t["components"]["social"], 0.9 * np.log1p(t["friends_before"]))


def test_documented_effects_show_in_the_log():
    """Nearer events, events in a declared interest, and events with friends going get registered more."""
    p, t = datasets.make_event_platform(random_state=7, return_truth=True)
    rows = p.impressions.merge(p.users, on="user_id").merge(p.events, on="event_id")
    km = datasets._events._haversine(rows["home_lat"], rows["home_lon"], rows["lat"], rows["lon"])
    y = rows["registered"].to_numpy()
    assert y[km < 5].mean() > 2 * y[km > 20].mean()
    match = np.array([c in s.split("|") for c, s in zip(rows["category"], rows["interests"])])
    assert y[match].mean() > 1.5 * y[~match].mean()
    fb = t["friends_before"]
    registered = p.impressions["registered"].to_numpy()
    assert registered[fb > 0].mean() > 2 * registered[fb == 0].mean()
    counts = p.registrations.groupby("event_id").size().sort_values(ascending=False)
    assert counts.iloc[: len(p.events) // 10].sum() > 0.3 * counts.sum()  # a long tail of popularity
    share = p.impressions.groupby("request_id")["registered"].max().mean()
    assert 0.4 < share < 0.65  # request_rate=0.5, a little more through the social term
    assert 0.1 < t["cold_start"].mean() < 0.2


def test_oracle_ranks_better_than_chance():
    """Ranking each list by the true expected gain beats a random order by a wide margin."""
    p, t = datasets.make_event_platform(**SMALL, random_state=5, return_truth=True)
    grade = (p.impressions["clicked"] + p.impressions["registered"]).to_numpy()
    q = p.impressions["request_id"].to_numpy()
    rng = np.random.default_rng(0)

    def mean_ndcg(score):
        out = []
        for rows in pd.Series(np.arange(len(q))).groupby(q).groups.values():
            rows = np.asarray(rows)
            disc = 1 / np.log2(np.arange(2, len(rows) + 2))
            ideal = np.sum((2.0 ** np.sort(grade[rows])[::-1] - 1) * disc)
            if ideal > 0:
                got = grade[rows][np.argsort(-score[rows], kind="stable")]
                out.append(np.sum((2.0 ** got - 1) * disc) / ideal)
        return np.mean(out)

    assert mean_ndcg(t["gain"]) > mean_ndcg(rng.random(len(q))) + 0.15


def test_knobs_change_what_they_say():
    """candidates bounds the list sizes; cold_start_rate=0 makes no newcomers; friends_per_user=0 none."""
    p, t = datasets.make_event_platform(**SMALL, candidates=(3, 5), cold_start_rate=0.0, friends_per_user=0,
                                        random_state=1, return_truth=True)
    assert p.impressions.groupby("request_id").size().max() <= 5
    assert not t["cold_start"].any() and (p.users["signup_at"] < START).all()
    assert len(p.friendships) == 0 and (t["friends_before"] == 0).all()
    q = datasets.make_event_platform(**SMALL, request_rate=0.2, random_state=1)
    assert q.impressions.groupby("request_id")["registered"].max().mean() < 0.35


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(n_users=10), ValueError, "n_users"),
    (dict(n_users=2.5), TypeError, "n_users"),
    (dict(n_events=True), TypeError, "n_events"),
    (dict(n_requests=0), ValueError, "n_requests"),
    (dict(n_days=3), ValueError, "n_days"),
    (dict(candidates=5), TypeError, "candidates"),
    (dict(candidates=(10, 4)), ValueError, "candidates"),
    (dict(candidates=(1, 4)), ValueError, "candidates[0]"),
    (dict(friends_per_user=-1), ValueError, "friends_per_user"),
    (dict(cold_start_rate=1.5), ValueError, "cold_start_rate"),
    (dict(request_rate=0), ValueError, "request_rate"),
    (dict(request_rate="half"), TypeError, "request_rate"),
    (dict(return_truth="yes"), TypeError, "return_truth"),
    (dict(random_state=-3), ValueError, "random_state"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, word):
    """Every bad argument raises the documented error type with the argument's name in the message."""
    with pytest.raises(exc, match=word.replace("[", r"\[").replace("]", r"\]")):
        datasets.make_event_platform(**kwargs)
