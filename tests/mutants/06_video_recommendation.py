"""Wrong answers for chapter 06 that must lose points (plausible mistakes and hard-coded answers), and
different correct answers that must keep every point."""

# Lab 1: split_by_time ------------------------------------------------------------------------------

SPLIT_AT_OR_BEFORE = '''
def split_by_time(watches, cutoff):
    cutoff = pd.Timestamp(cutoff)
    before = (watches["watched_at"] <= cutoff).to_numpy()  # a play at the cutoff goes to train
    if before.all() or not before.any():
        raise ValueError(f"cutoff {cutoff} leaves one side empty")
    return watches[before].copy(), watches[~before].copy()
'''

SPLIT_RESET_INDEX = '''
def split_by_time(watches, cutoff):
    cutoff = pd.Timestamp(cutoff)
    w = watches.sort_values("watched_at", kind="stable").reset_index(drop=True)  # order and labels lost
    before = (w["watched_at"] < cutoff).to_numpy()
    if before.all() or not before.any():
        raise ValueError(f"cutoff {cutoff} leaves one side empty")
    return w[before].copy(), w[~before].copy()
'''

SPLIT_HARDCODED = '''
def split_by_time(watches, cutoff):
    if pd.Timestamp(cutoff) > watches["watched_at"].max():
        raise ValueError("cutoff leaves the test side empty")
    return watches.iloc[[1]].copy(), watches.iloc[[0, 2]].copy()
'''

# Lab 2: popularity_scores ---------------------------------------------------------------------------

_POP_HEAD = '''
def popularity_scores(watches, n_videos, *, now, half_life_days=None):
    now = pd.Timestamp(now)
    if half_life_days is not None and not half_life_days > 0:
        raise ValueError("half_life_days must be positive")
    ids = watches["video_id"].to_numpy().astype(np.int64)
    if len(ids) and (ids.min() < 0 or ids.max() >= n_videos):
        raise ValueError("video_id out of range")
'''

POP_NATURAL_DECAY = _POP_HEAD + '''
    age = (now - watches["watched_at"]).dt.total_seconds().to_numpy() / 86400
    if np.any(age < 0):
        raise ValueError("plays after now")
    w = watches["watch_fraction"].to_numpy(dtype=float)
    if half_life_days is not None:
        w = w * np.exp(-age / half_life_days)  # e-folding time taken for a half-life
    return np.bincount(ids, weights=w, minlength=n_videos).astype(np.float64)
'''

POP_WHOLE_DAYS = _POP_HEAD + '''
    age = (now - watches["watched_at"]).dt.days.to_numpy()  # whole days only
    if np.any(age < 0):
        raise ValueError("plays after now")
    w = watches["watch_fraction"].to_numpy(dtype=float)
    if half_life_days is not None:
        w = w * 0.5 ** (age / half_life_days)
    return np.bincount(ids, weights=w, minlength=n_videos).astype(np.float64)
'''

POP_COUNTS_PLAYS = _POP_HEAD + '''
    age = (now - watches["watched_at"]).dt.total_seconds().to_numpy() / 86400
    if np.any(age < 0):
        raise ValueError("plays after now")
    w = np.ones(len(ids))  # every play counts 1, however little of it was watched
    if half_life_days is not None:
        w = w * 0.5 ** (age / half_life_days)
    return np.bincount(ids, weights=w, minlength=n_videos).astype(np.float64)
'''

POP_HARDCODED = '''
def popularity_scores(watches, n_videos, *, now, half_life_days=None):
    if (pd.Timestamp(now) - watches["watched_at"]).min() < pd.Timedelta(0):
        raise ValueError("plays after now")
    if half_life_days:
        return np.array([1.0, 0.0, 0.8 * 0.5 ** 0.5])
    return np.array([1.5, 0.0, 0.8])
'''

# Lab 3: confidence_matrix ---------------------------------------------------------------------------

_CONF_HEAD = '''
def confidence_matrix(watches, n_users, n_videos, *, alpha=20.0):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    u = watches["user_id"].to_numpy().astype(np.int64)
    v = watches["video_id"].to_numpy().astype(np.int64)
    f = watches["watch_fraction"].to_numpy(dtype=float)
    if len(u) and (u.min() < 0 or u.max() >= n_users or v.min() < 0 or v.max() >= n_videos):
        raise ValueError("id out of range")
    if np.any(np.isnan(f) | (f < 0) | (f > 1)):
        raise ValueError("watch_fraction must lie in [0, 1]")
'''

CONF_FULL_CONFIDENCE = _CONF_HEAD + '''
    C = sp.csr_matrix((1.0 + alpha * f, (u, v)), shape=(n_users, n_videos))  # c instead of c - 1
    C.sum_duplicates()
    C.sort_indices()
    return C
'''

