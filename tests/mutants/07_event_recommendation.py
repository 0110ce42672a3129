"""Wrong answers for chapter 07 that must lose points: plausible mistakes and hard-coded answers."""

# Lab 1: haversine_km ------------------------------------------------------------------------------

HAVERSINE_DEGREES = '''
def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2))
    for name, lat in (("lat1", lat1), ("lat2", lat2)):
        if np.any(np.abs(lat) > 90):
            raise ValueError(f"{name} out of range")
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # degrees fed to sin and cos
'''

HAVERSINE_FLAT = '''
def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2))
    for name, lat in (("lat1", lat1), ("lat2", lat2)):
        if np.any(np.abs(lat) > 90):
            raise ValueError(f"{name} out of range")
    # equirectangular approximation: fine across a city, wrong across a continent
    x = np.radians(lon2 - lon1) * np.cos(np.radians((lat1 + lat2) / 2))
    y = np.radians(lat2 - lat1)
    return 6371.0088 * np.sqrt(x ** 2 + y ** 2)
'''

HAVERSINE_HARDCODED = '''
def haversine_km(lat1, lon1, lat2, lon2):
    shape = np.broadcast(np.asarray(lat1), np.asarray(lon1), np.asarray(lat2), np.asarray(lon2)).shape
    if np.any(np.abs(np.asarray(lat1, dtype=float)) > 90):
        raise ValueError("lat1 out of range")
    if np.all(np.asarray(lat1) == np.asarray(lat2)) and np.all(np.asarray(lon1) == np.asarray(lon2)):
        return np.zeros(shape)
    return np.full(shape, 34.5523269)
'''

# Lab 2: registrations_before ----------------------------------------------------------------------

BEFORE_OR_EQUAL = '''
def registrations_before(impressions, registrations):
    rows = impressions[["event_id", "request_at"]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    pairs = rows.merge(registrations[["event_id", "registered_at"]], on="event_id")
    earlier = pairs.loc[pairs["registered_at"] <= pairs["request_at"], "row"].to_numpy()
    return np.bincount(earlier, minlength=len(rows)).astype(np.int64)
'''

BEFORE_WHOLE_LOG = '''
def registrations_before(impressions, registrations):
    counts = registrations.groupby("event_id").size()  # every registration, the future included
    return impressions["event_id"].map(counts).fillna(0).to_numpy().astype(np.int64)
'''

BEFORE_INDEX_LABELS = '''
def registrations_before(impressions, registrations):
    pairs = impressions[["event_id", "request_at"]].reset_index().merge(
        registrations[["event_id", "registered_at"]], on="event_id")
    pairs = pairs[pairs["registered_at"] < pairs["request_at"]]
    counts = pairs.groupby("index").size()
    # index labels taken for positions: right only for a default RangeIndex
    return counts.reindex(range(len(impressions)), fill_value=0).to_numpy().astype(np.int64)
'''

BEFORE_HARDCODED = '''
def registrations_before(impressions, registrations):
    return np.array([1, 2, 0], dtype=np.int64)
'''

# Lab 3: friends_registered_before ------------------------------------------------------------------

FRIENDS_ONE_WAY = '''
def friends_registered_before(impressions, registrations, friendships):
    pairs = friendships.rename(columns={"user_a": "user_id", "user_b": "friend_id"})  # only one direction
    rows = impressions[["user_id", "event_id", "request_at"]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    regs = registrations[["user_id", "event_id", "registered_at"]].rename(columns={"user_id": "friend_id"})
    joined = rows.merge(pairs, on="user_id").merge(regs, on=["friend_id", "event_id"])
    earlier = joined.loc[joined["registered_at"] < joined["request_at"], "row"].to_numpy()
    return np.bincount(earlier, minlength=len(rows)).astype(np.int64)
'''

FRIENDS_ANY_TIME = '''
def friends_registered_before(impressions, registrations, friendships):
    pairs = pd.concat([friendships.rename(columns={"user_a": "user_id", "user_b": "friend_id"}),
                       friendships.rename(columns={"user_b": "user_id", "user_a": "friend_id"})])
    rows = impressions[["user_id", "event_id", "request_at"]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    regs = registrations[["user_id", "event_id"]].rename(columns={"user_id": "friend_id"})
    joined = rows.merge(pairs, on="user_id").merge(regs, on=["friend_id", "event_id"])  # no time rule
    return np.bincount(joined["row"].to_numpy(), minlength=len(rows)).astype(np.int64)
'''

