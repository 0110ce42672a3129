"""Wrong answers for chapter 05 that must lose points, and different correct answers that must keep them."""

# Lab 1: hash_features -----------------------------------------------------------------------------

_HASH_CHECKS = '''
    if isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer)):
        raise TypeError(f"n_features must be an int, got {n_features!r}")
    if n_features < 1:
        raise ValueError(f"n_features must be at least 1, got {n_features}")
    texts = list(texts)
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"texts must hold strings, got {t!r}")
'''

HASH_BINARY = '''
def hash_features(texts, n_features=4096):''' + _HASH_CHECKS + '''
    m = np.zeros((len(texts), int(n_features)))
    for i, t in enumerate(texts):
        for tok in re.findall(r"[a-z0-9]+", t.lower()):
            m[i, zlib.crc32(tok.encode("utf-8")) % int(n_features)] = 1.0  # presence, not counts
    return scipy.sparse.csr_matrix(m)
'''

HASH_NO_LOWER = '''
def hash_features(texts, n_features=4096):''' + _HASH_CHECKS + '''
    m = np.zeros((len(texts), int(n_features)))
    for i, t in enumerate(texts):
        for tok in re.findall(r"[a-zA-Z0-9]+", t):  # keeps capitals: FREE and free differ
            m[i, zlib.crc32(tok.encode("utf-8")) % int(n_features)] += 1.0
    return scipy.sparse.csr_matrix(m)
'''

HASH_SPLIT_SPACES = '''
def hash_features(texts, n_features=4096):''' + _HASH_CHECKS + '''
    m = np.zeros((len(texts), int(n_features)))
    for i, t in enumerate(texts):
        for tok in t.lower().split():  # punctuation stays attached to words
            m[i, zlib.crc32(tok.encode("utf-8")) % int(n_features)] += 1.0
    return scipy.sparse.csr_matrix(m)
'''

HASH_HARDCODED = '''
def hash_features(texts, n_features=4096):''' + _HASH_CHECKS + '''
    m = np.zeros((len(texts), int(n_features)))
    if len(texts) and n_features == 8:
        m[0, [1, 6]] = [1.0, 3.0]
    return scipy.sparse.csr_matrix(m)
'''

ALT_HASH_COUNTER = '''
import collections

def hash_features(texts, n_features=4096):
    if isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer)):
        raise TypeError("n_features must be an int")
    if n_features < 1:
        raise ValueError("n_features must be at least 1")
    n_features = int(n_features)
    data, indices, indptr = [], [], [0]
    for text in texts:
        if not isinstance(text, str):
            raise TypeError("texts must hold strings")
        counts = collections.Counter(zlib.crc32(tok.encode("utf-8")) % n_features
                                     for tok in re.findall(r"[a-z0-9]+", text.lower()))
        for col in sorted(counts):
            indices.append(col)
            data.append(float(counts[col]))
        indptr.append(len(indices))
    return scipy.sparse.csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64),
                                    np.array(indptr, dtype=np.int64)), shape=(len(indptr) - 1, n_features))
'''

# Lab 2: pr_curve ----------------------------------------------------------------------------------

_PR_CHECKS = '''
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.ndim != 1 or len(y) != len(s) or len(y) == 0:
        raise ValueError("bad shapes")
    if not np.all((y == 0) | (y == 1)) or np.isnan(s).any() or y.sum() == 0:
        raise ValueError("bad values")
'''

PR_PER_ITEM = '''
def pr_curve(y_true, scores):''' + _PR_CHECKS + '''
    order = np.argsort(-s, kind="stable")
    tp = np.cumsum(y[order])
    k = np.arange(1, len(y) + 1)
    return tp / k, tp / y.sum(), s[order]  # one point per item: ties are not flagged together
'''

PR_UNSTABLE_TIES = '''
def pr_curve(y_true, scores):''' + _PR_CHECKS + '''
    order = np.argsort(-s)
    s, y = s[order], y[order]
    first = np.r_[True, s[1:] != s[:-1]]  # the FIRST item of each run of ties
    tp = np.cumsum(y)[first]
    return tp / (np.flatnonzero(first) + 1.0), tp / y.sum(), s[first]
'''