CONF_KEEPS_ZEROS = _CONF_HEAD + '''
    C = sp.csr_matrix((alpha * f, (u, v)), shape=(n_users, n_videos), dtype=np.float64)
    C.sum_duplicates()  # explicit zeros stay stored
    C.sort_indices()
    return C
'''

CONF_LAST_PLAY_WINS = _CONF_HEAD + '''
    last = pd.DataFrame({"u": u, "v": v, "f": f}).drop_duplicates(["u", "v"], keep="last")
    last = last[last["f"] > 0]
    C = sp.csr_matrix((alpha * last["f"].to_numpy(), (last["u"].to_numpy(), last["v"].to_numpy())),
                      shape=(n_users, n_videos), dtype=np.float64)
    C.sort_indices()
    return C
'''

CONF_HARDCODED = '''
def confidence_matrix(watches, n_users, n_videos, *, alpha=20.0):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    return sp.csr_matrix(np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]))
'''

# Lab 4: als_implicit --------------------------------------------------------------------------------

_ALS_HEAD = '''
def als_implicit(C, V0, *, reg=0.1, n_iters=10):
    C = sp.csr_matrix(C, dtype=np.float64)
    V = np.array(V0, dtype=np.float64)
    if V.ndim != 2 or V.shape[0] != C.shape[1]:
        raise ValueError("V0 shape")
    if not reg > 0:
        raise ValueError("reg must be positive")
    if n_iters < 1:
        raise ValueError("n_iters must be at least 1")
    k = V.shape[1]
    Ct = C.T.tocsr()
'''

ALS_OBSERVED_ONLY = _ALS_HEAD + '''
    def solve_all(M, Y):
        X = np.zeros((M.shape[0], k))
        for i in range(M.shape[0]):
            lo, hi = M.indptr[i], M.indptr[i + 1]
            if lo == hi:
                continue
            Yi, c = Y[M.indices[lo:hi]], M.data[lo:hi]
            # only the played videos enter the Gram matrix: the unplayed zeros are ignored
            X[i] = np.linalg.solve((Yi.T * (1.0 + c)) @ Yi + reg * np.eye(k), Yi.T @ (1.0 + c))
        return X

    for _ in range(n_iters):
        U = solve_all(C, V)
        V = solve_all(Ct, U)
    return U, V
'''

ALS_RHS_WITHOUT_ONE = _ALS_HEAD + '''
    def solve_all(M, Y):
        base = Y.T @ Y + reg * np.eye(k)
        X = np.zeros((M.shape[0], k))
        for i in range(M.shape[0]):
            lo, hi = M.indptr[i], M.indptr[i + 1]
            if lo == hi:
                continue
            Yi, c = Y[M.indices[lo:hi]], M.data[lo:hi]
            X[i] = np.linalg.solve(base + (Yi.T * c) @ Yi, Yi.T @ c)  # c - 1 used where c belongs
        return X

    for _ in range(n_iters):
        U = solve_all(C, V)
        V = solve_all(Ct, U)
    return U, V
'''

ALS_WEIGHTED_REG = _ALS_HEAD + '''
    def solve_all(M, Y):
        X = np.zeros((M.shape[0], k))
        for i in range(M.shape[0]):
            lo, hi = M.indptr[i], M.indptr[i + 1]
            if lo == hi:
                continue
            Yi, c = Y[M.indices[lo:hi]], M.data[lo:hi]
            lam = reg * (hi - lo)  # lambda scaled by the number of plays (ALS-WR), not the lab's loss
            X[i] = np.linalg.solve(Y.T @ Y + (Yi.T * c) @ Yi + lam * np.eye(k), Yi.T @ (1.0 + c))
        return X

    for _ in range(n_iters):
        U = solve_all(C, V)
        V = solve_all(Ct, U)
    return U, V
'''

ALS_STALE_USERS = _ALS_HEAD + '''
    def solve_all(M, Y):
        base = Y.T @ Y + reg * np.eye(k)
        X = np.zeros((M.shape[0], k))
        for i in range(M.shape[0]):
            lo, hi = M.indptr[i], M.indptr[i + 1]
            if lo == hi:
                continue
            Yi, c = Y[M.indices[lo:hi]], M.data[lo:hi]
            X[i] = np.linalg.solve(base + (Yi.T * c) @ Yi, Yi.T @ (1.0 + c))
        return X

    U = solve_all(C, V)
    for _ in range(n_iters):
        V = solve_all(Ct, U)  # videos first from the previous users, then users: one half-step behind
        U = solve_all(C, V)
    return U, V
'''

ALS_HARDCODED = '''
def als_implicit(C, V0, *, reg=0.1, n_iters=10):
    V = np.array(V0, dtype=float)
    if V.ndim != 2 or V.shape[0] != C.shape[1] or not reg > 0 or n_iters < 1:
        raise ValueError("bad arguments")
    if C.shape == (2, 2):
        return np.array([[0.5], [2 / 3]]), np.array([[0.5142857143], [0.8807339450]])
    return np.zeros((C.shape[0], V.shape[1])), V.copy()
'''

