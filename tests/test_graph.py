"""make_social_graph and load_karate_club: tables, dtypes, seeds, the documented generative process, the truth,
and every bad argument."""
import hashlib

import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._graph import DATA_DIR, GRAPH_START

SMALL = dict(n_users=600, n_communities=12)


@pytest.fixture(scope="module")
def world():
    return datasets.make_social_graph(**SMALL, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The generator, its bundle class, the loader and the constants are re-exported by course.datasets."""
    for name in ("make_social_graph", "SocialGraph", "load_karate_club", "GRAPH_CITIES", "GRAPH_START"):
        assert name in datasets.__all__


def test_tables_columns_and_dtypes(world):
    """users and edges have the documented columns; text is pandas str with NaN for missing, times datetime64."""
    g, _ = world
    assert isinstance(g, datasets.SocialGraph) and "edges=" in repr(g)
    assert list(g.users.columns) == ["user_id", "joined_at", "city", "school", "employer"]
    assert list(g.edges.columns) == ["user_a", "user_b", "formed_at"]
    assert g.users["user_id"].tolist() == list(range(SMALL["n_users"]))
    for col in ("city", "school", "employer"):
        assert pd.api.types.is_string_dtype(g.users[col].dtype) and g.users[col].dtype != object
    for frame, col in ((g.users, "joined_at"), (g.edges, "formed_at")):
        assert pd.api.types.is_datetime64_any_dtype(frame[col].dtype)
    assert g.edges["user_a"].dtype == np.int64 and g.edges["user_b"].dtype == np.int64
    assert g.users["city"].notna().all() and set(g.users["city"]) <= set(datasets.GRAPH_CITIES)
    assert 0.05 < g.users["school"].isna().mean() < 0.16 and 0.18 < g.users["employer"].isna().mean() < 0.33


def test_edges_are_clean_and_in_time(world):
    """Each pair once with user_a < user_b, no self-loops, sorted by time, never before either friend joined."""
    g, truth = world
    e = g.edges
    assert (e["user_a"] < e["user_b"]).all() and not e.duplicated(["user_a", "user_b"]).any()
    assert e["formed_at"].is_monotonic_increasing
    joined = g.users["joined_at"].to_numpy()
    assert (e["formed_at"].to_numpy() >= joined[e["user_a"]]).all()
    assert (e["formed_at"].to_numpy() >= joined[e["user_b"]]).all()
    assert e["formed_at"].min() >= truth["start"] and e["formed_at"].max() <= truth["end"]
    assert e["user_b"].max() < SMALL["n_users"]


def test_same_seed_same_graph_and_different_seed_differs():
    """random_state fixes both tables; another seed gives another graph."""
    a = datasets.make_social_graph(**SMALL, random_state=11)
    b = datasets.make_social_graph(**SMALL, random_state=11)
    c = datasets.make_social_graph(**SMALL, random_state=12)
    pd.testing.assert_frame_equal(a.users, b.users)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert not a.edges.equals(c.edges)


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator works as random_state and the global RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_social_graph(**SMALL, random_state=np.random.default_rng(5))
    assert np.random.random() == before


def test_truth_is_aligned(world):
    """Per-user truth has one entry per user, per-edge truth one per edge, with the documented values."""
    g, truth = world
    assert truth["community"].shape == (SMALL["n_users"],) and truth["community"].dtype == np.int64
    assert truth["community"].max() < SMALL["n_communities"]
    assert truth["sociability"].shape == (SMALL["n_users"],) and (truth["sociability"] > 0).all()
    assert truth["mechanism"].shape == (len(g.edges),)
    assert set(truth["mechanism"]) == {"closure", "community", "attribute", "popular"}
    assert truth["start"] == GRAPH_START and truth["affinity"]["community"] > 0


def test_documented_structure_shows_in_the_graph():
    """A growing network: half the members on day 0, a long-tailed degree, communities and attributes that
    concentrate friendships, and triadic closure that makes friends of friends the main source of new ones."""
    g, truth = datasets.make_social_graph(random_state=7, return_truth=True)
    n = len(g.users)
    founders = (g.users["joined_at"] == GRAPH_START).mean()
    assert 0.45 < founders < 0.55
    e = g.edges
    degree = np.bincount(np.r_[e["user_a"], e["user_b"]], minlength=n)
    assert 12 < degree.mean() < 22 and degree.max() > 6 * np.median(degree)
    same_comm = truth["community"][e["user_a"]] == truth["community"][e["user_b"]]
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    assert same_comm.mean() > 5 * np.mean(truth["community"][a] == truth["community"][b])
    school = g.users["school"].to_numpy(dtype=object)
    same_school = pd.notna(school[e["user_a"]]) & (school[e["user_a"]] == school[e["user_b"]])
    assert same_school.mean() > 3 * np.mean(pd.notna(school[a]) & (school[a] == school[b]))
    closure = truth["mechanism"] == "closure"
    assert 0.35 < closure.mean() < 0.6
    # friends of friends: a late closure edge's pair shared a friend before it formed (checked on a sample)
    late = np.flatnonzero(closure)[-200:]
    for i in late:
        t = e["formed_at"].iloc[i]
        before = e[e["formed_at"] < t]
        u, v = e["user_a"].iloc[i], e["user_b"].iloc[i]
        nu = set(before.loc[before["user_a"] == u, "user_b"]) | set(before.loc[before["user_b"] == u, "user_a"])
        nv = set(before.loc[before["user_a"] == v, "user_b"]) | set(before.loc[before["user_b"] == v, "user_a"])
        assert nu & nv, "a closure edge closes a triangle"


def test_knobs_change_what_they_say():
    """friends_per_user scales the number of friendships, closure the share of triangles closed, and
    initial_share the number of founders."""
    few = datasets.make_social_graph(**SMALL, friends_per_user=6, random_state=1)
    many = datasets.make_social_graph(**SMALL, friends_per_user=30, random_state=1)
    assert len(many.edges) > 3 * len(few.edges)
    _, t0 = datasets.make_social_graph(**SMALL, closure=0.0, random_state=1, return_truth=True)
    _, t1 = datasets.make_social_graph(**SMALL, closure=0.9, random_state=1, return_truth=True)
    assert (t0["mechanism"] == "closure").mean() == 0 and (t1["mechanism"] == "closure").mean() > 0.6
    all_in = datasets.make_social_graph(**SMALL, initial_share=1.0, random_state=1)
    assert (all_in.users["joined_at"] == GRAPH_START).all()


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(n_users=5), ValueError, "n_users"),
    (dict(n_users=100.0), TypeError, "n_users"),
    (dict(n_users=100, n_communities=0), ValueError, "n_communities"),
    (dict(n_users=100, n_communities=101), ValueError, "n_communities"),
    (dict(n_users=100, n_days=3), ValueError, "n_days"),
    (dict(n_users=100, friends_per_user=0.1), ValueError, "friends_per_user"),
    (dict(n_users=100, friends_per_user="many"), TypeError, "friends_per_user"),
    (dict(n_users=100, closure=1.5), ValueError, "closure"),
    (dict(n_users=100, initial_share=0.0), ValueError, "initial_share"),
    (dict(n_users=100, return_truth=1), TypeError, "return_truth"),
    (dict(n_users=100, random_state=-1), ValueError, "random_state"),
    (dict(n_users=100, random_state="seed"), TypeError, "random_state"),
])
def test_bad_arguments_name_themselves(kwargs, exc, word):
    """Every bad argument raises the documented error type with the argument's name in the message."""
    with pytest.raises(exc, match=word):
        datasets.make_social_graph(**kwargs)


def test_karate_club_is_zacharys():
    """34 members, 78 ties, 17 on each side, the instructor and the president on opposite sides, the
    well-known degrees of the two leaders, and the committed files match their recorded checksums."""
    edges, members = datasets.load_karate_club()
    assert list(edges.columns) == ["member_a", "member_b", "contexts"] and len(edges) == 78
    assert (edges["member_a"] < edges["member_b"]).all() and not edges.duplicated(["member_a", "member_b"]).any()
    assert edges["contexts"].between(1, 7).all() and all(edges[c].dtype == np.int64 for c in edges.columns)
    assert list(members.columns) == ["member", "club"] and members["member"].tolist() == list(range(34))
    assert members["club"].value_counts().to_dict() == {"Mr. Hi": 17, "Officer": 17}
    assert members["club"].iloc[0] == "Mr. Hi" and members["club"].iloc[33] == "Officer"
    degree = np.bincount(np.r_[edges["member_a"], edges["member_b"]], minlength=34)
    assert degree[0] == 16 and degree[33] == 17 and degree.min() == 1
    licence = (DATA_DIR / "LICENSE.md").read_text()
    for name in ("karate_club_edges.csv", "karate_club_members.csv"):
        digest = hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest()
        assert digest in licence, name