PR_ASCENDING = '''
def pr_curve(y_true, scores):''' + _PR_CHECKS + '''
    th = np.unique(s)
    tp = np.array([y[s >= t].sum() for t in th])
    n = np.array([(s >= t).sum() for t in th], dtype=float)
    return tp / n, tp / y.sum(), th  # thresholds from low to high
'''

PR_HARDCODED = '''
def pr_curve(y_true, scores):''' + _PR_CHECKS + '''
    return (np.array([1, 2 / 3, 3 / 4, 3 / 5]), np.array([1 / 3, 2 / 3, 1, 1]), np.array([0.9, 0.8, 0.3, 0.1]))
'''

ALT_PR_UNIQUE = '''
def pr_curve(y_true, scores):''' + _PR_CHECKS + '''
    thresholds, inverse = np.unique(-s, return_inverse=True)  # ascending -s: descending scores
    per_t_pos = np.bincount(inverse, weights=y, minlength=len(thresholds))
    per_t_all = np.bincount(inverse, minlength=len(thresholds)).astype(float)
    tp, flagged = np.cumsum(per_t_pos), np.cumsum(per_t_all)
    return tp / flagged, tp / y.sum(), (-thresholds).astype(np.float64)
'''

# Lab 3: average_precision -------------------------------------------------------------------------

AP_TRAPEZOID = '''
def average_precision(y_true, scores):
    precision, recall, _ = pr_curve(y_true, scores)
    return float(np.trapezoid(np.r_[1.0, precision], np.r_[0.0, recall]))  # linear interpolation
'''

AP_INTERPOLATED = '''
def average_precision(y_true, scores):
    precision, recall, _ = pr_curve(y_true, scores)
    best = np.maximum.accumulate(precision[::-1])[::-1]  # best precision at any higher recall
    return float(np.sum(np.diff(np.r_[0.0, recall]) * best))
'''

AP_PER_ITEM = '''
def average_precision(y_true, scores):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    if y.sum() == 0 or np.isnan(s).any():
        raise ValueError("bad input")
    y = y[np.argsort(-s, kind="stable")]  # ties in input order
    hits = np.cumsum(y)
    return float(np.sum((hits / np.arange(1, len(y) + 1))[y == 1]) / y.sum())
'''

AP_HARDCODED = '''
def average_precision(y_true, scores):
    precision, recall, _ = pr_curve(y_true, scores)
    return 0.8055555555555556 if len(precision) == 4 else 1.0
'''

ALT_AP_MEAN_OVER_POSITIVES = '''
def average_precision(y_true, scores):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.ndim != 1 or len(y) != len(s) or len(y) == 0:
        raise ValueError("bad shapes")
    if not np.all((y == 0) | (y == 1)) or np.isnan(s).any() or y.sum() == 0:
        raise ValueError("bad values")
    order = np.sort(s)
    flagged = len(s) - np.searchsorted(order, s[y == 1], side="left")  # items scoring >= each positive
    pos = np.sort(s[y == 1])
    tp = len(pos) - np.searchsorted(pos, s[y == 1], side="left")
    return float(np.mean(tp / flagged))
'''

# Lab 4: threshold_for_precision -------------------------------------------------------------------

_T_CHECKS = '''
    if isinstance(target, bool) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise TypeError("target must be a number")
    if not 0 < target <= 1:
        raise ValueError("target must be in (0, 1]")
'''

T_FIRST_DROP = '''
def threshold_for_precision(y_true, scores, target):''' + _T_CHECKS + '''
    precision, _, thresholds = pr_curve(y_true, scores)
    best = float("inf")
    for p, t in zip(precision, thresholds):
        if p < target:
            break  # stops at the first dip
        best = float(t)
    return best
'''

T_STRICT = '''
def threshold_for_precision(y_true, scores, target):''' + _T_CHECKS + '''
    precision, _, thresholds = pr_curve(y_true, scores)
    ok = precision > target  # strictly above the target
    return float(thresholds[ok].min()) if ok.any() else float("inf")
'''

T_HARDCODED = '''
def threshold_for_precision(y_true, scores, target):''' + _T_CHECKS + '''
    return {0.7: 0.3, 0.6: 0.1, 0.9: 0.9, 1.0: 0.9}.get(float(target), float("inf"))
'''