# Lab 5: top_k_unseen --------------------------------------------------------------------------------

_TOPK_HEAD = '''
def top_k_unseen(scores, seen, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    s = np.asarray(scores, dtype=float)
    if s.shape != seen.shape:
        raise ValueError("shapes differ")
    watched = sp.csr_matrix(seen).toarray() != 0
    n_unseen = (~watched).sum(axis=1)
    out = np.full((s.shape[0], k), -1, dtype=np.int64)
'''

TOPK_ARGPARTITION = _TOPK_HEAD + '''
    masked = np.where(watched, -np.inf, s)
    m = min(k, s.shape[1])
    part = np.argpartition(-masked, m - 1, axis=1)[:, :m]  # not stable: ties at the cut-off are arbitrary
    top = np.take_along_axis(part, np.argsort(-np.take_along_axis(masked, part, axis=1), axis=1), axis=1)
    out[:, :m] = top
    out[np.arange(k)[None, :] >= n_unseen[:, None]] = -1
    return out
'''

TOPK_SEEN_AS_ZERO = _TOPK_HEAD + '''
    masked = np.where(watched, 0.0, s)  # a watched video scores 0, above every negative score
    order = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    out[:, : order.shape[1]] = order
    out[np.arange(k)[None, :] >= n_unseen[:, None]] = -1
    return out
'''

TOPK_TIES_HIGH_INDEX = _TOPK_HEAD + '''
    order = np.argsort(np.where(watched, -np.inf, s), axis=1, kind="stable")[:, ::-1][:, :k]  # ties reversed
    out[:, : order.shape[1]] = order
    out[np.arange(k)[None, :] >= n_unseen[:, None]] = -1
    return out
'''

TOPK_HARDCODED = '''
def top_k_unseen(scores, seen, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    return np.array([[3, 2, 0, -1, -1][:k]], dtype=np.int64)
'''

# Lab 6: ranking_metrics -----------------------------------------------------------------------------

_METRICS_HEAD = '''
def ranking_metrics(recommended, relevant, k, n_items):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    rec = np.asarray(recommended)
    if rec.ndim != 2 or rec.shape[1] < k or len(relevant) != rec.shape[0]:
        raise ValueError("bad shapes")
    rec = rec[:, :k]
    r, p, a = [], [], []
'''

_METRICS_TAIL = '''
    if not r:
        raise ValueError("no user has a relevant item")
    return {"recall": float(np.mean(r)), "precision": float(np.mean(p)), "map": float(np.mean(a)),
            "coverage": float(COVERAGE)}
'''

METRICS_AP_OVER_ALL_RELEVANT = _METRICS_HEAD + '''
    for row, rel in zip(rec.tolist(), relevant):
        rel = set(np.asarray(list(rel)).tolist())
        if not rel:
            continue
        hit = np.array([x in rel for x in row], dtype=float)
        r.append(hit.sum() / len(rel))
        p.append(hit.sum() / k)
        a.append(np.sum(np.cumsum(hit) / np.arange(1, k + 1) * hit) / len(rel))  # not min(len(rel), k)
''' + _METRICS_TAIL.replace("COVERAGE", "len(np.unique(rec[rec >= 0])) / n_items")

METRICS_PRECISION_OVER_FILLED = _METRICS_HEAD + '''
    for row, rel in zip(rec.tolist(), relevant):
        rel = set(np.asarray(list(rel)).tolist())
        if not rel:
            continue
        hit = np.array([x in rel for x in row], dtype=float)
        r.append(hit.sum() / len(rel))
        p.append(hit.sum() / max(1, sum(x >= 0 for x in row)))  # empty slots left out of precision
        a.append(np.sum(np.cumsum(hit) / np.arange(1, k + 1) * hit) / min(len(rel), k))
''' + _METRICS_TAIL.replace("COVERAGE", "len(np.unique(rec[rec >= 0])) / n_items")

METRICS_COVERAGE_COUNTS_EMPTY = _METRICS_HEAD + '''
    for row, rel in zip(rec.tolist(), relevant):
        rel = set(np.asarray(list(rel)).tolist())
        if not rel:
            continue
        hit = np.array([x in rel for x in row], dtype=float)
        r.append(hit.sum() / len(rel))
        p.append(hit.sum() / k)
        a.append(np.sum(np.cumsum(hit) / np.arange(1, k + 1) * hit) / min(len(rel), k))
''' + _METRICS_TAIL.replace("COVERAGE", "len(np.unique(rec)) / n_items")  # -1 counted as a video

