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

# --- kit v2: one plausible mutant per escape class the hidden tests now close -----------------------

ANALYZE_TAIL = '''
    terms = []
    for token in re.split(r"[^a-z0-9]+", folded):
        if not token or token in stopwords:
            continue
        terms.append(token)
        if synonyms and token in synonyms:
            terms.extend(synonyms[token].split())
    return terms
'''

TFIDF_HEAD = '''
    if sp.issparse(counts):
        matrix = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    else:
        dense = np.asarray(counts, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError("counts must be 2-D")
        matrix = sp.csr_matrix(dense)
    matrix.sum_duplicates()
    n_docs, n_terms = matrix.shape
    if n_docs == 0 or np.any(matrix.data < 0):
        raise ValueError("bad counts")
'''

TFIDF_TAIL = '''
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weights = matrix @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weights), idf
'''

BM25_HEAD = '''
    if isinstance(k1, bool) or not isinstance(k1, numbers.Real) or not k1 >= 0:
        raise ValueError("bad k1")
    if isinstance(b, bool) or not isinstance(b, numbers.Real) or not 0 <= b <= 1:
        raise ValueError("bad b")
    matrix = sp.csc_matrix(counts, dtype=np.float64, copy=True) if sp.issparse(counts) \\
        else sp.csc_matrix(np.asarray(counts, dtype=np.float64))
    matrix.sum_duplicates()
    n_docs, n_terms = matrix.shape
'''

FUSE_CHECKS = '''
    t = np.asarray(text_scores, dtype=np.float64)
    v = np.asarray(visual_scores, dtype=np.float64)
    if t.ndim != 1 or v.ndim != 1 or len(t) != len(v) or len(t) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ValueError("not finite")
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 <= weight <= 1:
        raise ValueError("bad weight")
'''

RRF_CHECKS = '''
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not k >= 0:
        raise ValueError("bad k")
    if n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1):
        raise ValueError("bad n")
    fused = {}
    for ranking in rankings:
        ranking = list(ranking)
        if len(set(ranking)) != len(ranking):
            raise ValueError("repeated id")
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + rank)
'''

METRIC_CHECKS = '''
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError("bad k")
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
'''

RR_OK = '''

def reciprocal_rank(ranking, grades, k=None):
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
    if k is not None:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("bad k")
        ranking = ranking[:k]
    for position, doc in enumerate(ranking, start=1):
        if grades.get(doc, 0) > 0:
            return 1.0 / position
    return 0.0
'''

NDCG_OK = '''
def ndcg_at_k(ranking, grades, k=10):
''' + METRIC_CHECKS + '''
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    got = np.array([grades.get(doc, 0) for doc in ranking[:k]], dtype=float)
    dcg = float(np.sum((2.0 ** got - 1.0) * discount[:len(got)]))
    best = np.sort(np.array(list(grades.values()), dtype=float))[::-1][:k]
    idcg = float(np.sum((2.0 ** best - 1.0) * discount[:len(best)]))
    return dcg / idcg if idcg > 0 else 0.0
'''

TWO_STAGE_CHECKS = '''
    t = np.asarray(text_scores, dtype=np.float64)
    v = np.asarray(visual_scores, dtype=np.float64)
    if t.ndim != 1 or v.ndim != 1 or len(t) != len(v):
        raise ValueError("bad shapes")
    for value in (n_candidates, k):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError("bad int")
'''

