"""Wrong answers for chapter 11 that must lose points (plausible mistakes and hard-coded answers), and different
but correct answers that must keep every point."""

# Lab 1: time_split ---------------------------------------------------------------------------------

SPLIT_LAST_ROW = '''
def time_split(edges, cutoff):
    cutoff = pd.Timestamp(cutoff)
    a = edges["user_a"].to_numpy(dtype=np.int64)
    b = edges["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("edges has a self-loop")
    pairs = pd.DataFrame({"user_a": np.minimum(a, b), "user_b": np.maximum(a, b),
                          "formed_at": edges["formed_at"].to_numpy()})
    first = pairs.groupby(["user_a", "user_b"], as_index=False)["formed_at"].max()  # latest row, not earliest
    early = (first["formed_at"] < cutoff).to_numpy()
    before = first.loc[early, ["user_a", "user_b"]].reset_index(drop=True)
    seen = np.unique(before.to_numpy())
    later = first.loc[~early, ["user_a", "user_b"]]
    return before, later[later["user_a"].isin(seen) & later["user_b"].isin(seen)].reset_index(drop=True)
'''

SPLIT_ONE_ORDER = '''
def time_split(edges, cutoff):
    cutoff = pd.Timestamp(cutoff)
    e = edges[["user_a", "user_b", "formed_at"]]
    if np.any(e["user_a"].to_numpy() == e["user_b"].to_numpy()):
        raise ValueError("edges has a self-loop")
    first = e.groupby(["user_a", "user_b"], as_index=False)["formed_at"].min()  # (3, 8) and (8, 3) kept apart
    early = (first["formed_at"] < cutoff).to_numpy()
    before = first.loc[early, ["user_a", "user_b"]].reset_index(drop=True).astype(np.int64)
    seen = np.unique(before.to_numpy())
    later = first.loc[~early, ["user_a", "user_b"]]
    return before, later[later["user_a"].isin(seen) & later["user_b"].isin(seen)].reset_index(drop=True).astype(np.int64)
'''

SPLIT_KEEPS_COLD_START = '''
def time_split(edges, cutoff):
    cutoff = pd.Timestamp(cutoff)
    a = edges["user_a"].to_numpy(dtype=np.int64)
    b = edges["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("edges has a self-loop")
    pairs = pd.DataFrame({"user_a": np.minimum(a, b), "user_b": np.maximum(a, b),
                          "formed_at": edges["formed_at"].to_numpy()})
    first = pairs.groupby(["user_a", "user_b"], as_index=False)["formed_at"].min()
    early = (first["formed_at"] < cutoff).to_numpy()
    # every later pair, even with users the frozen graph has never seen
    return (first.loc[early, ["user_a", "user_b"]].reset_index(drop=True),
            first.loc[~early, ["user_a", "user_b"]].reset_index(drop=True))
'''

SPLIT_INCLUSIVE = '''
def time_split(edges, cutoff):
    cutoff = pd.Timestamp(cutoff)
    a = edges["user_a"].to_numpy(dtype=np.int64)
    b = edges["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("edges has a self-loop")
    pairs = pd.DataFrame({"user_a": np.minimum(a, b), "user_b": np.maximum(a, b),
                          "formed_at": edges["formed_at"].to_numpy()})
    first = pairs.groupby(["user_a", "user_b"], as_index=False)["formed_at"].min()
    early = (first["formed_at"] <= cutoff).to_numpy()  # a pair at the cut-off counted as before
    before = first.loc[early, ["user_a", "user_b"]].reset_index(drop=True)
    seen = np.unique(before.to_numpy())
    later = first.loc[~early, ["user_a", "user_b"]]
    return before, later[later["user_a"].isin(seen) & later["user_b"].isin(seen)].reset_index(drop=True)
'''

SPLIT_HARDCODED = '''
def time_split(edges, cutoff):
    if np.any(edges["user_a"].to_numpy() == edges["user_b"].to_numpy()):
        raise ValueError("edges has a self-loop")
    return (pd.DataFrame({"user_a": np.array([1, 1], dtype=np.int64), "user_b": np.array([2, 3], dtype=np.int64)}),
            pd.DataFrame({"user_a": np.array([2], dtype=np.int64), "user_b": np.array([3], dtype=np.int64)}))
'''

ALT_SPLIT_SORT_DEDUP = '''
def time_split(edges, cutoff):
    cutoff = pd.Timestamp(cutoff).to_datetime64()
    rows = []
    a = edges["user_a"].to_numpy()
    b = edges["user_b"].to_numpy()
    if (a == b).any():
        raise ValueError("edges contains a self-loop")
    frame = pd.DataFrame({"lo": np.where(a < b, a, b).astype(np.int64), "hi": np.where(a < b, b, a).astype(np.int64),
                          "t": edges["formed_at"].to_numpy()})
    frame = frame.sort_values(["t"], kind="stable").drop_duplicates(["lo", "hi"], keep="first")
    old = frame[frame["t"] < cutoff]
    new = frame[frame["t"] >= cutoff]
    seen = set(old["lo"]) | set(old["hi"])
    new = new[[x in seen and y in seen for x, y in zip(new["lo"], new["hi"])]]
    out = []
    for part in (old, new):
        part = part.sort_values(["lo", "hi"]).rename(columns={"lo": "user_a", "hi": "user_b"})
        out.append(part[["user_a", "user_b"]].reset_index(drop=True))
    return out[0], out[1]
'''

