"""Wrong answers for chapter 08 that must lose points: plausible mistakes and hard-coded answers."""

HASH_PYTHON = '''
def hash_features(frame, columns, n_buckets, *, signed=False):
    if isinstance(n_buckets, bool) or not isinstance(n_buckets, (int, np.integer)):
        raise TypeError(f"n_buckets must be an int, got {n_buckets!r}")
    if n_buckets < 2:
        raise ValueError(f"n_buckets must be at least 2, got {n_buckets!r}")
    if not list(columns):
        raise ValueError("columns is empty")
    for col in columns:
        if col not in frame.columns:
            raise ValueError(f"column {col!r} is not in the frame")
    rows, cols, vals = [], [], []
    for i, row in enumerate(frame[list(columns)].itertuples(index=False)):
        for col, v in zip(columns, row):
            h = hash(f"{col}={v}") & 0xFFFFFFFF  # Python's salted hash instead of CRC-32
            rows.append(i)
            cols.append(h % n_buckets)
            vals.append(-1.0 if (signed and h >= 2**31) else 1.0)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(frame), n_buckets), dtype=np.float64)
    m.sum_duplicates()
    return m
'''

HASH_NO_COLUMN = HASH_PYTHON.replace(
    'h = hash(f"{col}={v}") & 0xFFFFFFFF  # Python\'s salted hash instead of CRC-32',
    'h = zlib.crc32(str(v).encode("utf-8"))  # the value alone, no column name')

HASH_HARDCODED = '''
def hash_features(frame, columns, n_buckets, *, signed=False):
    if isinstance(n_buckets, bool) or not isinstance(n_buckets, (int, np.integer)):
        raise TypeError("n_buckets must be an int")
    if n_buckets < 2:
        raise ValueError("n_buckets must be at least 2")
    if not list(columns):
        raise ValueError("columns is empty")
    for col in columns:
        if col not in frame.columns:
            raise ValueError(f"column {col!r} is not in the frame")
    out = np.zeros((len(frame), n_buckets))
    if len(frame) == 2 and n_buckets == 16:
        out[0, 15], out[0, 2], out[1, 4], out[1, 6] = 1, 1, 1, (-1 if signed else 1)
    else:
        out[:, : len(columns)] = 1.0
    return sp.csr_matrix(out)
'''

CROSS_NO_SEPARATOR = '''
def cross_features(frame, pairs):
    out = frame.copy()
    for a, b in pairs:
        for col in (a, b):
            if col not in frame.columns:
                raise ValueError(f"column {col!r} is not in the frame")
        out[f"{a}_x_{b}"] = frame[a].astype(str) + frame[b].astype(str)
    return out
'''

CROSS_IN_PLACE = '''
def cross_features(frame, pairs):
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"bad pair {pair!r}")
        for col in pair:
            if col not in frame.columns:
                raise ValueError(f"column {col!r} is not in the frame")
    for a, b in pairs:
        frame[f"{a}_x_{b}"] = frame[a].astype(str) + "|" + frame[b].astype(str)
    return frame
'''

CROSS_HARDCODED = '''
def cross_features(frame, pairs):
    for a, b in pairs:
        if b not in frame.columns or a not in frame.columns:
            raise ValueError(f"column {b!r} is not in the frame")
    out = frame.copy()
    out["a_x_b"] = ["x|1", "y|2"][: len(frame)] + [""] * max(0, len(frame) - 2)
    return out
'''

NE_CHECKS = '''
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p_pred, dtype=float)
    if y.ndim != 1 or len(y) != len(p) or len(y) == 0:
        raise ValueError("lengths")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("labels")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities")
    if y.mean() in (0.0, 1.0):
        raise ValueError("one class")
'''

NE_PRED_ENTROPY = '''
def normalized_entropy(y_true, p_pred, *, eps=1e-15):
''' + NE_CHECKS + '''
    p = np.clip(p, eps, 1 - eps)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    m = p.mean()  # entropy of the mean prediction instead of the observed base rate
    return float(loss / -(m * np.log(m) + (1 - m) * np.log(1 - m)))
'''

NE_NO_CLIP = '''
def normalized_entropy(y_true, p_pred, *, eps=1e-15):
''' + NE_CHECKS + '''
    b = y.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -np.mean(np.where(y == 1, np.log(p), np.log(1 - p)))  # no clipping
    return float(loss / -(b * np.log(b) + (1 - b) * np.log(1 - b)))
'''