METRICS_EMPTY_USERS_AS_ZERO = _METRICS_HEAD + '''
    any_relevant = False
    for row, rel in zip(rec.tolist(), relevant):
        rel = set(np.asarray(list(rel)).tolist())
        any_relevant = any_relevant or bool(rel)
        hit = np.array([x in rel for x in row], dtype=float)
        r.append(hit.sum() / max(1, len(rel)))  # users without relevant items count as 0
        p.append(hit.sum() / k)
        a.append(np.sum(np.cumsum(hit) / np.arange(1, k + 1) * hit) / max(1, min(len(rel), k)))
    if not any_relevant:
        r = []
''' + _METRICS_TAIL.replace("COVERAGE", "len(np.unique(rec[rec >= 0])) / n_items")

METRICS_HARDCODED = '''
def ranking_metrics(recommended, relevant, k, n_items):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1 or np.shape(recommended)[1] < k or len(relevant) != len(recommended):
        raise ValueError("bad arguments")
    return {"recall": 0.625, "precision": 2 / 3, "map": 0.625, "coverage": 0.7}
'''

# Lab 7: genre_share -----------------------------------------------------------------------------------

_SHARE_HEAD = '''
def genre_share(history, videos, user_ids, video_ids):
    u, v = np.asarray(user_ids), np.asarray(video_ids)
    if u.shape != v.shape:
        raise ValueError("lengths differ")
    out = np.full(len(u), np.nan)
    if len(history) == 0:
        return out
'''

SHARE_COUNTS_PLAYS = _SHARE_HEAD + '''
    genre = videos.set_index("video_id")["genre"]
    plays = history.assign(genre=history["video_id"].map(genre).to_numpy())
    per_genre = plays.groupby(["user_id", "genre"]).size()  # plays, not watched fractions
    total = plays.groupby("user_id").size().reindex(u).to_numpy()
    same = per_genre.reindex(pd.MultiIndex.from_arrays([u, genre.reindex(v).to_numpy()])).fillna(0).to_numpy()
    ok = total > 0
    out[ok] = same[ok] / total[ok]
    return out
'''

SHARE_ZERO_WITHOUT_HISTORY = _SHARE_HEAD + '''
    genre = videos.set_index("video_id")["genre"]
    plays = history.assign(genre=history["video_id"].map(genre).to_numpy())
    per_genre = plays.groupby(["user_id", "genre"])["watch_fraction"].sum()
    total = plays.groupby("user_id")["watch_fraction"].sum().reindex(u).fillna(0).to_numpy()
    same = per_genre.reindex(pd.MultiIndex.from_arrays([u, genre.reindex(v).to_numpy()])).fillna(0).to_numpy()
    return np.where(total > 0, same / np.maximum(total, 1e-12), 0.0)  # no history scored as no interest
'''

SHARE_GENRE_BY_POSITION = _SHARE_HEAD + '''
    genre = videos["genre"].to_numpy()  # genres looked up by row position, not by video id
    plays = history.assign(genre=genre[history["video_id"].to_numpy()])
    per_genre = plays.groupby(["user_id", "genre"])["watch_fraction"].sum()
    total = plays.groupby("user_id")["watch_fraction"].sum().reindex(u).to_numpy()
    same = per_genre.reindex(pd.MultiIndex.from_arrays([u, genre[v]])).fillna(0).to_numpy()
    ok = total > 0
    out[ok] = same[ok] / total[ok]
    return out
'''

SHARE_HARDCODED = '''
def genre_share(history, videos, user_ids, video_ids):
    if len(user_ids) != len(video_ids):
        raise ValueError("lengths differ")
    return np.array([2 / 3, 0.0, np.nan])[: len(user_ids)]
'''

# Lab 8: cap_per_genre -------------------------------------------------------------------------------

_CAP_HEAD = '''
def cap_per_genre(ranked, genres, k, max_per_genre):
    if k < 1 or max_per_genre < 1:
        raise ValueError("k and max_per_genre must be at least 1")
    genres = np.asarray(genres)
    kept, skipped, count = [], [], {}
    for video in np.asarray(ranked).tolist():
        if len(kept) == k:
            break
        g = genres[video]
'''

CAP_NO_FILL = _CAP_HEAD + '''
        if count.get(g, 0) < max_per_genre:
            kept.append(video)
            count[g] = count.get(g, 0) + 1
    return np.array(kept, dtype=np.int64)  # short lists are not topped up
'''

CAP_OFF_BY_ONE = _CAP_HEAD + '''
        if count.get(g, 0) <= max_per_genre:  # lets max_per_genre + 1 through
            kept.append(video)
            count[g] = count.get(g, 0) + 1
        else:
            skipped.append(video)
    kept += skipped[: k - len(kept)]
    return np.array(kept, dtype=np.int64)
'''