# Lab 2: adjacency ----------------------------------------------------------------------------------

ADJ_DUPLICATES_SUMMED = '''
def adjacency(pairs, n_nodes):
    a = pairs["user_a"].to_numpy(dtype=np.int64)
    b = pairs["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("pairs has a self-loop")
    ids = np.r_[a, b]
    if np.any((ids < 0) | (ids >= n_nodes)):
        raise ValueError("pairs has an id out of range")
    return sp.csr_matrix((np.ones(len(ids)), (ids, np.r_[b, a])), shape=(n_nodes, n_nodes))  # repeats add up
'''

ADJ_ONE_DIRECTION = '''
def adjacency(pairs, n_nodes):
    a = pairs["user_a"].to_numpy(dtype=np.int64)
    b = pairs["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("pairs has a self-loop")
    ids = np.r_[a, b]
    if np.any((ids < 0) | (ids >= n_nodes)):
        raise ValueError("pairs has an id out of range")
    A = sp.csr_matrix((np.ones(len(a)), (a, b)), shape=(n_nodes, n_nodes))  # not symmetric
    A.data[:] = 1.0
    return A
'''

ADJ_NO_RANGE_CHECK = '''
def adjacency(pairs, n_nodes):
    a = pairs["user_a"].to_numpy(dtype=np.int64)
    b = pairs["user_b"].to_numpy(dtype=np.int64)
    if np.any(a == b):
        raise ValueError("pairs has a self-loop")
    n = max(int(n_nodes), int(np.r_[a, b, -1].max()) + 1)  # grows to fit instead of rejecting
    A = sp.csr_matrix((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1.0
    return A
'''

ADJ_HARDCODED = '''
def adjacency(pairs, n_nodes):
    if np.any(pairs["user_a"].to_numpy() == pairs["user_b"].to_numpy()):
        raise ValueError("pairs has a self-loop")
    dense = np.zeros((n_nodes, n_nodes))
    dense[[0, 1, 1, 2], [1, 0, 2, 1]] = 1.0
    return sp.csr_matrix(dense)
'''

ALT_ADJ_DENSE_LOOKUP = '''
def adjacency(pairs, n_nodes):
    n = int(n_nodes)
    a = np.asarray(pairs["user_a"], dtype=np.int64)
    b = np.asarray(pairs["user_b"], dtype=np.int64)
    for x, y in zip(a, b):
        if x == y:
            raise ValueError(f"pairs lists user {x} as their own friend")
        if not (0 <= x < n and 0 <= y < n):
            raise ValueError(f"pairs mentions ({x}, {y}) but n_nodes is {n}")
    keys = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    lo, hi = keys // n, keys % n
    coo = sp.coo_matrix((np.ones(2 * len(keys)), (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n))
    return coo.tocsr()
'''

# Lab 3: fof_candidates -----------------------------------------------------------------------------

FOF_BODY = '''
def fof_candidates(A, users, max_candidates):
    if max_candidates < 1:
        raise ValueError("max_candidates must be at least 1")
    A = sp.csr_matrix(A, dtype=np.float64)
    users = np.asarray(users, dtype=np.int64)
    rows = A[users]
    paths = (rows @ A).tocoo()
    r, c, m = paths.row, paths.col, np.rint(paths.data).astype(np.int64)
    is_friend = np.asarray(rows[r, c]).ravel() > 0
    keep = {KEEP}
    r, c, m = r[keep], c[keep], m[keep]
    order = {ORDER}
    r, c, m = r[order], c[order], m[order]
    starts = np.searchsorted(r, r, side="left")
    first = np.arange(len(r)) - starts < max_candidates
    return pd.DataFrame({{"user_id": users[r[first]], "candidate_id": c[first].astype(np.int64), "mutual": m[first]}})
'''

_KEEP = '(c != users[r]) & ~is_friend & (m > 0)'
_ORDER = 'np.lexsort((c, -m, r))'
FOF_KEEPS_FRIENDS = FOF_BODY.format(KEEP='(c != users[r]) & (m > 0)', ORDER=_ORDER)
FOF_KEEPS_SELF = FOF_BODY.format(KEEP='~is_friend & (m > 0)', ORDER=_ORDER)
FOF_TIES_BY_ID_DESC = FOF_BODY.format(KEEP=_KEEP, ORDER='np.lexsort((-c, -m, r))')
FOF_UNSTABLE_TIES = FOF_BODY.format(KEEP=_KEEP, ORDER='np.lexsort((-m, r))')  # ties in the product's column order