MUTANTS += [
    # Lab 1
    {"answer": "ch04_analyze", "kind": "plausible", "why": "NFD instead of NFKD: ligatures, full-width forms and superscripts stay",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\\u2019", "")
''' + ANALYZE_TAIL},
    {"answer": "ch04_analyze", "kind": "plausible", "why": "casefold() instead of lower(): 'ß' becomes 'ss'",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\\u2019", "")
''' + ANALYZE_TAIL},
    {"answer": "ch04_analyze", "kind": "plausible", "why": "deletes every quote mark, not only ' and the curly apostrophe",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    folded = re.sub("['\\u2018\\u2019\\u00ab\\u00bb\\"]", "", folded)
''' + ANALYZE_TAIL},
    {"answer": "ch04_analyze", "kind": "plausible", "why": "drops stop words after the expansion, so added words can vanish",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\\u2019", "")
    terms = []
    for token in re.split(r"[^a-z0-9]+", folded):
        if not token:
            continue
        terms.append(token)
        if synonyms and token in synonyms:
            terms.extend(synonyms[token].split())
    return [t for t in terms if t not in stopwords]
'''},
    {"answer": "ch04_analyze", "kind": "plausible", "why": "its TypeError does not name the argument",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if not isinstance(text, str):
        raise TypeError("expected a string")
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\\u2019", "")
''' + ANALYZE_TAIL},
    # Lab 2
    {"answer": "ch04_tfidf", "kind": "plausible", "why": "document frequency from the sparsity pattern, so stored zeros count",
     "code": "def tfidf_transform(counts):" + TFIDF_HEAD + '''
    df = np.bincount(matrix.indices, minlength=n_terms)
''' + TFIDF_TAIL},
    {"answer": "ch04_tfidf", "kind": "plausible", "why": "scales a float64 input array in place",
     "code": '''
def tfidf_transform(counts):
    dense = counts.toarray() if sp.issparse(counts) else np.asarray(counts, dtype=np.float64)
    if dense.ndim != 2 or dense.shape[0] == 0 or np.any(dense < 0):
        raise ValueError("bad counts")
    n = dense.shape[0]
    idf = np.log((1.0 + n) / (1.0 + (dense > 0).sum(axis=0))) + 1.0
    dense *= idf
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    dense /= norms
    return sp.csr_matrix(dense), idf
'''},
    {"answer": "ch04_tfidf", "kind": "plausible", "why": "keeps the input's dtype, so float32 counts give float32 weights",
     "code": '''
def tfidf_transform(counts):
    dense = counts.toarray() if sp.issparse(counts) else np.array(counts)
    if dense.ndim != 2 or dense.shape[0] == 0 or np.any(dense < 0):
        raise ValueError("bad counts")
    if dense.dtype.kind in "iub":
        dense = dense.astype(np.float64)
    n = dense.shape[0]
    idf = np.log((1.0 + n) / (1.0 + (dense > 0).sum(axis=0))) + 1.0
    w = dense * idf.astype(dense.dtype)
    norms = np.linalg.norm(w, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return sp.csr_matrix(w / norms), idf
'''},
    {"answer": "ch04_tfidf", "kind": "plausible", "why": "delegates to scikit-learn through an aliased import",
     "code": '''
from sklearn.feature_extraction.text import TfidfTransformer as _Tfidf

def tfidf_transform(counts):
    dense = counts.toarray() if sp.issparse(counts) else np.asarray(counts, dtype=np.float64)
    if dense.ndim != 2 or dense.shape[0] == 0 or np.any(dense < 0):
        raise ValueError("bad counts")
    model = _Tfidf().fit(dense)
    return sp.csr_matrix(model.transform(dense), dtype=np.float64), model.idf_.astype(np.float64)
'''},
    # Lab 3
    {"answer": "ch04_bm25", "kind": "plausible", "why": "negative term indices count from the end",
     "code": "def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):" + BM25_HEAD + '''
    terms = sorted({int(t) % n_terms if int(t) < 0 else int(t) for t in query_terms})
    if terms and terms[-1] >= n_terms:
        raise ValueError("term index out of range")
    doc_len = np.asarray(matrix.sum(axis=1)).ravel()
    scores = np.zeros(n_docs)
    for t in terms:
        rows, tf = matrix.indices[matrix.indptr[t]:matrix.indptr[t + 1]], matrix.data[matrix.indptr[t]:matrix.indptr[t + 1]]
        rows, tf = rows[tf > 0], tf[tf > 0]
        idf = np.log(1.0 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
        scores[rows] += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * doc_len[rows] / doc_len.mean()))
    return scores
'''},
    {"answer": "ch04_bm25", "kind": "plausible", "why": "document frequency from the sparsity pattern, so stored zeros count",
     "code": "def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):" + BM25_HEAD + '''
    terms = sorted({int(t) for t in query_terms})
    if terms and (terms[0] < 0 or terms[-1] >= n_terms):
        raise ValueError("term index out of range")
    doc_len = np.asarray(matrix.sum(axis=1)).ravel()
    scores = np.zeros(n_docs)
    for t in terms:
        rows, tf = matrix.indices[matrix.indptr[t]:matrix.indptr[t + 1]], matrix.data[matrix.indptr[t]:matrix.indptr[t + 1]]
        idf = np.log(1.0 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
        scores[rows] += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * doc_len[rows] / doc_len.mean()))
    return scores
'''},
    {"answer": "ch04_bm25", "kind": "plausible", "why": "document length counts distinct terms, not occurrences",
     "code": "def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):" + BM25_HEAD + '''
    terms = sorted({int(t) for t in query_terms})
    if terms and (terms[0] < 0 or terms[-1] >= n_terms):
        raise ValueError("term index out of range")
    doc_len = np.asarray((matrix > 0).sum(axis=1)).ravel().astype(float)
    scores = np.zeros(n_docs)
    for t in terms:
        rows, tf = matrix.indices[matrix.indptr[t]:matrix.indptr[t + 1]], matrix.data[matrix.indptr[t]:matrix.indptr[t + 1]]
        rows, tf = rows[tf > 0], tf[tf > 0]
        idf = np.log(1.0 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
        scores[rows] += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * doc_len[rows] / doc_len.mean()))
    return scores
