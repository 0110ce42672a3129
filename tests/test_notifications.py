"""make_notification_log: shapes, dtypes, seeds, ground truth and bad arguments."""
import numpy as np
import pandas as pd
import pytest

from course import datasets


def test_frame_shape_dtypes_and_order():
    X, y = datasets.make_notification_log(2_000, random_state=0)
    assert X.shape == (2_000, 8) and y.shape == (2_000,) and y.dtype == np.int64
    assert list(X.columns) == ["sent_at", "user_id", "hour", "weekday", "tenure_days", "opens_7d", "notif_type",
                               "device"]
    assert pd.api.types.is_datetime64_any_dtype(X["sent_at"]) and X["sent_at"].is_monotonic_increasing
    assert isinstance(X["notif_type"].dtype, pd.CategoricalDtype) and isinstance(X["device"].dtype, pd.CategoricalDtype)
    assert X["hour"].between(0, 23).all() and X["weekday"].between(0, 6).all()


def test_same_seed_same_log_other_seed_other_log():
    a, ya = datasets.make_notification_log(500, random_state=1)
    b, yb = datasets.make_notification_log(500, random_state=1)
    c, _ = datasets.make_notification_log(500, random_state=2)
    pd.testing.assert_frame_equal(a, b)
    assert np.array_equal(ya, yb)
    assert not a.equals(c)


def test_positive_rate_and_truth_match():
    X, y, truth = datasets.make_notification_log(50_000, positive_rate=0.05, random_state=3, return_truth=True)
    assert truth["p"].shape == (50_000,)
    assert abs(truth["p"].mean() - 0.05) < 1e-6
    assert abs(y.mean() - 0.05) < 0.005
    # the truth is informative: high-probability rows open more often
    hi = truth["p"] > np.quantile(truth["p"], 0.9)
    assert y[hi].mean() > 2 * y[~hi].mean()
    # long-tailed activity: the busiest 10% of users receive a large share of notifications
    counts = X["user_id"].value_counts()
    assert counts.iloc[: max(1, len(counts) // 10)].sum() > 0.3 * len(X)


def test_array_output():
    X, y = datasets.make_notification_log(300, as_frame=False, random_state=0)
    assert isinstance(X, np.ndarray) and X.shape == (300, 7) and X.dtype == float


@pytest.mark.parametrize("kwargs, exc, text", [
    ({"n_samples": 10}, ValueError, "n_samples must be >= 100, got 10"),
    ({"n_samples": 1000.0}, TypeError, "n_samples must be an int"),
    ({"n_days": 1}, ValueError, "n_days"),
    ({"positive_rate": 0.0}, ValueError, "positive_rate"),
    ({"positive_rate": 0.7}, ValueError, "positive_rate"),
    ({"as_frame": "yes"}, TypeError, "as_frame"),
    ({"random_state": "x"}, TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, text):
    with pytest.raises(exc, match=text):
        datasets.make_notification_log(**{"n_samples": 1000, **kwargs})