FOF_USERS_SORTED = '''
def fof_candidates(A, users, max_candidates):
    if max_candidates < 1:
        raise ValueError("max_candidates must be at least 1")
    A = sp.csr_matrix(A, dtype=np.float64)
    users = np.sort(np.asarray(users, dtype=np.int64))  # order of users lost
    paths = (A[users] @ A).tocoo()
    friends = A[users]
    r, c, m = paths.row, paths.col, np.rint(paths.data).astype(np.int64)
    keep = (c != users[r]) & ~(np.asarray(friends[r, c]).ravel() > 0)
    r, c, m = r[keep], c[keep], m[keep]
    order = np.lexsort((c, -m, r))
    r, c, m = r[order], c[order], m[order]
    first = np.arange(len(r)) - np.searchsorted(r, r) < max_candidates
    return pd.DataFrame({"user_id": users[r[first]], "candidate_id": c[first].astype(np.int64), "mutual": m[first]})
'''

FOF_HARDCODED = '''
def fof_candidates(A, users, max_candidates):
    if max_candidates < 1:
        raise ValueError("max_candidates must be at least 1")
    rows = [[0, 2, 1], [0, 3, 1], [2, 0, 1]]
    if max_candidates == 1:
        rows = rows[:1]
    return pd.DataFrame(rows, columns=["user_id", "candidate_id", "mutual"]).astype(np.int64)
'''

ALT_FOF_PANDAS = '''
def fof_candidates(A, users, max_candidates):
    if max_candidates < 1:
        raise ValueError(f"max_candidates should be positive, got {max_candidates}")
    A = sp.csr_matrix(A)
    order = {int(u): i for i, u in enumerate(np.asarray(users))}
    two = (A[list(order)] @ A).tocoo()
    us = np.array(list(order), dtype=np.int64)
    frame = pd.DataFrame({"user_id": us[two.row], "candidate_id": two.col.astype(np.int64),
                          "mutual": np.rint(two.data).astype(np.int64)})
    direct = A.tocoo()
    friends = pd.DataFrame({"user_id": direct.row.astype(np.int64), "candidate_id": direct.col.astype(np.int64),
                            "is_friend": True})
    frame = frame.merge(friends, how="left", on=["user_id", "candidate_id"])
    frame = frame[frame["is_friend"].isna() & (frame["user_id"] != frame["candidate_id"]) & (frame["mutual"] > 0)]
    frame = frame.assign(rank=frame["user_id"].map(order))
    frame = frame.sort_values(["rank", "mutual", "candidate_id"], ascending=[True, False, True], kind="mergesort")
    frame = frame.groupby("rank", sort=False).head(int(max_candidates))
    return frame[["user_id", "candidate_id", "mutual"]].reset_index(drop=True)
'''

# Lab 4: pair_scores --------------------------------------------------------------------------------

PAIR_BODY = '''
def pair_scores(A, user_a, user_b):
    A = sp.csr_matrix(A, dtype=np.float64)
    u = np.asarray(user_a, dtype=np.int64)
    v = np.asarray(user_b, dtype=np.int64)
    if u.shape != v.shape:
        raise ValueError("user_a and user_b must have the same length")
    degree = np.asarray(A.sum(axis=1)).ravel()
    shared = A[u].multiply(A[v]).tocsr()
    common = np.asarray(shared.sum(axis=1)).ravel()
    union = {UNION}
    jaccard = np.divide(common, union, out=np.zeros(len(u)), where=union > 0)
    weight = np.zeros_like(degree)
    weight[degree > 1] = {WEIGHT}
    adamic_adar = np.asarray(shared @ weight).ravel()
    return pd.DataFrame({{"common": np.rint(common).astype(np.int64), "jaccard": jaccard, "adamic_adar": adamic_adar}})
'''

PAIR_UNION_AS_SUM = PAIR_BODY.format(UNION='degree[u] + degree[v]', WEIGHT='1.0 / np.log(degree[degree > 1])')
PAIR_LOG10 = PAIR_BODY.format(UNION='degree[u] + degree[v] - common', WEIGHT='1.0 / np.log10(degree[degree > 1])')
PAIR_RESOURCE_ALLOCATION = PAIR_BODY.format(UNION='degree[u] + degree[v] - common', WEIGHT='1.0 / degree[degree > 1]')

PAIR_KEEPS_DTYPE = PAIR_BODY.replace("A = sp.csr_matrix(A, dtype=np.float64)", "A = sp.csr_matrix(A)").format(
    UNION='degree[u] + degree[v] - common', WEIGHT='1.0 / np.log(degree[degree > 1])')  # float32 or int A

PAIR_JACCARD_NAN = '''
def pair_scores(A, user_a, user_b):
    A = sp.csr_matrix(A, dtype=np.float64)
    u = np.asarray(user_a, dtype=np.int64)
    v = np.asarray(user_b, dtype=np.int64)
    if u.shape != v.shape:
        raise ValueError("user_a and user_b must have the same length")
    degree = np.asarray(A.sum(axis=1)).ravel()
    shared = A[u].multiply(A[v]).tocsr()
    common = np.asarray(shared.sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = common / (degree[u] + degree[v] - common)  # 0 / 0 left as NaN
        weight = np.where(degree > 1, 1.0 / np.log(degree), 0.0)
    return pd.DataFrame({"common": np.rint(common).astype(np.int64), "jaccard": jaccard,
                         "adamic_adar": np.asarray(shared @ weight).ravel()})
'''