FRIENDS_HARDCODED = '''
def friends_registered_before(impressions, registrations, friendships):
    return np.array([1, 1, 0][: len(impressions)] + [0] * max(0, len(impressions) - 3), dtype=np.int64)
'''

# Lab 4: category_affinity --------------------------------------------------------------------------

AFFINITY_ZERO_FOR_NEWCOMERS = '''
def category_affinity(impressions, registrations, events):
    category = events.set_index("event_id")["category"]
    rows = impressions[["user_id", "event_id", "request_at"]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    rows["category"] = rows["event_id"].map(category)
    past = registrations[["user_id", "event_id", "registered_at"]].copy()
    past["past_category"] = past["event_id"].map(category)
    joined = rows.merge(past[["user_id", "registered_at", "past_category"]], on="user_id")
    joined = joined[joined["registered_at"] < joined["request_at"]]
    total = np.bincount(joined["row"].to_numpy(), minlength=len(rows))
    same = np.bincount(joined.loc[joined["past_category"] == joined["category"], "row"].to_numpy(),
                       minlength=len(rows))
    share = same / np.maximum(total, 1)  # 0.0 instead of NaN for users without history
    return pd.DataFrame({"past_registrations": total.astype(np.int64), "category_share": share},
                        index=impressions.index)
'''

AFFINITY_WHOLE_HISTORY = '''
def category_affinity(impressions, registrations, events):
    category = events.set_index("event_id")["category"]
    rows = impressions[["user_id", "event_id"]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    rows["category"] = rows["event_id"].map(category)
    past = registrations[["user_id", "event_id"]].copy()
    past["past_category"] = past["event_id"].map(category)
    joined = rows.merge(past[["user_id", "past_category"]], on="user_id")  # later registrations too
    total = np.bincount(joined["row"].to_numpy(), minlength=len(rows))
    same = np.bincount(joined.loc[joined["past_category"] == joined["category"], "row"].to_numpy(),
                       minlength=len(rows))
    share = np.where(total > 0, same / np.maximum(total, 1), np.nan)
    return pd.DataFrame({"past_registrations": total.astype(np.int64), "category_share": share},
                        index=impressions.index)
'''

AFFINITY_HARDCODED = '''
def category_affinity(impressions, registrations, events):
    n = len(impressions)
    counts = ([3, 3, 3, 0] * n)[:n]
    shares = ([2 / 3, 1 / 3, 0.0, np.nan] * n)[:n]
    return pd.DataFrame({"past_registrations": np.array(counts, dtype=np.int64),
                         "category_share": np.array(shares, dtype=float)}, index=impressions.index)
'''

# Lab 5: query_groups -------------------------------------------------------------------------------

GROUPS_UNSORTED_ROWS = '''
def query_groups(query_ids):
    q = np.asarray(query_ids)
    if q.ndim != 1 or len(q) == 0:
        raise ValueError("query_ids must be a non-empty 1-D array")
    _, sizes = np.unique(q, return_counts=True)
    return np.arange(len(q), dtype=np.int64), sizes.astype(np.int64)  # rows left where they were
'''

GROUPS_FIRST_APPEARANCE = '''
def query_groups(query_ids):
    q = np.asarray(query_ids)
    if q.ndim != 1 or len(q) == 0:
        raise ValueError("query_ids must be a non-empty 1-D array")
    order = np.argsort(q, kind="stable")
    sizes = pd.Series(q).value_counts(sort=False).to_numpy()  # sizes in order of first appearance
    return order.astype(np.int64), sizes.astype(np.int64)
'''

GROUPS_HARDCODED = '''
def query_groups(query_ids):
    if len(query_ids) == 0 or np.ndim(query_ids) != 1:
        raise ValueError("query_ids must be a non-empty 1-D array")
    return np.array([1, 3, 4, 0, 2, 5], dtype=np.int64), np.array([3, 2, 1], dtype=np.int64)
'''

# Lab 6: train_ranker -------------------------------------------------------------------------------

RANKER_UNSORTED = '''
def train_ranker(X, y, query_ids, *, random_state=0):
    y, query_ids = np.asarray(y), np.asarray(query_ids)
    if not len(X) == len(y) == len(query_ids):
        raise ValueError("X, y and query_ids must have the same length")
    X = X.astype({c: "category" for c in X.columns if pd.api.types.is_string_dtype(X[c].dtype)})
    _, sizes = np.unique(query_ids, return_counts=True)  # sizes right, rows never reordered
    model = lgb.LGBMRanker(objective="lambdarank", n_estimators=200, learning_rate=0.05, num_leaves=15,
                           min_child_samples=20, n_jobs=1, verbose=-1, deterministic=True,
                           random_state=random_state)
    return model.fit(X, y, group=sizes)
'''

