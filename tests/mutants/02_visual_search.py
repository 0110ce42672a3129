"""Wrong answers for chapter 02. Each must lose points in a hidden test cell of its exercise.

The hard-coded mutants answer the visible examples exactly (and keep the argument checks), so only the
hidden tests can catch them.
"""

MUTANTS = [
    # --- Lab 1: exact_search ---------------------------------------------------------------------------
    {"answer": "ch02_exact_search", "kind": "plausible", "why": "l2 returns squared distances",
     "code": '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    if index.ndim != 2 or queries.ndim != 2 or index.shape[1] != queries.shape[1]:
        raise ValueError("bad shapes")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= len(index):
        raise ValueError("k out of range")
    if metric == "cosine":
        if np.any(np.linalg.norm(index, axis=1) == 0) or np.any(np.linalg.norm(queries, axis=1) == 0):
            raise ValueError("zero vector")
        scores = (queries / np.linalg.norm(queries, axis=1, keepdims=True)) @ (
            index / np.linalg.norm(index, axis=1, keepdims=True)).T
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    elif metric == "l2":
        scores = (queries**2).sum(1)[:, None] - 2 * queries @ index.T + (index**2).sum(1)[None, :]
        order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    else:
        raise ValueError("unknown metric")
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    {"answer": "ch02_exact_search", "kind": "plausible",
     "why": "cosine as a raw dot product (no normalising)",
     "code": '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    if index.ndim != 2 or queries.ndim != 2 or index.shape[1] != queries.shape[1]:
        raise ValueError("bad shapes")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= len(index):
        raise ValueError("k out of range")
    if metric == "cosine":
        scores = queries @ index.T
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    elif metric == "l2":
        scores = np.sqrt(((queries[:, None, :] - index[None]) ** 2).sum(-1))
        order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    else:
        raise ValueError("unknown metric")
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    {"answer": "ch02_exact_search", "kind": "hardcoded",
     "why": "answers the visible examples, else the first k ids",
     "code": '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if metric not in ("cosine", "l2") or not 1 <= k <= len(index):
        raise ValueError("bad argument")
    if index.tolist() == [[1, 0], [0, 1], [1, 1], [-1, 0]]:
        if metric == "cosine":
            return np.array([[2, 0]]), np.array([[3 / np.sqrt(10), 2 / np.sqrt(5)]])
        return np.array([[2, 0]]), np.array([[1.0, np.sqrt(2)]])
    if index.tolist() == [[0, 1], [1, 0], [1, 0], [1, 0]]:
        return np.array([[1, 2]]), np.array([[1.0, 1.0]])
    ids = np.tile(np.arange(k, dtype=np.int64), (len(queries), 1))
    return ids, np.zeros((len(queries), k))
'''},
    # --- Lab 2: recall_at_k ----------------------------------------------------------------------------
    {"answer": "ch02_recall_at_k", "kind": "plausible",
     "why": "divides by k instead of the number of relevant ids",
     "code": '''
def recall_at_k(retrieved, relevant, k):
    retrieved = np.asarray(retrieved)
    if retrieved.ndim != 2:
        raise ValueError("retrieved must be 2-D")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= retrieved.shape[1] or len(relevant) != len(retrieved):
        raise ValueError("bad argument")
    values = []
    for row, truth in zip(retrieved, relevant):
        truth = set(np.ravel(truth).tolist())
        if not truth:
            raise ValueError("empty relevant set")
        values.append(len(set(row[:k].tolist()) & truth) / k)
    return float(np.mean(values))
'''},
    {"answer": "ch02_recall_at_k", "kind": "plausible", "why": "counts a repeated relevant id every time",
     "code": '''
def recall_at_k(retrieved, relevant, k):
    retrieved = np.asarray(retrieved)
    if retrieved.ndim != 2:
        raise ValueError("retrieved must be 2-D")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= retrieved.shape[1] or len(relevant) != len(retrieved):
        raise ValueError("bad argument")
    values = []
    for row, truth in zip(retrieved, relevant):
        truth = np.unique(np.ravel(truth))
        if len(truth) == 0:
            raise ValueError("empty relevant set")
        values.append(min(1.0, np.isin(row[:k], truth).sum() / len(truth)))
    return float(np.mean(values))
'''},
    {"answer": "ch02_recall_at_k", "kind": "hardcoded", "why": "answers the visible examples, else 0.5",
     "code": '''
def recall_at_k(retrieved, relevant, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    retrieved = np.asarray(retrieved)
    if k > retrieved.shape[1] or len(relevant) != len(retrieved) or any(len(r) == 0 for r in relevant):
        raise ValueError("bad argument")
    if retrieved.tolist() == [[3, 1, 7, 2], [5, 6, 0, 4]]:
        return 0.25 if k == 3 else 0.5
    return 0.5
'''},
    # --- Lab 3: mean_reciprocal_rank -------------------------------------------------------------------
    {"answer": "ch02_mrr", "kind": "plausible", "why": "averages only over queries that have a hit",
     "code": '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    retrieved = np.asarray(retrieved)
    if retrieved.ndim != 2 or len(relevant) != len(retrieved):
        raise ValueError("bad shapes")
    if k is None:
        k = retrieved.shape[1]
    elif isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be None or an int")
    if not 1 <= k <= retrieved.shape[1]:
        raise ValueError("k out of range")
    values = []
    for row, truth in zip(retrieved, relevant):
        hits = np.flatnonzero(np.isin(row[:k], np.ravel(truth)))
        if len(hits):
            values.append(1.0 / (hits[0] + 1))
    return float(np.mean(values)) if values else 0.0
'''},
    {"answer": "ch02_mrr", "kind": "plausible", "why": "ignores k and always looks at the whole list",
     "code": '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    retrieved = np.asarray(retrieved)
    if retrieved.ndim != 2 or len(relevant) != len(retrieved):
        raise ValueError("bad shapes")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))):
        raise TypeError("k must be None or an int")
    if k is not None and not 1 <= k <= retrieved.shape[1]:
        raise ValueError("k out of range")
    values = []
    for row, truth in zip(retrieved, relevant):
        hits = np.flatnonzero(np.isin(row, np.ravel(truth)))
        values.append(1.0 / (hits[0] + 1) if len(hits) else 0.0)
    return float(np.mean(values))
'''},
    {"answer": "ch02_mrr", "kind": "hardcoded", "why": "answers the visible examples, else 0.5",
     "code": '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))):
        raise TypeError("k must be None or an int")
    retrieved = np.asarray(retrieved)
    if len(relevant) != len(retrieved) or (k is not None and k > retrieved.shape[1]):
        raise ValueError("bad argument")
    if retrieved.tolist() == [[3, 1, 7, 2], [5, 6, 0, 4], [9, 8, 2, 1]]:
        return 1 / 3 if k == 1 else 0.5
    return 0.5
'''},
    # --- Lab 4: build_inverted_lists -------------------------------------------------------------------
    {"answer": "ch02_inverted_lists", "kind": "plausible", "why": "assigns by largest inner product",
     "code": '''
def build_inverted_lists(vectors, centroids):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    if vectors.ndim != 2 or centroids.ndim != 2 or vectors.shape[1] != centroids.shape[1]:
        raise ValueError("bad shapes")
    if len(centroids) == 0:
        raise ValueError("bad shapes")
    assignment = np.argmax(vectors @ centroids.T, axis=1)
    return [np.flatnonzero(assignment == j).astype(np.int64) for j in range(len(centroids))]
'''},
    {"answer": "ch02_inverted_lists", "kind": "plausible", "why": "drops the empty lists",
     "code": '''
def build_inverted_lists(vectors, centroids):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    if vectors.ndim != 2 or centroids.ndim != 2 or vectors.shape[1] != centroids.shape[1]:
        raise ValueError("bad shapes")
    if len(centroids) == 0:
        raise ValueError("bad shapes")
    assignment = np.argmin(((vectors[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)
    lists = [np.flatnonzero(assignment == j).astype(np.int64) for j in range(len(centroids))]
    return [ids for ids in lists if len(ids)]
'''},
    {"answer": "ch02_inverted_lists", "kind": "hardcoded",
     "why": "answers the visible example, else round robin",
     "code": '''
def build_inverted_lists(vectors, centroids):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    if vectors.ndim != 2 or centroids.ndim != 2 or vectors.shape[1] != centroids.shape[1]:
        raise ValueError("bad shapes")
    if len(centroids) == 0:
        raise ValueError("bad shapes")
    if vectors.tolist() == [[0, 0], [1, 0], [10, 10], [9, 11], [0.4, 0.1]]:
        return [np.array([0, 1, 4]), np.array([2, 3]), np.array([], dtype=np.int64)]
    ids = np.arange(len(vectors), dtype=np.int64)
    return [ids[ids % len(centroids) == j] for j in range(len(centroids))]
'''},
    # --- Lab 5: ivf_search -----------------------------------------------------------------------------
    {"answer": "ch02_ivf_search", "kind": "plausible",
     "why": "probes the centroids with the largest inner product",
     "code": '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    queries = np.asarray(queries, dtype=float)
    for value in (k, n_probe):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("k and n_probe must be ints")
    if len(lists) != len(centroids) or k < 1 or not 1 <= n_probe <= len(centroids):
        raise ValueError("bad argument")
    probes = np.argsort(-(queries @ centroids.T), axis=1, kind="stable")[:, :n_probe]
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    scores = np.full((len(queries), k), -np.inf)
    for row, (query, probe) in enumerate(zip(queries, probes)):
        cand = np.sort(np.concatenate([np.asarray(lists[j], dtype=np.int64) for j in probe]))
        s = vectors[cand] @ query
        best = np.argsort(-s, kind="stable")[:k]
        ids[row, :len(best)], scores[row, :len(best)] = cand[best], s[best]
    return ids, scores
'''},
    {"answer": "ch02_ivf_search", "kind": "plausible",
     "why": "does not sort candidates, so ties break by list order",
     "code": '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    queries = np.asarray(queries, dtype=float)
    for value in (k, n_probe):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("k and n_probe must be ints")
    if len(lists) != len(centroids) or k < 1 or not 1 <= n_probe <= len(centroids):
        raise ValueError("bad argument")
    distances = ((queries[:, None, :] - centroids[None]) ** 2).sum(-1)
    probes = np.argsort(distances, axis=1, kind="stable")[:, :n_probe]
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    scores = np.full((len(queries), k), -np.inf)
    for row, (query, probe) in enumerate(zip(queries, probes)):
        cand = np.concatenate([np.asarray(lists[j], dtype=np.int64) for j in probe])
        s = vectors[cand] @ query
        best = np.argsort(-s, kind="stable")[:k]
        ids[row, :len(best)], scores[row, :len(best)] = cand[best], s[best]
    return ids, scores
'''},
    {"answer": "ch02_ivf_search", "kind": "hardcoded",
     "why": "answers the visible example, else exact search",
     "code": '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, queries = np.asarray(vectors, dtype=float), np.asarray(queries, dtype=float)
    for value in (k, n_probe):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("k and n_probe must be ints")
    if len(lists) != len(centroids) or k < 1 or not 1 <= n_probe <= len(centroids):
        raise ValueError("bad argument")
    if queries.tolist() == [[0.6, 0.8]] and len(vectors) == 6:
        if n_probe == 1:
            return np.array([[5, 2, -1]]), np.array([[0.936, 0.8, -np.inf]])
        return np.array([[1, 5, 2]]), np.array([[0.96, 0.936, 0.8]])
    scores = queries @ vectors.T
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    # --- Lab 6: pareto_front ---------------------------------------------------------------------------
    {"answer": "ch02_pareto_front", "kind": "plausible", "why": "returns the mask in cost-sorted order",
     "code": '''
def pareto_front(cost, quality):
    cost, quality = np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    if cost.ndim != 1 or cost.shape != quality.shape or len(cost) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(cost)) and np.all(np.isfinite(quality))):
        raise ValueError("not finite")
    order = np.lexsort((-quality, cost))
    mask, best, last = [], -np.inf, (None, None)
    for i in order:
        keep = quality[i] > best or (cost[i], quality[i]) == last
        mask.append(bool(keep))
        if keep:
            best, last = quality[i], (cost[i], quality[i])
    return np.array(mask)
'''},
    {"answer": "ch02_pareto_front", "kind": "plausible",
     "why": "only strict domination in both cost and quality",
     "code": '''
def pareto_front(cost, quality):
    cost, quality = np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    if cost.ndim != 1 or cost.shape != quality.shape or len(cost) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(cost)) and np.all(np.isfinite(quality))):
        raise ValueError("not finite")
    beaten = (cost[None, :] < cost[:, None]) & (quality[None, :] > quality[:, None])
    return ~beaten.any(axis=1)
'''},
    {"answer": "ch02_pareto_front", "kind": "hardcoded", "why": "answers the visible examples, else all True",
     "code": '''
def pareto_front(cost, quality):
    cost, quality = np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    if cost.shape != quality.shape or not np.all(np.isfinite(cost)) or not np.all(np.isfinite(quality)):
        raise ValueError("bad input")
    if cost.tolist() == [1, 2, 3, 4, 5]:
        return np.array([True, True, False, True, False])
    return np.ones(len(cost), dtype=bool)
'''},
    # --- Lab 7: quantize_int8 --------------------------------------------------------------------------
    {"answer": "ch02_quantize_int8", "kind": "plausible", "why": "one scale for the whole matrix",
     "code": '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or len(vectors) == 0 or not np.all(np.isfinite(vectors)):
        raise ValueError("bad input")
    largest = np.abs(vectors).max()
    scale = np.full(vectors.shape[1], largest / 127 if largest > 0 else 1.0)
    return np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8), scale
'''},
    {"answer": "ch02_quantize_int8", "kind": "plausible", "why": "truncates instead of rounding",
     "code": '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or len(vectors) == 0 or not np.all(np.isfinite(vectors)):
        raise ValueError("bad input")
    largest = np.abs(vectors).max(axis=0)
    scale = np.where(largest > 0, largest / 127, 1.0)
    return (vectors / scale).astype(np.int8), scale
'''},
    {"answer": "ch02_quantize_int8", "kind": "hardcoded",
     "why": "answers the visible example, else a global scale",
     "code": '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or len(vectors) == 0 or not np.all(np.isfinite(vectors)):
        raise ValueError("bad input")
    if vectors.tolist() == [[0.25, -2.0, 0.0], [-1.0, 0.5, 0.0]]:
        return np.array([[32, -127, 0], [-127, 32, 0]], dtype=np.int8), np.array([1 / 127, 2 / 127, 1.0])
    scale = np.full(vectors.shape[1], np.abs(vectors).max() / 127)
    return np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8), scale
'''},
]

# --- kit v2: one plausible mutant for each escape class the hidden tests now close --------------------------
_SEARCH_CHECKS = '''
def _mut_check(index, queries, k, metric):
    if index.ndim != 2 or queries.ndim != 2 or index.shape[1] != queries.shape[1]:
        raise ValueError("bad shapes")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= len(index) or metric not in ("cosine", "l2"):
        raise ValueError("bad k or metric")
'''

_METRIC_CHECKS = '''
def _mut_check(retrieved, relevant, k):
    if retrieved.ndim != 2:
        raise ValueError("retrieved must be 2-D")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an int")
    if not 1 <= k <= retrieved.shape[1] or len(relevant) != len(retrieved):
        raise ValueError("bad argument")
'''

_IVF_CHECKS = '''
def _mut_check(vectors, centroids, lists, queries, k, n_probe):
    for value in (k, n_probe):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("k and n_probe must be ints")
    if vectors.ndim != 2 or centroids.ndim != 2 or queries.ndim != 2:
        raise ValueError("2-D inputs")
    if not vectors.shape[1] == centroids.shape[1] == queries.shape[1] or len(lists) != len(centroids):
        raise ValueError("shapes")
    if k < 1 or not 1 <= n_probe <= len(centroids):
        raise ValueError("k or n_probe")
'''

_QUANT_CHECKS = '''
def _mut_check(vectors):
    if vectors.ndim != 2 or len(vectors) == 0 or not np.all(np.isfinite(vectors)):
        raise ValueError("bad input")
'''

MUTANTS += [
    {"answer": "ch02_exact_search", "kind": "plausible", "why": "NumPy's default (unstable) sort, so ties break arbitrarily",
     "code": _SEARCH_CHECKS + '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    _mut_check(index, queries, k, metric)
    if metric == "cosine":
        nx, nq = np.linalg.norm(index, axis=1), np.linalg.norm(queries, axis=1)
        if np.any(nx == 0) or np.any(nq == 0):
            raise ValueError("zero vector")
        scores = (queries / nq[:, None]) @ (index / nx[:, None]).T
        order = np.argsort(-scores, axis=1)[:, :k]
    else:
        scores = np.sqrt(np.maximum((queries**2).sum(1)[:, None] - 2 * queries @ index.T + (index**2).sum(1)[None], 0))
        order = np.argsort(scores, axis=1)[:, :k]
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    {"answer": "ch02_exact_search", "kind": "plausible", "why": "reverses an ascending argsort for cosine: ties go to the larger id",
     "code": _SEARCH_CHECKS + '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    _mut_check(index, queries, k, metric)
    if metric == "cosine":
        nx, nq = np.linalg.norm(index, axis=1), np.linalg.norm(queries, axis=1)
        if np.any(nx == 0) or np.any(nq == 0):
            raise ValueError("zero vector")
        scores = (queries / nq[:, None]) @ (index / nx[:, None]).T
        order = np.argsort(scores, axis=1, kind="stable")[:, ::-1][:, :k]
    else:
        scores = np.sqrt(np.maximum((queries**2).sum(1)[:, None] - 2 * queries @ index.T + (index**2).sum(1)[None], 0))
        order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    {"answer": "ch02_exact_search", "kind": "plausible", "why": "checks only the index for all-zero rows, not the queries",
     "code": _SEARCH_CHECKS + '''
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    _mut_check(index, queries, k, metric)
    if metric == "cosine":
        nx = np.linalg.norm(index, axis=1)
        if np.any(nx == 0):
            raise ValueError("zero vector in the index")
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = (queries / np.linalg.norm(queries, axis=1)[:, None]) @ (index / nx[:, None]).T
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    else:
        scores = np.sqrt(np.maximum((queries**2).sum(1)[:, None] - 2 * queries @ index.T + (index**2).sum(1)[None], 0))
        order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    return order.astype(np.int64), np.take_along_axis(scores, order, axis=1)
'''},
    {"answer": "ch02_recall_at_k", "kind": "plausible", "why": "divides by min(k, |relevant|), as if at most k could be found",
     "code": _METRIC_CHECKS + '''
def recall_at_k(retrieved, relevant, k):
    retrieved = np.asarray(retrieved)
    _mut_check(retrieved, relevant, k)
    values = []
    for row, truth in zip(retrieved, relevant):
        truth = {int(t) for t in truth}
        if not truth:
            raise ValueError("empty relevant set")
        values.append(len({int(i) for i in row[:k]} & truth) / min(k, len(truth)))
    return float(np.mean(values))
'''},
    {"answer": "ch02_recall_at_k", "kind": "plausible", "why": "np.ravel on each collection, so a set of ids breaks",
     "code": _METRIC_CHECKS + '''
def recall_at_k(retrieved, relevant, k):
    retrieved = np.asarray(retrieved)
    _mut_check(retrieved, relevant, k)
    values = []
    for row, truth in zip(retrieved, relevant):
        truth = {int(t) for t in np.ravel(truth)}
        if not truth:
            raise ValueError("empty relevant set")
        values.append(len({int(i) for i in row[:k]} & truth) / len(truth))
    return float(np.mean(values))
'''},
    {"answer": "ch02_mrr", "kind": "plausible", "why": "adds up 1/position over every hit, not only the first",
     "code": _METRIC_CHECKS + '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    retrieved = np.asarray(retrieved)
    if k is None:
        k = retrieved.shape[1]
    _mut_check(retrieved, relevant, k)
    total = 0.0
    for row, truth in zip(retrieved, relevant):
        truth = {int(t) for t in truth}
        total += sum(1.0 / p for p, item in enumerate(row[:k].tolist(), start=1) if item in truth)
    return float(total / len(retrieved))
'''},
    {"answer": "ch02_mrr", "kind": "plausible", "why": "np.isin against np.ravel(truth), so a set of ids never matches",
     "code": _METRIC_CHECKS + '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    retrieved = np.asarray(retrieved)
    if k is None:
        k = retrieved.shape[1]
    _mut_check(retrieved, relevant, k)
    reciprocal = []
    for row, truth in zip(retrieved, relevant):
        hits = np.isin(row[:k], np.ravel(truth)) & (row[:k] != -1)
        reciprocal.append(1.0 / (np.argmax(hits) + 1) if hits.any() else 0.0)
    return float(np.mean(reciprocal))
'''},
    {"answer": "ch02_inverted_lists", "kind": "plausible", "why": "ties go to the larger centroid index (last minimum)",
     "code": '''
def build_inverted_lists(vectors, centroids):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    if vectors.ndim != 2 or centroids.ndim != 2 or vectors.shape[1] != centroids.shape[1] or len(centroids) == 0:
        raise ValueError("bad input")
    d = (vectors**2).sum(1)[:, None] - 2 * vectors @ centroids.T + (centroids**2).sum(1)[None]
    last = len(centroids) - 1 - np.argmin(d[:, ::-1], axis=1)
    return [np.flatnonzero(last == j).astype(np.int64) for j in range(len(centroids))]
'''},
    {"answer": "ch02_inverted_lists", "kind": "plausible", "why": "groups ids with an unstable argsort, so a list is not in increasing order",
     "code": '''
def build_inverted_lists(vectors, centroids):
    vectors, centroids = np.asarray(vectors, dtype=float), np.asarray(centroids, dtype=float)
    if vectors.ndim != 2 or centroids.ndim != 2 or vectors.shape[1] != centroids.shape[1] or len(centroids) == 0:
        raise ValueError("bad input")
    d = (vectors**2).sum(1)[:, None] - 2 * vectors @ centroids.T + (centroids**2).sum(1)[None]
    assignment = np.argmin(d, axis=1)
    order = np.argsort(assignment)
    bounds = np.searchsorted(assignment[order], np.arange(len(centroids) + 1))
    return [order[bounds[j]:bounds[j + 1]].astype(np.int64) for j in range(len(centroids))]
'''},
    {"answer": "ch02_ivf_search", "kind": "plausible", "why": "NumPy's default (unstable) sort of the candidate scores",
     "code": _IVF_CHECKS + '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, centroids, queries = (np.asarray(a, dtype=float) for a in (vectors, centroids, queries))
    _mut_check(vectors, centroids, lists, queries, k, n_probe)
    d = (queries**2).sum(1)[:, None] - 2 * queries @ centroids.T + (centroids**2).sum(1)[None]
    probes = np.argsort(d, axis=1, kind="stable")[:, :n_probe]
    ids, scores = np.full((len(queries), k), -1, dtype=np.int64), np.full((len(queries), k), -np.inf)
    for row, (q, probe) in enumerate(zip(queries, probes)):
        cand = np.sort(np.concatenate([np.asarray(lists[j], dtype=np.int64) for j in probe]))
        s = vectors[cand] @ q
        best = np.argsort(-s)[:k]
        ids[row, :len(best)], scores[row, :len(best)] = cand[best], s[best]
    return ids, scores
'''},
    {"answer": "ch02_ivf_search", "kind": "plausible", "why": "pads empty slots with score 0 instead of -inf",
     "code": _IVF_CHECKS + '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, centroids, queries = (np.asarray(a, dtype=float) for a in (vectors, centroids, queries))
    _mut_check(vectors, centroids, lists, queries, k, n_probe)
    d = (queries**2).sum(1)[:, None] - 2 * queries @ centroids.T + (centroids**2).sum(1)[None]
    probes = np.argsort(d, axis=1, kind="stable")[:, :n_probe]
    ids, scores = np.full((len(queries), k), -1, dtype=np.int64), np.zeros((len(queries), k))
    for row, (q, probe) in enumerate(zip(queries, probes)):
        cand = np.sort(np.concatenate([np.asarray(lists[j], dtype=np.int64) for j in probe]))
        s = vectors[cand] @ q
        best = np.argsort(-s, kind="stable")[:k]
        ids[row, :len(best)], scores[row, :len(best)] = cand[best], s[best]
    return ids, scores
'''},
    {"answer": "ch02_ivf_search", "kind": "plausible", "why": "probes tied centroids from the larger index first",
     "code": _IVF_CHECKS + '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    vectors, centroids, queries = (np.asarray(a, dtype=float) for a in (vectors, centroids, queries))
    _mut_check(vectors, centroids, lists, queries, k, n_probe)
    d = (queries**2).sum(1)[:, None] - 2 * queries @ centroids.T + (centroids**2).sum(1)[None]
    n = len(centroids)
    probes = n - 1 - np.argsort(d[:, ::-1], axis=1, kind="stable")[:, :n_probe]
    ids, scores = np.full((len(queries), k), -1, dtype=np.int64), np.full((len(queries), k), -np.inf)
    for row, (q, probe) in enumerate(zip(queries, probes)):
        cand = np.sort(np.concatenate([np.asarray(lists[j], dtype=np.int64) for j in probe]))
        s = vectors[cand] @ q
        best = np.argsort(-s, kind="stable")[:k]
        ids[row, :len(best)], scores[row, :len(best)] = cand[best], s[best]
    return ids, scores
'''},
    {"answer": "ch02_pareto_front", "kind": "plausible", "why": "sort-and-sweep keeping strictly better quality: drops a duplicate, keeps an equal-cost loser",
     "code": '''
def pareto_front(cost, quality):
    cost, quality = np.asarray(cost, dtype=float), np.asarray(quality, dtype=float)
    if cost.ndim != 1 or quality.ndim != 1 or len(cost) == 0 or len(cost) != len(quality):
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(cost)) and np.all(np.isfinite(quality))):
        raise ValueError("not finite")
    keep, best = np.zeros(len(cost), dtype=bool), -np.inf
    for i in np.argsort(cost):
        if quality[i] > best:
            keep[i], best = True, quality[i]
    return keep
'''},
    {"answer": "ch02_quantize_int8", "kind": "plausible", "why": "rounds halves up with floor(x + 0.5), not np.rint",
     "code": _QUANT_CHECKS + '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors, dtype=float)
    _mut_check(vectors)
    largest = np.abs(vectors).max(axis=0)
    scale = np.where(largest > 0, largest / 127, 1.0)
    return np.clip(np.floor(vectors / scale + 0.5), -127, 127).astype(np.int8), scale
'''},
    {"answer": "ch02_quantize_int8", "kind": "plausible", "why": "scale from the column maximum, not the maximum absolute value",
     "code": _QUANT_CHECKS + '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors, dtype=float)
    _mut_check(vectors)
    largest = vectors.max(axis=0)
    scale = np.where(largest > 0, largest / 127, 1.0)
    return np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8), scale
'''},
    {"answer": "ch02_quantize_int8", "kind": "plausible", "why": "computes in the input's dtype, so float32 gives float32-rounded scales",
     "code": '''
def quantize_int8(vectors):
    vectors = np.asarray(vectors)
    if vectors.dtype.kind != "f":
        vectors = vectors.astype(float)
    if vectors.ndim != 2 or len(vectors) == 0 or not np.all(np.isfinite(vectors)):
        raise ValueError("bad input")
    largest = np.abs(vectors).max(axis=0)
    scale = np.where(largest > 0, largest / vectors.dtype.type(127), vectors.dtype.type(1))
    return np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8), scale.astype(np.float64)
'''},
]