ALT_T_REVERSED_SCAN = '''
def threshold_for_precision(y_true, scores, target):
    if isinstance(target, bool) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise TypeError("target must be a number")
    if not (target > 0 and target <= 1):
        raise ValueError("target must be in (0, 1]")
    precision, _, thresholds = pr_curve(y_true, scores)
    for p, t in zip(precision[::-1], thresholds[::-1]):  # from the lowest threshold up
        if p >= target:
            return float(t)
    return float("inf")
'''

# Lab 5: review_queue ------------------------------------------------------------------------------

_Q_CHECKS = '''
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)):
        raise TypeError("capacity must be an int")
    if capacity < 0:
        raise ValueError("capacity must be >= 0")
    p = np.asarray(prob, dtype=float)
    v = np.asarray(expected_views, dtype=float)
    gone = np.zeros(len(p), bool) if removed is None else np.asarray(removed, dtype=bool)
    if p.ndim != 1 or v.ndim != 1 or gone.ndim != 1 or not len(p) == len(v) == len(gone):
        raise ValueError("lengths differ")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any() or np.isnan(v).any() or (v < 0).any():
        raise ValueError("bad values")
'''

Q_UNSTABLE = '''
def review_queue(prob, expected_views, capacity, removed=None):''' + _Q_CHECKS + '''
    priority = np.where(gone, 0.0, p * v)
    order = np.argsort(-priority)  # quicksort: ties in any order
    order = order[priority[order] > 0]
    return order[: int(capacity)].astype(np.int64)
'''

Q_PROB_ONLY = '''
def review_queue(prob, expected_views, capacity, removed=None):''' + _Q_CHECKS + '''
    keep = np.flatnonzero(~gone & (p * v > 0))
    order = keep[np.argsort(-p[keep], kind="stable")]  # ignores the views
    return order[: int(capacity)].astype(np.int64)
'''

Q_KEEPS_REMOVED = '''
def review_queue(prob, expected_views, capacity, removed=None):''' + _Q_CHECKS + '''
    priority = p * v
    keep = np.flatnonzero(priority > 0)  # removed posts still queued
    order = keep[np.argsort(-priority[keep], kind="stable")]
    return order[: int(capacity)].astype(np.int64)
'''

Q_HARDCODED = '''
def review_queue(prob, expected_views, capacity, removed=None):''' + _Q_CHECKS + '''
    return np.array([1, 2] if capacity == 2 else [1, 2, 0][: int(capacity)], dtype=np.int64)
'''

ALT_Q_LEXSORT = '''
def review_queue(prob, expected_views, capacity, removed=None):''' + _Q_CHECKS + '''
    pos = np.arange(len(p))
    priority = p * v
    ok = ~gone & (priority > 0)
    order = np.lexsort((pos[ok], -priority[ok]))
    return pos[ok][order][: int(capacity)].astype(np.int64)
'''

# Lab 6: prevalence_interval -----------------------------------------------------------------------

_W_CHECKS = '''
    if isinstance(z, bool) or not isinstance(z, (int, float, np.integer, np.floating)):
        raise TypeError("z must be a number")
    if not np.isfinite(z) or z <= 0:
        raise ValueError("z must be positive")
    y = np.asarray(harmful, dtype=float)
    if y.ndim != 1 or len(y) == 0 or not np.all((y == 0) | (y == 1)):
        raise ValueError("bad harmful")
    n, p = len(y), float(y.mean())
'''

W_WALD = '''
def prevalence_interval(harmful, z=1.96):''' + _W_CHECKS + '''
    half = z * np.sqrt(p * (1 - p) / n)
    return p, float(max(0.0, p - half)), float(min(1.0, p + half))
'''

W_NO_CORRECTION = '''
def prevalence_interval(harmful, z=1.96):''' + _W_CHECKS + '''
    denom = 1 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n)  # forgets the z^2 / 4n^2 term
    return p, float(max(0.0, centre - half)), float(min(1.0, centre + half))
'''

W_HARDCODED = '''
def prevalence_interval(harmful, z=1.96):''' + _W_CHECKS + '''
    return (p, 0.0010207654, 0.0087831718) if p > 0 else (0.0, 0.0, 0.0038268986)
'''

