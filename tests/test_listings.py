"""make_rental_marketplace: tables, dtypes, seeds, the documented generative process and its ground truth."""
import numpy as np
import pandas as pd
import pytest

from course import datasets

SMALL = dict(n_listings=600, n_users=400, n_sessions=1500)


@pytest.fixture(scope="module")
def world():
    return datasets.make_rental_marketplace(**SMALL, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The generator, its bundle class, the similarity helper and the constants are re-exported."""
    for name in ("make_rental_marketplace", "RentalMarketplace", "true_similarity", "LISTING_MARKETS",
                 "ROOM_TYPES", "LISTING_STYLES"):
        assert name in datasets.__all__


def test_tables_columns_and_dtypes(world):
    """Each table has the documented columns; text is pandas str, times datetime64, ids int64."""
    m, _ = world
    assert isinstance(m, datasets.RentalMarketplace)
    assert list(m.listings.columns) == ["listing_id", "market", "neighbourhood", "room_type", "price", "capacity",
                                        "x_km", "y_km", "created_at"]
    assert list(m.clicks.columns) == ["user_id", "listing_id", "ts", "booked"]
    for col in ("market", "neighbourhood", "room_type"):
        assert pd.api.types.is_string_dtype(m.listings[col].dtype) and m.listings[col].dtype != object
    assert pd.api.types.is_datetime64_any_dtype(m.listings["created_at"].dtype)
    assert pd.api.types.is_datetime64_any_dtype(m.clicks["ts"].dtype)
    for col in ("user_id", "listing_id", "booked"):
        assert m.clicks[col].dtype == np.int64, col
    assert m.listings["capacity"].dtype == np.int64 and m.listings["price"].dtype == np.float64
    assert len(m.listings) == SMALL["n_listings"]
    assert m.listings["listing_id"].tolist() == list(range(SMALL["n_listings"]))
    assert set(m.listings["market"]) <= {name for name, _, _ in datasets.LISTING_MARKETS}
    assert set(m.listings["room_type"]) <= set(datasets.ROOM_TYPES)
    assert m.clicks["ts"].is_monotonic_increasing
    assert (m.listings["price"] > 0).all() and (m.listings["capacity"] >= 1).all()
    assert "clicks=" in repr(m)


def test_same_seed_same_marketplace_and_different_seed_differs():
    """random_state fixes every table; another seed gives another log."""
    a = datasets.make_rental_marketplace(**SMALL, random_state=11)
    b = datasets.make_rental_marketplace(**SMALL, random_state=11)
    c = datasets.make_rental_marketplace(**SMALL, random_state=12)
    pd.testing.assert_frame_equal(a.listings, b.listings)
    pd.testing.assert_frame_equal(a.clicks, b.clicks)
    assert not a.clicks["listing_id"].equals(c.clicks["listing_id"])


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator works as random_state and the global RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_rental_marketplace(**SMALL, random_state=np.random.default_rng(5))
    assert np.random.random() == before


def test_truth_shapes(world):
    """The truth dict holds the documented per-listing, per-row and per-session arrays."""
    m, t = world
    n = len(m.listings)
    assert t["latent"].shape == (n, 8)
    np.testing.assert_allclose(np.linalg.norm(t["latent"], axis=1), 1.0)
    for key in ("style", "popularity", "market", "new"):
        assert len(t[key]) == n, key
    assert t["xy"].shape == (n, 2)
    assert len(t["session"]) == len(m.clicks) and t["session"].dtype == np.int64
    assert t["taste"].shape == (SMALL["n_users"], 8)
    np.testing.assert_allclose(t["xy"], m.listings[["x_km", "y_km"]].to_numpy())
    names = np.array([name for name, _, _ in datasets.LISTING_MARKETS])
    assert (names[t["market"]] == m.listings["market"].to_numpy()).all()


def test_sessions_stay_in_one_market_with_one_user_and_end_in_the_booking(world):
    """A true session belongs to one user and one market; a booking is its last row and repeats an opened listing."""
    m, t = world
    c = m.clicks.assign(session=t["session"], market=m.listings["market"].to_numpy()[m.clicks["listing_id"]])
    per = c.groupby("session")
    assert (per["user_id"].nunique() == 1).all()
    assert (per["market"].nunique() == 1).all()
    assert per["booked"].sum().max() <= 1
    for _, g in c[c["session"].isin(c.loc[c["booked"] == 1, "session"])].groupby("session"):
        g = g.sort_values("ts", kind="stable")
        assert g["booked"].iloc[-1] == 1
        assert g["listing_id"].iloc[-1] in set(g["listing_id"].iloc[:-1])


def test_new_listings_are_clicked_only_after_they_exist(world):
    """Cold-start listings are created in the last quarter of the window and never opened before that."""
    m, t = world
    created = m.listings["created_at"].to_numpy()[m.clicks["listing_id"]]
    assert (m.clicks["ts"].to_numpy() >= created).all()
    new = t["new"]
    assert 0 < new.mean() < 0.2
    assert (m.listings.loc[new, "created_at"] >= t["new_from"]).all()
    assert (m.listings.loc[~new, "created_at"] < t["start"]).all()


def test_realistic_shape_of_the_log():
    """Clicks have a long tail, sessions about six clicks, about three in ten sessions end in a booking, and a
    30-minute rule finds a few more sessions than were simulated."""
    m, t = datasets.make_rental_marketplace(random_state=7, return_truth=True)
    per_listing = np.sort(m.clicks["listing_id"].value_counts().reindex(range(3000), fill_value=0).to_numpy())[::-1]
    assert per_listing[:300].sum() / per_listing.sum() > 0.2  # a uniform log would give 0.1
    sizes = np.bincount(t["session"])
    assert 5 < sizes.mean() < 8
    booked = m.clicks.groupby(t["session"])["booked"].max().mean()
    assert 0.25 < booked < 0.35
    c = m.clicks.sort_values(["user_id", "ts"], kind="stable")
    rule = ((c["ts"].diff() > pd.Timedelta(minutes=30)) | (c["user_id"].diff() != 0)).sum()
    assert len(sizes) < rule < 1.05 * len(sizes)


def test_next_clicks_follow_the_true_similarity(world):
    """Consecutive clicks are far more similar (by the generator's own similarity) than random pairs in a market."""
    m, t = world
    c = m.clicks.assign(session=t["session"])
    c = c[c["booked"] == 0]
    same = c["session"].to_numpy()[1:] == c["session"].to_numpy()[:-1]
    a, b = c["listing_id"].to_numpy()[:-1][same], c["listing_id"].to_numpy()[1:][same]
    rng = np.random.default_rng(0)
    r = np.array([rng.choice(np.flatnonzero(t["market"] == t["market"][x])) for x in a[:2000]])
    assert datasets.true_similarity(t, a, b).mean() > datasets.true_similarity(t, a[:2000], r).mean() + 2


def test_true_similarity_is_symmetric_and_minus_infinity_across_markets(world):
    """true_similarity broadcasts, is symmetric, and is -inf exactly across markets."""
    _, t = world
    ids = np.arange(50)
    s = datasets.true_similarity(t, ids[:, None], ids[None, :])
    assert s.shape == (50, 50)
    np.testing.assert_allclose(np.where(np.isinf(s), 0, s), np.where(np.isinf(s.T), 0, s.T))
    assert (np.isinf(s) == (t["market"][:50, None] != t["market"][None, :50])).all()
    np.testing.assert_allclose(np.diag(s), 4.0)


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(n_listings=50), ValueError, "n_listings"),
    (dict(n_listings=300.0), TypeError, "n_listings"),
    (dict(n_users=5), ValueError, "n_users"),
    (dict(n_sessions=True), TypeError, "n_sessions"),
    (dict(n_days=2), ValueError, "n_days"),
    (dict(new_listing_rate=1.5), ValueError, "new_listing_rate"),
    (dict(booking_rate=-0.1), ValueError, "booking_rate"),
    (dict(mean_clicks=0.5), ValueError, "mean_clicks"),
    (dict(return_truth="yes"), TypeError, "return_truth"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, word):
    """Every argument is validated and the error names it."""
    args = {**dict(n_listings=300, n_users=100, n_sessions=200), **kwargs}
    with pytest.raises(exc, match=word):
        datasets.make_rental_marketplace(**args)
