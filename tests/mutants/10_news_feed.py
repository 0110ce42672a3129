"""Wrong answers for chapter 10 that must lose points, and different correct answers that must keep them all."""

# Lab 1: history_before ----------------------------------------------------------------------------

_HISTORY_CHECKS = '''
    keys = list(keys)
    if not keys:
        raise ValueError("keys must name at least one column")
    for col in keys + ["shown_at", action]:
        if col not in log.columns:
            raise ValueError(f"log has no column {col!r}")
'''

HISTORY_TIES_COUNT = '''
def history_before(log, keys, *, action="click"):
''' + _HISTORY_CHECKS + '''
    rows = log[keys + ["shown_at", action]].reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    rows = rows.sort_values(keys + ["shown_at"], kind="stable")
    grp = rows.groupby(keys, sort=False)
    rows["seen"] = grp.cumcount()  # rows shown at the same moment count as earlier
    rows["engaged"] = grp[action].cumsum() - rows[action]
    rows = rows.sort_values("row")
    return pd.DataFrame({"seen": rows["seen"].to_numpy(np.int64), "engaged": rows["engaged"].to_numpy(np.int64)},
                        index=log.index)
'''

HISTORY_WHOLE_LOG = '''
def history_before(log, keys, *, action="click"):
''' + _HISTORY_CHECKS + '''
    rows = log[keys + [action]].reset_index(drop=True)
    grp = rows.groupby(keys)[action]
    seen = grp.transform("size") - 1  # every other row of the key, the future included
    engaged = grp.transform("sum") - rows[action]
    return pd.DataFrame({"seen": seen.to_numpy(np.int64), "engaged": engaged.to_numpy(np.int64)}, index=log.index)
'''

HISTORY_LE = '''
def history_before(log, keys, *, action="click"):
''' + _HISTORY_CHECKS + '''
    rows = log[keys + ["shown_at", action]].reset_index(drop=True)
    moments = rows.groupby(keys + ["shown_at"], sort=True).agg(n=(action, "size"), e=(action, "sum")).reset_index()
    per_key = moments.groupby(keys, sort=False)
    moments["seen"] = per_key["n"].cumsum() - 1  # counts the other rows of the same moment
    moments["engaged"] = per_key["e"].cumsum() - moments["e"]
    out = rows[keys + ["shown_at"]].merge(moments, on=keys + ["shown_at"], how="left")
    return pd.DataFrame({"seen": out["seen"].to_numpy(np.int64), "engaged": out["engaged"].to_numpy(np.int64)},
                        index=log.index)
'''

HISTORY_HARDCODED = '''
def history_before(log, keys, *, action="click"):
''' + _HISTORY_CHECKS + '''
    n = len(log)
    seen = ([0, 1, 1, 0, 0, 3] * n)[:n]
    engaged = ([0, 1, 1, 0, 0, 2] * n)[:n]
    return pd.DataFrame({"seen": np.array(seen, dtype=np.int64), "engaged": np.array(engaged, dtype=np.int64)},
                        index=log.index)
'''

ALT_HISTORY_SEARCHSORTED = '''
def history_before(log, keys, *, action="click"):
    keys = list(keys)
    if len(keys) == 0:
        raise ValueError("keys is empty")
    missing = [c for c in keys + ["shown_at", action] if c not in log.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    n = len(log)
    if n == 0:
        return pd.DataFrame({"seen": np.zeros(0, np.int64), "engaged": np.zeros(0, np.int64)}, index=log.index)
    group = log.groupby(keys, sort=False).ngroup().to_numpy()
    t = log["shown_at"].to_numpy().astype("datetime64[ns]").astype(np.int64)
    a = log[action].to_numpy().astype(np.int64)
    order = np.lexsort((t, group))
    g, ts = group[order], t[order]
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_moment = new_group | np.r_[True, ts[1:] != ts[:-1]]
    idx = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    moment_start = np.maximum.accumulate(np.where(new_moment, idx, 0))
    cum = np.r_[0, np.cumsum(a[order])]
    seen, engaged = np.empty(n, np.int64), np.empty(n, np.int64)
    seen[order] = moment_start - group_start
    engaged[order] = cum[moment_start] - cum[group_start]
    return pd.DataFrame({"seen": seen, "engaged": engaged}, index=log.index)
'''

# Lab 2: passive_labels ----------------------------------------------------------------------------

_PASSIVE = '''
def passive_labels(log, *, skip_s=1.0, q=0.9, min_views=20):
    if not 0 < q < 1:
        raise ValueError(f"q must be strictly between 0 and 1, got {q!r}")
    dwell = log["dwell_s"].to_numpy(dtype=float)
    if np.isnan(dwell).any() or (dwell < 0).any():
        raise ValueError("dwell_s must hold non-negative numbers without NaN")
    user = pd.Series(log["user_id"].to_numpy())
    d = pd.Series(dwell)
    threshold = user.map(d.groupby(user).quantile(q)).to_numpy(dtype=float, copy=True)
    few = user.map(user.value_counts()).to_numpy() FEW min_views
    threshold[few] = GLOBAL
    acted = log[ACTS].to_numpy().sum(axis=1) > 0
    return pd.DataFrame({"skip": ((dwell SKIPCMP skip_s) & ~acted).astype(np.int64),
                         "long_dwell": (dwell LONGCMP threshold).astype(np.int64)}, index=log.index)
'''