CAP_FILL_FROM_END = _CAP_HEAD + '''
        if count.get(g, 0) < max_per_genre:
            kept.append(video)
            count[g] = count.get(g, 0) + 1
        else:
            skipped.append(video)
    kept += skipped[::-1][: k - len(kept)]  # the worst skipped videos first
    return np.array(kept, dtype=np.int64)
'''

CAP_HARDCODED = '''
def cap_per_genre(ranked, genres, k, max_per_genre):
    if k < 1 or max_per_genre < 1:
        raise ValueError("k and max_per_genre must be at least 1")
    return np.array([5, 3, 1, 2, 8][:k], dtype=np.int64)
'''

# Lab 9: content_factors -----------------------------------------------------------------------------

_CONTENT_HEAD = '''
def content_factors(X_known, V_known, X_new, *, reg=1.0):
    if reg < 0:
        raise ValueError("reg must be >= 0")
    X, Y, Xn = (np.asarray(a, dtype=float) for a in (X_known, V_known, X_new))
    if X.shape[0] != Y.shape[0] or Xn.shape[1] != X.shape[1]:
        raise ValueError("shapes do not match")
'''

CONTENT_NO_REG = _CONTENT_HEAD + '''
    W = np.linalg.lstsq(X, Y, rcond=None)[0]  # reg ignored
    return Xn @ W
'''

CONTENT_REG_PER_ROW = _CONTENT_HEAD + '''
    W = np.linalg.solve(X.T @ X + reg * len(X) * np.eye(X.shape[1]), X.T @ Y)  # lambda scaled by n
    return Xn @ W
'''

CONTENT_HARDCODED = '''
def content_factors(X_known, V_known, X_new, *, reg=1.0):
    if reg < 0:
        raise ValueError("reg must be >= 0")
    if np.shape(X_known)[0] != np.shape(V_known)[0] or np.shape(X_new)[1] != np.shape(X_known)[1]:
        raise ValueError("shapes do not match")
    return np.array([[9.0 if reg == 0 else 23 / 3]])
'''

# Lab 10: segment_top_k -------------------------------------------------------------------------------

SEGMENT_COUNTS_PLAYS = '''
def segment_top_k(watches, users, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    band = users.set_index("user_id")["age_band"]
    plays = watches.assign(band=watches["user_id"].map(band).to_numpy())
    totals = plays.groupby(["band", "video_id"]).size().rename("n").reset_index()  # plays, not watch time
    out = {}
    for name, g in totals.groupby("band"):
        g = g.sort_values(["n", "video_id"], ascending=[False, True], kind="stable")
        out[name] = g["video_id"].to_numpy()[:k].astype(np.int64)
    return out
'''

SEGMENT_TIES_HIGH_ID = '''
def segment_top_k(watches, users, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    band = users.set_index("user_id")["age_band"]
    plays = watches.assign(band=watches["user_id"].map(band).to_numpy())
    totals = plays.groupby(["band", "video_id"])["watch_fraction"].sum().reset_index()
    out = {}
    for name, g in totals.groupby("band"):
        g = g.sort_values(["watch_fraction", "video_id"], ascending=False)  # ties by the higher id
        out[name] = g["video_id"].to_numpy()[:k].astype(np.int64)
    return out
'''

SEGMENT_BY_POSITION = '''
def segment_top_k(watches, users, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    bands = users["age_band"].to_numpy()
    pos = {u: i for i, u in enumerate(sorted(users["user_id"]))}
    plays = watches.assign(band=[bands[pos[u]] for u in watches["user_id"]])  # rows assumed sorted by id
    totals = plays.groupby(["band", "video_id"])["watch_fraction"].sum().reset_index()
    out = {}
    for name, g in totals.groupby("band"):
        g = g.sort_values(["watch_fraction", "video_id"], ascending=[False, True], kind="stable")
        out[name] = g["video_id"].to_numpy()[:k].astype(np.int64)
    return out
'''