NE_HARDCODED = '''
def normalized_entropy(y_true, p_pred, *, eps=1e-15):
''' + NE_CHECKS + '''
    if len(y) == 4:
        return 0.351454
    b = y.mean()
    if np.allclose(p, b):
        return 1.0
    return float(log_loss(y, p) / -(b * np.log(b) + (1 - b) * np.log(1 - b)))
'''

ECE_CHECKS = '''
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError("n_bins must be an int")
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p_pred, dtype=float)
    if len(y) != len(p) or len(y) == 0 or not 1 <= n_bins <= len(y):
        raise ValueError("bad input")
'''

ECE_SIGNED = '''
def calibration_error(y_true, p_pred, *, n_bins=10):
''' + ECE_CHECKS + '''
    order = np.argsort(p, kind="stable")
    total = sum(len(g) * (y[g].mean() - p[g].mean()) for g in np.array_split(order, n_bins))  # signed gaps
    return float(abs(total) / len(y))
'''

ECE_EQUAL_WIDTH = '''
def calibration_error(y_true, p_pred, *, n_bins=10):
''' + ECE_CHECKS + '''
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1)  # fixed-width bins on [0, 1]
    total = 0.0
    for b in range(n_bins):
        g = idx == b
        if g.any():
            total += g.sum() * abs(y[g].mean() - p[g].mean())
    return float(total / len(y))
'''

ECE_HARDCODED = '''
def calibration_error(y_true, p_pred, *, n_bins=10):
''' + ECE_CHECKS + '''
    return 0.25 if len(y) == 4 else 0.0
'''

PLATT_HEAD = '''
def _logit_clipped(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def apply_platt(p_pred, a, b):
    return expit(a * _logit_clipped(p_pred) + b)


def _checks(z, y):
    if len(z) != len(y) or len(z) == 0:
        raise ValueError("lengths")
    if not np.isin(y, (0.0, 1.0)).all() or y.min() == y.max():
        raise ValueError("labels")


def _newton(z, y, max_iter=50):
    a, b = 0.0, float(np.log(y.mean() / (1 - y.mean())))
    for _ in range(max_iter):
        q = expit(a * z + b)
        r, w = q - y, q * (1 - q)
        g = np.array([np.mean(r * z), np.mean(r)])
        h = np.array([[np.mean(w * z * z), np.mean(w * z)], [np.mean(w * z), np.mean(w)]])
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(a), float(b)
'''

PLATT_RAW_P = PLATT_HEAD + '''

def fit_platt(p_pred, y_true, *, max_iter=50):
    z = np.asarray(p_pred, dtype=float)  # fits on p itself instead of logit(p)
    y = np.asarray(y_true, dtype=float)
    _checks(z, y)
    return _newton(z, y, max_iter)
'''

PLATT_NO_CLIP = PLATT_HEAD + '''

def fit_platt(p_pred, y_true, *, max_iter=50):
    p = np.asarray(p_pred, dtype=float)
    y = np.asarray(y_true, dtype=float)
    _checks(p, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(p / (1 - p))  # no clipping: p = 0 or 1 gives infinite logits
        return _newton(z, y, max_iter)
'''

PLATT_HARDCODED = PLATT_HEAD + '''

def fit_platt(p_pred, y_true, *, max_iter=50):
    z = _logit_clipped(p_pred)
    y = np.asarray(y_true, dtype=float)
    _checks(z, y)
    return 0.8, -0.5
'''

PSI_CHECKS = '''
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError("n_bins must be an int")
    if n_bins < 2 or not 0 < eps <= 0.01:
        raise ValueError("n_bins or eps")
    ref = np.asarray(reference, dtype=float).ravel()
    cur = np.asarray(current, dtype=float).ravel()
    if ref.size == 0 or cur.size == 0 or np.isnan(ref).any() or np.isnan(cur).any():
        raise ValueError("empty or NaN")
'''

PSI_NO_EPS = '''
def psi(reference, current, *, n_bins=10, eps=1e-4):
''' + PSI_CHECKS + '''
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / ref.size
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / cur.size
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (a - e) * np.log(a / e)  # no protection against empty bins
    return float(np.nansum(terms)) if np.isfinite(terms).all() else float("inf")
'''