PAIR_BY_LABEL = '''
def pair_scores(A, user_a, user_b):
    A = sp.csr_matrix(A, dtype=np.float64)
    if len(user_a) != len(user_b):
        raise ValueError("user_a and user_b must have the same length")
    if isinstance(user_b, pd.Series) and isinstance(user_a, pd.Series):
        user_b = user_b.reindex(user_a.index)  # pairs matched by index label, not position
    u = np.asarray(user_a, dtype=np.int64)
    v = np.asarray(user_b, dtype=np.int64)
    degree = np.asarray(A.sum(axis=1)).ravel()
    shared = A[u].multiply(A[v]).tocsr()
    common = np.asarray(shared.sum(axis=1)).ravel()
    union = degree[u] + degree[v] - common
    jaccard = np.divide(common, union, out=np.zeros(len(u)), where=union > 0)
    weight = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    return pd.DataFrame({"common": np.rint(common).astype(np.int64), "jaccard": jaccard,
                         "adamic_adar": np.asarray(shared @ weight).ravel()})
'''

PAIR_HARDCODED = '''
def pair_scores(A, user_a, user_b):
    if len(user_a) != len(user_b):
        raise ValueError("user_a and user_b must have the same length")
    known = {(0, 2): (1, 0.5, 1 / np.log(3)), (4, 0): (0, 0.0, 0.0)}
    rows = [known.get((int(a), int(b)), (0, 0.0, 0.0)) for a, b in zip(user_a, user_b)]
    return pd.DataFrame({"common": np.array([r[0] for r in rows], dtype=np.int64),
                         "jaccard": np.array([r[1] for r in rows], dtype=np.float64),
                         "adamic_adar": np.array([r[2] for r in rows], dtype=np.float64)})
'''

ALT_PAIR_INDPTR = '''
def pair_scores(A, user_a, user_b):
    A = sp.csr_matrix(A)
    u = np.asarray(user_a).astype(np.int64)
    v = np.asarray(user_b).astype(np.int64)
    if len(u) != len(v):
        raise ValueError(f"user_a has {len(u)} ids but user_b has {len(v)}")
    deg = np.diff(A.indptr)
    inv_log = np.zeros(len(deg))
    inv_log[deg >= 2] = 1 / np.log(deg[deg >= 2])
    B = (A != 0).astype(np.float64)
    common = np.asarray(B[u].multiply(B[v]).sum(axis=1)).ravel()
    aa = np.asarray(B[u].multiply(B[v]).dot(sp.diags(inv_log)).sum(axis=1)).ravel()
    union = deg[u] + deg[v] - common
    jac = np.zeros(len(u))
    jac[union > 0] = common[union > 0] / union[union > 0]
    return pd.DataFrame({"common": common.round().astype(np.int64), "jaccard": jac, "adamic_adar": aa})
'''

# Lab 5: attribute_features -------------------------------------------------------------------------

ATTR_NAN_MATCHES = '''
def attribute_features(users, pairs):
    info = users.set_index("user_id")[["school", "employer", "city"]]
    a = pairs["user_id"].to_numpy()
    b = pairs["candidate_id"].to_numpy()
    if not np.isin(np.r_[a, b], info.index.to_numpy()).all():
        raise ValueError("a member of pairs is not in users")
    out = pd.DataFrame(index=pairs.index)
    for field in ("school", "employer", "city"):
        x = info[field].reindex(a).fillna("unknown").to_numpy(dtype=object)  # two missing values now match
        y = info[field].reindex(b).fillna("unknown").to_numpy(dtype=object)
        out[f"same_{field}"] = (x == y).astype(np.int64)
    return out
'''

ATTR_BY_ROW_POSITION = '''
def attribute_features(users, pairs):
    info = users[["school", "employer", "city"]].reset_index(drop=True)  # row i taken for member i
    a = pairs["user_id"].to_numpy()
    b = pairs["candidate_id"].to_numpy()
    if not np.isin(np.r_[a, b], users["user_id"].to_numpy()).all():
        raise ValueError("a member of pairs is not in users")
    out = pd.DataFrame(index=pairs.index)
    for field in ("school", "employer", "city"):
        x = info[field].to_numpy(dtype=object)[a]
        y = info[field].to_numpy(dtype=object)[b]
        out[f"same_{field}"] = (pd.notna(x) & (x == y)).astype(np.int64)
    return out
'''