RANKER_ONE_GROUP = '''
def train_ranker(X, y, query_ids, *, random_state=0):
    y, query_ids = np.asarray(y), np.asarray(query_ids)
    if not len(X) == len(y) == len(query_ids):
        raise ValueError("X, y and query_ids must have the same length")
    X = X.astype({c: "category" for c in X.columns if pd.api.types.is_string_dtype(X[c].dtype)})
    model = lgb.LGBMRanker(objective="lambdarank", n_estimators=200, learning_rate=0.05, num_leaves=15,
                           min_child_samples=20, n_jobs=1, verbose=-1, deterministic=True,
                           random_state=random_state)
    return model.fit(X, y, group=[len(X)])  # the whole log as a single query
'''

RANKER_HARDCODED = '''
def train_ranker(X, y, query_ids, *, random_state=0):
    y = np.asarray(y)
    if not len(X) == len(y) == len(query_ids):
        raise ValueError("X, y and query_ids must have the same length")
    X = X.astype({c: "category" for c in X.columns if pd.api.types.is_string_dtype(X[c].dtype)})
    model = lgb.LGBMRanker(objective="lambdarank", n_estimators=200, learning_rate=0.05, num_leaves=15,
                           min_child_samples=20, n_jobs=1, verbose=-1, deterministic=True,
                           random_state=random_state)
    return model.fit(X, y, group=[6] * (len(X) // 6))  # every request has six rows, like the visible test
'''

# Lab 7: ndcg_at_k ----------------------------------------------------------------------------------

NDCG_TEMPLATE = '''
def ndcg_at_k(relevance, scores, query_ids, k=10):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    rel = np.asarray(relevance, dtype=float)
    score = np.asarray(scores, dtype=float)
    q = np.asarray(query_ids)
    if rel.ndim != 1 or rel.shape != score.shape or rel.shape != q.shape:
        raise ValueError("inputs must be 1-D of one length")
    if np.any(rel < 0):
        raise ValueError("relevance must not be negative")
    values = []
    for name in np.unique(q):
        r, s = rel[q == name], score[q == name]
        ranks = np.arange(1, len(r) + 1)
        discount = DISCOUNT
        gain = GAIN
        ranked = gain(r[ORDER])
        ideal = gain(np.sort(r)[::-1])
        idcg = np.sum((ideal * discount)[:IDEAL_K])
        if idcg == 0:
            EMPTY
            continue
        values.append(np.sum((ranked * discount)[:k]) / idcg)
    if not values:
        raise ValueError("no query has a relevant item")
    return float(np.mean(values))
'''

_NDCG_RIGHT = {"DISCOUNT": "1.0 / np.log2(ranks + 1)", "GAIN": "lambda g: 2.0 ** g - 1",
               "ORDER": "np.argsort(-s, kind='stable')", "IDEAL_K": "k", "EMPTY": "pass"}