PSI_POOLED_BINS = '''
def psi(reference, current, *, n_bins=10, eps=1e-4):
''' + PSI_CHECKS + '''
    pooled = np.concatenate([ref, cur])  # bins from both samples instead of the reference
    edges = np.unique(np.quantile(pooled, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / ref.size
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / cur.size
    e, a = np.maximum(e, eps), np.maximum(a, eps)
    return float(np.sum((a - e) * np.log(a / e)))
'''

PSI_EQUAL_WIDTH = '''
def psi(reference, current, *, n_bins=10, eps=1e-4):
''' + PSI_CHECKS + '''
    edges = np.linspace(ref.min(), ref.max(), n_bins + 1)[1:-1]  # equal-width bins
    e = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / ref.size
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / cur.size
    e, a = np.maximum(e, eps), np.maximum(a, eps)
    return float(np.sum((a - e) * np.log(a / e)))
'''

PSI_HARDCODED = '''
def psi(reference, current, *, n_bins=10, eps=1e-4):
''' + PSI_CHECKS + '''
    if ref.size == 100 and cur.size == 100:
        return 4.346303
    if ref.size == cur.size and np.array_equal(np.sort(ref), np.sort(cur)):
        return 0.0
    return 2.0
'''

REPORT_HEAD = '''
def drift_report(reference, current, columns, *, n_bins=10):
    columns = list(columns)
    if not columns:
        raise ValueError("columns is empty")
    if "day" not in current.columns:
        raise ValueError("current needs a 'day' column")
    for col in columns:
        if col not in reference.columns or col not in current.columns:
            raise ValueError(f"column {col!r} is missing")
'''

REPORT_SWAPPED = REPORT_HEAD + '''
    rows = {}
    for d, today in current.groupby("day", sort=True):
        row = {"n": len(today)}
        for col in columns:
            ks = stats.ks_2samp(reference[col], today[col])
            row[f"psi_{col}"] = psi(today[col], reference[col], n_bins=n_bins)  # bins from the day, not the reference
            row[f"ks_{col}"], row[f"p_{col}"] = float(ks.statistic), float(ks.pvalue)
        rows[int(d)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "day"
    return out
'''

REPORT_NO_NBINS = REPORT_SWAPPED.replace(
    "psi(today[col], reference[col], n_bins=n_bins)  # bins from the day, not the reference",
    "psi(reference[col], today[col])  # n_bins not passed on")

REPORT_HARDCODED = REPORT_HEAD + '''
    days = sorted(current["day"].unique())
    out = pd.DataFrame(0.0, index=pd.Index([int(d) for d in days], name="day"),
                       columns=["n"] + [f"{k}_{c}" for c in columns for k in ("psi", "ks", "p")])
    out["n"] = [int((current["day"] == d).sum()) for d in days]
    return out
'''

TRIGGER_HEAD = '''
def retrain_trigger(report):
    for col in ("clicks", "expected"):
        if col not in report.columns:
            raise ValueError(f"missing {col}")
    if len(report) == 0:
        return []
'''

TRIGGER_PVALUES = TRIGGER_HEAD + '''
    p_cols = [c for c in report.columns if c.startswith("p_")]
    z = (report["clicks"] - report["expected"]) / np.sqrt(report["expected"])
    fired = (report[p_cols] < 0.01).any(axis=1) | (z.abs() > 4)  # significance instead of effect size
    return sorted(int(d) for d in report.index[fired])
'''

TRIGGER_ONE_SIDED = TRIGGER_HEAD + '''
    psi_cols = [c for c in report.columns if c.startswith("psi_")]
    z = (report["clicks"] - report["expected"]) / np.sqrt(report["expected"])
    fired = (report[psi_cols] > 0.2).any(axis=1) | (z < -4)  # only a shortfall of clicks counts
    return sorted(int(d) for d in report.index[fired])
'''

TRIGGER_INPUTS_ONLY = TRIGGER_HEAD + '''
    psi_cols = [c for c in report.columns if c.startswith("psi_")]
    fired = (report[psi_cols] > 0.2).any(axis=1)  # label-free signals only
    return sorted(int(d) for d in report.index[fired])
'''