ATTR_FRESH_INDEX = '''
def attribute_features(users, pairs):
    info = users.set_index("user_id")[["school", "employer", "city"]]
    a = pairs["user_id"].to_numpy()
    b = pairs["candidate_id"].to_numpy()
    if not np.isin(np.r_[a, b], info.index.to_numpy()).all():
        raise ValueError("a member of pairs is not in users")
    out = {}
    for field in ("school", "employer", "city"):
        x = info[field].reindex(a).to_numpy(dtype=object)
        y = info[field].reindex(b).to_numpy(dtype=object)
        out[f"same_{field}"] = (pd.notna(x) & (x == y)).astype(np.int64)
    return pd.DataFrame(out)  # the index of pairs is lost
'''

ATTR_HARDCODED = '''
def attribute_features(users, pairs):
    if not np.isin(np.r_[pairs["user_id"], pairs["candidate_id"]], users["user_id"]).all():
        raise ValueError("a member of pairs is not in users")
    rows = [[1, 0, 0], [0, 0, 1]] * (len(pairs) // 2) + [[0, 0, 0]] * (len(pairs) % 2)
    return pd.DataFrame(rows, index=pairs.index, columns=["same_school", "same_employer", "same_city"]).astype(np.int64)
'''

ALT_ATTR_MERGE = '''
def attribute_features(users, pairs):
    fields = ["school", "employer", "city"]
    known = set(users["user_id"].tolist())
    for col in ("user_id", "candidate_id"):
        missing = [x for x in pairs[col].tolist() if x not in known]
        if missing:
            raise ValueError(f"pairs refers to member {missing[0]}, who is not in users")
    left = users[["user_id"] + fields].rename(columns={f: f + "_u" for f in fields})
    right = users[["user_id"] + fields].rename(columns={"user_id": "candidate_id"} | {f: f + "_c" for f in fields})
    rows = pairs[["user_id", "candidate_id"]].reset_index(drop=True).reset_index()
    both = rows.merge(left, on="user_id", how="left").merge(right, on="candidate_id", how="left")
    both = both.sort_values("index")
    out = pd.DataFrame({f"same_{f}": (both[f + "_u"].eq(both[f + "_c"]) & both[f + "_u"].notna()).astype(np.int64)
                        .to_numpy() for f in fields}, index=pairs.index)
    return out
'''

# Lab 6: label_pairs --------------------------------------------------------------------------------

LABEL_ONE_ORDER = '''
def label_pairs(pairs, new_edges):
    known = pd.MultiIndex.from_arrays([new_edges["user_a"].to_numpy(), new_edges["user_b"].to_numpy()])
    asked = pd.MultiIndex.from_arrays([pairs["user_id"].to_numpy(), pairs["candidate_id"].to_numpy()])
    return asked.isin(known).astype(np.int64)  # (2, 1) does not match (1, 2)
'''

LABEL_EITHER_MEMBER = '''
def label_pairs(pairs, new_edges):
    active = set(new_edges["user_a"]) | set(new_edges["user_b"])
    # 1 if the candidate made any new friend at all
    return np.array([c in active for c in pairs["candidate_id"]], dtype=np.int64)
'''

LABEL_HARDCODED = '''
def label_pairs(pairs, new_edges):
    out = np.zeros(len(pairs), dtype=np.int64)
    out[: min(2, len(pairs))] = 1
    return out
'''

ALT_LABEL_SET = '''
def label_pairs(pairs, new_edges):
    keys = set()
    for a, b in zip(new_edges["user_a"].tolist(), new_edges["user_b"].tolist()):
        keys.add((a, b))
        keys.add((b, a))
    return np.fromiter(((u, c) in keys for u, c in zip(pairs["user_id"].tolist(), pairs["candidate_id"].tolist())),
                       dtype=np.int64, count=len(pairs))
'''

# Lab 7: train_link_model ---------------------------------------------------------------------------

TRAIN_BODY = '''
def train_link_model(X, y, *, random_state=0):
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError("X and y must have the same length")
    if not np.isin(y, [0, 1]).all() or len(np.unique(y)) < 2:
        raise ValueError("y must hold both 0 and 1")
    model = lgb.LGBMClassifier({PARAMS})
    return model.fit({FIT})
'''
_PARAMS = ('n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20, n_jobs=1, verbose=-1, '
           'deterministic=True, random_state=random_state')
TRAIN_SEED_IGNORED = TRAIN_BODY.format(PARAMS=_PARAMS.replace("random_state=random_state", "random_state=0"),
                                       FIT='X, y')
TRAIN_BALANCED = TRAIN_BODY.format(PARAMS=_PARAMS + ', class_weight="balanced"', FIT='X, y')
TRAIN_DEFAULTS = TRAIN_BODY.format(PARAMS='n_jobs=1, verbose=-1, random_state=random_state', FIT='X, y')

TRAIN_Y_BY_LABEL = '''
def train_link_model(X, y, *, random_state=0):
    if len(y) != len(X):
        raise ValueError("X and y must have the same length")
    y = y.reindex(X.index) if isinstance(y, pd.Series) else pd.Series(np.asarray(y), index=X.index)  # by label
    if not y.isin([0, 1]).all() or y.nunique() < 2:
        raise ValueError("y must hold both 0 and 1")
    model = lgb.LGBMClassifier(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20, n_jobs=1,
                               verbose=-1, deterministic=True, random_state=random_state)
    return model.fit(X, y)
'''

