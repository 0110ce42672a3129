"""Wrong answers for chapter 04. Each must lose points in a hidden test cell of its exercise."""

MUTANTS = [
    {"answer": "ch04_analyze", "kind": "plausible", "why": "splits on \\w+, so underscores and non-ASCII letters stay",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\\u2019", "")
    terms = []
    for token in re.findall(r"\\w+", folded):
        if token in stopwords:
            continue
        terms.append(token)
        if synonyms and token in synonyms:
            terms.extend(synonyms[token].split())
    return terms
'''},
    {"answer": "ch04_analyze", "kind": "hardcoded", "why": "returns the worked examples' answers",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    known = {"Amélie's SCI-FI movies!": ["amelies", "sci", "fi"], "scary films": ["scary", "horror"], "": [],
             "Toy Story 3": ["toy", "story", "3"]}
    return known.get(text, text.lower().split())
'''},
    {"answer": "ch04_tfidf", "kind": "plausible", "why": "document frequency counts occurrences, not documents",
     "code": '''
def tfidf_transform(counts):
    dense = counts.toarray() if sp.issparse(counts) else np.asarray(counts, dtype=float)
    if dense.ndim != 2 or dense.shape[0] == 0:
        raise ValueError("counts must be 2-D with rows")
    if np.any(dense < 0):
        raise ValueError("counts must not be negative")
    n = dense.shape[0]
    idf = np.log((1.0 + n) / (1.0 + dense.sum(axis=0))) + 1.0
    w = dense * idf
    norms = np.linalg.norm(w, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return sp.csr_matrix(w / norms), idf
'''},
    {"answer": "ch04_tfidf", "kind": "hardcoded", "why": "returns the worked example's matrices",
     "code": '''
def tfidf_transform(counts):
    dense = np.asarray(counts.toarray() if sp.issparse(counts) else counts, dtype=float)
    if np.any(dense < 0):
        raise ValueError("negative count")
    idf = np.array([np.log(1.5) + 1, np.log(1.5) + 1, 1.0])
    first = np.array([2 * (np.log(1.5) + 1), 0.0, 1.0])
    second = np.array([0.0, np.log(1.5) + 1, 1.0])
    return sp.csr_matrix(np.vstack([first / np.linalg.norm(first), second / np.linalg.norm(second)])), idf
'''},
    {"answer": "ch04_bm25", "kind": "plausible", "why": "classic idf ln((N - df + 0.5) / (df + 0.5)), negative for common terms",
     "code": '''
def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):
    if k1 < 0:
        raise ValueError("k1 must be >= 0")
    if not 0 <= b <= 1:
        raise ValueError("b must be in [0, 1]")
    c = counts.toarray() if sp.issparse(counts) else np.asarray(counts, dtype=float)
    n, m = c.shape
    terms = set(int(t) for t in query_terms)
    if any(t < 0 or t >= m for t in terms):
        raise ValueError("query term out of range")
    lengths = c.sum(axis=1)
    out = np.zeros(n)
    for t in terms:
        df = np.sum(c[:, t] > 0)
        idf = np.log((n - df + 0.5) / (df + 0.5))
        tf = c[:, t]
        out += np.where(tf > 0, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths / lengths.mean())), 0.0)
    return out
'''},
    {"answer": "ch04_bm25", "kind": "hardcoded", "why": "returns the worked example's scores",
     "code": '''
def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):
    if k1 < 0 or not 0 <= b <= 1:
        raise ValueError("bad k1 or b")
    c = np.asarray(counts.toarray() if sp.issparse(counts) else counts, dtype=float)
    if any(t >= c.shape[1] for t in query_terms):
        raise ValueError("query term out of range")
    if not list(query_terms):
        return np.zeros(c.shape[0])
    idf0 = np.log(1 + 1.5 / 2.5)
    return np.array([idf0 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 3 / 7)),
                     idf0 * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 9 / 7)), 0.0])
'''},
    {"answer": "ch04_fuse", "kind": "plausible", "why": "divides by the maximum instead of min-max scaling",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    t = np.asarray(text_scores, dtype=float)
    v = np.asarray(visual_scores, dtype=float)
    if t.ndim != 1 or t.shape != v.shape or len(t) == 0 or not np.all(np.isfinite(t)) or not np.all(np.isfinite(v)):
        raise ValueError("bad scores")
    if not 0 <= weight <= 1:
        raise ValueError("weight must be in [0, 1]")
    def scale(x):
        top = x.max()
        return x / top if top > 0 and np.ptp(x) > 0 else np.zeros_like(x)
    return (1 - weight) * scale(t) + weight * scale(v)
'''},
    {"answer": "ch04_fuse", "kind": "hardcoded", "why": "returns the visible examples' answers",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    t, v = list(text_scores), list(visual_scores)
    if len(t) != len(v) or not 0 <= weight <= 1:
        raise ValueError("bad input")
    if weight == 0.4:
        return np.array([0.0, 0.7, 0.8])
    if weight in (0.0, 1.0):
        return np.array([0.0, 1.0, 0.5])
    return np.array([0.0, 0.25, 0.5])
'''},
    {"answer": "ch04_rrf", "kind": "plausible", "why": "ranks start at 0, so 1 / (k + 0) for the first place",
     "code": '''
def reciprocal_rank_fusion(rankings, *, k=60, n=None):
    if k < 0 or (n is not None and n < 1):
        raise ValueError("bad k or n")
    scores = {}
    for ranking in rankings:
        ranking = list(ranking)
        if len(set(ranking)) != len(ranking):
            raise ValueError("repeated id")
        for rank, doc in enumerate(ranking):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank + 1e-9)
    order = sorted(scores, key=lambda d: (-scores[d], d))
    return order if n is None else order[:n]
'''},
    {"answer": "ch04_rrf", "kind": "hardcoded", "why": "returns the visible examples' answers",
     "code": '''
def reciprocal_rank_fusion(rankings, *, k=60, n=None):
    rankings = [list(r) for r in rankings]
    if any(len(set(r)) != len(r) for r in rankings):
        raise ValueError("repeated id")
    if not rankings:
        return []
    if rankings[0] and isinstance(rankings[0][0], str):
        return ["a", "c", "b"][:n]
    return [1, 2]
'''},
    {"answer": "ch04_ranking_metrics", "kind": "plausible", "why": "ideal DCG from the retrieved documents only",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError("k must be a positive int")
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
    got = [grades.get(d, 0) for d in ranking[:k]]
    dcg = sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(got))
    ideal = sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(sorted(got, reverse=True)))
    return float(dcg / ideal) if ideal > 0 else 0.0