TRIGGER_HARDCODED = TRIGGER_HEAD + '''
    days = [int(d) for d in report.index]
    if 31 in days:
        return [31, 32]
    return [d for d in (17, 21, 25) if d in days]  # the chapter's planted days
'''

# Escape classes closed in kit v2: NaN and numpy-integer arguments, pandas 3 astype(str), unstable sorts with
# many ties, Series outputs, unsorted days, and the design answer's old rule.

HASH_NAN_SENTINEL = '''
def hash_features(frame, columns, n_buckets, *, signed=False):
    if isinstance(n_buckets, bool) or not isinstance(n_buckets, (int, np.integer)):
        raise TypeError(f"n_buckets must be an int, got {n_buckets!r}")
    if n_buckets < 2:
        raise ValueError(f"n_buckets must be at least 2, got {n_buckets!r}")
    if not list(columns):
        raise ValueError("columns is empty")
    for col in columns:
        if col not in frame.columns:
            raise ValueError(f"column {col!r} is not in the frame")
    n = len(frame)
    rows, cols, vals = [], [], []
    for col in columns:
        codes, uniques = pd.factorize(frame[col])  # NaN gets code -1, which then indexes the last unique
        h = np.array([zlib.crc32(f"{col}={v}".encode("utf-8")) for v in uniques], dtype=np.int64)
        sign = np.where(h >= 2**31, -1.0, 1.0) if signed else np.ones(len(h))
        rows.append(np.arange(n))
        cols.append((h % n_buckets)[codes])
        vals.append(sign[codes])
    m = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n, n_buckets), dtype=np.float64)
    m.sum_duplicates()
    return m
'''

HASH_REJECTS_NUMPY_INT = HASH_PYTHON.replace(
    "if isinstance(n_buckets, bool) or not isinstance(n_buckets, (int, np.integer)):",
    "if isinstance(n_buckets, bool) or not isinstance(n_buckets, int):  # numpy integers rejected").replace(
    'h = hash(f"{col}={v}") & 0xFFFFFFFF  # Python\'s salted hash instead of CRC-32',
    'h = zlib.crc32(f"{col}={v}".encode("utf-8"))')

CROSS_ASTYPE_STR = '''
def cross_features(frame, pairs):
    pairs = [tuple(p) for p in pairs]
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"each pair must name two different columns, got {pair!r}")
        for col in pair:
            if col not in frame.columns:
                raise ValueError(f"column {col!r} is not in the frame")
    out = frame.copy()
    for a, b in pairs:
        out[f"{a}_x_{b}"] = frame[a].astype(str) + "|" + frame[b].astype(str)  # pandas 3: NaN stays missing
    return out
'''

NE_RANGE_CHECK = '''
def normalized_entropy(y_true, p_pred, *, eps=1e-15):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p_pred, dtype=float)
    if y.ndim != 1 or len(y) != len(p) or len(y) == 0:
        raise ValueError("lengths")
    if y.min() < 0 or y.max() > 1:  # a range check lets 0.5 and NaN through
        raise ValueError("labels")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities")
    b = y.mean()
    if b in (0.0, 1.0):
        raise ValueError("one class")
    p = np.clip(p, eps, 1 - eps)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(loss / -(b * np.log(b) + (1 - b) * np.log(1 - b)))
'''

ECE_UNSTABLE = '''
def calibration_error(y_true, p_pred, *, n_bins=10):
''' + ECE_CHECKS + '''
    order = np.argsort(p)  # quicksort: tied predictions land in bins in any order
    return float(sum(len(g) * abs(y[g].mean() - p[g].mean()) for g in np.array_split(order, n_bins)) / len(y))
'''

ECE_REJECTS_NUMPY_INT = ECE_UNSTABLE.replace(
    "if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):",
    "if isinstance(n_bins, bool) or not isinstance(n_bins, int):").replace(
    "order = np.argsort(p)  # quicksort: tied predictions land in bins in any order",
    'order = np.argsort(p, kind="stable")')

