"""Chapter 07's promise, checked outside the notebook: on held-out requests, a LightGBM LambdaRank ranker
beats both a pointwise LightGBM classifier and the popularity baseline on nDCG@10, for the chapter's seed and
another.

Everything here is reference code written for this test (features as of the request time, a time split, the
three models, nDCG@10 with gain 2**grade - 1 and discount 1/log2(rank + 1)); only the data comes from the
course.
Run with ``-s`` to see the figures.
"""
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from course import datasets

pytestmark = pytest.mark.slow

CHAPTER_SEED = 7  # SEED in source/07_event_recommendation
OTHER_SEED = 11
CUTOFF = pd.Timestamp("2026-03-30")  # four weeks of training requests, two held out
PARAMS = dict(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20, n_jobs=1, verbose=-1,
              deterministic=True)


def as_of_count(rows, registrations, keys):
    """Per row, registrations matching ``keys`` stamped strictly before the row's request_at."""
    left = rows[keys + ["request_at"]].reset_index(drop=True).rename_axis("row").reset_index()
    pairs = left.merge(registrations, on=keys)
    hits = pairs.loc[pairs["registered_at"] < pairs["request_at"], "row"].to_numpy()
    return np.bincount(hits, minlength=len(rows))


def features(platform):
    """The chapter's nine features, computed independently of the notebook."""
    imp, regs = platform.impressions, platform.registrations
    rows = imp.merge(platform.users, on="user_id", how="left")
    rows = rows.merge(platform.events, on="event_id", how="left")
    la1, lo1, la2, lo2 = (np.radians(rows[c].to_numpy()) for c in ("home_lat", "home_lon", "lat", "lon"))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    both = pd.concat([platform.friendships.set_axis(["user_id", "friend_id"], axis=1),
                      platform.friendships.set_axis(["friend_id", "user_id"], axis=1)])
    friend_regs = both.merge(regs.rename(columns={"user_id": "friend_id"}), on="friend_id")
    category = platform.events.set_index("event_id")["category"]
    past = regs.assign(category=regs["event_id"].map(category))[["user_id", "category", "registered_at"]]
    total = as_of_count(rows, past, ["user_id"])
    same = as_of_count(rows, past, ["user_id", "category"])
    return pd.DataFrame({
        "distance_km": 2 * 6371.0088 * np.arcsin(np.sqrt(a)),
        "hours_to_start": (rows["start_at"] - rows["request_at"]).dt.total_seconds().to_numpy() / 3600,
        "price": rows["price"].to_numpy(),
        "category": pd.Categorical(rows["category"], categories=datasets.EVENT_CATEGORIES),
        "interest_match": [c in s.split("|") for c, s in zip(rows["category"], rows["interests"])],
        "event_popularity": as_of_count(rows, regs[["event_id", "registered_at"]], ["event_id"]),
        "friends_registered": as_of_count(rows, friend_regs[["user_id", "event_id", "registered_at"]],
                                          ["user_id", "event_id"]),
        "past_registrations": total,
        "category_share": np.where(total > 0, same / np.maximum(total, 1), np.nan),
    })


def ndcg_at_10(grade, score, query):
    values = []
    discount = 1 / np.log2(np.arange(2, 12))
    for rows in pd.Series(np.arange(len(query))).groupby(query).groups.values():
        rows = np.asarray(rows)
        ideal = np.sort(grade[rows])[::-1][:10]
        idcg = np.sum((2.0 ** ideal - 1) * discount[: len(ideal)])
        if idcg > 0:
            ranked = grade[rows][np.argsort(-score[rows], kind="stable")][:10]
            values.append(np.sum((2.0 ** ranked - 1) * discount[: len(ranked)]) / idcg)
    return float(np.mean(values))


def held_out_ndcg(seed):
    platform, truth = datasets.make_event_platform(random_state=seed, return_truth=True)
    imp = platform.impressions
    X = features(platform)
    grade = (imp["clicked"] + imp["registered"]).to_numpy()
    query = imp["request_id"].to_numpy()
    train = (imp["request_at"] < CUTOFF).to_numpy()
    test = ~train
    order = np.argsort(query[train], kind="stable")  # already sorted by time; sort by query to be sure
    sizes = np.unique(query[train][order], return_counts=True)[1]
    ranker = lgb.LGBMRanker(objective="lambdarank", random_state=seed, **PARAMS)
    ranker.fit(X[train].iloc[order], grade[train][order], group=sizes)
    registered = imp["registered"].to_numpy()
    pointwise = lgb.LGBMClassifier(random_state=seed, **PARAMS).fit(X[train], registered[train])
    scores = {
        "popularity": X["event_popularity"].to_numpy(dtype=float)[test],
        "pointwise": pointwise.predict_proba(X[test])[:, 1],
        "LambdaRank": ranker.predict(X[test]),
        "oracle": truth["gain"][test],
    }
    return {name: ndcg_at_10(grade[test], s, query[test]) for name, s in scores.items()}


@pytest.mark.parametrize("seed", [CHAPTER_SEED, OTHER_SEED])
def test_lambdarank_beats_pointwise_and_popularity_on_held_out_ndcg(seed):
    """The ranker wins on both seeds: clearly over popularity, and over the pointwise classifier."""
    got = held_out_ndcg(seed)
    print(f"\nseed {seed}: held-out nDCG@10 " + ", ".join(f"{k} {v:.4f}" for k, v in got.items())
          + f"; LambdaRank - pointwise = {got['LambdaRank'] - got['pointwise']:+.4f}")
    assert got["LambdaRank"] > got["popularity"] + 0.08, got
    assert got["LambdaRank"] > got["pointwise"] + 0.005, got
    assert got["LambdaRank"] < got["oracle"], got  # the truth stays ahead: nothing leaks into the features