TRAIN_NO_CHECKS = '''
def train_link_model(X, y, *, random_state=0):
    model = lgb.LGBMClassifier(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20, n_jobs=1,
                               verbose=-1, deterministic=True, random_state=random_state)
    return model.fit(X, np.asarray(y)[: len(X)])
'''

TRAIN_HARDCODED = '''
def train_link_model(X, y, *, random_state=0):
    y = np.asarray(y)
    if len(y) != len(X) or not np.isin(y, [0, 1]).all() or len(np.unique(y)) < 2:
        raise ValueError("bad y")
    return lgb.LGBMClassifier(n_estimators=5, n_jobs=1, verbose=-1).fit(X, y)
'''

ALT_TRAIN_NUMPY = '''
def train_link_model(X, y, *, random_state=0):
    labels = pd.Series(list(y)).to_numpy()
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"{X.shape[0]} rows of X but {labels.shape[0]} labels")
    values = set(np.unique(labels).tolist())
    if not values <= {0, 1} or len(values) != 2:
        raise ValueError(f"y should contain both 0 and 1 and nothing else, got {sorted(values)}")
    params = dict(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20, n_jobs=1, verbose=-1,
                  deterministic=True)
    clf = lgb.LGBMClassifier(random_state=random_state, **params)
    clf.fit(X.reset_index(drop=True), pd.Series(labels.astype(int)))
    return clf
'''

# Lab 8: precision_recall_at_k ----------------------------------------------------------------------

PR_BODY = '''
def precision_recall_at_k(recommendations, new_edges, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    a = new_edges["user_a"].to_numpy(dtype=np.int64)
    b = new_edges["user_b"].to_numpy(dtype=np.int64)
    new = {NEW}
    n_new = new.groupby("user_id").size()
    recs = recommendations[["user_id", "candidate_id", "score"]].sort_values({SORT})
    top = recs.groupby("user_id").head(int(k))
    hits = top.merge(new, on=["user_id", "candidate_id"]).groupby("user_id").size()
    hits = hits.reindex(n_new.index, fill_value=0).to_numpy(dtype=np.float64)
    index = pd.Index(n_new.index.to_numpy(dtype=np.int64), name="user_id")
    return pd.DataFrame({{"precision": hits / {DENOM}, "recall": hits / n_new.to_numpy()}}, index=index)
'''
_NEW = 'pd.DataFrame({"user_id": np.r_[a, b], "candidate_id": np.r_[b, a]}).drop_duplicates()'
_SORT = '["user_id", "score", "candidate_id"], ascending=[True, False, True], kind="stable"'
PR_ONE_DIRECTION = PR_BODY.format(NEW='pd.DataFrame({"user_id": a, "candidate_id": b}).drop_duplicates()',
                                  SORT=_SORT, DENOM='k')
PR_TIES_BY_ID_DESC = PR_BODY.format(NEW=_NEW, SORT='["user_id", "score", "candidate_id"], ascending=[True, False, False]',
                                    DENOM='k')
PR_UNSTABLE_TIES = PR_BODY.format(NEW=_NEW, SORT='"score", ascending=False, kind="quicksort"', DENOM='k')
PR_DUPLICATES_COUNTED = PR_BODY.format(NEW='pd.DataFrame({"user_id": np.r_[a, b], "candidate_id": np.r_[b, a]})',
                                       SORT=_SORT, DENOM='k')

PR_DIVIDE_BY_SHOWN = '''
def precision_recall_at_k(recommendations, new_edges, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    a = new_edges["user_a"].to_numpy(dtype=np.int64)
    b = new_edges["user_b"].to_numpy(dtype=np.int64)
    new = pd.DataFrame({"user_id": np.r_[a, b], "candidate_id": np.r_[b, a]}).drop_duplicates()
    n_new = new.groupby("user_id").size()
    recs = recommendations[["user_id", "candidate_id", "score"]].sort_values(
        ["user_id", "score", "candidate_id"], ascending=[True, False, True])
    top = recs.groupby("user_id").head(int(k))
    shown = top.groupby("user_id").size().reindex(n_new.index, fill_value=0).to_numpy()
    hits = top.merge(new, on=["user_id", "candidate_id"]).groupby("user_id").size()
    hits = hits.reindex(n_new.index, fill_value=0).to_numpy(dtype=np.float64)
    index = pd.Index(n_new.index.to_numpy(dtype=np.int64), name="user_id")
    return pd.DataFrame({"precision": hits / np.maximum(shown, 1), "recall": hits / n_new.to_numpy()}, index=index)
'''