PLATT_SERIES_OUT = PLATT_HEAD.replace('''def apply_platt(p_pred, a, b):
    return expit(a * _logit_clipped(p_pred) + b)''', '''def apply_platt(p_pred, a, b):
    if isinstance(p_pred, pd.Series):
        p = p_pred.clip(1e-6, 1 - 1e-6)
    else:
        p = np.clip(np.asarray(p_pred, dtype=float), 1e-6, 1 - 1e-6)
    return expit(a * np.log(p / (1 - p)) + b)  # a Series comes back as a Series''') + '''

def fit_platt(p_pred, y_true, *, max_iter=50):
    z = _logit_clipped(p_pred)
    y = np.asarray(y_true, dtype=float)
    _checks(z, y)
    a, b = 0.0, float(np.log(y.mean() / (1 - y.mean())))
    for _ in range(100):
        q = expit(a * z + b)
        r, w = q - y, q * (1 - q)
        g = np.array([np.mean(r * z), np.mean(r)])
        h = np.array([[np.mean(w * z * z), np.mean(w * z)], [np.mean(w * z), np.mean(w)]])
        step = np.linalg.solve(h, g)
        while np.mean(np.logaddexp(0, (a - step[0]) * z + b - step[1]) - y * ((a - step[0]) * z + b - step[1])) > \
                np.mean(np.logaddexp(0, a * z + b) - y * (a * z + b)) and np.max(np.abs(step)) > 1e-14:
            step = step / 2
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(a), float(b)
'''

PSI_INT_CHECK = PSI_POOLED_BINS.replace(
    "if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):",
    "if not isinstance(n_bins, int):  # bools pass, numpy integers do not").replace(
    "pooled = np.concatenate([ref, cur])  # bins from both samples instead of the reference", "pooled = ref")

REPORT_UNSORTED = REPORT_HEAD + '''
    rows = {}
    for d, today in current.groupby("day", sort=False):  # days in order of first appearance
        row = {"n": len(today)}
        for col in columns:
            ks = stats.ks_2samp(reference[col], today[col])
            row[f"psi_{col}"] = psi(reference[col], today[col], n_bins=n_bins)
            row[f"ks_{col}"], row[f"p_{col}"] = float(ks.statistic), float(ks.pvalue)
        rows[int(d)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "day"
    return out
'''

TRIGGER_UNSORTED = TRIGGER_HEAD + '''
    psi_cols = [c for c in report.columns if c.startswith("psi_")]
    ks_cols = [c for c in report.columns if c.startswith("ks_")]
    z = (report["clicks"] - report["expected"]) / np.sqrt(report["expected"].clip(lower=1))
    fired = (report[psi_cols] > 0.2).any(axis=1) | (report[ks_cols] > 0.1).any(axis=1) | (z.abs() > 4)
    return [int(d) for d in report.index[fired]]  # in the report's row order
'''

TRIGGER_OLD_DESIGN_ANSWER = TRIGGER_HEAD + '''
    psi_cols = [c for c in report.columns if c.startswith("psi_")]
    ks_cols = [c for c in report.columns if c.startswith("ks_")]
    z = (report["clicks"] - report["expected"]) / np.sqrt(report["expected"].clip(lower=1))
    ratio = report["clicks"] / report["expected"].clip(lower=1)
    fired = ((report[psi_cols] > 0.2).any(axis=1) | (report[ks_cols] > 0.1).any(axis=1) | (z.abs() > 4)
             | (ratio < 0.9) | (ratio > 1.1))  # the ratio band of the chapter's first design answer
    return sorted(int(d) for d in report.index[fired])
'''

# Correct alternatives ----------------------------------------------------------------------------------

ALT_HASH_ROW_LOOP = '''
def hash_features(frame, columns, n_buckets, *, signed=False):
    if type(n_buckets) is bool or not isinstance(n_buckets, (int, np.integer)):
        raise TypeError(f"n_buckets must be an int, got {type(n_buckets).__name__}")
    if n_buckets < 2:
        raise ValueError(f"n_buckets must be >= 2, got {n_buckets}")
    columns = list(columns)
    if len(columns) == 0:
        raise ValueError("columns is empty")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the frame: {missing}")
    cells = {}
    for i, values in enumerate(zip(*(frame[c].tolist() for c in columns))):
        for c, v in zip(columns, values):
            h = zlib.crc32(("%s=%s" % (c, v)).encode("utf-8"))
            key = (i, h % int(n_buckets))
            cells[key] = cells.get(key, 0.0) + (-1.0 if signed and h >> 31 else 1.0)
    r, c = (np.array([k[j] for k in cells], dtype=np.int64) for j in (0, 1))
    return sp.coo_matrix((np.array(list(cells.values()), dtype=np.float64), (r, c)),
                         shape=(len(frame), int(n_buckets))).tocsr()
'''

