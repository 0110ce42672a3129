"""Wrong answers for chapter 01. Each must lose points in a hidden test cell of its exercise."""

MUTANTS = [
    {"answer": "ch01_capacity", "kind": "plausible", "why": "storage forgets the replicas",
     "code": '''
import numbers
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    for name, value in dict(daily_users=daily_users, events_per_user=events_per_user, bytes_per_event=bytes_per_event,
                            retention_days=retention_days, peak_to_mean=peak_to_mean, replication=replication).items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {value!r}")
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    if peak_to_mean < 1:
        raise ValueError(f"peak_to_mean must be at least 1, got {peak_to_mean}")
    if replication < 1:
        raise ValueError(f"replication must be at least 1, got {replication}")
    mean = daily_users * events_per_user / 86_400
    return {"mean_qps": float(mean), "peak_qps": float(mean * peak_to_mean),
            "storage_tb": float(daily_users * events_per_user * bytes_per_event * retention_days * 3 / 1e12)}
'''},
    {"answer": "ch01_capacity", "kind": "hardcoded", "why": "returns the worked example's numbers",
     "code": '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    if retention_days < 0:
        raise ValueError("retention_days must be positive")
    return {"mean_qps": 50e6 * 20 / 86_400, "peak_qps": 3 * 50e6 * 20 / 86_400, "storage_tb": 54.0}
'''},
    {"answer": "ch01_time_split", "kind": "plausible", "why": "puts rows stamped exactly at the cutoff into train",
     "code": '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    if not isinstance(df, pd.DataFrame):
        raise TypeError("df must be a DataFrame")
    if time_col not in df.columns:
        raise ValueError(f"time_col {time_col!r} is not a column")
    if not pd.api.types.is_datetime64_any_dtype(df[time_col]):
        raise TypeError("not datetimes")
    cutoff, gap = pd.Timestamp(cutoff), pd.Timedelta(gap)
    if gap < pd.Timedelta(0):
        raise ValueError("gap must not be negative")
    train = df[df[time_col] <= cutoff].sort_values(time_col, kind="stable")
    test = df[df[time_col] > cutoff + gap].sort_values(time_col, kind="stable")
    if train.empty or test.empty:
        raise ValueError("empty part")
    return train, test
'''},
    {"answer": "ch01_time_split", "kind": "hardcoded", "why": "splits by position, as if rows were already in time order",
     "code": '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    if time_col not in df.columns:
        raise ValueError(f"time_col {time_col!r} is not a column")
    k = int((df[time_col] < pd.Timestamp(cutoff)).sum())
    return df.iloc[:k], df.iloc[k:]
'''},
    {"answer": "ch01_past_rate", "kind": "plausible", "why": "lets rows with the same timestamp see each other",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    for col in (user_col, time_col, label_col):
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 <= prior <= 1 or not strength > 0:
        raise ValueError("bad prior or strength")
    frame = df[[user_col, time_col, label_col]].reset_index(drop=True)
    frame = frame.sort_values([user_col, time_col], kind="stable")
    g = frame.groupby(user_col, sort=False)
    n_before = g.cumcount()
    opens_before = g[label_col].cumsum() - frame[label_col]
    rate = (opens_before + prior * strength) / (n_before + strength)
    return pd.Series(rate.sort_index().to_numpy(), index=df.index, name="past_open_rate")
'''},
    {"answer": "ch01_past_rate", "kind": "hardcoded", "why": "returns the worked example's values",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    values = [0.5, 2 / 3, 0.5, 0.5] + [prior] * max(0, len(df) - 4)
    return pd.Series(values[:len(df)], index=df.index, name="past_open_rate")
'''},
    {"answer": "ch01_downsample", "kind": "plausible", "why": "samples positives at the rate as well",
     "code": '''
def downsample_negatives(y, rate, *, random_state=None):
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, [0, 1]).all():
        raise ValueError("y must be a 1-D array of 0/1 labels")
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    rng = np.random.default_rng(random_state)
    return np.flatnonzero(rng.random(len(y)) < rate)
'''},
    {"answer": "ch01_downsample", "kind": "hardcoded", "why": "keeps every row",
     "code": '''
def downsample_negatives(y, rate, *, random_state=None):
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    return np.arange(len(y))
'''},
    {"answer": "ch01_correct", "kind": "plausible", "why": "scales probabilities by the rate instead of the odds",
     "code": '''
def correct_downsampled(p, rate):
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    arr = np.asarray(p, dtype=float)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError("p must be in [0, 1]")
    q = arr * rate
    return float(q) if arr.ndim == 0 else q
'''},
    {"answer": "ch01_correct", "kind": "hardcoded", "why": "returns the worked example's value",
     "code": '''
def correct_downsampled(p, rate):
    return 0.5 / 5.5
'''},
    {"answer": "ch01_prf", "kind": "plausible", "why": "F1 as the arithmetic mean of precision and recall",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape or t.size == 0 or not (np.isin(t, [0, 1]).all() and np.isin(p, [0, 1]).all()):
        raise ValueError("bad input")
    tp = float(np.sum((t == 1) & (p == 1))); fp = float(np.sum((t == 0) & (p == 1))); fn = float(np.sum((t == 1) & (p == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (precision + recall) / 2
'''},
    {"answer": "ch01_prf", "kind": "hardcoded", "why": "returns the worked example's values",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    if len(y_true) != len(y_pred) or not len(y_true):
        raise ValueError("bad input")
    return 2 / 3, 2 / 3, 2 / 3
'''},
    {"answer": "ch01_auc", "kind": "plausible", "why": "ranks tied scores arbitrarily instead of averaging them",
     "code": '''
def roc_auc(y_true, scores):
    t, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    if t.shape != s.shape or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    n_pos, n_neg = int((t == 1).sum()), int((t == 0).sum())
    if not n_pos or not n_neg:
        raise ValueError("need both classes")
    ranks = np.empty(len(s)); ranks[np.argsort(s, kind="mergesort")] = np.arange(1, len(s) + 1)
    return float((ranks[t == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
'''},
    {"answer": "ch01_auc", "kind": "hardcoded", "why": "returns the worked example's value",
     "code": '''
def roc_auc(y_true, scores):
    if len(set(y_true)) < 2 or len(y_true) != len(scores):
        raise ValueError("bad input")
    return 0.75
'''},
    {"answer": "ch01_logloss", "kind": "plausible", "why": "does not clip, so a probability of 0 or 1 gives infinity",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    t, q = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    if t.shape != q.shape or t.size == 0 or np.any((q < 0) | (q > 1)):
        raise ValueError("bad input")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))
'''},
    {"answer": "ch01_logloss", "kind": "hardcoded", "why": "returns the worked example's value",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    if len(y_true) != len(p):
        raise ValueError("bad input")
    return float(-(np.log(0.8) + np.log(0.6)) / 2)
'''},
    {"answer": "ch01_send_policy", "kind": "plausible", "why": "caps sends per user over the whole log, not per day",
     "code": '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    for col in (user_col, time_col, score_col):
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 <= threshold <= 1:
        raise ValueError("threshold")
    if not isinstance(daily_cap, int) or isinstance(daily_cap, bool):
        raise TypeError("daily_cap")
    if daily_cap < 0:
        raise ValueError("daily_cap")
    frame = pd.DataFrame({"u": df[user_col].to_numpy(), "t": df[time_col].to_numpy(),
                          "s": df[score_col].to_numpy(dtype=float), "pos": np.arange(len(df))})
    q = frame[frame.s >= threshold].sort_values(["u", "s", "t", "pos"], ascending=[True, False, True, True])
    rank = q.groupby("u").cumcount()
    send = np.zeros(len(df), dtype=bool)
    send[q.loc[rank < daily_cap, "pos"].to_numpy()] = True
    return pd.Series(send, index=df.index, name="send")
'''},
    {"answer": "ch01_send_policy", "kind": "hardcoded", "why": "returns the worked example's decisions",
     "code": '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    values = ([True, False, False, True] * (len(df) // 4 + 1))[:len(df)]
    return pd.Series(values, index=df.index, name="send")
'''},
]

# --- kit v2: one plausible mutant for each escape class the hidden tests now close --------------------------
_CAPACITY_CHECKS = '''
import numbers
def _mut_check(args):
    for name, value in args.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {value!r}")
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    for name in ("peak_to_mean", "replication"):
        if args[name] < 1:
            raise ValueError(f"{name} must be at least 1, got {args[name]!r}")
'''

_SPLIT_CHECKS = '''
def _mut_check(df, time_col, gap):
    if not isinstance(df, pd.DataFrame):
        raise TypeError("df must be a DataFrame")
    if time_col not in df.columns:
        raise ValueError(f"time_col {time_col!r} is not a column")
    if not pd.api.types.is_datetime64_any_dtype(df[time_col]):
        raise TypeError("not datetimes")
    if pd.Timedelta(gap) < pd.Timedelta(0):
        raise ValueError("gap must not be negative")
'''

_PLAN_CHECKS = '''
def _mut_check(df, threshold, daily_cap, cols):
    for col in cols:
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 <= threshold <= 1:
        raise ValueError("threshold")
    if isinstance(daily_cap, bool) or not isinstance(daily_cap, (int, np.integer)):
        raise TypeError("daily_cap")
    if daily_cap < 0:
        raise ValueError("daily_cap")
'''

MUTANTS += [
    {"answer": "ch01_capacity", "kind": "plausible", "why": "computes in the arguments' own types: int32 overflows",
     "code": _CAPACITY_CHECKS + '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    _mut_check(dict(daily_users=daily_users, events_per_user=events_per_user, bytes_per_event=bytes_per_event,
                retention_days=retention_days, peak_to_mean=peak_to_mean, replication=replication))
    per_day = daily_users * events_per_user
    mean = per_day / 86_400
    return {"mean_qps": float(mean), "peak_qps": float(mean * peak_to_mean),
            "storage_tb": float(per_day * bytes_per_event * retention_days * replication / 1e12)}
'''},
    {"answer": "ch01_capacity", "kind": "plausible", "why": "accepts only Python int and float, so NumPy numbers fail",
     "code": '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    args = dict(daily_users=daily_users, events_per_user=events_per_user, bytes_per_event=bytes_per_event,
                retention_days=retention_days, peak_to_mean=peak_to_mean, replication=replication)
    for name, value in args.items():
        if type(value) not in (int, float):
            raise TypeError(f"{name} must be a number, got {value!r}")
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    for name in ("peak_to_mean", "replication"):
        if args[name] < 1:
            raise ValueError(f"{name} must be at least 1")
    mean = float(daily_users) * float(events_per_user) / 86_400
    return {"mean_qps": mean, "peak_qps": mean * float(peak_to_mean),
            "storage_tb": float(daily_users) * float(events_per_user) * float(bytes_per_event) * float(retention_days) * float(replication) / 1e12}
'''},
    {"answer": "ch01_capacity", "kind": "plausible", "why": "rejects peak_to_mean and replication of exactly 1",
     "code": _CAPACITY_CHECKS.replace("args[name] < 1", "args[name] <= 1") + '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    _mut_check(dict(daily_users=daily_users, events_per_user=events_per_user, bytes_per_event=bytes_per_event,
                retention_days=retention_days, peak_to_mean=peak_to_mean, replication=replication))
    mean = float(daily_users) * float(events_per_user) / 86_400
    return {"mean_qps": mean, "peak_qps": mean * float(peak_to_mean),
            "storage_tb": float(daily_users) * float(events_per_user) * float(bytes_per_event) * float(retention_days) * float(replication) / 1e12}
'''},
    {"answer": "ch01_capacity", "kind": "plausible", "why": "checks value <= 0, so NaN passes as positive",
     "code": _CAPACITY_CHECKS.replace("if not value > 0:", "if value <= 0:") + '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    _mut_check(dict(daily_users=daily_users, events_per_user=events_per_user, bytes_per_event=bytes_per_event,
                retention_days=retention_days, peak_to_mean=peak_to_mean, replication=replication))
    mean = float(daily_users) * float(events_per_user) / 86_400
    return {"mean_qps": mean, "peak_qps": mean * float(peak_to_mean),
            "storage_tb": float(daily_users) * float(events_per_user) * float(bytes_per_event) * float(retention_days) * float(replication) / 1e12}
'''},
    {"answer": "ch01_time_split", "kind": "plausible", "why": "sorts with pandas' default (unstable) quicksort",
     "code": _SPLIT_CHECKS + '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    _mut_check(df, time_col, gap)
    cutoff, gap = pd.Timestamp(cutoff), pd.Timedelta(gap)
    train = df[df[time_col] < cutoff].sort_values(time_col)
    test = df[df[time_col] >= cutoff + gap].sort_values(time_col)
    if train.empty or test.empty:
        raise ValueError("empty part")
    return train, test
'''},
    {"answer": "ch01_time_split", "kind": "plausible", "why": "resets the index after sorting",
     "code": _SPLIT_CHECKS + '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    _mut_check(df, time_col, gap)
    cutoff, gap = pd.Timestamp(cutoff), pd.Timedelta(gap)
    train = df[df[time_col] < cutoff].sort_values(time_col, kind="stable").reset_index(drop=True)
    test = df[df[time_col] >= cutoff + gap].sort_values(time_col, kind="stable").reset_index(drop=True)
    if train.empty or test.empty:
        raise ValueError("empty part")
    return train, test
'''},
    {"answer": "ch01_time_split", "kind": "plausible", "why": "test starts strictly after cutoff + gap",
     "code": _SPLIT_CHECKS + '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    _mut_check(df, time_col, gap)
    cutoff, gap = pd.Timestamp(cutoff), pd.Timedelta(gap)
    train = df[df[time_col] < cutoff].sort_values(time_col, kind="stable")
    end = cutoff + gap
    test = df[(df[time_col] > end) | ((df[time_col] == end) & (gap == pd.Timedelta(0)))].sort_values(time_col, kind="stable")
    if train.empty or test.empty:
        raise ValueError("empty part")
    return train, test
'''},
    {"answer": "ch01_past_rate", "kind": "plausible", "why": "rejects prior = 0 (checks 0 < prior)",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    for col in (user_col, time_col, label_col):
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 < prior <= 1 or not strength > 0:
        raise ValueError(f"bad prior {prior} or strength {strength}")
    frame = pd.DataFrame({"u": df[user_col].to_numpy(), "t": df[time_col].to_numpy(), "y": df[label_col].to_numpy(float)})
    frame = frame.sort_values(["u", "t"], kind="stable")
    g = frame.groupby("u", sort=False)
    sends = g.cumcount().astype(float).groupby([frame.u, frame.t]).transform("min")
    opens = (g["y"].cumsum() - frame["y"]).groupby([frame.u, frame.t]).transform("min")
    rate = (opens + prior * strength) / (sends + strength)
    return pd.Series(rate.sort_index().to_numpy(), index=df.index, name="past_open_rate")
'''},
    {"answer": "ch01_past_rate", "kind": "plausible", "why": "returns the rates in (user, time) order, not df's",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    for col in (user_col, time_col, label_col):
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 <= prior <= 1 or not strength > 0:
        raise ValueError(f"bad prior {prior} or strength {strength}")
    frame = pd.DataFrame({"u": df[user_col].to_numpy(), "t": df[time_col].to_numpy(), "y": df[label_col].to_numpy(float)})
    frame = frame.sort_values(["u", "t"], kind="stable")
    g = frame.groupby("u", sort=False)
    sends = g.cumcount().astype(float).groupby([frame.u, frame.t]).transform("min")
    opens = (g["y"].cumsum() - frame["y"]).groupby([frame.u, frame.t]).transform("min")
    rate = (opens + prior * strength) / (sends + strength)
    return pd.Series(rate.to_numpy(), index=df.index, name="past_open_rate")
'''},
    {"answer": "ch01_downsample", "kind": "plausible", "why": "keeps a fixed number of negatives, not independent draws",
     "code": '''
def downsample_negatives(y, rate, *, random_state=None):
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, [0, 1]).all():
        raise ValueError("y must be a 1-D array of 0/1 labels")
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    rng = np.random.default_rng(random_state)
    neg = np.flatnonzero(y == 0)
    chosen = rng.choice(neg, size=int(round(rate * len(neg))), replace=False)
    return np.sort(np.concatenate([np.flatnonzero(y == 1), chosen]))
'''},
    {"answer": "ch01_downsample", "kind": "plausible", "why": "returns a Series' index labels instead of positions",
     "code": '''
def downsample_negatives(y, rate, *, random_state=None):
    labels = pd.Series(y)
    y = labels.to_numpy()
    if y.ndim != 1 or not np.isin(y, [0, 1]).all():
        raise ValueError("y must be a 1-D array of 0/1 labels")
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    rng = np.random.default_rng(random_state)
    keep = (y == 1) | (rng.random(len(y)) < rate)
    return np.sort(labels.index.to_numpy()[keep])
'''},
    {"answer": "ch01_correct", "kind": "plausible", "why": "keeps the input's dtype, so float32 stays float32",
     "code": '''
def correct_downsampled(p, rate):
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    arr = np.asarray(p)
    if np.any((arr < 0) | (arr > 1)) or np.any(np.isnan(arr)):
        raise ValueError("p must be in [0, 1]")
    q = arr / (arr + (1 - arr) / rate)
    return q if arr.ndim else q[()]
'''},
    {"answer": "ch01_correct", "kind": "plausible", "why": "divides the odds by the rate instead of multiplying",
     "code": '''
def correct_downsampled(p, rate):
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    arr = np.asarray(p, dtype=float)
    if np.any((arr < 0) | (arr > 1)) or np.any(np.isnan(arr)):
        raise ValueError("p must be in [0, 1]")
    q = arr / (arr + (1 - arr) * rate)
    return float(q) if arr.ndim == 0 else q
'''},
    {"answer": "ch01_correct", "kind": "plausible", "why": "NaN slips through the range check",
     "code": '''
def correct_downsampled(p, rate):
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    arr = np.asarray(p, dtype=float)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError("p must be in [0, 1]")
    q = arr / (arr + (1 - arr) / rate)
    return float(q) if arr.ndim == 0 else q
'''},
    {"answer": "ch01_prf", "kind": "plausible", "why": "a zero division gives nan (np.divide) instead of 0.0",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or t.shape != p.shape or t.size == 0 or not (np.isin(t, [0, 1]).all() and np.isin(p, [0, 1]).all()):
        raise ValueError("bad input")
    tp = np.sum((t == 1) & (p == 1)); fp = np.sum((t == 0) & (p == 1)); fn = np.sum((t == 1) & (p == 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.float64(tp) / (tp + fp)
        recall = np.float64(tp) / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)
'''},
    {"answer": "ch01_prf", "kind": "plausible", "why": "treats any non-zero label as positive (accepts 2, -1, 0.5)",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if t.ndim != 1 or t.shape != p.shape or t.size == 0 or np.isnan(t).any() or np.isnan(p).any():
        raise ValueError("bad input")
    t, p = t != 0, p != 0
    tp = float(np.sum(t & p)); fp = float(np.sum(~t & p)); fn = float(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0
'''},
    {"answer": "ch01_prf", "kind": "plausible", "why": "swaps precision and recall",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or t.shape != p.shape or t.size == 0 or not (np.isin(t, [0, 1]).all() and np.isin(p, [0, 1]).all()):
        raise ValueError("bad input")
    tp = float(np.sum((t == 1) & (p == 1))); fp = float(np.sum((t == 0) & (p == 1))); fn = float(np.sum((t == 1) & (p == 0)))
    precision = tp / (tp + fn) if tp + fn else 0.0
    recall = tp / (tp + fp) if tp + fp else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0
'''},
    {"answer": "ch01_auc", "kind": "plausible", "why": "counts a tie as a lost pair, not half",
     "code": '''
def roc_auc(y_true, scores):
    t, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    if t.shape != s.shape or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    pos, neg = s[t == 1], np.sort(s[t == 0])
    if not len(pos) or not len(neg):
        raise ValueError("need both classes")
    return float(np.searchsorted(neg, pos, side="left").sum() / (len(pos) * len(neg)))
'''},
    {"answer": "ch01_auc", "kind": "plausible", "why": "ranks start from 0, not 1",
     "code": '''
def roc_auc(y_true, scores):
    t, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    if t.shape != s.shape or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    n_pos, n_neg = int((t == 1).sum()), int((t == 0).sum())
    if not n_pos or not n_neg:
        raise ValueError("need both classes")
    order = np.argsort(s, kind="stable")
    sorted_s = s[order]
    ranks = np.empty(len(s))
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + b - 1) / 2
    return float((ranks[t == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
'''},
    {"answer": "ch01_logloss", "kind": "plausible", "why": "keeps float32, where 1 - eps rounds to 1",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    t, q = np.asarray(y_true, dtype=float), np.asarray(p)
    if q.dtype.kind != "f":
        q = q.astype(float)
    if t.shape != q.shape or t.ndim != 1 or t.size == 0 or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    if np.any((q < 0) | (q > 1)) or np.any(np.isnan(q)):
        raise ValueError("p must be in [0, 1]")
    q = np.clip(q, eps, 1 - eps)
    with np.errstate(divide="ignore"):
        return float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))
'''},
    {"answer": "ch01_logloss", "kind": "plausible", "why": "clips only from below",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    t, q = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    if t.shape != q.shape or t.ndim != 1 or t.size == 0 or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    if np.any((q < 0) | (q > 1)) or np.any(np.isnan(q)):
        raise ValueError("p must be in [0, 1]")
    q = np.maximum(q, eps)
    with np.errstate(divide="ignore"):
        return float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))
'''},
    {"answer": "ch01_logloss", "kind": "plausible", "why": "NaN probabilities pass the range check",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    t, q = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    if t.shape != q.shape or t.ndim != 1 or t.size == 0 or not np.isin(t, [0, 1]).all():
        raise ValueError("bad input")
    if np.any((q < 0) | (q > 1)):
        raise ValueError("p must be in [0, 1]")
    q = np.clip(q, eps, 1 - eps)
    return float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))
'''},
    {"answer": "ch01_send_policy", "kind": "plausible", "why": "a score equal to the threshold does not qualify",
     "code": _PLAN_CHECKS + '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    _mut_check(df, threshold, daily_cap, (user_col, time_col, score_col))
    f = pd.DataFrame({"u": df[user_col].to_numpy(), "d": df[time_col].dt.normalize().to_numpy(),
                      "t": df[time_col].to_numpy(), "s": df[score_col].to_numpy(dtype=float), "pos": np.arange(len(df))})
    q = f[f.s > threshold].sort_values(["u", "d", "s", "t", "pos"], ascending=[True, True, False, True, True])
    send = np.zeros(len(df), bool)
    send[q.loc[q.groupby(["u", "d"]).cumcount() < daily_cap, "pos"].to_numpy()] = True
    return pd.Series(send, index=df.index, name="send")
'''},
    {"answer": "ch01_send_policy", "kind": "plausible", "why": "breaks ties by index label instead of row position",
     "code": _PLAN_CHECKS + '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    _mut_check(df, threshold, daily_cap, (user_col, time_col, score_col))
    f = pd.DataFrame({"u": df[user_col].to_numpy(), "d": df[time_col].dt.normalize().to_numpy(),
                      "t": df[time_col].to_numpy(), "s": df[score_col].to_numpy(dtype=float),
                      "label": df.index.to_numpy(), "pos": np.arange(len(df))})
    q = f[f.s >= threshold].sort_values(["u", "d", "s", "t", "label"], ascending=[True, True, False, True, True])
    send = np.zeros(len(df), bool)
    send[q.loc[q.groupby(["u", "d"]).cumcount() < daily_cap, "pos"].to_numpy()] = True
    return pd.Series(send, index=df.index, name="send")
'''},
    {"answer": "ch01_send_policy", "kind": "plausible", "why": "unstable sort on score and time, so the row-order tie rule is lost",
     "code": _PLAN_CHECKS + '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    _mut_check(df, threshold, daily_cap, (user_col, time_col, score_col))
    f = pd.DataFrame({"u": df[user_col].to_numpy(), "d": df[time_col].dt.normalize().to_numpy(),
                      "t": df[time_col].to_numpy(), "s": df[score_col].to_numpy(dtype=float), "pos": np.arange(len(df))})
    f = f[f.s >= threshold]
    order = np.argsort(-f["s"].to_numpy(), kind="quicksort")
    f = f.iloc[order]
    f = f.iloc[np.argsort(f["t"].to_numpy(), kind="quicksort")]
    q = f.sort_values(["u", "d", "s"], ascending=[True, True, False], kind="quicksort")
    send = np.zeros(len(df), bool)
    send[q.loc[q.groupby(["u", "d"]).cumcount() < daily_cap, "pos"].to_numpy()] = True
    return pd.Series(send, index=df.index, name="send")
'''},
]

# --- delegation through an aliased import: checks.forbid disables the object itself ---------------------
MUTANTS += [
    {"answer": "ch01_auc", "kind": "plausible", "why": "delegates to sklearn through an aliased import (roc_auc_score as _auc)",
     "code": '''
from sklearn.metrics import roc_auc_score as _auc
def roc_auc(y_true, scores):
    t = np.asarray(y_true)
    if len(t) != len(scores) or not np.isin(t, [0, 1]).all() or len(set(t.tolist())) < 2:
        raise ValueError("bad")
    return float(_auc(t, np.asarray(scores, dtype=float)))
'''},
    {"answer": "ch01_prf", "kind": "plausible", "why": "delegates to sklearn through an aliased import (precision_recall_fscore_support as _prfs)",
     "code": '''
from sklearn.metrics import precision_recall_fscore_support as _prfs
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or t.shape != p.shape or t.size == 0 or not (np.isin(t, [0, 1]).all() and np.isin(p, [0, 1]).all()):
        raise ValueError("bad")
    return tuple(float(v) for v in _prfs(t, p, average="binary", zero_division=0)[:3])
'''},
    {"answer": "ch01_logloss", "kind": "plausible", "why": "delegates to sklearn through an aliased import (log_loss as _ll)",
     "code": '''
from sklearn.metrics import log_loss as _ll
def log_loss(y_true, p, *, eps=1e-15):
    t, q = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    if t.ndim != 1 or t.shape != q.shape or t.size == 0 or not np.isin(t, [0, 1]).all() or np.any((q < 0) | (q > 1)) or np.isnan(q).any():
        raise ValueError("bad")
    return float(_ll(t, np.clip(q, eps, 1 - eps), labels=[0, 1]))
'''},
]

# --- repeated index labels: label-based assignment writes every row that shares a label --------------------
MUTANTS += [
    {"answer": "ch01_past_rate", "kind": "plausible", "why": "writes results back by index label (breaks on repeated labels)",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    for col in (user_col, time_col, label_col):
        if col not in df.columns:
            raise ValueError(f"column {col!r} is missing")
    if not 0 <= prior <= 1 or not strength > 0:
        raise ValueError(f"bad prior {prior} or strength {strength}")
    frame = df[[user_col, time_col, label_col]].sort_values([user_col, time_col], kind="stable")
    y = frame[label_col].astype(float)
    g = frame.groupby(user_col, sort=False)
    sends = g.cumcount().astype(float).groupby([frame[user_col], frame[time_col]]).transform("min")
    opens = (g[label_col].cumsum() - y).groupby([frame[user_col], frame[time_col]]).transform("min")
    rate = (opens + prior * strength) / (sends + strength)
    out = pd.Series(0.0, index=df.index, name="past_open_rate")
    for label, value in zip(rate.index, rate.to_numpy()):
        out.loc[label] = value
    return out
'''},
    {"answer": "ch01_send_policy", "kind": "plausible", "why": "marks the chosen rows by index label (breaks on repeated labels)",
     "code": _PLAN_CHECKS + '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    _mut_check(df, threshold, daily_cap, (user_col, time_col, score_col))
    f = pd.DataFrame({"u": df[user_col].to_numpy(), "d": df[time_col].dt.normalize().to_numpy(),
                      "t": df[time_col].to_numpy(), "s": df[score_col].to_numpy(dtype=float),
                      "pos": np.arange(len(df))}, index=df.index)
    q = f[f.s >= threshold].sort_values(["u", "d", "s", "t", "pos"], ascending=[True, True, False, True, True])
    chosen = q[q.groupby(["u", "d"]).cumcount() < daily_cap].index
    send = pd.Series(False, index=df.index, name="send")
    send.loc[chosen] = True
    return send
'''},
]

# --- correct alternatives: different algorithms that must keep every point ---------------------------------
ALTERNATIVES = [
    {"answer": "ch01_capacity", "kind": "correct", "why": "explicit type tuple, storage from mean_qps * seconds",
     "code": '''
def estimate_capacity(daily_users, events_per_user, bytes_per_event, retention_days, *, peak_to_mean=3.0, replication=3):
    named = [("daily_users", daily_users, 0), ("events_per_user", events_per_user, 0),
             ("bytes_per_event", bytes_per_event, 0), ("retention_days", retention_days, 0),
             ("peak_to_mean", peak_to_mean, 1), ("replication", replication, 1)]
    for name, value, at_least in named:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
        value = float(value)
        if value != value or value <= 0 or value < at_least:
            raise ValueError(f"{name} must be positive" + (" and at least 1" if at_least else "") + f", got {value}")
    mean_qps = float(daily_users) * float(events_per_user) / 86_400.0
    stored = mean_qps * 86_400.0 * float(retention_days) * float(bytes_per_event) * float(replication)
    return dict(mean_qps=mean_qps, peak_qps=mean_qps * float(peak_to_mean), storage_tb=stored / 10.0**12)
'''},
    {"answer": "ch01_time_split", "kind": "correct", "why": "NumPy masks and a stable argsort of positions",
     "code": '''
def time_split(df, *, time_col, cutoff, gap="0s"):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, got {type(df).__name__}")
    if time_col not in df.columns:
        raise ValueError(f"no column named {time_col!r}")
    col = df[time_col]
    if not pd.api.types.is_datetime64_any_dtype(col.dtype):
        raise TypeError(f"{time_col} must be a datetime column")
    start, delay = pd.Timestamp(cutoff), pd.Timedelta(gap)
    if delay.value < 0:
        raise ValueError(f"gap must be >= 0, got {delay}")
    parts = []
    for keep in ((col < start).to_numpy(), (col >= start + delay).to_numpy()):
        rows = np.flatnonzero(keep)
        if rows.size == 0:
            raise ValueError("one part of the split would be empty")
        parts.append(df.iloc[rows[np.argsort(col.to_numpy()[rows], kind="stable")]])
    return parts[0], parts[1]
'''},
    {"answer": "ch01_past_rate", "kind": "correct", "why": "per-user searchsorted on sorted times and cumulative opens",
     "code": '''
def past_open_rate(df, *, user_col="user_id", time_col="sent_at", label_col="opened", prior=0.04, strength=10.0):
    missing = [c for c in (user_col, time_col, label_col) if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    if not (0 <= prior <= 1):
        raise ValueError(f"prior {prior} is not in [0, 1]")
    if not (strength > 0):
        raise ValueError(f"strength {strength} must be > 0")
    users = df[user_col].to_numpy()
    times = df[time_col].to_numpy()
    labels = df[label_col].to_numpy(dtype=np.float64)
    out = np.empty(len(df), dtype=np.float64)
    codes = pd.factorize(users)[0]
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        order = np.argsort(times[rows], kind="stable")
        t_sorted = times[rows][order]
        opens_cum = np.concatenate([[0.0], np.cumsum(labels[rows][order])])
        before = np.searchsorted(t_sorted, times[rows], side="left")
        out[rows] = (opens_cum[before] + prior * strength) / (before + strength)
    return pd.Series(out, index=df.index, name="past_open_rate")
'''},
    {"answer": "ch01_downsample", "kind": "correct", "why": "draws only for the negatives, then merges with the positives",
     "code": '''
def downsample_negatives(y, rate, *, random_state=None):
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError("y must be 1-D")
    if not ((labels == 0) | (labels == 1)).all():
        raise ValueError("y must hold only 0 and 1")
    if not (rate > 0 and rate <= 1):
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    rng = np.random.default_rng(random_state)
    negatives = np.flatnonzero(labels == 0)
    kept = negatives[rng.binomial(1, rate, size=negatives.size).astype(bool)]
    return np.sort(np.concatenate([np.flatnonzero(labels == 1), kept])).astype(np.int64)
'''},
    {"answer": "ch01_correct", "kind": "correct", "why": "the odds form rate * p / (rate * p + 1 - p)",
     "code": '''
def correct_downsampled(p, rate):
    if not (rate > 0 and rate <= 1):
        raise ValueError(f"rate must be in (0, 1], got {rate}")
    arr = np.array(p, dtype=np.float64)
    if not np.all((arr >= 0) & (arr <= 1)):
        raise ValueError("every p must be a probability in [0, 1]")
    odds_part = float(rate) * arr
    out = odds_part / (odds_part + (1.0 - arr))
    return out.item() if out.ndim == 0 else out
'''},
    {"answer": "ch01_prf", "kind": "correct", "why": "confusion counts from np.bincount(2 * t + p)",
     "code": '''
def precision_recall_f1(y_true, y_pred):
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if t.ndim != 1 or p.ndim != 1 or len(t) != len(p) or len(t) == 0:
        raise ValueError("inputs must be non-empty 1-D arrays of one length")
    if not (np.isin(t, (0.0, 1.0)).all() and np.isin(p, (0.0, 1.0)).all()):
        raise ValueError("labels and predictions must be 0 or 1")
    tn, fp, fn, tp = np.bincount((2 * t + p).astype(int), minlength=4)
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
    return float(precision), float(recall), float(f1)
'''},
    {"answer": "ch01_auc", "kind": "correct", "why": "scipy.stats.rankdata average ranks",
     "code": '''
from scipy.stats import rankdata

def roc_auc(y_true, scores):
    t, s = np.asarray(y_true, dtype=float), np.asarray(scores, dtype=np.float64)
    if t.ndim != 1 or len(t) != len(s):
        raise ValueError("y_true and scores must be 1-D and equally long")
    if not np.isin(t, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    n_pos = int(t.sum()); n_neg = len(t) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("both classes are needed")
    r = rankdata(s, method="average")
    return float((r[t == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))
'''},
    {"answer": "ch01_logloss", "kind": "correct", "why": "np.where on the label with log1p for the negatives",
     "code": '''
def log_loss(y_true, p, *, eps=1e-15):
    t = np.asarray(y_true, dtype=np.float64)
    q = np.asarray(p, dtype=np.float64)
    if t.ndim != 1 or q.ndim != 1 or t.size != q.size or t.size == 0:
        raise ValueError("y_true and p must be non-empty 1-D arrays of one length")
    if not ((t == 0) | (t == 1)).all():
        raise ValueError("labels must be 0 or 1")
    if not ((q >= 0) & (q <= 1)).all():
        raise ValueError("probabilities must be in [0, 1]")
    q = np.minimum(np.maximum(q, eps), 1 - eps)
    per_row = np.where(t == 1, np.log(q), np.log1p(-q))
    return float(-per_row.sum() / t.size)
'''},
    {"answer": "ch01_send_policy", "kind": "correct", "why": "top daily_cap per (user, day) first, then the threshold",
     "code": '''
def send_plan(df, *, threshold, daily_cap, user_col="user_id", time_col="sent_at", score_col="score"):
    for col in (user_col, time_col, score_col):
        if col not in df.columns:
            raise ValueError(f"df has no column {col!r}")
    if not (threshold >= 0 and threshold <= 1):
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if type(daily_cap) is bool or not isinstance(daily_cap, (int, np.integer)):
        raise TypeError(f"daily_cap must be an int, got {daily_cap!r}")
    if daily_cap < 0:
        raise ValueError("daily_cap must be >= 0")
    scores = df[score_col].to_numpy(dtype=np.float64)
    times = df[time_col].to_numpy()
    groups = {}
    for pos, key in enumerate(zip(df[user_col].to_numpy(), df[time_col].dt.date.to_numpy())):
        groups.setdefault(key, []).append(pos)
    send = np.zeros(len(df), dtype=bool)
    for rows in groups.values():
        best = sorted(rows, key=lambda r: (-scores[r], times[r], r))[:daily_cap]
        for r in best:
            send[r] = scores[r] >= threshold
    return pd.Series(send, index=df.index, name="send")
'''},
]