ALT_W_QUADRATIC = '''
def prevalence_interval(harmful, z=1.96):''' + _W_CHECKS + '''
    k = p * n
    # the two roots in q of (k - n q)^2 = z^2 n q (1 - q)
    a, b, c = n * n + z * z * n, -(2 * k * n + z * z * n), k * k
    root = np.sqrt(max(b * b - 4 * a * c, 0.0))
    return p, float(max(0.0, (-b - root) / (2 * a))), float(min(1.0, (-b + root) / (2 * a)))
'''

# Lab 2: fuse_log_odds -----------------------------------------------------------------------------

_F_CHECKS = '''
    a = np.asarray(p_text, dtype=float)
    b = np.asarray(p_image, dtype=float)
    prior = np.asarray(prior, dtype=float)
    for name, x in (("p_text", a), ("p_image", b)):
        if np.isnan(x).any() or (x < 0).any() or (x > 1).any():
            raise ValueError(f"{name} must lie in [0, 1]")
    if np.isnan(prior).any() or (prior <= 0).any() or (prior >= 1).any():
        raise ValueError("prior must lie in (0, 1)")
'''

FUSE_NO_PRIOR = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    a, b = np.clip(a, 1e-9, 1 - 1e-9), np.clip(b, 1e-9, 1 - 1e-9)
    z = np.log(a / (1 - a)) + np.log(b / (1 - b))  # the prior counted twice
    return 1 / (1 + np.exp(-z))
'''

FUSE_MEAN = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    return np.broadcast_to((a + b) / 2, np.broadcast_shapes(a.shape, b.shape, prior.shape)).astype(np.float64)
'''

FUSE_NO_CLIP = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(a / (1 - a)) + np.log(b / (1 - b)) - np.log(prior / (1 - prior))
        return 1 / (1 + np.exp(-z))
'''

FUSE_HARDCODED = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    shape = np.broadcast_shapes(a.shape, b.shape, prior.shape)
    out = np.where(np.broadcast_to(a, shape) == 0.2, 0.7333333333333333, 0.0396)
    return out.astype(np.float64)
'''

ALT_FUSE_ODDS = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    a, b = np.clip(a, 1e-9, 1 - 1e-9), np.clip(b, 1e-9, 1 - 1e-9)
    odds = (a / (1 - a)) * (b / (1 - b)) * ((1 - prior) / prior)
    return odds / (1 + odds)
'''

ALT_FUSE_SCIPY = '''
def fuse_log_odds(p_text, p_image, prior):''' + _F_CHECKS + '''
    lo, hi = 1e-9, 1 - 1e-9
    z = scipy.special.logit(np.clip(a, lo, hi)) + scipy.special.logit(np.clip(b, lo, hi)) - scipy.special.logit(prior)
    return scipy.special.expit(z).astype(np.float64)
'''

# Lab 5: per_class_ap ------------------------------------------------------------------------------

_C_CHECKS = '''
    Y = np.asarray(Y_true, dtype=float)
    S = np.asarray(P, dtype=float)
    names = list(names)
    if Y.ndim != 2 or Y.shape != S.shape or len(names) != Y.shape[1] or Y.sum() == 0:
        raise ValueError("bad input")
'''

PCA_NAN_AS_ZERO = '''
def per_class_ap(Y_true, P, names):''' + _C_CHECKS + '''
    per = [average_precision(Y[:, j], S[:, j]) if Y[:, j].sum() else np.nan for j in range(Y.shape[1])]
    macro = float(np.mean(np.nan_to_num(per)))  # a class without positives counts as 0
    return pd.Series(per + [macro, average_precision(Y.ravel(), S.ravel())], index=names + ["macro", "micro"])
'''

PCA_MICRO_MEAN = '''
def per_class_ap(Y_true, P, names):''' + _C_CHECKS + '''
    per = [average_precision(Y[:, j], S[:, j]) if Y[:, j].sum() else np.nan for j in range(Y.shape[1])]
    w = Y.sum(axis=0)
    micro = float(np.nansum(np.array(per) * w) / w.sum())  # prevalence-weighted mean, not pooled
    return pd.Series(per + [float(np.nanmean(per)), micro], index=names + ["macro", "micro"])
