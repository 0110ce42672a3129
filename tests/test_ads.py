"""make_click_log: shapes, dtypes, seeds, ground truth, planted drift and every bad argument."""
import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._ads import FEATURES


@pytest.fixture(scope="module")
def log():
    return datasets.make_click_log(60_000, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The generator is re-exported by course.datasets."""
    assert "make_click_log" in datasets.__all__


def test_shapes_and_dtypes(log):
    """A DataFrame of the documented columns and dtypes, int64 labels of the same length."""
    X, y, truth = log
    assert list(X.columns) == list(FEATURES)
    assert len(X) == len(y) == len(truth["p"]) == len(truth["p_stable"]) == len(truth["source"])
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    for col in ("day", "hour", "position", "user_impressions_30d", "user_clicks_30d"):
        assert X[col].dtype == np.int64, col
    for col in ("user_id", "ad_id", "ad_category", "site_id", "site_category", "device_type"):
        assert pd.api.types.is_string_dtype(X[col]), col
    assert X["hour"].between(0, 23).all() and X["position"].isin([1, 2, 3]).all()
    assert (X["user_clicks_30d"] <= X["user_impressions_30d"]).all()


def test_sorted_by_day_then_hour(log):
    """Rows come in time order."""
    X, _, _ = log
    key = X["day"].to_numpy() * 24 + X["hour"].to_numpy()
    assert np.all(np.diff(key) >= 0)


def test_same_seed_same_log_other_seed_other_log():
    """One seed reproduces the log exactly; another seed gives another log."""
    a, ya = datasets.make_click_log(5000, random_state=11)
    b, yb = datasets.make_click_log(5000, random_state=11)
    c, yc = datasets.make_click_log(5000, random_state=12)
    pd.testing.assert_frame_equal(a, b)
    assert np.array_equal(ya, yb)
    assert not a["user_id"].equals(c["user_id"]) or not np.array_equal(ya, yc)


def test_generator_accepted_and_global_state_untouched():
    """A numpy Generator works as random_state and the global RNG is never used."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_click_log(2000, random_state=np.random.default_rng(1))
    assert np.random.random() == before


def test_positive_rate_and_truth(log):
    """The stable process clicks at about positive_rate, and labels agree with the true p."""
    X, y, truth = log
    stable = np.isin(X["day"], truth["stable_days"])
    assert abs(truth["p_stable"].mean() - 0.03) < 1e-3
    assert 0.02 < y[stable].mean() < 0.04
    assert np.all((truth["p"] > 0) & (truth["p"] < 1))
    assert abs(y.mean() - truth["p"].mean()) < 4 * np.sqrt(truth["p"].mean() / len(y))
    assert set(truth) >= {"p", "p_stable", "source", "drift_days", "drift_kinds", "shifts", "stable_days",
                          "intercept"}


def test_long_tailed_ids(log):
    """A few sites, ads and users are seen very often, most rarely."""
    X, _, _ = log
    for col in ("site_id", "ad_id", "user_id"):
        counts = X[col].value_counts().to_numpy()
        top = counts[: max(1, len(counts) // 100)].sum() / counts.sum()
        assert top > 0.05, (col, top)
        assert np.median(counts) < counts.mean(), col


def test_crosses_matter(log):
    """The true logit has an ad-category x site-category interaction, not only main effects."""
    X, _, truth = log
    logit = np.log(truth["p_stable"] / (1 - truth["p_stable"]))
    frame = pd.DataFrame({"a": X["ad_category"], "s": X["site_category"], "z": logit})
    cell = frame.groupby(["a", "s"])["z"].mean().unstack()
    rows, cols = cell.mean(axis=1).to_numpy(), cell.mean(axis=0).to_numpy()
    additive = rows[:, None] + cols[None, :] - cell.stack().mean()
    assert np.nanstd(cell.to_numpy() - additive) > 0.3


def test_traffic_drift_day(log):
    """A traffic-drift day is busier, 40% new source, mostly mobile, with users who have little history."""
    X, _, truth = log
    day = X["day"].to_numpy()
    d = [k for k, v in truth["drift_kinds"].items() if v == "traffic"][0]
    stable_mean = np.mean([np.sum(day == s) for s in truth["stable_days"]])
    assert np.sum(day == d) > 1.4 * stable_mean
    new = truth["source"] == "new_source"
    assert set(np.unique(day[new])) <= {k for k, v in truth["drift_kinds"].items() if v == "traffic"}
    assert abs(new[day == d].mean() - 0.4) < 0.03
    assert (X["device_type"][new] == "mobile").mean() > 0.85
    assert X["user_impressions_30d"][new].median() < X["user_impressions_30d"][~new].median() / 4
    assert np.allclose(truth["p"][day == d], truth["p_stable"][day == d])


def test_concept_drift_day(log):
    """On a concept-drift day only mobile click probabilities change, and they fall sharply."""
    X, _, truth = log
    day = X["day"].to_numpy()
    d = [k for k, v in truth["drift_kinds"].items() if v == "concept"][0]
    on = day == d
    mobile = (X["device_type"] == "mobile").to_numpy()
    assert np.allclose(truth["p"][on & ~mobile], truth["p_stable"][on & ~mobile])
    ratio = truth["p"][on & mobile].mean() / truth["p_stable"][on & mobile].mean()
    assert 0.1 < ratio < 0.35
    assert np.allclose(truth["p"][~on], truth["p_stable"][~on])


def test_drift_arguments_and_defaults():
    """drift_days may be empty or custom; kinds alternate by default and are sorted with their days."""
    X, _, truth = datasets.make_click_log(5000, n_days=10, drift_days=(), random_state=0, return_truth=True)
    assert truth["drift_days"] == () and truth["stable_days"] == tuple(range(10))
    assert (truth["source"] == "organic").all()
    _, _, truth = datasets.make_click_log(5000, n_days=10, drift_days=(8, 3),
                                          drift_kinds=("concept", "traffic"), random_state=0, return_truth=True)
    assert truth["drift_days"] == (3, 8) and truth["drift_kinds"] == {3: "traffic", 8: "concept"}
    assert set(truth["shifts"]) == {3, 8}
    _, _, truth = datasets.make_click_log(5000, n_days=10, drift_days=(2, 4, 6), random_state=0,
                                          return_truth=True)
    assert truth["drift_kinds"] == {2: "traffic", 4: "concept", 6: "traffic"}


def test_as_frame_false():
    """as_frame=False gives a float array with one column per DataFrame column."""
    X, y = datasets.make_click_log(3000, as_frame=False, random_state=5)
    F, _ = datasets.make_click_log(3000, random_state=5)
    assert isinstance(X, np.ndarray) and X.dtype == float and X.shape == (len(F), 11)
    assert np.array_equal(X[:, 0], F["day"].to_numpy())
    assert len(np.unique(X[:, list(F.columns).index("device_type")])) == F["device_type"].nunique()


@pytest.mark.parametrize("kwargs, exc, word", [
    ({"n_samples": 10}, ValueError, "n_samples"),
    ({"n_samples": 5000.0}, TypeError, "n_samples"),
    ({"n_days": 1}, ValueError, "n_days"),
    ({"drift_days": (0,)}, ValueError, "drift_days"),
    ({"drift_days": (28,)}, ValueError, "drift_days"),
    ({"drift_days": (5, 5)}, ValueError, "drift_days"),
    ({"drift_days": 5}, TypeError, "drift_days"),
    ({"drift_days": (2.5,)}, TypeError, "drift_days"),
    ({"drift_days": (3,), "drift_kinds": ("flood",)}, ValueError, "drift_kinds"),
    ({"drift_days": (3, 4), "drift_kinds": ("traffic",)}, ValueError, "drift_kinds"),
    ({"drift_days": (3,), "drift_kinds": "traffic"}, TypeError, "drift_kinds"),
    ({"positive_rate": 0.0}, ValueError, "positive_rate"),
    ({"positive_rate": 0.7}, ValueError, "positive_rate"),
    ({"as_frame": 1}, TypeError, "as_frame"),
    ({"return_truth": "yes"}, TypeError, "return_truth"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"random_state": "seed"}, TypeError, "random_state"),
])
def test_bad_arguments(kwargs, exc, word):
    """Every bad argument raises an error that names it."""
    args = {"n_samples": 5000, **kwargs}
    with pytest.raises(exc, match=word):
        datasets.make_click_log(**args)
