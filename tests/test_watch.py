"""make_watch_log: tables, dtypes, seeds, the documented generative process and its ground truth."""
import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._watch import START

SMALL = dict(n_users=400, n_videos=200)


@pytest.fixture(scope="module")
def world():
    return datasets.make_watch_log(**SMALL, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The generator, its bundle class and its constants are re-exported by course.datasets."""
    for name in ("make_watch_log", "WatchLog", "VIDEO_GENRES", "AGE_BANDS"):
        assert name in datasets.__all__


def test_tables_columns_and_dtypes(world):
    """Each table has the documented columns; text columns are pandas 3 str, times datetime64."""
    log, _ = world
    assert isinstance(log, datasets.WatchLog)
    assert list(log.users.columns) == ["user_id", "age_band", "signup_at"]
    assert list(log.videos.columns) == ["video_id", "genre", "duration_min", "uploaded_at"]
    assert list(log.watches.columns) == ["user_id", "video_id", "watched_at", "watch_fraction"]
    for frame, col in ((log.users, "age_band"), (log.videos, "genre")):
        assert pd.api.types.is_string_dtype(frame[col].dtype) and frame[col].dtype != object
    for frame, col in ((log.users, "signup_at"), (log.videos, "uploaded_at"), (log.watches, "watched_at")):
        assert pd.api.types.is_datetime64_any_dtype(frame[col].dtype), col
    for col in ("user_id", "video_id"):
        assert log.watches[col].dtype == np.int64
    assert log.watches["watch_fraction"].dtype == np.float64
    assert len(log.users) == SMALL["n_users"] and len(log.videos) == SMALL["n_videos"]
    assert "watches=" in repr(log)


def test_same_seed_same_log_and_different_seed_differs():
    """random_state fixes every table; another seed gives another log."""
    a = datasets.make_watch_log(**SMALL, random_state=11)
    b = datasets.make_watch_log(**SMALL, random_state=11)
    c = datasets.make_watch_log(**SMALL, random_state=12)
    for name in ("users", "videos", "watches"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.watches["video_id"].equals(c.watches["video_id"])


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator works as random_state and the global RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_watch_log(**SMALL, random_state=np.random.default_rng(5))
    assert np.random.random() == before


def test_values_are_in_range(world):
    """Fractions in (0, 1], ids valid, plays sorted in the window, after signup and upload, one per pair."""
    log, truth = world
    w = log.watches
    assert w["watch_fraction"].between(0.01, 1.0).all()
    assert w["user_id"].between(0, SMALL["n_users"] - 1).all()
    assert w["video_id"].between(0, SMALL["n_videos"] - 1).all()
    assert w["watched_at"].is_monotonic_increasing
    assert w["watched_at"].min() >= START and w["watched_at"].max() < truth["end"]
    merged = w.merge(log.users, on="user_id").merge(log.videos, on="video_id")
    assert (merged["watched_at"] >= merged["signup_at"]).all()
    assert (merged["watched_at"] >= merged["uploaded_at"]).all()
    assert not w.duplicated(["user_id", "video_id"]).any()
    assert set(log.videos["genre"]) <= set(datasets.VIDEO_GENRES)
    assert set(log.users["age_band"]) <= set(datasets.AGE_BANDS)
    assert (log.videos["duration_min"] > 0).all()


def test_truth_is_aligned_and_consistent(world):
    """Hidden factors and per-row expectations have the documented shapes and meaning."""
    log, truth = world
    n_u, n_v = SMALL["n_users"], SMALL["n_videos"]
    assert truth["user_factors"].shape == (n_u, 8) and truth["video_factors"].shape == (n_v, 8)
    for key in ("buzz", "quality", "clickbait"):
        assert truth[key].shape == (n_v,)
    assert truth["clickbait"].dtype == bool and truth["cold_start"].shape == (n_u,)
    assert len(truth["favourite_genres"]) == n_u
    assert all(1 <= len(f) <= 2 and set(f) <= set(datasets.VIDEO_GENRES) for f in truth["favourite_genres"])
    assert truth["expected_fraction"].shape == (len(log.watches),)
    assert ((truth["expected_fraction"] > 0) & (truth["expected_fraction"] < 1)).all()
    cold = truth["cold_start"]
    assert (log.users["signup_at"][cold] >= START).all() and (log.users["signup_at"][~cold] < START).all()
    assert truth["end"] == START + pd.Timedelta(days=truth["n_days"])


def test_documented_effects_show_in_the_log():
    """Clickbait is played more and watched less; taste drives watch fraction; popularity has a long tail;
    new uploads are watched soon after upload."""
    log, truth = datasets.make_watch_log(2000, 800, random_state=21, return_truth=True)
    w = log.watches
    bait = truth["clickbait"][w["video_id"].to_numpy()]
    assert w["watch_fraction"][bait].mean() < w["watch_fraction"][~bait].mean() - 0.2
    plays = np.bincount(w["video_id"], minlength=800)
    assert plays[truth["clickbait"]].mean() > plays[~truth["clickbait"]].mean()
    aff = truth["scale"] * np.einsum("ij,ij->i", truth["user_factors"][w["user_id"]],
                                     truth["video_factors"][w["video_id"]])
    assert np.corrcoef(aff, w["watch_fraction"])[0, 1] > 0.2
    top = np.sort(plays)[::-1]
    assert top[: len(top) // 10].sum() > 0.3 * top.sum()
    merged = w.merge(log.videos, on="video_id")
    fresh = merged[merged["uploaded_at"] >= START]
    delay = (fresh["watched_at"] - fresh["uploaded_at"]).dt.total_seconds() / 86_400
    assert delay.median() < 7
    band = log.users.set_index("user_id")["age_band"]
    genre = log.videos.set_index("video_id")["genre"]
    shares = pd.crosstab(w["user_id"].map(band), w["video_id"].map(genre), normalize="index")
    assert (shares.max() - shares.min()).max() > 0.05  # age bands differ in what they watch


def test_played_videos_match_hidden_taste():
    """Users play videos whose hidden affinity is above that of random videos."""
    log, truth = datasets.make_watch_log(600, 300, random_state=22, return_truth=True)
    w = log.watches
    U, V, s = truth["user_factors"], truth["video_factors"], truth["scale"]
    played = s * np.einsum("ij,ij->i", U[w["user_id"]], V[w["video_id"]])
    rng = np.random.default_rng(0)
    rand = s * np.einsum("ij,ij->i", U[w["user_id"]], V[rng.integers(0, 300, len(w))])
    assert played.mean() > rand.mean() + 0.5


def test_knobs_change_what_they_say():
    """watches_per_user, cold_start_rate, new_video_rate and n_factors do what their names promise."""
    base = datasets.make_watch_log(500, 200, random_state=4, return_truth=True)
    more = datasets.make_watch_log(500, 200, watches_per_user=60.0, random_state=4)
    assert len(more.watches) > 1.5 * len(base[0].watches)
    cold = datasets.make_watch_log(500, 200, cold_start_rate=1.0, random_state=4)
    assert (cold.users["signup_at"] >= START).all()
    none_new = datasets.make_watch_log(500, 200, new_video_rate=0.0, random_state=4)
    assert (none_new.videos["uploaded_at"] < START).all()
    _, t = datasets.make_watch_log(100, 50, n_factors=3, random_state=4, return_truth=True)
    assert t["user_factors"].shape == (100, 3)


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(n_users=5), ValueError, "n_users"),
    (dict(n_users=2.5), TypeError, "n_users"),
    (dict(n_videos=10), ValueError, "n_videos"),
    (dict(n_days=3), ValueError, "n_days"),
    (dict(n_factors=1), ValueError, "n_factors"),
    (dict(watches_per_user=0.5), ValueError, "watches_per_user"),
    (dict(watches_per_user="many"), TypeError, "watches_per_user"),
    (dict(cold_start_rate=1.5), ValueError, "cold_start_rate"),
    (dict(new_video_rate=-0.1), ValueError, "new_video_rate"),
    (dict(return_truth=1), TypeError, "return_truth"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, word):
    """Every argument is validated and the message names it and the bad value."""
    args = {**SMALL, **kwargs}
    with pytest.raises(exc, match=word):
        datasets.make_watch_log(**args)