# --- delegation through an aliased import: checks.forbid disables the object itself ---------------------
MUTANTS += [
    {"answer": "ch02_exact_search", "kind": "plausible", "why": "delegates to sklearn through an aliased import (NearestNeighbors as _NN)",
     "code": '''
from sklearn.neighbors import NearestNeighbors as _NN
def exact_search(index, queries, k, metric="cosine"):
    index, queries = np.asarray(index, dtype=float), np.asarray(queries, dtype=float)
    if index.ndim != 2 or queries.ndim != 2 or index.shape[1] != queries.shape[1]:
        raise ValueError("shapes")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError("k")
    if not 1 <= k <= len(index) or metric not in ("cosine", "l2"):
        raise ValueError("k/metric")
    if metric == "cosine" and (np.any(np.linalg.norm(index, axis=1) == 0) or np.any(np.linalg.norm(queries, axis=1) == 0)):
        raise ValueError("zero")
    nn = _NN(n_neighbors=k, metric="cosine" if metric == "cosine" else "euclidean", algorithm="brute").fit(index)
    d, ids = nn.kneighbors(queries)
    return ids.astype(np.int64), (1 - d if metric == "cosine" else d)
'''},
]

MUTANTS += [
    {"answer": "ch02_recall_at_k", "kind": "plausible", "why": "micro-average: all hits over all relevant ids, not a mean per query",
     "code": _METRIC_CHECKS + '''
def recall_at_k(retrieved, relevant, k):
    retrieved = np.asarray(retrieved)
    _mut_check(retrieved, relevant, k)
    hits = total = 0
    for row, truth in zip(retrieved, relevant):
        truth = {int(t) for t in truth}
        if not truth:
            raise ValueError("empty relevant set")
        hits += len({int(i) for i in row[:k]} & truth)
        total += len(truth)
    return float(hits / total)
'''},
]