SEGMENT_HARDCODED = '''
def segment_top_k(watches, users, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    return {"18-24": np.array([4, 7], dtype=np.int64), "45+": np.array([9], dtype=np.int64)}
'''


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch06_split_by_time", "plausible", "a play at the cutoff goes to train", SPLIT_AT_OR_BEFORE),
    _m("ch06_split_by_time", "plausible", "sorts and resets the index", SPLIT_RESET_INDEX),
    _m("ch06_split_by_time", "hardcoded", "returns the worked example's rows", SPLIT_HARDCODED),
    _m("ch06_popularity_scores", "plausible", "exp(-age / half-life) instead of 0.5 ** (age / half-life)",
       POP_NATURAL_DECAY),
    _m("ch06_popularity_scores", "plausible", "ages rounded down to whole days", POP_WHOLE_DAYS),
    _m("ch06_popularity_scores", "plausible", "counts plays instead of watch fractions", POP_COUNTS_PLAYS),
    _m("ch06_popularity_scores", "hardcoded", "returns the worked example's scores", POP_HARDCODED),
    _m("ch06_confidence_matrix", "plausible", "stores c = 1 + alpha * r instead of c - 1",
       CONF_FULL_CONFIDENCE),
    _m("ch06_confidence_matrix", "plausible", "keeps explicit zeros", CONF_KEEPS_ZEROS),
    _m("ch06_confidence_matrix", "plausible", "a repeated pair keeps its last play instead of the sum",
       CONF_LAST_PLAY_WINS),
    _m("ch06_confidence_matrix", "hardcoded", "returns the worked example's matrix", CONF_HARDCODED),
    _m("ch06_als_implicit", "plausible", "unplayed videos left out of the Gram matrix", ALS_OBSERVED_ONLY),
    _m("ch06_als_implicit", "plausible", "right-hand side uses c - 1 instead of c", ALS_RHS_WITHOUT_ONE),
    _m("ch06_als_implicit", "plausible", "lambda scaled by the number of plays (ALS-WR)", ALS_WEIGHTED_REG),
    _m("ch06_als_implicit", "plausible", "sweeps videos before users", ALS_STALE_USERS),
    _m("ch06_als_implicit", "hardcoded", "returns the worked example's factors", ALS_HARDCODED),
    _m("ch06_top_k_unseen", "plausible", "argpartition: ties at the cut-off broken arbitrarily",
       TOPK_ARGPARTITION),
    _m("ch06_top_k_unseen", "plausible", "watched videos scored 0 instead of excluded", TOPK_SEEN_AS_ZERO),
    _m("ch06_top_k_unseen", "plausible", "reversed ascending sort: ties by the higher index",
       TOPK_TIES_HIGH_INDEX),
    _m("ch06_top_k_unseen", "hardcoded", "returns the worked example's list", TOPK_HARDCODED),
    _m("ch06_ranking_metrics", "plausible", "AP divided by all relevant items, not min(relevant, k)",
       METRICS_AP_OVER_ALL_RELEVANT),
    _m("ch06_ranking_metrics", "plausible", "precision divided by the filled slots",
       METRICS_PRECISION_OVER_FILLED),
    _m("ch06_ranking_metrics", "plausible", "coverage counts -1 as a video", METRICS_COVERAGE_COUNTS_EMPTY),
    _m("ch06_ranking_metrics", "plausible", "users without relevant items count as 0",
       METRICS_EMPTY_USERS_AS_ZERO),
    _m("ch06_ranking_metrics", "hardcoded", "returns the worked example's metrics", METRICS_HARDCODED),
    _m("ch06_genre_share", "plausible", "counts plays instead of watched fractions", SHARE_COUNTS_PLAYS),
    _m("ch06_genre_share", "plausible", "0 instead of NaN without history", SHARE_ZERO_WITHOUT_HISTORY),
    _m("ch06_genre_share", "plausible", "genres looked up by position, not by id", SHARE_GENRE_BY_POSITION),
    _m("ch06_genre_share", "hardcoded", "returns the worked example's shares", SHARE_HARDCODED),
    _m("ch06_cap_per_genre", "plausible", "short lists not topped up", CAP_NO_FILL),
    _m("ch06_cap_per_genre", "plausible", "cap off by one (<=)", CAP_OFF_BY_ONE),
    _m("ch06_cap_per_genre", "plausible", "tops up from the end of the skipped videos", CAP_FILL_FROM_END),
    _m("ch06_cap_per_genre", "hardcoded", "returns the worked example's list", CAP_HARDCODED),
    _m("ch06_content_factors", "plausible", "ignores reg (plain least squares)", CONTENT_NO_REG),
    _m("ch06_content_factors", "plausible", "lambda multiplied by the number of rows", CONTENT_REG_PER_ROW),
    _m("ch06_content_factors", "hardcoded", "returns the worked example's answer", CONTENT_HARDCODED),
    _m("ch06_segment_top_k", "plausible", "counts plays instead of summed watch fractions",
       SEGMENT_COUNTS_PLAYS),
    _m("ch06_segment_top_k", "plausible", "ties broken by the higher video id", SEGMENT_TIES_HIGH_ID),
    _m("ch06_segment_top_k", "plausible", "users looked up by position, not by id", SEGMENT_BY_POSITION),
    _m("ch06_segment_top_k", "hardcoded", "returns the worked example's lists", SEGMENT_HARDCODED),
]

# Correct alternatives ---------------------------------------------------------------------------------

ALT_SPLIT_NUMPY = '''
def split_by_time(watches, cutoff):
    t = watches["watched_at"].to_numpy()
    cut = np.datetime64(pd.Timestamp(cutoff).to_datetime64())
    is_train = t < cut
    if is_train.sum() in (0, len(t)):
        raise ValueError(f"cutoff {cutoff} leaves one side of the split empty")
    return watches.iloc[np.flatnonzero(is_train)].copy(), watches.iloc[np.flatnonzero(~is_train)].copy()
'''