'''},
    {"answer": "ch04_bm25", "kind": "plausible", "why": "accepts only Python floats for k1 and b",
     "code": '''
def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):
    if not isinstance(k1, float) or k1 < 0 or not isinstance(b, float) or not 0 <= b <= 1:
        raise ValueError("k1 and b must be floats in range")
    matrix = sp.csc_matrix(counts, dtype=np.float64, copy=True) if sp.issparse(counts) \\
        else sp.csc_matrix(np.asarray(counts, dtype=np.float64))
    matrix.sum_duplicates()
    n_docs, n_terms = matrix.shape
    terms = sorted({int(t) for t in query_terms})
    if terms and (terms[0] < 0 or terms[-1] >= n_terms):
        raise ValueError("term index out of range")
    doc_len = np.asarray(matrix.sum(axis=1)).ravel()
    scores = np.zeros(n_docs)
    for t in terms:
        rows, tf = matrix.indices[matrix.indptr[t]:matrix.indptr[t + 1]], matrix.data[matrix.indptr[t]:matrix.indptr[t + 1]]
        rows, tf = rows[tf > 0], tf[tf > 0]
        idf = np.log(1.0 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
        scores[rows] += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * doc_len[rows] / doc_len.mean()))
    return scores
'''},
    # Lab 4
    {"answer": "ch04_fuse", "kind": "plausible", "why": "works on the inputs as given, so two Series align by index label",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    t = text_scores if isinstance(text_scores, pd.Series) else np.asarray(text_scores, dtype=np.float64)
    v = visual_scores if isinstance(visual_scores, pd.Series) else np.asarray(visual_scores, dtype=np.float64)
    if np.ndim(t) != 1 or np.ndim(v) != 1 or len(t) != len(v) or len(t) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ValueError("not finite")
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 <= weight <= 1:
        raise ValueError("bad weight")
    def minmax(x):
        low, high = x.min(), x.max()
        return (x - low) / (high - low) if high > low else x * 0.0
    return (1.0 - weight) * minmax(t) + weight * minmax(v)
'''},
    {"answer": "ch04_fuse", "kind": "plausible", "why": "normalises a float64 input array in place",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    t = np.asarray(text_scores, dtype=np.float64)
    v = np.asarray(visual_scores, dtype=np.float64)
    if t.ndim != 1 or v.ndim != 1 or len(t) != len(v) or len(t) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ValueError("not finite")
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 <= weight <= 1:
        raise ValueError("bad weight")
    for x in (t, v):
        x -= x.min()
        if x.max() > 0:
            x /= x.max()
    return (1.0 - weight) * t + weight * v
'''},
    {"answer": "ch04_fuse", "kind": "plausible", "why": "checks for NaN only, so infinite scores slip through",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    t = np.asarray(text_scores, dtype=np.float64)
    v = np.asarray(visual_scores, dtype=np.float64)
    if t.ndim != 1 or v.ndim != 1 or len(t) != len(v) or len(t) == 0:
        raise ValueError("bad shapes")
    if np.any(np.isnan(t)) or np.any(np.isnan(v)):
        raise ValueError("NaN")
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 <= weight <= 1:
        raise ValueError("bad weight")
    def minmax(x):
        low, high = x.min(), x.max()
        return (x - low) / (high - low) if high > low else np.zeros_like(x)
    return (1.0 - weight) * minmax(t) + weight * minmax(v)
'''},
    {"answer": "ch04_fuse", "kind": "plausible", "why": "accepts only Python floats as the weight",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    if not isinstance(weight, float) or not 0 <= weight <= 1:
        raise ValueError("weight must be a float in [0, 1]")
    t = np.asarray(text_scores, dtype=np.float64)
    v = np.asarray(visual_scores, dtype=np.float64)
    if t.ndim != 1 or v.ndim != 1 or len(t) != len(v) or len(t) == 0:
        raise ValueError("bad shapes")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ValueError("not finite")
    def minmax(x):
        low, high = x.min(), x.max()
        return (x - low) / (high - low) if high > low else np.zeros_like(x)
    return (1.0 - weight) * minmax(t) + weight * minmax(v)
'''},
    # Lab 5
    {"answer": "ch04_rrf", "kind": "plausible", "why": "equal scores keep the order ids were first seen in, not the smaller id",
     "code": "def reciprocal_rank_fusion(rankings, *, k=60, n=None):" + RRF_CHECKS + '''
    order = sorted(fused, key=lambda doc: -fused[doc])
    return order if n is None else order[:n]
'''},
    {"answer": "ch04_rrf", "kind": "plausible", "why": "sorts (score, id) in reverse, so equal scores go to the larger id",
     "code": "def reciprocal_rank_fusion(rankings, *, k=60, n=None):" + RRF_CHECKS + '''
    order = [doc for _, doc in sorted(((s, d) for d, s in fused.items()), reverse=True)]
    return order if n is None else order[:n]
'''},
    {"answer": "ch04_rrf", "kind": "plausible", "why": "reads the rankings twice, so a generator of rankings scores nothing",
     "code": '''
def reciprocal_rank_fusion(rankings, *, k=60, n=None):
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not k >= 0:
        raise ValueError("bad k")
    if n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1):
        raise ValueError("bad n")
    for ranking in rankings:
        if len(set(ranking)) != len(list(ranking)):
            raise ValueError("repeated id")
    fused = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + rank)
    order = sorted(fused, key=lambda doc: (-fused[doc], doc))
    return order if n is None else order[:n]