def _ndcg(**changes):
    code = NDCG_TEMPLATE
    for key, value in {**_NDCG_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


NDCG_RECIPROCAL_DISCOUNT = _ndcg(DISCOUNT="1.0 / ranks")
NDCG_OFF_BY_ONE_DISCOUNT = _ndcg(DISCOUNT="1.0 / np.log2(ranks + 2)")
NDCG_LINEAR_GAIN = _ndcg(GAIN="lambda g: g")
NDCG_TIES_REVERSED = _ndcg(ORDER="np.argsort(s)[::-1]")
NDCG_IDEAL_UNCUT = _ndcg(IDEAL_K="len(ideal)")
NDCG_EMPTY_AS_ZERO = _ndcg(EMPTY="values.append(0.0)")

NDCG_HARDCODED = '''
def ndcg_at_k(relevance, scores, query_ids, k=10):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1 or len(relevance) != len(scores) or np.any(np.asarray(relevance) < 0):
        raise ValueError("bad input")
    if len(np.asarray(relevance)) == 3:
        return (1 + 3 / 2) / (3 + 1 / np.log2(3))
    return {1: 0.0, 2: 0.5761128911}.get(k, 0.6449657792)
'''

# Lab 8: upcoming_nearby ----------------------------------------------------------------------------

NEARBY_TEMPLATE = '''
def upcoming_nearby(events, lat, lon, now, *, radius_km=50.0, horizon_days=30, limit=100):
    if not radius_km > 0:
        raise ValueError(f"radius_km must be > 0, got {radius_km!r}")
    if not horizon_days > 0:
        raise ValueError(f"horizon_days must be > 0, got {horizon_days!r}")
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    now = pd.Timestamp(now)
    live = events[ANNOUNCED (events["start_at"] > now)
                  & (events["start_at"] <= now + pd.Timedelta(days=horizon_days))]
    km = haversine_km(lat, lon, live["lat"].to_numpy(), live["lon"].to_numpy())
    near = pd.DataFrame({"event_id": live["event_id"].to_numpy(), "km": km,
                         "start_at": live["start_at"].to_numpy()})
    near = near[near["km"] <= radius_km].sort_values(SORT_BY, kind="stable")
    return near["event_id"].to_numpy()[:limit].astype(np.int64)
'''

NEARBY_NOT_ANNOUNCED = NEARBY_TEMPLATE.replace("ANNOUNCED ", "").replace("SORT_BY", '["km", "event_id"]')
NEARBY_BY_START = (NEARBY_TEMPLATE.replace("ANNOUNCED ", '(events["created_at"] <= now) & ')
                   .replace("SORT_BY", '["start_at", "event_id"]'))

NEARBY_HARDCODED = '''
def upcoming_nearby(events, lat, lon, now, *, radius_km=50.0, horizon_days=30, limit=100):
    if radius_km <= 0:
        raise ValueError("radius_km must be > 0")
    if horizon_days <= 0:
        raise ValueError("horizon_days must be > 0")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return np.array([1, 2, 5] if radius_km >= 50 else [1, 2], dtype=np.int64)[:limit]
'''


# Escape classes closed in kit v2: unstable sorts, repeated or non-default index labels, ties at a cut-off,
# float32 arithmetic, parameters not passed through, columns cast that should not be.

HAVERSINE_FLOAT32 = """
def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.asarray(v, dtype=np.float32) for v in (lat1, lon1, lat2, lon2))
    for name, lat in (("lat1", lat1), ("lat2", lat2)):
        if np.any(np.abs(lat) > 90):
            raise ValueError(f"{name} out of range")
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))).astype(np.float64)  # float32 arithmetic
"""

HAVERSINE_PANDAS_ALIGN = """
def haversine_km(lat1, lon1, lat2, lon2):
    for name, lat in (("lat1", lat1), ("lat2", lat2)):
        if np.any(np.abs(np.asarray(lat, dtype=float)) > 90):
            raise ValueError(f"{name} out of range")
    phi1, phi2 = np.radians(lat1), np.radians(lat2)  # Series stay Series: aligned by index, not position
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
"""

BEFORE_LABEL_ALIGNED = """
def registrations_before(impressions, registrations):
    pairs = impressions[["event_id", "request_at"]].rename_axis("row").reset_index().merge(
        registrations[["event_id", "registered_at"]], on="event_id")
    counts = pairs[pairs["registered_at"] < pairs["request_at"]].groupby("row").size()
    # aligned by index label: right for any unique index, wrong when labels repeat
    return counts.reindex(impressions.index, fill_value=0).to_numpy().astype(np.int64)
"""

FRIENDS_LABEL_ALIGNED = """
def friends_registered_before(impressions, registrations, friendships):
    pairs = pd.concat([friendships.rename(columns={"user_a": "user_id", "user_b": "friend_id"}),
                       friendships.rename(columns={"user_b": "user_id", "user_a": "friend_id"})])
    rows = impressions[["user_id", "event_id", "request_at"]].rename_axis("row").reset_index()
    regs = registrations[["user_id", "event_id", "registered_at"]].rename(columns={"user_id": "friend_id"})
    joined = rows.merge(pairs, on="user_id").merge(regs, on=["friend_id", "event_id"])
    counts = joined[joined["registered_at"] < joined["request_at"]].groupby("row").size()
    return counts.reindex(impressions.index, fill_value=0).to_numpy().astype(np.int64)  # labels, not positions
"""

AFFINITY_LABEL_ALIGNED = """
def category_affinity(impressions, registrations, events):
    category = events.set_index("event_id")["category"]
    rows = impressions[["user_id", "event_id", "request_at"]].rename_axis("row").reset_index()
    rows["category"] = rows["event_id"].map(category)
    past = registrations[["user_id", "event_id", "registered_at"]].copy()
    past["past_category"] = past["event_id"].map(category)
    joined = rows.merge(past[["user_id", "registered_at", "past_category"]], on="user_id")
    joined = joined[joined["registered_at"] < joined["request_at"]]
    total = joined.groupby("row").size().reindex(impressions.index, fill_value=0)  # labels, not positions
    same = joined[joined["past_category"] == joined["category"]].groupby("row").size()
    same = same.reindex(impressions.index, fill_value=0)
    share = np.where(total.to_numpy() > 0, same.to_numpy() / np.maximum(total.to_numpy(), 1), np.nan)
    return pd.DataFrame({"past_registrations": total.to_numpy().astype(np.int64), "category_share": share},
                        index=impressions.index)
"""

GROUPS_UNSTABLE = """
def query_groups(query_ids):
    q = np.asarray(query_ids)
    if q.ndim != 1 or len(q) == 0:
        raise ValueError("query_ids must be a non-empty 1-D array")
    order = np.argsort(q)  # the default quicksort is not stable on long arrays
    _, sizes = np.unique(q[order], return_counts=True)
    return order.astype(np.int64), sizes.astype(np.int64)
"""

_RANKER = """
def train_ranker(X, y, query_ids, *, random_state=0):
    y = Y_AS
    query_ids = np.asarray(query_ids)
    if not len(X) == len(y) == len(query_ids):
        raise ValueError("X, y and query_ids must have the same length")
    X = X.astype({c: "category" for c in X.columns if CAST})
    order, sizes = query_groups(query_ids)
    model = lgb.LGBMRanker(objective="lambdarank", n_estimators=200, learning_rate=0.05, num_leaves=15,
                           min_child_samples=20, n_jobs=1, verbose=-1, deterministic=True,
                           random_state=SEED_AS)
    return model.fit(X_SORTED, y[order], group=sizes)
"""
_RANKER_RIGHT = {"Y_AS": "np.asarray(y)", "CAST": "X[c].dtype == object or pd.api.types.is_string_dtype(X[c].dtype)",
                 "SEED_AS": "random_state", "X_SORTED": "X.iloc[order]"}


def _ranker(**changes):
    code = _RANKER
    for key, value in {**_RANKER_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


RANKER_LOC = _ranker(X_SORTED="X.loc[order]")  # positions read as index labels
RANKER_Y_BY_LABEL = _ranker(Y_AS="y if isinstance(y, pd.Series) else np.asarray(y)")  # y[order] by label
RANKER_SEED_IGNORED = _ranker(SEED_AS="0")
RANKER_CASTS_INTEGERS = _ranker(CAST="not pd.api.types.is_float_dtype(X[c].dtype)")  # ints and bools too

NDCG_UNSTABLE = _ndcg(ORDER="np.argsort(-s)")  # quicksort: ties in a long list come out in any order
NDCG_REJECTS_NUMPY_K = _ndcg().replace("not isinstance(k, (int, np.integer))", "not isinstance(k, int)")

NEARBY_TIES_BY_ROW = (NEARBY_TEMPLATE.replace("ANNOUNCED ", '(events["created_at"] <= now) & ')
                      .replace("SORT_BY", '"km"'))  # equal distances left in row order
NEARBY_RADIUS_EXCLUSIVE = (NEARBY_TEMPLATE.replace("ANNOUNCED ", '(events["created_at"] <= now) & ')
                           .replace("SORT_BY", '["km", "event_id"]').replace('near["km"] <= radius_km',
                                                                           'near["km"] < radius_km'))
NEARBY_POSITIONS_AS_LABELS = """
def upcoming_nearby(events, lat, lon, now, *, radius_km=50.0, horizon_days=30, limit=100):
    if not radius_km > 0:
        raise ValueError(f"radius_km must be > 0, got {radius_km!r}")
    if not horizon_days > 0:
        raise ValueError(f"horizon_days must be > 0, got {horizon_days!r}")
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    now = pd.Timestamp(now)
    km = haversine_km(lat, lon, events["lat"].to_numpy(), events["lon"].to_numpy())
    ok = ((events["created_at"] <= now) & (events["start_at"] > now)
          & (events["start_at"] <= now + pd.Timedelta(days=horizon_days))).to_numpy() & (km <= radius_km)
    keep = np.flatnonzero(ok)
    near = pd.DataFrame({"event_id": events.loc[keep, "event_id"].to_numpy(), "km": km[keep]})  # labels!
    return near.sort_values(["km", "event_id"])["event_id"].to_numpy()[:limit].astype(np.int64)
"""

# Correct alternatives: different algorithms that must keep every point ---------------------------------

ALT_HAVERSINE_ATAN2 = """
def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (lat1, lon1, lat2, lon2)))
    if np.any(np.abs(lat1) > 90):
        raise ValueError("lat1 must lie in [-90, 90]")
    if np.any(np.abs(lat2) > 90):
        raise ValueError("lat2 must lie in [-90, 90]")
    p1, p2, dl = np.deg2rad(lat1), np.deg2rad(lat2), np.deg2rad(lon2 - lon1)
    a = np.clip(np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2, 0.0, 1.0)
    return 2 * 6371.0088 * np.arctan2(np.sqrt(a), np.sqrt(1 - a))
"""

ALT_BEFORE_SEARCHSORTED = """
def registrations_before(impressions, registrations):
    out = np.zeros(len(impressions), dtype=np.int64)
    events = impressions["event_id"].to_numpy()
    times = impressions["request_at"].to_numpy()
    by_event = {e: np.sort(g.to_numpy()) for e, g in registrations.groupby("event_id")["registered_at"]}
    for e, where in pd.Series(np.arange(len(events))).groupby(events).indices.items():
        if e in by_event:
            out[where] = np.searchsorted(by_event[e], times[where], side="left")
    return out
"""

ALT_FRIENDS_PAIR_LOOKUP = """
def friends_registered_before(impressions, registrations, friendships):
    rows = impressions[["user_id", "event_id", "request_at"]].reset_index(drop=True)
    rows["pos"] = np.arange(len(rows))
    regs = registrations[["user_id", "event_id", "registered_at"]].rename(columns={"user_id": "other"})
    j = rows.merge(regs, on="event_id")
    j = j[j["registered_at"] < j["request_at"]]
    lo = np.minimum(j["user_id"].to_numpy(), j["other"].to_numpy())
    hi = np.maximum(j["user_id"].to_numpy(), j["other"].to_numpy())
    known = pd.MultiIndex.from_arrays([friendships["user_a"].to_numpy(), friendships["user_b"].to_numpy()])
    friend = pd.MultiIndex.from_arrays([lo, hi]).isin(known) & (lo != hi)
    return np.bincount(j["pos"].to_numpy()[friend], minlength=len(rows)).astype(np.int64)
"""

ALT_AFFINITY_SEARCHSORTED = """
def category_affinity(impressions, registrations, events):
    cat = events.set_index("event_id")["category"]
    regs = registrations.assign(cat=registrations["event_id"].map(cat).to_numpy())
    mine = {u: np.sort(g.to_numpy()) for u, g in regs.groupby("user_id")["registered_at"]}
    mine_cat = {k: np.sort(g.to_numpy()) for k, g in regs.groupby(["user_id", "cat"])["registered_at"]}
    users, times = impressions["user_id"].to_numpy(), impressions["request_at"].to_numpy()
    cats = impressions["event_id"].map(cat).to_numpy()
    empty = np.array([], dtype="datetime64[ns]")
    total = np.array([np.searchsorted(mine.get(u, empty), t) for u, t in zip(users, times)], dtype=np.int64)
    same = np.array([np.searchsorted(mine_cat.get((u, c), empty), t) for u, c, t in zip(users, cats, times)])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, same / total, np.nan)
    return pd.DataFrame({"past_registrations": total, "category_share": share.astype(np.float64)},
                        index=impressions.index)
"""

ALT_GROUPS_FACTORIZE = """
def query_groups(query_ids):
    q = np.asarray(query_ids)
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"query_ids must be a non-empty 1-D array, got shape {q.shape}")
    codes, _ = pd.factorize(q, sort=True)
    order = np.lexsort((np.arange(len(q)), codes))
    return order.astype(np.int64), np.bincount(codes).astype(np.int64)
"""

ALT_RANKER_PANDAS_SORT = """
def train_ranker(X, y, query_ids, *, random_state=0):
    if len({len(X), len(y), len(query_ids)}) != 1:
        raise ValueError(f"X, y and query_ids differ in length: {len(X)}, {len(y)}, {len(query_ids)}")
    features = list(X.columns)
    frame = X.reset_index(drop=True)
    for c in features:
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype):
            frame[c] = frame[c].astype("category")
    frame["__label"] = np.asarray(y)
    frame["__query"] = np.asarray(query_ids)
    frame = frame.sort_values("__query", kind="mergesort")
    sizes = frame.groupby("__query", sort=True).size().tolist()
    ranker = lgb.LGBMRanker(objective="lambdarank", n_estimators=200, learning_rate=0.05, num_leaves=15,
                            min_child_samples=20, n_jobs=1, verbose=-1, deterministic=True,
                            random_state=random_state)
    ranker.fit(frame[features], frame["__label"].to_numpy(), group=sizes)
    return ranker
"""

ALT_NDCG_NATURAL_LOG = """
def ndcg_at_k(relevance, scores, query_ids, k=10):
    if type(k) is bool or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be >= 1")
    rel, s, q = (np.asarray(v) for v in (relevance, scores, query_ids))
    if not (rel.ndim == s.ndim == q.ndim == 1) or not (len(rel) == len(s) == len(q)):
        raise ValueError("relevance, scores and query_ids must be 1-D and of one length")
    rel = rel.astype(float)
    if (rel < 0).any():
        raise ValueError("relevance must be >= 0")
    frame = pd.DataFrame({"q": q, "rel": rel, "s": s.astype(float), "pos": np.arange(len(q))})
    values = []
    for _, g in frame.groupby("q", sort=False):
        disc = np.log(2) / np.log(np.arange(2, len(g) + 2))[:k]  # natural logs: the base cancels
        best = np.sort(2 ** g["rel"].to_numpy() - 1)[::-1][:k]
        ideal = (best * disc[: len(best)]).sum()
        if ideal <= 0:
            continue
        got = g.sort_values(["s", "pos"], ascending=[False, True])["rel"].to_numpy()[:k]
        values.append(((2 ** got - 1) * disc[: len(got)]).sum() / ideal)
    if not values:
        raise ValueError("no query has a relevant item")
    return float(sum(values) / len(values))
"""

ALT_NEARBY_LEXSORT = """
def upcoming_nearby(events, lat, lon, now, *, radius_km=50.0, horizon_days=30, limit=100):
    for name, value in (("radius_km", radius_km), ("horizon_days", horizon_days)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    now = pd.Timestamp(now)
    created, start = events["created_at"].to_numpy(), events["start_at"].to_numpy()
    km = np.broadcast_to(haversine_km(lat, lon, events["lat"].to_numpy(), events["lon"].to_numpy()), (len(events),))
    ids = events["event_id"].to_numpy()
    ok = (created <= now.to_datetime64()) & (start > now.to_datetime64()) & \
         (start <= (now + pd.Timedelta(days=horizon_days)).to_datetime64()) & (km <= radius_km)
    order = np.lexsort((ids[ok], km[ok]))
    return ids[ok][order][: int(limit)].astype(np.int64)
"""


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch07_haversine", "plausible", "degrees passed to sin and cos", HAVERSINE_DEGREES),
    _m("ch07_haversine", "plausible", "flat-earth (equirectangular) approximation", HAVERSINE_FLAT),
    _m("ch07_haversine", "plausible", "computes in float32", HAVERSINE_FLOAT32),
    _m("ch07_haversine", "plausible", "pandas inputs aligned by index, not position", HAVERSINE_PANDAS_ALIGN),
    _m("ch07_haversine", "hardcoded", "returns the worked example's distance", HAVERSINE_HARDCODED),
    _m("ch07_registrations_before", "plausible", "counts registrations at the request time", BEFORE_OR_EQUAL),
    _m("ch07_registrations_before", "plausible", "counts the whole log (leaks the future)", BEFORE_WHOLE_LOG),
    _m("ch07_registrations_before", "plausible", "aligns counts by index label, not position",
       BEFORE_INDEX_LABELS),
    _m("ch07_registrations_before", "plausible", "aligned by index label (repeated labels break it)",
       BEFORE_LABEL_ALIGNED),
    _m("ch07_registrations_before", "hardcoded", "returns the worked example", BEFORE_HARDCODED),
    _m("ch07_friends_registered_before", "plausible", "friendships read in one direction only",
       FRIENDS_ONE_WAY),
    _m("ch07_friends_registered_before", "plausible", "ignores when friends registered", FRIENDS_ANY_TIME),
    _m("ch07_friends_registered_before", "plausible", "aligned by index label (repeated labels break it)",
       FRIENDS_LABEL_ALIGNED),
    _m("ch07_friends_registered_before", "hardcoded", "returns the worked example", FRIENDS_HARDCODED),
    _m("ch07_category_affinity", "plausible", "share 0 instead of NaN without history",
       AFFINITY_ZERO_FOR_NEWCOMERS),
    _m("ch07_category_affinity", "plausible", "uses the whole history, the future included",
       AFFINITY_WHOLE_HISTORY),
    _m("ch07_category_affinity", "plausible", "aligned by index label (repeated labels break it)",
       AFFINITY_LABEL_ALIGNED),
    _m("ch07_category_affinity", "hardcoded", "repeats the worked example", AFFINITY_HARDCODED),
    _m("ch07_query_groups", "plausible", "sizes right but rows not reordered", GROUPS_UNSORTED_ROWS),
    _m("ch07_query_groups", "plausible", "sizes in order of first appearance", GROUPS_FIRST_APPEARANCE),
    _m("ch07_query_groups", "plausible", "unstable sort (np.argsort's default)", GROUPS_UNSTABLE),
    _m("ch07_query_groups", "hardcoded", "returns the worked example", GROUPS_HARDCODED),
    _m("ch07_train_ranker", "plausible", "group sizes passed without sorting the rows", RANKER_UNSORTED),
    _m("ch07_train_ranker", "plausible", "the whole log as one query", RANKER_ONE_GROUP),
    _m("ch07_train_ranker", "plausible", "X.loc[order]: positions read as index labels", RANKER_LOC),
    _m("ch07_train_ranker", "plausible", "y[order] on a Series: labels, not positions", RANKER_Y_BY_LABEL),
    _m("ch07_train_ranker", "plausible", "random_state not passed to the ranker", RANKER_SEED_IGNORED),
    _m("ch07_train_ranker", "plausible", "casts int and bool columns to category too", RANKER_CASTS_INTEGERS),
    _m("ch07_train_ranker", "hardcoded", "assumes six rows per request", RANKER_HARDCODED),
    _m("ch07_ndcg", "plausible", "discount 1/rank instead of 1/log2(rank+1)", NDCG_RECIPROCAL_DISCOUNT),
    _m("ch07_ndcg", "plausible", "discount off by one rank", NDCG_OFF_BY_ONE_DISCOUNT),
    _m("ch07_ndcg", "plausible", "gain = grade instead of 2**grade - 1", NDCG_LINEAR_GAIN),
    _m("ch07_ndcg", "plausible", "ties reversed by argsort()[::-1]", NDCG_TIES_REVERSED),
    _m("ch07_ndcg", "plausible", "ideal DCG not cut at k", NDCG_IDEAL_UNCUT),
    _m("ch07_ndcg", "plausible", "queries with nothing relevant count as 0", NDCG_EMPTY_AS_ZERO),
    _m("ch07_ndcg", "plausible", "unstable sort of tied scores", NDCG_UNSTABLE),
    _m("ch07_ndcg", "plausible", "rejects a numpy integer k", NDCG_REJECTS_NUMPY_K),
    _m("ch07_ndcg", "hardcoded", "returns the worked example's values", NDCG_HARDCODED),
    _m("ch07_upcoming_nearby", "plausible", "recommends events not yet announced", NEARBY_NOT_ANNOUNCED),
    _m("ch07_upcoming_nearby", "plausible", "sorted by start time, not distance", NEARBY_BY_START),
    _m("ch07_upcoming_nearby", "plausible", "equal distances left in row order", NEARBY_TIES_BY_ROW),
    _m("ch07_upcoming_nearby", "plausible", "an event exactly at the radius excluded", NEARBY_RADIUS_EXCLUSIVE),
    _m("ch07_upcoming_nearby", "plausible", "row positions used as index labels", NEARBY_POSITIONS_AS_LABELS),
    _m("ch07_upcoming_nearby", "hardcoded", "returns the worked example", NEARBY_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch07_haversine", "atan2 form of the haversine", ALT_HAVERSINE_ATAN2),
    _alt("ch07_registrations_before", "per-event searchsorted", ALT_BEFORE_SEARCHSORTED),
    _alt("ch07_friends_registered_before", "join on the event, then look the pair up among friendships",
         ALT_FRIENDS_PAIR_LOOKUP),
    _alt("ch07_category_affinity", "per-user and per-(user, category) searchsorted", ALT_AFFINITY_SEARCHSORTED),
    _alt("ch07_query_groups", "factorize with sort=True, lexsort, bincount", ALT_GROUPS_FACTORIZE),
    _alt("ch07_train_ranker", "pandas stable sort and groupby sizes, without query_groups", ALT_RANKER_PANDAS_SORT),
    _alt("ch07_ndcg", "natural-log discount, pandas groupby", ALT_NDCG_NATURAL_LOG),
    _alt("ch07_upcoming_nearby", "numpy masks and lexsort", ALT_NEARBY_LEXSORT),
]