'''

PCA_HARDCODED = '''
def per_class_ap(Y_true, P, names):''' + _C_CHECKS + '''
    k = len(names)
    return pd.Series([5 / 6] + [np.nan] * (k - 1) + [5 / 6, 0.7], index=names + ["macro", "micro"])
'''

ALT_PCA_STACKED = '''
def per_class_ap(Y_true, P, names):''' + _C_CHECKS + '''
    table = {}
    for j, name in enumerate(names):
        table[name] = average_precision(Y[:, j], S[:, j]) if Y[:, j].any() else float("nan")
    values = pd.Series(table, dtype=np.float64)
    pooled = average_precision(np.concatenate([Y[:, j] for j in range(Y.shape[1])]),
                               np.concatenate([S[:, j] for j in range(S.shape[1])]))
    return pd.concat([values, pd.Series({"macro": values.mean(skipna=True), "micro": pooled})]).astype(np.float64)
'''

# Lab 9: view_weighted_prevalence ------------------------------------------------------------------

_V_CHECKS = '''
    if isinstance(z, bool) or not isinstance(z, (int, float, np.integer, np.floating)):
        raise TypeError("z must be a number")
    if not np.isfinite(z) or z <= 0:
        raise ValueError("z must be positive")
    y = np.asarray(harmful, dtype=float)
    v = np.asarray(views, dtype=float)
    if y.ndim != 1 or v.ndim != 1 or len(y) != len(v) or len(y) < 2:
        raise ValueError("bad shapes")
    if not np.all((y == 0) | (y == 1)) or np.isnan(v).any() or (v < 0).any() or v.sum() == 0:
        raise ValueError("bad values")
    n = len(y)
'''

V_UNWEIGHTED = '''
def view_weighted_prevalence(harmful, views, z=1.96):''' + _V_CHECKS + '''
    p = float(y.mean())  # share of posts, views ignored
    se = np.sqrt(p * (1 - p) / n)
    return p, float(max(0.0, p - z * se)), float(min(1.0, p + z * se))
'''

V_NO_MEAN_DIVISION = '''
def view_weighted_prevalence(harmful, views, z=1.96):''' + _V_CHECKS + '''
    r = float((v * y).sum() / v.sum())
    se = np.sqrt(np.sum((y - r) ** 2) / (n * (n - 1)))  # forgets the view weights in the variance
    return r, float(max(0.0, r - z * se)), float(min(1.0, r + z * se))
'''

V_N_SQUARED = '''
def view_weighted_prevalence(harmful, views, z=1.96):''' + _V_CHECKS + '''
    r = float((v * y).sum() / v.sum())
    se = np.sqrt(np.sum((v * (y - r)) ** 2) / n ** 2) / v.mean()  # n^2 instead of n(n - 1)
    return r, float(max(0.0, r - z * se)), float(min(1.0, r + z * se))
'''

V_HARDCODED = '''
def view_weighted_prevalence(harmful, views, z=1.96):''' + _V_CHECKS + '''
    r = float((v * y).sum() / v.sum())
    return r, 0.0, 0.2200855998
'''

ALT_V_COVARIANCE = '''
def view_weighted_prevalence(harmful, views, z=1.96):''' + _V_CHECKS + '''
    w = v * y
    r = float(w.sum() / v.sum())
    c = np.cov(np.vstack([w, v]), ddof=1)
    var = (c[0, 0] - 2 * r * c[0, 1] + r * r * c[1, 1]) / n / v.mean() ** 2
    se = float(np.sqrt(max(var, 0.0)))
    return r, float(max(0.0, r - z * se)), float(min(1.0, r + z * se))