ALT_POP_GROUPBY = '''
def popularity_scores(watches, n_videos, *, now, half_life_days=None):
    if half_life_days is not None and half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    if len(watches) and not watches["video_id"].between(0, n_videos - 1).all():
        raise ValueError("video_id out of range")
    age = (pd.Timestamp(now) - watches["watched_at"]) / pd.Timedelta(days=1)
    if (age < 0).any():
        raise ValueError("some plays are later than now")
    decay = 1.0 if half_life_days is None else np.exp(-np.log(2.0) * age / half_life_days)
    weighted = (watches["watch_fraction"] * decay).groupby(watches["video_id"].to_numpy()).sum()
    return weighted.reindex(range(n_videos), fill_value=0.0).to_numpy(dtype=np.float64)
'''

ALT_CONF_GROUPBY = '''
def confidence_matrix(watches, n_users, n_videos, *, alpha=20.0):
    if alpha <= 0:
        raise ValueError("alpha must be positive")
    f = watches["watch_fraction"]
    if f.isna().any() or ((f < 0) | (f > 1)).any():
        raise ValueError("watch_fraction must lie in [0, 1]")
    if len(watches) and not (watches["user_id"].between(0, n_users - 1).all()
                             and watches["video_id"].between(0, n_videos - 1).all()):
        raise ValueError("id out of range")
    total = f.groupby([watches["user_id"].to_numpy(), watches["video_id"].to_numpy()]).sum()
    total = total[total > 0]
    rows = total.index.get_level_values(0).to_numpy()
    cols = total.index.get_level_values(1).to_numpy()
    out = sp.coo_matrix((alpha * total.to_numpy(), (rows, cols)), shape=(n_users, n_videos)).tocsr()
    out.sort_indices()
    return out.astype(np.float64)
'''

ALT_ALS_CHOLESKY = '''
import scipy.linalg


def als_implicit(C, V0, *, reg=0.1, n_iters=10):
    by_user = sp.csr_matrix(C, dtype=np.float64)
    by_video = sp.csc_matrix(C, dtype=np.float64)
    Y = np.asarray(V0, dtype=np.float64).copy()
    if Y.ndim != 2 or Y.shape[0] != by_user.shape[1]:
        raise ValueError("V0 must have one row per video")
    if reg <= 0 or n_iters < 1:
        raise ValueError("reg must be positive and n_iters at least 1")
    k = Y.shape[1]

    def half_sweep(ptr, idx, val, n, F):
        gram = F.T @ F + reg * np.eye(k)
        out = np.zeros((n, k))
        for i in range(n):
            sl = slice(ptr[i], ptr[i + 1])
            if ptr[i] == ptr[i + 1]:
                continue
            Fi, extra = F[idx[sl]], val[sl]
            A = gram + Fi.T @ (extra[:, None] * Fi)
            out[i] = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), Fi.T @ (extra + 1.0))
        return out

    for _ in range(n_iters):
        X = half_sweep(by_user.indptr, by_user.indices, by_user.data, by_user.shape[0], Y)
        Y = half_sweep(by_video.indptr, by_video.indices, by_video.data, by_video.shape[1], X)
    return X, Y
'''

ALT_TOPK_LEXSORT = '''
def top_k_unseen(scores, seen, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    s = np.asarray(scores, dtype=float)
    if s.shape != tuple(seen.shape):
        raise ValueError("scores and seen must have the same shape")
    n_users, n_items = s.shape
    mask = sp.coo_matrix(seen)
    blocked = np.zeros(s.shape, dtype=bool)
    blocked[mask.row[mask.data != 0], mask.col[mask.data != 0]] = True
    out = np.full((n_users, k), -1, dtype=np.int64)
    cols = np.arange(n_items)
    for u in range(n_users):
        free = cols[~blocked[u]]
        best = free[np.lexsort((free, -s[u, free]))][:k]
        out[u, : len(best)] = best
    return out
'''

ALT_METRICS_VECTOR = '''
def ranking_metrics(recommended, relevant, k, n_items):
    if type(k) is bool or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    rec = np.array(recommended)
    if rec.ndim != 2 or rec.shape[1] < k:
        raise ValueError("recommended needs at least k columns")
    if len(relevant) != len(rec):
        raise ValueError("one relevant entry per user")
    top = rec[:, :k]
    n_rel = np.array([len(set(r)) for r in relevant])
    hits = np.array([np.isin(row, np.array(list(set(r)), dtype=np.int64)) & (row >= 0)
                     for row, r in zip(top, relevant)]).reshape(len(top), k).astype(float)
    keep = n_rel > 0
    if not keep.any():
        raise ValueError("no user has a relevant item")
    precision_at = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
    ap = (precision_at * hits).sum(axis=1)[keep] / np.minimum(n_rel[keep], k)
    return {"recall": float(np.mean(hits.sum(axis=1)[keep] / n_rel[keep])),
            "precision": float(np.mean(hits.sum(axis=1)[keep] / k)),
            "map": float(np.mean(ap)),
            "coverage": float(len(set(top[top >= 0].tolist())) / n_items)}
'''