'''},
    {"answer": "ch04_rrf", "kind": "plausible", "why": "rejects k = 0 (checks k > 0)",
     "code": '''
def reciprocal_rank_fusion(rankings, *, k=60, n=None):
    if not k > 0:
        raise ValueError("k must be positive")
    if n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1):
        raise ValueError("bad n")
    fused = {}
    for ranking in rankings:
        ranking = list(ranking)
        if len(set(ranking)) != len(ranking):
            raise ValueError("repeated id")
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + rank)
    order = sorted(fused, key=lambda doc: (-fused[doc], doc))
    return order if n is None else order[:n]
'''},
    # Lab 6
    {"answer": "ch04_ranking_metrics", "kind": "plausible", "why": "linear gain (the grade itself) instead of 2**grade - 1",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
''' + METRIC_CHECKS + '''
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    got = np.array([grades.get(doc, 0) for doc in ranking[:k]], dtype=float)
    best = np.sort(np.array(list(grades.values()), dtype=float))[::-1][:k]
    idcg = float(np.sum(best * discount[:len(best)]))
    return float(np.sum(got * discount[:len(got)])) / idcg if idcg > 0 else 0.0
''' + RR_OK},
    {"answer": "ch04_ranking_metrics", "kind": "plausible", "why": "checks for repeated ids only among the top k",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError("bad k")
    top = list(ranking)[:k]
    if len(set(top)) != len(top):
        raise ValueError("repeated id")
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    got = np.array([grades.get(doc, 0) for doc in top], dtype=float)
    dcg = float(np.sum((2.0 ** got - 1.0) * discount[:len(got)]))
    best = np.sort(np.array(list(grades.values()), dtype=float))[::-1][:k]
    idcg = float(np.sum((2.0 ** best - 1.0) * discount[:len(best)]))
    return dcg / idcg if idcg > 0 else 0.0


def reciprocal_rank(ranking, grades, k=None):
    ranking = list(ranking)
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
    if k is not None:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("bad k")
        ranking = ranking[:k]
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    for position, doc in enumerate(ranking, start=1):
        if grades.get(doc, 0) > 0:
            return 1.0 / position
    return 0.0
'''},
    {"answer": "ch04_ranking_metrics", "kind": "plausible", "why": "checks only the grades of retrieved ids for negatives",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError("bad k")
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if any(grades.get(d, 0) < 0 for d in ranking):
        raise ValueError("negative grade")
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    got = np.array([grades.get(doc, 0) for doc in ranking[:k]], dtype=float)
    dcg = float(np.sum((2.0 ** got - 1.0) * discount[:len(got)]))
    best = np.sort(np.array(list(grades.values()), dtype=float))[::-1][:k]
    idcg = float(np.sum((2.0 ** best - 1.0) * discount[:len(best)]))
    return dcg / idcg if idcg > 0 else 0.0
''' + RR_OK},
    {"answer": "ch04_ranking_metrics", "kind": "plausible", "why": "accepts only a Python int as k (numpy integers rejected)",
     "code": '''
def ndcg_at_k(ranking, grades, k=10):
    if type(k) is not int or k < 1:
        raise ValueError("k must be a positive int")
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise ValueError("repeated id")
    if any(g < 0 for g in grades.values()):
        raise ValueError("negative grade")
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    got = np.array([grades.get(doc, 0) for doc in ranking[:k]], dtype=float)
    dcg = float(np.sum((2.0 ** got - 1.0) * discount[:len(got)]))
    best = np.sort(np.array(list(grades.values()), dtype=float))[::-1][:k]
    idcg = float(np.sum((2.0 ** best - 1.0) * discount[:len(best)]))
    return dcg / idcg if idcg > 0 else 0.0
''' + RR_OK},
    # Lab 7
    {"answer": "ch04_two_stage", "kind": "plausible", "why": "unstable sort (numpy's default) for the candidate cut-offs and the final order",
     "code": "def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):" + TWO_STAGE_CHECKS + '''
    text_top = np.argsort(-t)[:n_candidates]
    text_top = text_top[t[text_top] > 0]
    visual_top = np.argsort(-v)[:n_candidates]
    candidates = np.union1d(text_top, visual_top).astype(np.int64)
    fused = np.asarray(fuse(t[candidates], v[candidates], weight), dtype=np.float64)
    return candidates[np.argsort(-fused)[:k]]
'''},
    {"answer": "ch04_two_stage", "kind": "plausible", "why": "reversed argsort: ties at the cut-off go to the larger index",
     "code": "def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):" + TWO_STAGE_CHECKS + '''
    text_top = np.argsort(t, kind="stable")[::-1][:n_candidates]
    text_top = text_top[t[text_top] > 0]
    visual_top = np.argsort(v, kind="stable")[::-1][:n_candidates]
    candidates = np.union1d(text_top, visual_top).astype(np.int64)
    fused = np.asarray(fuse(t[candidates], v[candidates], weight), dtype=np.float64)
    return candidates[np.argsort(-fused, kind="stable")[:k]]
'''},
    {"answer": "ch04_two_stage", "kind": "plausible", "why": "passes the candidates to fuse in rank order, text first, not by index",
     "code": "def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):" + TWO_STAGE_CHECKS + '''
    text_top = np.argsort(-t, kind="stable")[:n_candidates]
    text_top = text_top[t[text_top] > 0]
    visual_top = np.argsort(-v, kind="stable")[:n_candidates]
    seen = set()
    candidates = np.array([i for i in [*text_top, *visual_top] if not (i in seen or seen.add(i))], dtype=np.int64)
    fused = np.asarray(fuse(t[candidates], v[candidates], weight), dtype=np.float64)
    return candidates[np.argsort(-fused, kind="stable")[:k]]
'''},
    {"answer": "ch04_two_stage", "kind": "plausible", "why": "keeps text scores of 0 or below among the text candidates",
     "code": "def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):" + TWO_STAGE_CHECKS + '''
    text_top = np.argsort(-t, kind="stable")[:n_candidates]
    visual_top = np.argsort(-v, kind="stable")[:n_candidates]
    candidates = np.union1d(text_top, visual_top).astype(np.int64)
    fused = np.asarray(fuse(t[candidates], v[candidates], weight), dtype=np.float64)
    return candidates[np.argsort(-fused, kind="stable")[:k]]
'''},
]