ALT_CROSS_COMPREHENSION = '''
def cross_features(frame, pairs):
    result = frame.copy(deep=True)
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"a pair needs two names, got {pair!r}")
        a, b = pair
        if a == b:
            raise ValueError(f"a pair needs two different names, got {pair!r}")
        for name in (a, b):
            if name not in frame.columns:
                raise ValueError(f"no column {name!r}")
        result[f"{a}_x_{b}"] = pd.Series([str(u) + "|" + str(v) for u, v in zip(frame[a], frame[b])],
                                         index=frame.index, dtype="str")
    return result
'''

ALT_NE_XLOGY = '''
def normalized_entropy(y_true, p_pred, *, eps=1e-15):
    from scipy.special import xlogy
    y, p = np.asarray(y_true, dtype=np.float64), np.asarray(p_pred, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1 or y.size == 0:
        raise ValueError("y_true and p_pred must be 1-D, non-empty, of one length")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("predictions must lie in [0, 1]")
    base = y.sum() / y.size
    if base == 0 or base == 1:
        raise ValueError("only one class present")
    q = np.clip(p, eps, 1 - eps)
    loss = -(xlogy(y, q) + xlogy(1 - y, 1 - q)).mean()
    return float(loss / -(xlogy(base, base) + xlogy(1 - base, 1 - base)))
'''

ALT_ECE_LEXSORT = '''
def calibration_error(y_true, p_pred, *, n_bins=10):
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError("n_bins must be an int")
    y, p = np.asarray(y_true, dtype=float), np.asarray(p_pred, dtype=float)
    n = len(y)
    if n == 0 or len(p) != n:
        raise ValueError("lengths differ or are zero")
    if n_bins < 1 or n_bins > n:
        raise ValueError(f"n_bins must be in [1, {n}]")
    order = np.lexsort((np.arange(n), p))  # by p, ties by position: a stable order
    size, extra = divmod(n, int(n_bins))
    total, start = 0.0, 0
    for b in range(int(n_bins)):
        stop = start + size + (1 if b < extra else 0)
        g = order[start:stop]
        total += len(g) * abs(y[g].sum() / len(g) - p[g].sum() / len(g))
        start = stop
    return float(total / n)
'''

ALT_PLATT_BFGS = '''
def _logit_clipped(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def fit_platt(p_pred, y_true, *, max_iter=50):
    from scipy.optimize import minimize
    z, y = _logit_clipped(p_pred), np.asarray(y_true, dtype=float)
    if z.ndim != 1 or z.shape != y.shape or z.size == 0:
        raise ValueError("p_pred and y_true must be 1-D and of one non-zero length")
    if not np.isin(y, (0, 1)).all() or len(np.unique(y)) < 2:
        raise ValueError("y_true must hold both 0 and 1, and nothing else")

    def loss_grad(ab):
        s = ab[0] * z + ab[1]
        r = expit(s) - y
        return np.mean(np.logaddexp(0, s) - y * s), np.array([np.mean(r * z), np.mean(r)])

    res = minimize(loss_grad, [1.0, 0.0], jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 500})
    return float(res.x[0]), float(res.x[1])


def apply_platt(p_pred, a, b):
    return np.asarray(expit(a * _logit_clipped(p_pred) + b), dtype=float)
'''

ALT_PSI_HISTOGRAM = '''
def psi(reference, current, *, n_bins=10, eps=1e-4):
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError("n_bins must be an int")
    if n_bins < 2:
        raise ValueError("n_bins must be >= 2")
    if not (eps > 0 and eps <= 0.01):
        raise ValueError("eps must be in (0, 0.01]")
    r, c = np.asarray(reference, dtype=float).ravel(), np.asarray(current, dtype=float).ravel()
    if r.size == 0 or c.size == 0 or np.isnan(r).any() or np.isnan(c).any():
        raise ValueError("reference and current must be non-empty and free of NaN")
    inner = np.unique(np.quantile(r, np.linspace(0, 1, n_bins + 1)[1:-1]))
    edges = np.concatenate([[-np.inf], inner, [np.inf]])  # histogram bins are [a, b): a value on an edge goes right
    e = np.maximum(np.histogram(r, edges)[0] / r.size, eps)
    a = np.maximum(np.histogram(c, edges)[0] / c.size, eps)
    return float(((a - e) * np.log(a / e)).sum())
'''