def reciprocal_rank(ranking, grades, k=None):
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if k is not None:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("k must be a positive int")
        ranking = ranking[:k]
    for i, d in enumerate(ranking, start=1):
        if grades.get(d, 0) > 0:
            return 1.0 / i
    return 0.0
'''},
    {"answer": "ch04_ranking_metrics", "kind": "hardcoded", "why": "returns the worked example's numbers",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
    if k < 1:
        raise ValueError("k must be positive")
    ranking = list(ranking)
    if ranking == ["b", "x", "a"]:
        return 4.5 / (7 + 3 / np.log2(3) + 0.5)
    return 1.0 if any(grades.get(d, 0) > 0 for d in ranking) else 0.0


def reciprocal_rank(ranking, grades, k=None):
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if ranking == ["x", "y", "c"]:
        return 0.0 if k == 2 else 1 / 3
    return 1.0
'''},
    {"answer": "ch04_two_stage", "kind": "plausible", "why": "skips stage 1 and fuses over the whole catalogue",
     "code": '''
def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):
    t = np.asarray(text_scores, dtype=float)
    v = np.asarray(visual_scores, dtype=float)
    if t.shape != v.shape:
        raise ValueError("lengths differ")
    if n_candidates < 1 or not isinstance(k, int) or k < 1:
        raise ValueError("bad n_candidates or k")
    text_top = np.argsort(-t, kind="stable")[:n_candidates]
    visual_top = np.argsort(-v, kind="stable")[:n_candidates]
    candidates = np.union1d(text_top[t[text_top] > 0], visual_top)
    fused = np.asarray(fuse(t, v, weight), dtype=float)
    order = [i for i in np.argsort(-fused, kind="stable") if i in set(candidates.tolist())]
    return np.array(order[:k], dtype=np.int64)
'''},
    {"answer": "ch04_two_stage", "kind": "hardcoded", "why": "returns the worked example's indices",
     "code": '''
def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):
    t, v = np.asarray(text_scores, dtype=float), np.asarray(visual_scores, dtype=float)
    if t.shape != v.shape:
        raise ValueError("lengths differ")
    fuse(np.array([0.0, 3.0, 0.0, 2.0]), np.array([0.9, 0.1, 0.3, 0.25]), weight)
    return np.array([1, 4, 0], dtype=np.int64)[:k]
'''},
]
