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