# --- correct alternatives: different algorithms that must keep every point ---------------------------------
ALTERNATIVES = [
    {"answer": "ch02_exact_search", "kind": "correct",
     "why": "einsum cosine, direct-difference l2, np.lexsort on (id, score) per query",
     "code": '''
def exact_search(index, queries, k, metric="cosine"):
    x, q = np.array(index, dtype=np.float64), np.array(queries, dtype=np.float64)
    if x.ndim != 2 or q.ndim != 2:
        raise ValueError("index and queries must both be 2-D")
    if x.shape[1] != q.shape[1]:
        raise ValueError("dimension mismatch")
    if type(k) is bool or not isinstance(k, (int, np.integer)):
        raise TypeError("k must be an integer")
    if k < 1 or k > x.shape[0]:
        raise ValueError("k out of range")
    if metric not in ("cosine", "l2"):
        raise ValueError(f"unknown metric {metric!r}")
    if metric == "cosine":
        nx, nq = np.sqrt(np.einsum("ij,ij->i", x, x)), np.sqrt(np.einsum("ij,ij->i", q, q))
        if (nx == 0).any() or (nq == 0).any():
            raise ValueError("cosine needs non-zero vectors")
        s = np.einsum("qd,nd->qn", q / nq[:, None], x / nx[:, None])
        key = -s
    else:
        s = np.sqrt(((q[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
        key = s
    ids = np.arange(x.shape[0])
    order = np.stack([np.lexsort((ids, row))[:k] for row in key]).astype(np.int64)
    return order, np.take_along_axis(s, order, axis=1).astype(np.float64)
'''},
    {"answer": "ch02_recall_at_k", "kind": "correct", "why": "np.intersect1d of unique ids per query",
     "code": '''
def recall_at_k(retrieved, relevant, k):
    r = np.asarray(retrieved)
    if r.ndim != 2:
        raise ValueError("retrieved must be a 2-D array")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError("k must be an integer")
    if k < 1 or k > r.shape[1]:
        raise ValueError("k must be in [1, m]")
    if len(relevant) != r.shape[0]:
        raise ValueError("one collection of relevant ids per query")
    total = 0.0
    for i in range(r.shape[0]):
        truth = np.unique(np.fromiter((int(t) for t in relevant[i]), dtype=np.int64))
        if truth.size == 0:
            raise ValueError(f"query {i} has no relevant ids")
        total += np.intersect1d(r[i, :k], truth).size / truth.size
    return total / r.shape[0]
'''},
    {"answer": "ch02_mrr", "kind": "correct", "why": "plain Python scan for the first hit",
     "code": '''
def mean_reciprocal_rank(retrieved, relevant, k=None):
    r = np.asarray(retrieved)
    if r.ndim != 2:
        raise ValueError("retrieved must be 2-D")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))):
        raise TypeError("k must be None or an int")
    depth = r.shape[1] if k is None else int(k)
    if not 1 <= depth <= r.shape[1]:
        raise ValueError("k out of range")
    if len(relevant) != len(r):
        raise ValueError("relevant and retrieved differ in length")
    rr = []
    for row, truth in zip(r.tolist(), relevant):
        wanted = set(int(t) for t in truth)
        rr.append(next((1.0 / (p + 1) for p, item in enumerate(row[:depth]) if item != -1 and item in wanted), 0.0))
    return sum(rr) / len(rr)
'''},
    {"answer": "ch02_inverted_lists", "kind": "correct", "why": "direct differences, argmin, stable argsort and np.split",
     "code": '''
def build_inverted_lists(vectors, centroids):
    v, c = np.asarray(vectors, dtype=np.float64), np.asarray(centroids, dtype=np.float64)
    if v.ndim != 2 or c.ndim != 2:
        raise ValueError("vectors and centroids must be 2-D")
    if v.shape[1] != c.shape[1]:
        raise ValueError("dimension mismatch")
    if c.shape[0] == 0:
        raise ValueError("need at least one centroid")
    nearest = np.array([np.argmin(((c - row) ** 2).sum(axis=1)) for row in v], dtype=np.int64).reshape(-1)
    order = np.argsort(nearest, kind="stable")
    cuts = np.searchsorted(nearest[order], np.arange(1, c.shape[0]))
    return [part.astype(np.int64) for part in np.split(order, cuts)]
'''},
    {"answer": "ch02_ivf_search", "kind": "correct", "why": "np.unique of the probed ids, np.lexsort on (id, -score)",
     "code": '''
def ivf_search(vectors, centroids, lists, queries, k, n_probe):
    for name, value in (("k", k), ("n_probe", n_probe)):
        if type(value) is bool or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer")
    v, c, q = (np.array(a, dtype=np.float64) for a in (vectors, centroids, queries))
    if v.ndim != 2 or c.ndim != 2 or q.ndim != 2:
        raise ValueError("inputs must be 2-D")
    if len({v.shape[1], c.shape[1], q.shape[1]}) != 1:
        raise ValueError("dimensions differ")
    if len(lists) != c.shape[0]:
        raise ValueError("one list per centroid")
    if k < 1:
        raise ValueError("k must be at least 1")
    if not 1 <= n_probe <= c.shape[0]:
        raise ValueError("n_probe out of range")
    out_ids = np.full((q.shape[0], k), -1, dtype=np.int64)
    out_scores = np.full((q.shape[0], k), -np.inf, dtype=np.float64)
    for r, query in enumerate(q):
        dist = ((c - query) ** 2).sum(axis=1)
        probe = np.lexsort((np.arange(len(c)), dist))[:n_probe]
        cand = np.unique(np.concatenate([np.asarray(lists[j], dtype=np.int64).reshape(-1) for j in probe]))
        s = np.einsum("nd,d->n", v[cand], query)
        top = np.lexsort((cand, -s))[:k]
        out_ids[r, :top.size], out_scores[r, :top.size] = cand[top], s[top]
    return out_ids, out_scores
'''},
    {"answer": "ch02_pareto_front", "kind": "correct", "why": "sort by (cost, -quality), sweep cost groups",
     "code": '''
def pareto_front(cost, quality):
    c, q = np.asarray(cost, dtype=np.float64), np.asarray(quality, dtype=np.float64)
    if c.ndim != 1 or q.ndim != 1 or c.size == 0 or c.size != q.size:
        raise ValueError("cost and quality must be non-empty 1-D arrays of one length")
    if not np.isfinite(c).all() or not np.isfinite(q).all():
        raise ValueError("NaN or infinity")
    order = np.lexsort((-q, c))
    keep = np.zeros(c.size, dtype=bool)
    best_cheaper, i = -np.inf, 0
    while i < order.size:
        j = i
        while j < order.size and c[order[j]] == c[order[i]]:
            j += 1
        group = order[i:j]
        top = q[group].max()
        if top > best_cheaper:
            keep[group[q[group] == top]] = True
        best_cheaper = max(best_cheaper, top)
        i = j
    return keep
'''},
    {"answer": "ch02_quantize_int8", "kind": "correct", "why": "a loop over columns with np.round (also half to even)",
     "code": '''
def quantize_int8(vectors):
    x = np.array(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("vectors must be 2-D with at least one row")
    if np.isnan(x).any() or np.isinf(x).any():
        raise ValueError("vectors must be finite")
    codes = np.empty(x.shape, dtype=np.int8)
    scale = np.empty(x.shape[1], dtype=np.float64)
    for j in range(x.shape[1]):
        top = np.max(np.abs(x[:, j]))
        scale[j] = top / 127.0 if top != 0 else 1.0
        codes[:, j] = np.clip(np.round(x[:, j] / scale[j]), -127, 127)
    return codes, scale
'''},
]