# --- correct alternatives: different algorithms that must keep every point ---------------------------

ALTERNATIVES = [
    {"answer": "ch04_analyze", "kind": "correct",
     "why": "a character-by-character scanner instead of a regular expression",
     "code": '''
def analyze(text, *, stopwords=frozenset(), synonyms=None):
    if type(text) is not str and not isinstance(text, str):
        raise TypeError(f"analyze: text must be str, not {type(text).__name__}")
    keep = set("abcdefghijklmnopqrstuvwxyz0123456789")
    out, current = [], []
    def flush():
        if current:
            token = "".join(current)
            current.clear()
            if token not in stopwords:
                out.append(token)
                if synonyms is not None and token in synonyms:
                    out.extend(synonyms[token].split())
    for ch in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(ch) or ch == "'" or ch == "\\u2019":
            continue
        if ch in keep:
            current.append(ch)
        else:
            flush()
    flush()
    return out
'''},
    {"answer": "ch04_tfidf", "kind": "correct",
     "why": "dense numpy arithmetic, np.linalg.norm for the rows, CSR built at the end",
     "code": '''
def tfidf_transform(counts):
    dense = counts.toarray() if sp.issparse(counts) else np.array(counts, dtype=np.float64)
    dense = np.asarray(dense, dtype=np.float64)
    if dense.ndim != 2:
        raise ValueError("counts: expected a 2-D matrix")
    if dense.shape[0] < 1:
        raise ValueError("counts: no documents")
    if (dense < 0).any():
        raise ValueError("counts: negative entry")
    n_docs = dense.shape[0]
    df = np.count_nonzero(dense > 0, axis=0)
    idf = 1.0 + np.log((n_docs + 1.0) / (df + 1.0))
    raw = dense * idf[None, :]
    length = np.linalg.norm(raw, axis=1)
    raw[length > 0] /= length[length > 0, None]
    return sp.csr_matrix(raw, dtype=np.float64), idf.astype(np.float64)
'''},
    {"answer": "ch04_bm25", "kind": "correct",
     "why": "dense columns and np.where instead of walking the CSC postings",
     "code": '''
def bm25_scores(counts, query_terms, *, k1=1.2, b=0.75):
    if not (isinstance(k1, numbers.Number) and not isinstance(k1, bool)) or k1 < 0:
        raise ValueError("k1 must be >= 0")
    if not (isinstance(b, numbers.Number) and not isinstance(b, bool)) or b < 0 or b > 1:
        raise ValueError("b must be in [0, 1]")
    if sp.issparse(counts):
        c = sp.csc_matrix(counts, dtype=np.float64)
        c.sum_duplicates()
    else:
        c = sp.csc_matrix(np.asarray(counts, dtype=np.float64))
    n_docs, n_terms = c.shape
    wanted = []
    for term in query_terms:
        term = int(term)
        if term < 0 or term >= n_terms:
            raise ValueError(f"term index {term} is out of range")
        if term not in wanted:
            wanted.append(term)
    length = np.asarray(c.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * length / length.mean()) if n_docs else length
    total = np.zeros(n_docs, dtype=np.float64)
    for term in wanted:
        f = c[:, [term]].toarray().ravel()
        df = int((f > 0).sum())
        weight = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        part = np.zeros(n_docs)
        hit = f > 0
        part[hit] = weight * f[hit] * (k1 + 1) / (f[hit] + norm[hit])
        total += part
    return total
'''},
    {"answer": "ch04_fuse", "kind": "correct",
     "why": "np.ptp for the range, one helper for both vectors",
     "code": '''
def fuse_scores(text_scores, visual_scores, weight):
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or np.isnan(weight) or weight < 0 or weight > 1:
        raise ValueError("weight must be in [0, 1]")
    arrays = [np.array(x, dtype=np.float64, copy=True) for x in (text_scores, visual_scores)]
    if any(a.ndim != 1 for a in arrays) or arrays[0].size != arrays[1].size or arrays[0].size == 0:
        raise ValueError("need two non-empty 1-D score vectors of one length")
    if not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("scores must be finite")
    scaled = []
    for a in arrays:
        spread = np.ptp(a)
        scaled.append((a - a.min()) / spread if spread != 0 else np.zeros(a.size))
    return np.asarray((1 - weight) * scaled[0] + weight * scaled[1], dtype=np.float64)
'''},
    {"answer": "ch04_rrf", "kind": "correct",
     "why": "collections.defaultdict and two stable sorts (by id, then by score)",
     "code": '''
import collections

def reciprocal_rank_fusion(rankings, *, k=60, n=None):
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or k < 0:
        raise ValueError("k must be >= 0")
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError("n must be >= 1")
    total = collections.defaultdict(float)
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking):
            if doc in seen:
                raise ValueError(f"id {doc!r} is repeated in a ranking")
            seen.add(doc)
            total[doc] += 1.0 / (k + position + 1)
    ids = sorted(total)
    ids.sort(key=lambda d: total[d], reverse=True)  # stable: equal scores keep the id order
    return ids[:n] if n is not None else ids
'''},
    {"answer": "ch04_ranking_metrics", "kind": "correct",
     "why": "natural-log discount (the base cancels in the ratio), plain Python loops",
     "code": '''
import math

def _check_metric_args(ranking, grades, k, k_optional):
    if not (k is None and k_optional):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k <= 0:
            raise ValueError("k must be a positive integer")
    ranking = list(ranking)
    if len(ranking) != len(set(ranking)):
        raise ValueError("ranking repeats an id")
    for g in grades.values():
        if g < 0:
            raise ValueError("negative grade")
    return ranking


def ndcg_at_k(ranking, grades, k=10):
    ranking = _check_metric_args(ranking, grades, k, False)
    def dcg(gains):
        return sum((2.0 ** g - 1.0) / math.log(i + 2.0) for i, g in enumerate(gains))
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return float(dcg([grades.get(d, 0) for d in ranking[:k]]) / ideal)


def reciprocal_rank(ranking, grades, k=None):
    ranking = _check_metric_args(ranking, grades, k, True)
    limit = len(ranking) if k is None else k
    for i, d in enumerate(ranking[:limit]):
        if grades.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0
'''},
    {"answer": "ch04_two_stage", "kind": "correct",
     "why": "np.lexsort on (index, -score) for every cut-off, a Python set for the union",
     "code": '''
def two_stage_search(text_scores, visual_scores, *, fuse, weight, n_candidates=100, k=10):
    t = np.array(text_scores, dtype=float)
    v = np.array(visual_scores, dtype=float)
    if t.shape != v.shape or t.ndim != 1:
        raise ValueError("text_scores and visual_scores must be 1-D of one length")
    for name, value in (("n_candidates", n_candidates), ("k", k)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive int")
    idx = np.arange(len(t))
    positive = idx[t > 0]
    text_c = positive[np.lexsort((positive, -t[positive]))][:n_candidates]
    visual_c = np.lexsort((idx, -v))[:n_candidates]
    cands = np.array(sorted(set(text_c.tolist()) | set(visual_c.tolist())), dtype=np.int64)
    fused = np.asarray(fuse(t[cands], v[cands], weight), dtype=float)
    return cands[np.lexsort((cands, -fused))][:k].astype(np.int64)
'''},
]