PR_DROPS_EMPTY = '''
def precision_recall_at_k(recommendations, new_edges, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    a = new_edges["user_a"].to_numpy(dtype=np.int64)
    b = new_edges["user_b"].to_numpy(dtype=np.int64)
    new = pd.DataFrame({"user_id": np.r_[a, b], "candidate_id": np.r_[b, a]}).drop_duplicates()
    n_new = new.groupby("user_id").size()
    recs = recommendations[["user_id", "candidate_id", "score"]].sort_values(
        ["user_id", "score", "candidate_id"], ascending=[True, False, True])
    users = np.intersect1d(n_new.index.to_numpy(), recs["user_id"].unique())  # members without suggestions left out
    top = recs.groupby("user_id").head(int(k))
    hits = top.merge(new, on=["user_id", "candidate_id"]).groupby("user_id").size()
    hits = hits.reindex(users, fill_value=0).to_numpy(dtype=np.float64)
    index = pd.Index(users.astype(np.int64), name="user_id")
    return pd.DataFrame({"precision": hits / k, "recall": hits / n_new.reindex(users).to_numpy()}, index=index)
'''

PR_HARDCODED = '''
def precision_recall_at_k(recommendations, new_edges, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    users = np.unique(np.r_[new_edges["user_a"], new_edges["user_b"]]).astype(np.int64)
    values = np.where(users == 1, 0.5, 0.0)
    return pd.DataFrame({"precision": values, "recall": values}, index=pd.Index(users, name="user_id"))
'''

ALT_PR_LOOPS = '''
def precision_recall_at_k(recommendations, new_edges, k):
    if k < 1:
        raise ValueError(f"k should be a positive integer, got {k}")
    k = int(k)
    new = {}
    for a, b in zip(new_edges["user_a"].tolist(), new_edges["user_b"].tolist()):
        new.setdefault(a, set()).add(b)
        new.setdefault(b, set()).add(a)
    recs = recommendations.assign(neg=-recommendations["score"].to_numpy())
    recs = recs.sort_values(["user_id", "neg", "candidate_id"], kind="mergesort")
    lists = {u: g["candidate_id"].tolist()[:k] for u, g in recs.groupby("user_id", sort=False)}
    users = sorted(new)
    prec = [sum(c in new[u] for c in lists.get(u, [])) / k for u in users]
    rec = [sum(c in new[u] for c in lists.get(u, [])) / len(new[u]) for u in users]
    return pd.DataFrame({"precision": np.array(prec, dtype=float), "recall": np.array(rec, dtype=float)},
                        index=pd.Index(np.array(users, dtype=np.int64), name="user_id"))
'''

# Lab 9: fof_work -----------------------------------------------------------------------------------

WORK_INCLUDES_BACKTRACK = '''
def fof_work(A):
    A = sp.csr_matrix(A, dtype=np.float64)
    degree = np.asarray(A.sum(axis=1)).ravel()
    return np.rint(A @ degree).astype(np.int64)  # counts the step straight back to u
'''

WORK_DEGREE_SQUARED = '''
def fof_work(A):
    A = sp.csr_matrix(A, dtype=np.float64)
    degree = np.asarray(A.sum(axis=1)).ravel()
    return (degree * (degree - 1)).astype(np.int64)  # own friends squared, not friends' friends
'''

WORK_HARDCODED = '''
def fof_work(A):
    n = A.shape[0]
    out = np.zeros(n, dtype=np.int64)
    out[: min(4, n)] = [2, 2, 3, 3][: min(4, n)]
    return out
'''

