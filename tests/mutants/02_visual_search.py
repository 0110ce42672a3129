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