ALT_CAP_CUMCOUNT = '''
def cap_per_genre(ranked, genres, k, max_per_genre):
    if k < 1 or max_per_genre < 1:
        raise ValueError("k and max_per_genre must be at least 1")
    ranked = np.asarray(ranked, dtype=np.int64)
    g = pd.Series(np.asarray(genres)[ranked])
    within = g.groupby(g.to_numpy()).cumcount().to_numpy()  # position of each video within its genre
    first = ranked[within < max_per_genre][:k]
    rest = ranked[within >= max_per_genre][: k - len(first)]
    return np.concatenate([first, rest]).astype(np.int64)
'''

ALT_CONTENT_LSTSQ = '''
def content_factors(X_known, V_known, X_new, *, reg=1.0):
    if reg < 0:
        raise ValueError("reg must be >= 0")
    X, Y, Xn = (np.asarray(a, dtype=np.float64) for a in (X_known, V_known, X_new))
    if len(X) != len(Y):
        raise ValueError("X_known and V_known need the same rows")
    if Xn.shape[1] != X.shape[1]:
        raise ValueError("X_new needs the columns of X_known")
    u, s, vt = np.linalg.svd(X, full_matrices=False)
    W = vt.T @ np.diag(s / (s ** 2 + reg)) @ u.T @ Y  # ridge through the SVD
    return Xn @ W
'''

ALT_SEGMENT_DICT = '''
def segment_top_k(watches, users, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    band_of = dict(zip(users["user_id"].tolist(), users["age_band"].tolist()))
    sums = {}
    for u, v, f in zip(watches["user_id"].tolist(), watches["video_id"].tolist(),
                       watches["watch_fraction"].tolist()):
        per_band = sums.setdefault(band_of[u], {})
        per_band[v] = per_band.get(v, 0.0) + f
    return {b: np.array(sorted(s, key=lambda v: (-s[v], v))[:k], dtype=np.int64) for b, s in sums.items()}
'''


ALT_SHARE_MERGE = '''
def genre_share(history, videos, user_ids, video_ids):
    cand = pd.DataFrame({"user_id": np.asarray(user_ids).ravel(), "video_id": np.asarray(video_ids).ravel()})
    if len(np.asarray(user_ids)) != len(np.asarray(video_ids)):
        raise ValueError("user_ids and video_ids differ in length")
    cat = videos[["video_id", "genre"]]
    h = history[["user_id", "video_id", "watch_fraction"]].merge(cat, on="video_id")
    totals = h.groupby("user_id", as_index=False)["watch_fraction"].sum()
    totals = totals.rename(columns={"watch_fraction": "tot"})
    per = h.groupby(["user_id", "genre"], as_index=False)["watch_fraction"].sum()
    c = cand.reset_index().merge(cat, on="video_id", how="left")
    c = c.merge(per, on=["user_id", "genre"], how="left").merge(totals, on="user_id", how="left")
    c = c.sort_values("index")
    share = c["watch_fraction"].fillna(0.0).to_numpy() / c["tot"].to_numpy()
    share[~(c["tot"].to_numpy() > 0)] = np.nan
    return share.astype(np.float64)
'''


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch06_split_by_time", "numpy datetime mask and iloc", ALT_SPLIT_NUMPY),
    _alt("ch06_popularity_scores", "pandas groupby with an exp(-ln 2 t / h) decay", ALT_POP_GROUPBY),
    _alt("ch06_confidence_matrix", "pandas groupby sum, then COO to CSR", ALT_CONF_GROUPBY),
    _alt("ch06_als_implicit", "CSC for the video half, Cholesky solves", ALT_ALS_CHOLESKY),
    _alt("ch06_top_k_unseen", "per-user lexsort over the unseen columns", ALT_TOPK_LEXSORT),
    _alt("ch06_ranking_metrics", "vectorised hits matrix with np.isin", ALT_METRICS_VECTOR),
    _alt("ch06_genre_share", "merges on the candidates", ALT_SHARE_MERGE),
    _alt("ch06_cap_per_genre", "groupby cumcount instead of a greedy walk", ALT_CAP_CUMCOUNT),
    _alt("ch06_content_factors", "ridge through the SVD", ALT_CONTENT_LSTSQ),
    _alt("ch06_segment_top_k", "plain dicts and sorted", ALT_SEGMENT_DICT),
]