ALT_WORK_INDPTR = '''
def fof_work(A):
    A = sp.csr_matrix(A)
    deg = np.diff(A.indptr)
    owner = np.repeat(np.arange(A.shape[0]), deg)
    return np.bincount(owner, weights=deg[A.indices] - 1, minlength=A.shape[0]).astype(np.int64)
'''


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch11_time_split", "plausible", "a pair dated by its latest row", SPLIT_LAST_ROW),
    _m("ch11_time_split", "plausible", "(a, b) and (b, a) treated as different pairs", SPLIT_ONE_ORDER),
    _m("ch11_time_split", "plausible", "keeps later pairs with users unseen before the cut-off", SPLIT_KEEPS_COLD_START),
    _m("ch11_time_split", "plausible", "a pair at the cut-off counted as before", SPLIT_INCLUSIVE),
    _m("ch11_time_split", "hardcoded", "returns the worked example", SPLIT_HARDCODED),
    _m("ch11_adjacency", "plausible", "repeated pairs add up to 2.0", ADJ_DUPLICATES_SUMMED),
    _m("ch11_adjacency", "plausible", "one direction only (not symmetric)", ADJ_ONE_DIRECTION),
    _m("ch11_adjacency", "plausible", "grows the matrix instead of rejecting ids out of range", ADJ_NO_RANGE_CHECK),
    _m("ch11_adjacency", "hardcoded", "returns the worked example", ADJ_HARDCODED),
    _m("ch11_fof_candidates", "plausible", "current friends kept as candidates", FOF_KEEPS_FRIENDS),
    _m("ch11_fof_candidates", "plausible", "the user is their own candidate", FOF_KEEPS_SELF),
    _m("ch11_fof_candidates", "plausible", "ties broken by the larger id", FOF_TIES_BY_ID_DESC),
    _m("ch11_fof_candidates", "plausible", "ties left in the product's column order", FOF_UNSTABLE_TIES),
    _m("ch11_fof_candidates", "plausible", "users sorted instead of kept in the order given", FOF_USERS_SORTED),
    _m("ch11_fof_candidates", "hardcoded", "returns the worked example", FOF_HARDCODED),
    _m("ch11_pair_scores", "plausible", "Jaccard's union as deg(u) + deg(v)", PAIR_UNION_AS_SUM),
    _m("ch11_pair_scores", "plausible", "Adamic-Adar with log10", PAIR_LOG10),
    _m("ch11_pair_scores", "plausible", "resource allocation (1/deg) instead of Adamic-Adar", PAIR_RESOURCE_ALLOCATION),
    _m("ch11_pair_scores", "plausible", "Jaccard NaN for two members without friends", PAIR_JACCARD_NAN),
    _m("ch11_pair_scores", "plausible", "computes in A's dtype (float32 or int weights)", PAIR_KEEPS_DTYPE),
    _m("ch11_pair_scores", "plausible", "Series pairs matched by index label, not position", PAIR_BY_LABEL),
    _m("ch11_pair_scores", "hardcoded", "returns the worked example", PAIR_HARDCODED),
    _m("ch11_attribute_features", "plausible", "two missing values count as a match", ATTR_NAN_MATCHES),
    _m("ch11_attribute_features", "plausible", "row position taken for user_id", ATTR_BY_ROW_POSITION),
    _m("ch11_attribute_features", "plausible", "the index of pairs is lost", ATTR_FRESH_INDEX),
    _m("ch11_attribute_features", "hardcoded", "repeats the worked example", ATTR_HARDCODED),
    _m("ch11_label_pairs", "plausible", "matches one orientation only", LABEL_ONE_ORDER),
    _m("ch11_label_pairs", "plausible", "labels a candidate who made any new friend", LABEL_EITHER_MEMBER),
    _m("ch11_label_pairs", "hardcoded", "returns the worked example", LABEL_HARDCODED),
    _m("ch11_train_link_model", "plausible", "random_state not passed on", TRAIN_SEED_IGNORED),
    _m("ch11_train_link_model", "plausible", "re-weights the classes", TRAIN_BALANCED),
    _m("ch11_train_link_model", "plausible", "LightGBM's default parameters", TRAIN_DEFAULTS),
    _m("ch11_train_link_model", "plausible", "a Series y aligned to X by index label", TRAIN_Y_BY_LABEL),
    _m("ch11_train_link_model", "plausible", "no checks on y", TRAIN_NO_CHECKS),
    _m("ch11_train_link_model", "hardcoded", "a tiny model that ignores the spec", TRAIN_HARDCODED),
    _m("ch11_precision_recall_at_k", "plausible", "a new friendship counted for one member only", PR_ONE_DIRECTION),
    _m("ch11_precision_recall_at_k", "plausible", "ties broken by the larger id", PR_TIES_BY_ID_DESC),
    _m("ch11_precision_recall_at_k", "plausible", "unstable sort of tied scores", PR_UNSTABLE_TIES),
    _m("ch11_precision_recall_at_k", "plausible", "a friendship listed twice counted twice", PR_DUPLICATES_COUNTED),
    _m("ch11_precision_recall_at_k", "plausible", "precision divided by the number shown, not k", PR_DIVIDE_BY_SHOWN),
    _m("ch11_precision_recall_at_k", "plausible", "members without recommendations left out", PR_DROPS_EMPTY),
    _m("ch11_precision_recall_at_k", "hardcoded", "returns the worked example", PR_HARDCODED),
    _m("ch11_fof_work", "plausible", "counts the step straight back", WORK_INCLUDES_BACKTRACK),
    _m("ch11_fof_work", "plausible", "own degree squared", WORK_DEGREE_SQUARED),
    _m("ch11_fof_work", "hardcoded", "returns the worked example", WORK_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch11_time_split", "stable sort by time, drop_duplicates, Python sets", ALT_SPLIT_SORT_DEDUP),
    _alt("ch11_adjacency", "unique pair keys, then a COO matrix", ALT_ADJ_DENSE_LOOKUP),
    _alt("ch11_fof_candidates", "pandas merge against the friend list and a mergesort", ALT_FOF_PANDAS),
    _alt("ch11_pair_scores", "degrees from indptr, Adamic-Adar through a diagonal matrix", ALT_PAIR_INDPTR),
    _alt("ch11_attribute_features", "two merges on the member tables", ALT_ATTR_MERGE),
    _alt("ch11_label_pairs", "a Python set of both orientations", ALT_LABEL_SET),
    _alt("ch11_train_link_model", "reset index, labels as a Series", ALT_TRAIN_NUMPY),
    _alt("ch11_precision_recall_at_k", "dicts of sets and per-member lists", ALT_PR_LOOPS),
    _alt("ch11_fof_work", "bincount over the CSR arrays", ALT_WORK_INDPTR),
]