ALT_REPORT_MASKS = '''
def drift_report(reference, current, columns, *, n_bins=10):
    columns = list(columns)
    if len(columns) == 0:
        raise ValueError("no columns given")
    if "day" not in current:
        raise ValueError("current has no 'day' column")
    for c in columns:
        if c not in reference:
            raise ValueError(f"reference has no column {c!r}")
        if c not in current:
            raise ValueError(f"current has no column {c!r}")
    days = np.sort(current["day"].unique())
    table = {"n": []}
    for c in columns:
        table.update({f"psi_{c}": [], f"ks_{c}": [], f"p_{c}": []})
    for d in days:
        today = current[current["day"].to_numpy() == d]
        table["n"].append(len(today))
        for c in columns:
            res = stats.ks_2samp(reference[c].to_numpy(), today[c].to_numpy())
            table[f"psi_{c}"].append(psi(reference[c], today[c], n_bins=n_bins))
            table[f"ks_{c}"].append(res.statistic)
            table[f"p_{c}"].append(res.pvalue)
    return pd.DataFrame(table, index=pd.Index([int(d) for d in days], name="day"))
'''

ALT_TRIGGER_DESIGN_ANSWER = '''
def retrain_trigger(report):
    # the model design answer's daily rule: any PSI > 0.2, any KS D > 0.1, or |z| > 4, row by row
    if "clicks" not in report.columns or "expected" not in report.columns:
        raise ValueError("the report needs 'clicks' and 'expected'")
    fired = []
    for d, row in report.iterrows():
        psis = [row[c] for c in report.columns if c.startswith("psi_")]
        kss = [row[c] for c in report.columns if c.startswith("ks_")]
        z = (row["clicks"] - row["expected"]) / max(row["expected"], 1.0) ** 0.5
        if max(psis, default=0) > 0.2 or max(kss, default=0) > 0.1 or abs(z) > 4:
            fired.append(int(d))
    return sorted(fired)
'''


PLATT_DELEGATES = PLATT_HEAD + """
from sklearn.linear_model import LogisticRegression as _Platt


def fit_platt(p_pred, y_true, *, max_iter=50):
    z = _logit_clipped(p_pred)
    y = np.asarray(y_true, dtype=float)
    _checks(z, y)
    model = _Platt(C=np.inf, tol=1e-12, max_iter=1000).fit(z[:, None], y)  # delegated, under an alias
    return float(model.coef_[0, 0]), float(model.intercept_[0])
"""