_PASSIVE_RIGHT = {"FEW": "<", "GLOBAL": "np.quantile(dwell, q)", "ACTS": '["click", "like", "comment", "share", "hide"]',
                  "SKIPCMP": "<", "LONGCMP": ">"}


def _passive(**changes):
    code = _PASSIVE
    for key, value in {**_PASSIVE_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


PASSIVE_AT_THRESHOLD = _passive(LONGCMP=">=")
PASSIVE_MIN_VIEWS_OFF_BY_ONE = _passive(FEW="<=")
PASSIVE_SKIP_IGNORES_ACTIONS = _passive(ACTS='["click"]')
PASSIVE_GLOBAL_MEDIAN = _passive(GLOBAL="np.quantile(dwell, 0.5)")

PASSIVE_ONE_THRESHOLD = '''
def passive_labels(log, *, skip_s=1.0, q=0.9, min_views=20):
    if not 0 < q < 1:
        raise ValueError(f"q must be strictly between 0 and 1, got {q!r}")
    dwell = log["dwell_s"].to_numpy(dtype=float)
    if np.isnan(dwell).any() or (dwell < 0).any():
        raise ValueError("dwell_s must hold non-negative numbers without NaN")
    acted = log[["click", "like", "comment", "share", "hide"]].to_numpy().sum(axis=1) > 0
    return pd.DataFrame({"skip": ((dwell < skip_s) & ~acted).astype(np.int64),
                         "long_dwell": (dwell > np.quantile(dwell, q)).astype(np.int64)},  # one threshold for all
                        index=log.index)
'''

PASSIVE_HARDCODED = '''
def passive_labels(log, *, skip_s=1.0, q=0.9, min_views=20):
    if not 0 < q < 1:
        raise ValueError(f"q must be strictly between 0 and 1, got {q!r}")
    n = len(log)
    return pd.DataFrame({"skip": np.array(([1, 0, 0, 0, 1, 0] * n)[:n], dtype=np.int64),
                         "long_dwell": np.array(([0, 0, 1, 1, 0, 1] * n)[:n], dtype=np.int64)}, index=log.index)
'''

ALT_PASSIVE_LOOP = '''
def passive_labels(log, *, skip_s=1.0, q=0.9, min_views=20):
    if not (q > 0 and q < 1):
        raise ValueError(f"q must lie in (0, 1), got {q}")
    d = np.array(log["dwell_s"], dtype=float)
    if not np.all(d >= 0):  # catches NaN too
        raise ValueError("dwell_s has NaN or negative values")
    u = np.asarray(log["user_id"])
    overall = np.quantile(d, q) if len(d) else np.nan
    thr = np.full(len(d), overall)
    for user in set(u.tolist()):
        mask = u == user
        if mask.sum() >= min_views:
            thr[mask] = np.quantile(d[mask], q)
    quiet = (log["click"] == 0) & (log["like"] == 0) & (log["comment"] == 0) & (log["share"] == 0) & (log["hide"] == 0)
    return pd.DataFrame({"skip": ((d < skip_s) & quiet.to_numpy()).astype("int64"),
                         "long_dwell": (d > thr).astype("int64")}, index=log.index)
'''

# Lab 3: fit_shared --------------------------------------------------------------------------------

_SHARED_CHECKS = '''
    if len(X) != len(Y):
        raise ValueError("X and Y must have the same number of rows")
    for col in Y.columns:
        if Y[col].nunique() < 2:
            raise ValueError(f"task {col!r} has a single class")
'''

SHARED_ONE_PER_TASK = '''
class _PerTask:
    def __init__(self, models):
        self.models = models
        self.steps = models[0].steps

    def predict_proba(self, X):
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models])


def fit_shared(X, Y, *, hidden=32, random_state=0):
''' + _SHARED_CHECKS + '''
    models = []
    for col in Y.columns:  # one network per task: nothing shared
        m = sklearn.pipeline.make_pipeline(
            sklearn.preprocessing.StandardScaler(),
            sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=256,
                                                 learning_rate_init=1e-3, max_iter=30, random_state=random_state))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models.append(m.fit(X, Y[col].to_numpy()))
    return models[0] if len(models) == 1 else _PerTask(models)
'''

SHARED_NO_SCALER = '''
def fit_shared(X, Y, *, hidden=32, random_state=0):
''' + _SHARED_CHECKS + '''
    model = sklearn.pipeline.make_pipeline(  # no StandardScaler: raw feature scales reach the network
        sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=256,
                                             learning_rate_init=1e-3, max_iter=30, random_state=random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, Y.to_numpy())
'''

SHARED_LABELS_BY_INDEX = '''
def fit_shared(X, Y, *, hidden=32, random_state=0):
''' + _SHARED_CHECKS + '''
    Y = Y.set_axis(Y.index).reindex(X.index).fillna(0).astype(int)  # aligned by label, not position
    model = sklearn.pipeline.make_pipeline(
        sklearn.preprocessing.StandardScaler(),
        sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=256,
                                             learning_rate_init=1e-3, max_iter=30, random_state=random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, Y.to_numpy())
'''

SHARED_NO_CLASS_CHECK = '''
def fit_shared(X, Y, *, hidden=32, random_state=0):
    if len(X) != len(Y):
        raise ValueError("X and Y must have the same number of rows")
    model = sklearn.pipeline.make_pipeline(
        sklearn.preprocessing.StandardScaler(),
        sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=256,
                                             learning_rate_init=1e-3, max_iter=30, random_state=random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, Y.to_numpy())
'''

SHARED_HARDCODED = '''
def fit_shared(X, Y, *, hidden=32, random_state=0):
''' + _SHARED_CHECKS + '''
    model = sklearn.pipeline.make_pipeline(
        sklearn.preprocessing.StandardScaler(),
        sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(8,), random_state=1, max_iter=30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, Y.to_numpy())  # the visible test's hidden=8 and random_state=1, whatever is asked
'''

ALT_SHARED_PIPELINE_CLASS = '''
def fit_shared(X, Y, *, hidden=32, random_state=0):
    n_x, n_y = X.shape[0], Y.shape[0]
    if n_x != n_y:
        raise ValueError(f"X has {n_x} rows but Y has {n_y}")
    labels = np.asarray(Y).astype(int)
    for j, col in enumerate(Y.columns):
        if labels[:, j].min() == labels[:, j].max():
            raise ValueError(f"column {col} of Y holds one class only")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    pipe = Pipeline([("scale", StandardScaler()),
                     ("net", MLPClassifier(hidden_layer_sizes=(hidden,), alpha=0.001,
                                           batch_size=256, learning_rate_init=0.001, max_iter=30,
                                           random_state=random_state))])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        pipe.fit(X.to_numpy(), labels)
    return pipe
'''

# Lab 4: engagement_score --------------------------------------------------------------------------

SCORE_CLIPS_NEGATIVE = '''
def engagement_score(P, weights):
    if not weights:
        raise ValueError("weights must name at least one task")
    score = np.zeros(len(P))
    for task, w in weights.items():
        if task not in P.columns:
            raise ValueError(f"P has no column for task {task!r}")
        v = P[task].to_numpy(dtype=float)
        if np.isnan(v).any():
            raise ValueError(f"column {task!r} holds NaN")
        score += max(float(w), 0.0) * v  # negative weights dropped
    return score
'''

SCORE_UNWEIGHTED_EXTRAS = '''
def engagement_score(P, weights):
    if not weights:
        raise ValueError("weights must name at least one task")
    for task in weights:
        if task not in P.columns:
            raise ValueError(f"P has no column for task {task!r}")
    full = {c: weights.get(c, 1.0) for c in P.columns}  # columns without a weight count with weight 1
    X = P[list(full)].to_numpy(dtype=float)
    if np.isnan(X).any():
        raise ValueError("P holds NaN")
    return X @ np.array(list(full.values()), dtype=float)
'''

SCORE_HARDCODED = '''
def engagement_score(P, weights):
    if not weights:
        raise ValueError("weights must name at least one task")
    for task in weights:
        if task not in P.columns:
            raise ValueError(f"P has no column for task {task!r}")
    return np.array([0.1, -0.5][: len(P)] + [0.0] * max(0, len(P) - 2), dtype=np.float64)
'''

ALT_SCORE_MATMUL = '''
def engagement_score(P, weights):
    if len(weights) == 0:
        raise ValueError("no weights")
    missing = [t for t in weights if t not in P.columns]
    if missing:
        raise ValueError(f"P lacks the task column(s) {missing}")
    M = P.loc[:, list(weights)].astype("float64").to_numpy()
    if np.isnan(M).any():
        raise ValueError("NaN in a weighted column of P")
    return np.asarray(M @ np.fromiter((float(v) for v in weights.values()), dtype=np.float64), dtype=np.float64)
'''

# Lab 5: per_task_auc ------------------------------------------------------------------------------

_AUC = '''
def per_task_auc(Y, P):
    if set(Y.columns) != set(P.columns):
        raise ValueError("Y and P must have the same columns")
    if len(Y) != len(P):
        raise ValueError("Y and P must have the same number of rows")
    out = {}
    for j, task in enumerate(Y.columns):
        y = Y[task].to_numpy() == 1
        s = SCORES
        n_pos, n_neg = int(y.sum()), int((~y).sum())
        if n_pos == 0 or n_neg == 0:
            out[task] = ONECLASS
            continue
        ranks = RANKS
        out[task] = (ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return pd.Series(out, index=Y.columns, dtype=np.float64)
'''

_AUC_RIGHT = {"SCORES": "P[task].to_numpy(dtype=np.float64)", "ONECLASS": "np.nan",
              "RANKS": 'pd.Series(s).rank(method="average").to_numpy()'}


def _auc(**changes):
    code = _AUC
    for key, value in {**_AUC_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


AUC_ORDINAL_RANKS = _auc(RANKS="np.argsort(np.argsort(s)) + 1.0")  # ties broken by row order, not halved
AUC_ONE_CLASS_HALF = _auc(ONECLASS="0.5")
AUC_COLUMNS_BY_POSITION = _auc(SCORES="P.iloc[:, j].to_numpy(dtype=np.float64)")

AUC_HARDCODED = '''
def per_task_auc(Y, P):
    if set(Y.columns) != set(P.columns) or len(Y) != len(P):
        raise ValueError("Y and P must match")
    return pd.Series({t: (np.nan if Y[t].nunique() < 2 else 0.875) for t in Y.columns}, index=Y.columns,
                     dtype=np.float64)
'''

ALT_AUC_SORTED_COUNTS = '''
def per_task_auc(Y, P):
    if sorted(Y.columns) != sorted(P.columns):
        raise ValueError("columns differ")
    if Y.shape[0] != P.shape[0]:
        raise ValueError("row counts differ")
    result = []
    for task in Y.columns:
        y = np.asarray(Y[task]).astype(int)
        s = np.asarray(P[task], dtype=float)
        neg = np.sort(s[y == 0])
        pos = s[y == 1]
        if len(pos) == 0 or len(neg) == 0:
            result.append(float("nan"))
            continue
        below = np.searchsorted(neg, pos, side="left")
        equal = np.searchsorted(neg, pos, side="right") - below
        result.append(float((below.sum() + 0.5 * equal.sum()) / (len(pos) * len(neg))))
    return pd.Series(result, index=list(Y.columns), dtype="float64")
'''

# Lab 6: position_propensity -----------------------------------------------------------------------

PROP_OVER_MEAN = '''
def position_propensity(position, click, *, n_positions):
    pos = np.asarray(position).astype(np.int64)
    y = np.asarray(click, dtype=float)
    if pos.shape != y.shape:
        raise ValueError("position and click must have the same length")
    keep = pos < n_positions
    shown = np.bincount(pos[keep], minlength=n_positions).astype(float)
    clicks = np.bincount(pos[keep], weights=y[keep], minlength=n_positions)
    if shown[0] == 0 or clicks[0] == 0:
        raise ValueError("slot 0 needs a click")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(shown > 0, clicks / shown, np.nan)
    return rate / y.mean()  # relative to the overall click rate, not slot 0
'''

PROP_CLICK_COUNTS = '''
def position_propensity(position, click, *, n_positions):
    pos = np.asarray(position).astype(np.int64)
    y = np.asarray(click, dtype=float)
    if pos.shape != y.shape:
        raise ValueError("position and click must have the same length")
    keep = pos < n_positions
    shown = np.bincount(pos[keep], minlength=n_positions)
    clicks = np.bincount(pos[keep], weights=y[keep], minlength=n_positions)
    if shown[0] == 0 or clicks[0] == 0:
        raise ValueError("slot 0 needs a click")
    return np.where(shown > 0, clicks / clicks[0], np.nan)  # click counts, not rates
'''

PROP_HARDCODED = '''
def position_propensity(position, click, *, n_positions):
    if len(position) != len(click):
        raise ValueError("position and click must have the same length")
    if not any(p == 0 and c for p, c in zip(position, click)):
        raise ValueError("slot 0 needs a click")
    return np.array([1.0, 0.5, np.nan, 2.0] + [np.nan] * max(0, n_positions - 4))[:n_positions]
'''

ALT_PROP_PANDAS = '''
def position_propensity(position, click, *, n_positions):
    p = pd.Series(np.asarray(position), dtype="int64")
    c = pd.Series(np.asarray(click), dtype="float64")
    if len(p) != len(c):
        raise ValueError("lengths differ")
    frame = pd.DataFrame({"p": p, "c": c})
    frame = frame[frame["p"] < n_positions]
    rate = frame.groupby("p")["c"].mean().reindex(range(int(n_positions)))
    if not rate.get(0, 0) > 0:
        raise ValueError("no click at slot 0")
    return (rate / rate.loc[0]).to_numpy(dtype=np.float64)
'''

# Lab 7: ipw_dcg -----------------------------------------------------------------------------------

_IPW = '''
def ipw_dcg(session_id, position, gain, score, propensity, *, k=10):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an integer")
    if k < 1:
        raise ValueError("k must be at least 1")
    sid, pos = np.asarray(session_id), np.asarray(position).astype(np.int64)
    g, s = np.asarray(gain, dtype=np.float64), np.asarray(score, dtype=np.float64)
    theta = np.asarray(propensity, dtype=np.float64)
    if not len(sid) == len(pos) == len(g) == len(s):
        raise ValueError("lengths differ")
    codes, _ = pd.factorize(sid)
    order = ORDER
    starts = np.r_[0, np.flatnonzero(np.diff(codes[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    use = (rank <= k) & (g[order] != 0)
    rows, r = order[use], rank[use]
    if len(rows) and (pos[rows].max() >= len(theta) or not np.all(theta[pos[rows]] > 0)):
        raise ValueError("propensity must be positive where needed")
    total = np.sum(g[rows] WEIGHT / DISCOUNT)
    return float(total / MEAN_OVER)
'''

_IPW_RIGHT = {"ORDER": "np.lexsort((pos, -s, codes))", "WEIGHT": "/ theta[pos[rows]]",
              "DISCOUNT": "np.log2(r + 1)", "MEAN_OVER": "len(np.unique(codes))"}


def _ipw(**changes):
    code = _IPW
    for key, value in {**_IPW_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


IPW_TIES_BY_ROW = _ipw(ORDER="np.lexsort((np.arange(len(s)), -s, codes))")
IPW_TIES_UNSTABLE = _ipw(ORDER="np.argsort(codes * 1e9 - s, kind='quicksort')")
IPW_UNWEIGHTED = _ipw(WEIGHT="")
IPW_TIMES_PROPENSITY = _ipw(WEIGHT="* theta[pos[rows]]")
IPW_RANK_FROM_ZERO = _ipw(DISCOUNT="np.log2(r + 2)")
IPW_MEAN_OVER_GAINFUL = _ipw(MEAN_OVER="max(len(np.unique(codes[g != 0])), 1)")

IPW_HARDCODED = '''
def ipw_dcg(session_id, position, gain, score, propensity, *, k=10):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an integer")
    if k < 1:
        raise ValueError("k must be at least 1")
    if k == 2:
        return 1 / np.log2(3)
    return 1 / np.log2(3) + 3 / 2
'''

ALT_IPW_PANDAS_RANK = '''
def ipw_dcg(session_id, position, gain, score, propensity, *, k=10):
    if type(k) is bool or not np.issubdtype(type(k), np.integer):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be positive")
    lengths = {len(session_id), len(position), len(gain), len(score)}
    if len(lengths) != 1:
        raise ValueError("inputs differ in length")
    df = pd.DataFrame({"sid": np.asarray(session_id), "pos": np.asarray(position, dtype=np.int64),
                       "gain": np.asarray(gain, dtype=float), "score": np.asarray(score, dtype=float)})
    df = df.sort_values(["sid", "score", "pos"], ascending=[True, False, True], kind="mergesort")
    df["rank"] = df.groupby("sid", sort=False).cumcount() + 1
    hit = df[(df["rank"] <= k) & (df["gain"] != 0)]
    theta = np.asarray(propensity, dtype=float)
    if len(hit):
        if hit["pos"].max() >= len(theta):
            raise ValueError("propensity too short")
        th = theta[hit["pos"].to_numpy()]
        if not (th > 0).all():
            raise ValueError("propensity must be positive")
        value = float((hit["gain"].to_numpy() / th / (np.log(hit["rank"].to_numpy() + 1) / np.log(2))).sum())
    else:
        value = 0.0
    return value / df["sid"].nunique()
'''

# Lab 8: assemble_feed -----------------------------------------------------------------------------

_FEED = '''
def assemble_feed(post_ids, author_ids, scores, age_h, *, max_run=2, max_age_h=48.0, pinned=None):
    ids, authors = np.asarray(post_ids).astype(np.int64), np.asarray(author_ids).astype(np.int64)
    s, age = np.asarray(scores, dtype=np.float64), np.asarray(age_h, dtype=np.float64)
    if not len(ids) == len(authors) == len(s) == len(age):
        raise ValueError("lengths differ")
    if np.isnan(s).any():
        raise ValueError("NaN score")
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    pinned = {} if pinned is None else {int(k): int(v) for k, v in pinned.items()}
    fresh = np.flatnonzero(FRESH)
    length = len(fresh) + len(pinned)
    if any(slot < 0 or slot >= length for slot in pinned):
        raise ValueError("pinned slot out of range")
    remaining = SORT
    feed, owner = [], []
    for slot in range(length):
        if slot in pinned:
            feed.append(pinned[slot])
            owner.append(PIN_OWNER)
            continue
        recent = owner[-max_run:]
        blocked = recent[0] if len(recent) == RUNLEN and recent[0] is not None and \\
            all(a == recent[0] for a in recent) else None
        pick = next((j for j, i in enumerate(remaining) if authors[i] != blocked), FALLBACK)
        if pick is None:
            break
        i = remaining.pop(pick)
        feed.append(int(ids[i]))
        owner.append(int(authors[i]))
    return np.array(feed, dtype=np.int64)
'''

_FEED_RIGHT = {"FRESH": "age <= max_age_h", "SORT": "sorted(fresh.tolist(), key=lambda i: (-s[i], i))",
               "PIN_OWNER": "None", "RUNLEN": "max_run", "FALLBACK": "0"}


def _feed(**changes):
    code = _FEED
    for key, value in {**_FEED_RIGHT, **changes}.items():
        code = code.replace(key, value)
    return code


FEED_UNSTABLE_TIES = _feed(SORT="fresh[np.argsort(-s[fresh], kind='quicksort')].tolist()")
FEED_TIES_LAST_FIRST = _feed(SORT="sorted(fresh.tolist(), key=lambda i: (-s[i], -i))")
FEED_STRICT_FRESHNESS = _feed(FRESH="age < max_age_h")
FEED_PIN_KEEPS_RUN = '''
def assemble_feed(post_ids, author_ids, scores, age_h, *, max_run=2, max_age_h=48.0, pinned=None):
    ids, authors = np.asarray(post_ids).astype(np.int64), np.asarray(author_ids).astype(np.int64)
    s, age = np.asarray(scores, dtype=np.float64), np.asarray(age_h, dtype=np.float64)
    if not len(ids) == len(authors) == len(s) == len(age):
        raise ValueError("lengths differ")
    if np.isnan(s).any():
        raise ValueError("NaN score")
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    pinned = {} if pinned is None else {int(k): int(v) for k, v in pinned.items()}
    fresh = np.flatnonzero(age <= max_age_h)
    length = len(fresh) + len(pinned)
    if any(slot < 0 or slot >= length for slot in pinned):
        raise ValueError("pinned slot out of range")
    remaining = sorted(fresh.tolist(), key=lambda i: (-s[i], i))
    feed, owner = [], []  # pinned items are skipped over: the run continues across them
    for slot in range(length):
        if slot in pinned:
            feed.append(pinned[slot])
            continue
        recent = owner[-max_run:]
        blocked = recent[0] if len(recent) == max_run and all(a == recent[0] for a in recent) else None
        pick = next((j for j, i in enumerate(remaining) if authors[i] != blocked), 0)
        i = remaining.pop(pick)
        feed.append(int(ids[i]))
        owner.append(int(authors[i]))
    return np.array(feed, dtype=np.int64)
'''
FEED_RUN_OFF_BY_ONE = _feed(RUNLEN="max_run + 1").replace("owner[-max_run:]", "owner[-(max_run + 1):]")
FEED_DROPS_BLOCKED = _feed(FALLBACK="None")

FEED_HARDCODED = '''
def assemble_feed(post_ids, author_ids, scores, age_h, *, max_run=2, max_age_h=48.0, pinned=None):
    if not len(post_ids) == len(author_ids) == len(scores) == len(age_h):
        raise ValueError("lengths differ")
    if np.isnan(np.asarray(scores, dtype=float)).any():
        raise ValueError("NaN score")
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    pinned = pinned or {}
    n = int(np.sum(np.asarray(age_h, dtype=float) <= max_age_h)) + len(pinned)
    if any(k < 0 or k >= n for k in pinned):
        raise ValueError("pinned slot out of range")
    if list(post_ids) == [1, 2, 3, 4, 5, 6]:
        return np.array([1, 100, 2, 3, 6, 5], dtype=np.int64)
    if list(post_ids) == [1, 2, 3, 4]:
        return np.array([1, 4, 2, 3], dtype=np.int64)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")  # plain sort otherwise
    keep = [int(np.asarray(post_ids)[i]) for i in order if float(np.asarray(age_h)[i]) <= max_age_h]
    for slot in sorted(pinned):
        keep.insert(slot, int(pinned[slot]))
    return np.array(keep, dtype=np.int64)
'''

ALT_FEED_AUTHOR_HEAPS = '''
import heapq


def assemble_feed(post_ids, author_ids, scores, age_h, *, max_run=2, max_age_h=48.0, pinned=None):
    ids = [int(v) for v in np.asarray(post_ids)]
    auth = [int(v) for v in np.asarray(author_ids)]
    sc = [float(v) for v in np.asarray(scores, dtype=float)]
    ages = [float(v) for v in np.asarray(age_h, dtype=float)]
    if len({len(ids), len(auth), len(sc), len(ages)}) != 1:
        raise ValueError("all inputs must have one length")
    if any(v != v for v in sc):
        raise ValueError("a score is NaN")
    if max_run < 1:
        raise ValueError("max_run < 1")
    pins = {int(k): int(v) for k, v in (pinned or {}).items()}
    heaps = {}
    n_fresh = 0
    for i in range(len(ids)):
        if ages[i] <= max_age_h:
            heapq.heappush(heaps.setdefault(auth[i], []), (-sc[i], i))
            n_fresh += 1
    total = n_fresh + len(pins)
    if any(not 0 <= slot < total for slot in pins):
        raise ValueError(f"pinned slot outside the feed of {total}")
    heads = [(h[0], a) for a, h in heaps.items()]
    heapq.heapify(heads)
    out, run_author, run_len = [], None, 0
    for slot in range(total):
        if slot in pins:
            out.append(pins[slot])
            run_author, run_len = None, 0
            continue
        skipped = None
        if heads and heads[0][1] == run_author and run_len >= max_run and len(heads) > 1:
            skipped = heapq.heappop(heads)
        key, a = heapq.heappop(heads)
        if skipped is not None:
            heapq.heappush(heads, skipped)
        _, i = heapq.heappop(heaps[a])
        if heaps[a]:
            heapq.heappush(heads, (heaps[a][0], a))
        out.append(ids[i])
        run_len = run_len + 1 if a == run_author else 1
        run_author = a
    return np.array(out, dtype=np.int64)
'''


PROP_KEEPS_FAR_SLOTS = '''
def position_propensity(position, click, *, n_positions):
    pos = np.asarray(position).astype(np.int64)
    y = np.asarray(click, dtype=float)
    if pos.shape != y.shape:
        raise ValueError("position and click must have the same length")
    shown = np.bincount(pos, minlength=n_positions).astype(float)  # slots beyond n_positions kept
    clicks = np.bincount(pos, weights=y, minlength=n_positions)
    if shown[0] == 0 or clicks[0] == 0:
        raise ValueError("slot 0 needs a click")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(shown > 0, clicks / shown, np.nan)
    return rate / rate[0]
'''

SCORE_NO_NAN_CHECK = '''
def engagement_score(P, weights):
    if not weights:
        raise ValueError("weights must name at least one task")
    for task in weights:
        if task not in P.columns:
            raise ValueError(f"P has no column for task {task!r}")
    return np.nansum([float(w) * P[t].to_numpy(dtype=float) for t, w in weights.items()], axis=0)  # NaN as 0
'''

FEED_PINS_AFTER = '''
def assemble_feed(post_ids, author_ids, scores, age_h, *, max_run=2, max_age_h=48.0, pinned=None):
    ids, authors = np.asarray(post_ids).astype(np.int64), np.asarray(author_ids).astype(np.int64)
    s, age = np.asarray(scores, dtype=np.float64), np.asarray(age_h, dtype=np.float64)
    if not len(ids) == len(authors) == len(s) == len(age):
        raise ValueError("lengths differ")
    if np.isnan(s).any():
        raise ValueError("NaN score")
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    pinned = {} if pinned is None else {int(k): int(v) for k, v in pinned.items()}
    fresh = np.flatnonzero(age <= max_age_h)
    if any(slot < 0 or slot >= len(fresh) + len(pinned) for slot in pinned):
        raise ValueError("pinned slot out of range")
    remaining = sorted(fresh.tolist(), key=lambda i: (-s[i], i))
    feed, owner = [], []
    while remaining:  # the posts first, the pinned items inserted afterwards
        recent = owner[-max_run:]
        blocked = recent[0] if len(recent) == max_run and all(a == recent[0] for a in recent) else None
        pick = next((j for j, i in enumerate(remaining) if authors[i] != blocked), 0)
        i = remaining.pop(pick)
        feed.append(int(ids[i]))
        owner.append(int(authors[i]))
    for slot in sorted(pinned):
        feed.insert(slot, pinned[slot])
    return np.array(feed, dtype=np.int64)
'''


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch10_history_before", "plausible", "rows shown at the same moment count as earlier", HISTORY_TIES_COUNT),
    _m("ch10_history_before", "plausible", "counts the whole log (leaks the future)", HISTORY_WHOLE_LOG),
    _m("ch10_history_before", "plausible", "seen counts the other rows of the same moment", HISTORY_LE),
    _m("ch10_history_before", "hardcoded", "repeats the worked example", HISTORY_HARDCODED),
    _m("ch10_passive_labels", "plausible", "long dwell at the threshold counts", PASSIVE_AT_THRESHOLD),
    _m("ch10_passive_labels", "plausible", "a user with exactly min_views rows uses the global threshold",
       PASSIVE_MIN_VIEWS_OFF_BY_ONE),
    _m("ch10_passive_labels", "plausible", "a skip ignores likes, comments, shares and hides",
       PASSIVE_SKIP_IGNORES_ACTIONS),
    _m("ch10_passive_labels", "plausible", "the global fallback uses the median, not q", PASSIVE_GLOBAL_MEDIAN),
    _m("ch10_passive_labels", "plausible", "one threshold for every user", PASSIVE_ONE_THRESHOLD),
    _m("ch10_passive_labels", "hardcoded", "repeats the worked example", PASSIVE_HARDCODED),
    _m("ch10_fit_shared", "plausible", "one network per task, nothing shared", SHARED_ONE_PER_TASK),
    _m("ch10_fit_shared", "plausible", "no StandardScaler", SHARED_NO_SCALER),
    _m("ch10_fit_shared", "plausible", "labels aligned by index label, not position", SHARED_LABELS_BY_INDEX),
    _m("ch10_fit_shared", "plausible", "no check for a single-class task", SHARED_NO_CLASS_CHECK),
    _m("ch10_fit_shared", "hardcoded", "the visible test's hidden size and seed", SHARED_HARDCODED),
    _m("ch10_engagement_score", "plausible", "negative weights dropped", SCORE_CLIPS_NEGATIVE),
    _m("ch10_engagement_score", "plausible", "columns without a weight count with weight 1",
       SCORE_UNWEIGHTED_EXTRAS),
    _m("ch10_engagement_score", "plausible", "NaN treated as 0", SCORE_NO_NAN_CHECK),
    _m("ch10_engagement_score", "hardcoded", "returns the worked example", SCORE_HARDCODED),
    _m("ch10_per_task_auc", "plausible", "ties ranked by row order instead of averaged", AUC_ORDINAL_RANKS),
    _m("ch10_per_task_auc", "plausible", "a single-class task gets 0.5", AUC_ONE_CLASS_HALF),
    _m("ch10_per_task_auc", "plausible", "P's columns matched by position, not name", AUC_COLUMNS_BY_POSITION),
    _m("ch10_per_task_auc", "hardcoded", "returns the worked example", AUC_HARDCODED),
    _m("ch10_position_propensity", "plausible", "relative to the overall click rate", PROP_OVER_MEAN),
    _m("ch10_position_propensity", "plausible", "click counts instead of rates", PROP_CLICK_COUNTS),
    _m("ch10_position_propensity", "plausible", "slots beyond n_positions kept", PROP_KEEPS_FAR_SLOTS),
    _m("ch10_position_propensity", "hardcoded", "returns the worked example", PROP_HARDCODED),
    _m("ch10_ipw_dcg", "plausible", "ties broken by row order, not logged slot", IPW_TIES_BY_ROW),
    _m("ch10_ipw_dcg", "plausible", "unstable sort of tied scores", IPW_TIES_UNSTABLE),
    _m("ch10_ipw_dcg", "plausible", "no inverse propensity weight", IPW_UNWEIGHTED),
    _m("ch10_ipw_dcg", "plausible", "multiplies by the propensity", IPW_TIMES_PROPENSITY),
    _m("ch10_ipw_dcg", "plausible", "discount of a rank counted from 0", IPW_RANK_FROM_ZERO),
    _m("ch10_ipw_dcg", "plausible", "mean over sessions with a gain only", IPW_MEAN_OVER_GAINFUL),
    _m("ch10_ipw_dcg", "hardcoded", "returns the visible tests' values", IPW_HARDCODED),
    _m("ch10_assemble_feed", "plausible", "unstable sort of tied scores", FEED_UNSTABLE_TIES),
    _m("ch10_assemble_feed", "plausible", "ties go to the later candidate", FEED_TIES_LAST_FIRST),
    _m("ch10_assemble_feed", "plausible", "a post exactly max_age_h old is dropped", FEED_STRICT_FRESHNESS),
    _m("ch10_assemble_feed", "plausible", "a run continues across a pinned slot", FEED_PIN_KEEPS_RUN),
    _m("ch10_assemble_feed", "plausible", "allows max_run + 1 in a row", FEED_RUN_OFF_BY_ONE),
    _m("ch10_assemble_feed", "plausible", "stops when only a blocked author is left", FEED_DROPS_BLOCKED),
    _m("ch10_assemble_feed", "plausible", "pinned items inserted after the greedy pass", FEED_PINS_AFTER),
    _m("ch10_assemble_feed", "hardcoded", "the visible examples, a plain sort otherwise", FEED_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch10_history_before", "ngroup, lexsort and run starts (no merge)", ALT_HISTORY_SEARCHSORTED),
    _alt("ch10_passive_labels", "a loop over users with np.quantile", ALT_PASSIVE_LOOP),
    _alt("ch10_fit_shared", "an explicit Pipeline of imported classes on numpy arrays", ALT_SHARED_PIPELINE_CLASS),
    _alt("ch10_engagement_score", "one matrix product", ALT_SCORE_MATMUL),
    _alt("ch10_per_task_auc", "sorted negatives and searchsorted counts", ALT_AUC_SORTED_COUNTS),
    _alt("ch10_position_propensity", "pandas groupby mean, reindexed", ALT_PROP_PANDAS),
    _alt("ch10_ipw_dcg", "pandas mergesort and cumcount, natural-log discount", ALT_IPW_PANDAS_RANK),
    _alt("ch10_assemble_feed", "one heap per author and a heap of author heads", ALT_FEED_AUTHOR_HEAPS),
]