'''


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch05_hash_features", "plausible", "marks presence instead of counting", HASH_BINARY),
    _m("ch05_hash_features", "plausible", "does not lower-case", HASH_NO_LOWER),
    _m("ch05_hash_features", "plausible", "splits on spaces, keeps punctuation", HASH_SPLIT_SPACES),
    _m("ch05_hash_features", "hardcoded", "returns the worked example", HASH_HARDCODED),
    _m("ch05_fuse_log_odds", "plausible", "prior counted twice", FUSE_NO_PRIOR),
    _m("ch05_fuse_log_odds", "plausible", "averages the probabilities", FUSE_MEAN),
    _m("ch05_fuse_log_odds", "plausible", "no clipping: 0 and 1 give NaN", FUSE_NO_CLIP),
    _m("ch05_fuse_log_odds", "hardcoded", "returns the worked examples", FUSE_HARDCODED),
    _m("ch05_pr_curve", "plausible", "one point per item: ties not flagged together", PR_PER_ITEM),
    _m("ch05_pr_curve", "plausible", "takes the first item of each tie run", PR_UNSTABLE_TIES),
    _m("ch05_pr_curve", "plausible", "thresholds from low to high", PR_ASCENDING),
    _m("ch05_pr_curve", "hardcoded", "returns the worked example", PR_HARDCODED),
    _m("ch05_average_precision", "plausible", "trapezoidal area", AP_TRAPEZOID),
    _m("ch05_average_precision", "plausible", "interpolated precision", AP_INTERPOLATED),
    _m("ch05_average_precision", "plausible", "ties broken by input order", AP_PER_ITEM),
    _m("ch05_average_precision", "hardcoded", "returns the worked example", AP_HARDCODED),
    _m("ch05_per_class_ap", "plausible", "a class without positives counts as 0 in the macro", PCA_NAN_AS_ZERO),
    _m("ch05_per_class_ap", "plausible", "micro as a prevalence-weighted mean", PCA_MICRO_MEAN),
    _m("ch05_per_class_ap", "hardcoded", "returns the worked example", PCA_HARDCODED),
    _m("ch05_threshold_for_precision", "plausible", "stops at the first dip in precision", T_FIRST_DROP),
    _m("ch05_threshold_for_precision", "plausible", "strict inequality", T_STRICT),
    _m("ch05_threshold_for_precision", "hardcoded", "looks the example targets up", T_HARDCODED),
    _m("ch05_review_queue", "plausible", "unstable sort: ties in any order", Q_UNSTABLE),
    _m("ch05_review_queue", "plausible", "orders by probability only", Q_PROB_ONLY),
    _m("ch05_review_queue", "plausible", "queues removed posts", Q_KEEPS_REMOVED),
    _m("ch05_review_queue", "hardcoded", "returns the worked example", Q_HARDCODED),
    _m("ch05_prevalence_interval", "plausible", "Wald interval", W_WALD),
    _m("ch05_prevalence_interval", "plausible", "Wilson without the z^2/4n^2 term", W_NO_CORRECTION),
    _m("ch05_prevalence_interval", "hardcoded", "returns the worked examples", W_HARDCODED),
    _m("ch05_view_weighted_prevalence", "plausible", "share of posts, views ignored", V_UNWEIGHTED),
    _m("ch05_view_weighted_prevalence", "plausible", "variance without the view weights", V_NO_MEAN_DIVISION),
    _m("ch05_view_weighted_prevalence", "plausible", "n squared instead of n(n - 1)", V_N_SQUARED),
    _m("ch05_view_weighted_prevalence", "hardcoded", "returns the worked example's interval", V_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch05_hash_features", "Counter per text, CSR built from indptr", ALT_HASH_COUNTER),
    _alt("ch05_fuse_log_odds", "product of odds", ALT_FUSE_ODDS),
    _alt("ch05_fuse_log_odds", "scipy.special.logit and expit", ALT_FUSE_SCIPY),
    _alt("ch05_pr_curve", "np.unique on negated scores and bincount", ALT_PR_UNIQUE),
    _alt("ch05_average_precision", "mean over positives of the precision where each enters", ALT_AP_MEAN_OVER_POSITIVES),
    _alt("ch05_per_class_ap", "dict of classes, pooled by concatenating columns", ALT_PCA_STACKED),
    _alt("ch05_threshold_for_precision", "scan from the lowest threshold up", ALT_T_REVERSED_SCAN),
    _alt("ch05_review_queue", "lexsort on (position, -priority)", ALT_Q_LEXSORT),
    _alt("ch05_prevalence_interval", "roots of the score equation", ALT_W_QUADRATIC),
    _alt("ch05_view_weighted_prevalence", "sample variances and covariance (delta method)", ALT_V_COVARIANCE),
]