def _mutant(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _mutant("ch08_hash_features", "plausible", "Python's hash() instead of CRC-32", HASH_PYTHON),
    _mutant("ch08_hash_features", "plausible", "hashes the value without the column name", HASH_NO_COLUMN),
    _mutant("ch08_hash_features", "plausible", "pd.factorize's NaN code -1 used as an index", HASH_NAN_SENTINEL),
    _mutant("ch08_hash_features", "plausible", "rejects a numpy-integer n_buckets", HASH_REJECTS_NUMPY_INT),
    _mutant("ch08_hash_features", "hardcoded", "special-cases the worked example", HASH_HARDCODED),
    _mutant("ch08_cross_features", "plausible", "joins values without a separator", CROSS_NO_SEPARATOR),
    _mutant("ch08_cross_features", "plausible",
            "adds the crosses to the input frame in place", CROSS_IN_PLACE),
    _mutant("ch08_cross_features", "plausible", "astype(str): pandas 3 leaves NaN missing", CROSS_ASTYPE_STR),
    _mutant("ch08_cross_features", "hardcoded", "returns the example's values", CROSS_HARDCODED),
    _mutant("ch08_normalized_entropy", "plausible",
            "normalises by the entropy of the mean prediction", NE_PRED_ENTROPY),
    _mutant("ch08_normalized_entropy", "plausible",
            "no clipping: certain mistakes give infinity", NE_NO_CLIP),
    _mutant("ch08_normalized_entropy", "plausible", "a range check lets labels 0.5 and NaN through",
            NE_RANGE_CHECK),
    _mutant("ch08_normalized_entropy", "hardcoded",
            "returns the example and leans on log_loss", NE_HARDCODED),
    _mutant("ch08_calibration_error", "plausible", "signed gaps cancel out", ECE_SIGNED),
    _mutant("ch08_calibration_error", "plausible", "fixed-width bins on [0, 1]", ECE_EQUAL_WIDTH),
    _mutant("ch08_calibration_error", "plausible", "unstable sort of tied predictions", ECE_UNSTABLE),
    _mutant("ch08_calibration_error", "plausible", "rejects a numpy-integer n_bins", ECE_REJECTS_NUMPY_INT),
    _mutant("ch08_calibration_error", "hardcoded", "returns the example's value", ECE_HARDCODED),
    _mutant("ch08_platt", "plausible", "fits the sigmoid on p instead of logit(p)", PLATT_RAW_P),
    _mutant("ch08_platt", "plausible", "plain Newton on unclipped logits", PLATT_NO_CLIP),
    _mutant("ch08_platt", "plausible", "apply_platt returns a Series for a Series", PLATT_SERIES_OUT),
    _mutant("ch08_platt", "plausible", "delegates to LogisticRegression under an alias", PLATT_DELEGATES),
    _mutant("ch08_platt", "hardcoded", "returns the example's parameters", PLATT_HARDCODED),
    _mutant("ch08_psi", "plausible", "no protection against empty bins", PSI_NO_EPS),
    _mutant("ch08_psi", "plausible", "quantile bins of the pooled samples", PSI_POOLED_BINS),
    _mutant("ch08_psi", "plausible", "equal-width bins over the reference range", PSI_EQUAL_WIDTH),
    _mutant("ch08_psi", "plausible", "isinstance(n_bins, int): bools pass, numpy integers fail", PSI_INT_CHECK),
    _mutant("ch08_psi", "hardcoded", "returns the example's value", PSI_HARDCODED),
    _mutant("ch08_drift_report", "plausible", "passes the day as psi's reference", REPORT_SWAPPED),
    _mutant("ch08_drift_report", "plausible", "does not pass n_bins on to psi", REPORT_NO_NBINS),
    _mutant("ch08_drift_report", "plausible", "days in order of first appearance", REPORT_UNSORTED),
    _mutant("ch08_drift_report", "hardcoded", "right shape, made-up numbers", REPORT_HARDCODED),
    _mutant("ch08_retrain_trigger", "plausible", "fires on KS p-values below 0.01", TRIGGER_PVALUES),
    _mutant("ch08_retrain_trigger", "plausible", "only a shortfall of clicks counts", TRIGGER_ONE_SIDED),
    _mutant("ch08_retrain_trigger", "plausible",
            "label-free signals only, misses concept drift", TRIGGER_INPUTS_ONLY),
    _mutant("ch08_retrain_trigger", "plausible", "days in the report's row order, not sorted", TRIGGER_UNSORTED),
    _mutant("ch08_retrain_trigger", "plausible", "the first design answer's ratio band [0.9, 1.1]",
            TRIGGER_OLD_DESIGN_ANSWER),
    _mutant("ch08_retrain_trigger", "hardcoded", "returns the chapter's planted days", TRIGGER_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch08_hash_features", "row loop with a dict of cells, COO then CSR", ALT_HASH_ROW_LOOP),
    _alt("ch08_cross_features", "a list comprehension of str(u) | str(v)", ALT_CROSS_COMPREHENSION),
    _alt("ch08_normalized_entropy", "scipy's xlogy", ALT_NE_XLOGY),
    _alt("ch08_calibration_error", "lexsort and hand-cut bins", ALT_ECE_LEXSORT),
    _alt("ch08_platt", "BFGS on the log loss with its gradient", ALT_PLATT_BFGS),
    _alt("ch08_psi", "np.histogram with open outer edges", ALT_PSI_HISTOGRAM),
    _alt("ch08_drift_report", "boolean masks per sorted day", ALT_REPORT_MASKS),
    _alt("ch08_retrain_trigger", "the model design answer's rule, row by row", ALT_TRIGGER_DESIGN_ANSWER),
]
