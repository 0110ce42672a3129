"""Chapter 05's promises, checked outside the notebook, for the chapter's seed and another:

* on the real SMS messages, a logistic regression on hashed words far outranks a keyword rule;
* fusing text with image and behaviour signals beats each signal alone in mean average precision;
* a model trained on a sample of reviewer labels beats one trained on every user report;
* a review queue ordered by expected harm prevents more harmful views than one ordered by probability;
* the Wilson interval keeps its coverage at low prevalence where the Wald interval does not.

Everything here is reference code written for this test (crc32 hashing, the splits, the models, the queue,
average precision from sklearn); only the data comes from the course. Run with ``-s`` to see the figures.
"""
import re
import zlib

import numpy as np
import pytest
import scipy.sparse
import scipy.stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from course import datasets

pytestmark = pytest.mark.slow

CHAPTER_SEED = 7  # SEED in source/05_harmful_content
OTHER_SEED = 21


def hashed(texts, n=4096):
    rows, cols = [], []
    for i, t in enumerate(texts):
        for tok in re.findall(r"[a-z0-9]+", t.lower()):
            rows.append(i)
            cols.append(zlib.crc32(tok.encode("utf-8")) % n)
    m = scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), n))
    m.data = np.log1p(m.data)
    return m


def test_hashed_words_beat_a_keyword_rule_on_real_sms():
    sms = datasets.load_sms_spam()
    X = hashed(sms["text"])
    test = np.random.default_rng(CHAPTER_SEED).random(len(sms)) < 1 / 3
    y = sms["spam"].to_numpy()
    model = LogisticRegression(C=10.0, max_iter=1000).fit(X[~test], y[~test])
    words = {"free", "win", "prize", "claim", "urgent", "txt", "cash"}
    hits = sms["text"].map(lambda t: len(words & set(re.findall(r"[a-z0-9]+", t.lower())))).to_numpy()
    ap_model = average_precision_score(y[test], model.predict_proba(X[test])[:, 1])
    ap_rule = average_precision_score(y[test], hits[test])
    print(f"SMS spam AP: hashed words {ap_model:.3f}, keyword rule {ap_rule:.3f}")
    assert ap_model > 0.9 and ap_model > ap_rule + 0.2


def platform_results(seed):
    data, truth = datasets.make_harmful_posts(random_state=seed, return_truth=True)
    posts = data.posts
    behaviour = np.column_stack([np.log1p(posts["author_strikes"]), np.log1p(posts["account_age_days"]) / 5,
                                 np.log1p(posts["expected_views"]) / 5,
                                 3 * (posts["angry_reactions"] + 1) / (posts["reactions"] + 4)])
    X_text = hashed(posts["text"])
    X_other = np.hstack([data.image, behaviour])
    X_all = scipy.sparse.hstack([X_text, scipy.sparse.csr_matrix(X_other)]).tocsr()
    Y = truth["labels"].to_numpy()
    n = len(posts)
    train, test = np.arange(n) < int(0.6 * n), np.arange(n) >= int(0.8 * n)

    def mean_ap(X, labels, rows):
        aps, probs = [], []
        for j in range(Y.shape[1]):
            m = LogisticRegression(solver="newton-cg", max_iter=500).fit(X[rows], labels[rows, j])
            probs.append(m.predict_proba(X[test])[:, 1])
            aps.append(average_precision_score(Y[test, j], probs[-1]))
        return float(np.mean(aps)), np.column_stack(probs)

    out = {}
    out["text"], _ = mean_ap(X_text, Y, train)
    out["other"], _ = mean_ap(X_other, Y, train)
    out["fused"], P = mean_ap(X_all, Y, train)
    out["reports"], _ = mean_ap(X_all, (data.reports.to_numpy() > 0).astype(int), train)
    seen = data.reviews.notna().all(axis=1).to_numpy()
    out["reviews"], _ = mean_ap(X_all, np.nan_to_num(data.reviews.to_numpy()).astype(int), train & seen)

    p_any = 1 - np.prod(1 - P, axis=1)
    harmful = Y[test].max(axis=1) == 1
    views = truth["views"][test]
    capacity = int(0.01 * test.sum())

    def prevented(priority):
        order = np.lexsort((np.arange(len(priority)), -priority))[:capacity]
        caught = np.zeros(len(priority), bool)
        caught[order] = True
        return views[caught & harmful].sum() / views[harmful].sum()

    out["queue by probability"] = prevented(p_any)
    out["queue by expected harm"] = prevented(p_any * posts["expected_views"].to_numpy()[test])
    return out


@pytest.mark.parametrize("seed", [CHAPTER_SEED, OTHER_SEED])
def test_fusion_labels_and_queue(seed):
    r = platform_results(seed)
    print(seed, {k: round(v, 3) for k, v in r.items()})
    assert r["fused"] > max(r["text"], r["other"]) + 0.05, "fusion should beat each signal alone"
    assert r["reviews"] > r["reports"] + 0.1, "reviewer labels should beat user reports"
    assert r["queue by expected harm"] > r["queue by probability"] + 0.1, "expected harm should prevent more views"


def test_wilson_keeps_coverage_where_wald_fails():
    n = 1000
    ks = np.arange(0, 120)
    p_hat = ks / n
    z = 1.96
    centre = (p_hat + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
    half = z / (1 + z ** 2 / n) * np.sqrt(p_hat * (1 - p_hat) / n + z ** 2 / (4 * n ** 2))
    wald = z * np.sqrt(p_hat * (1 - p_hat) / n)
    for p in (0.0005, 0.001, 0.002, 0.005, 0.01, 0.05):
        pmf = scipy.stats.binom.pmf(ks, n, p)
        wilson_cov = pmf[(centre - half <= p) & (p <= centre + half)].sum()
        wald_cov = pmf[np.abs(p_hat - p) <= wald].sum()
        print(f"p={p}: Wilson {wilson_cov:.3f}, Wald {wald_cov:.3f}")
        assert wilson_cov > 0.9
        if p <= 0.001:
            assert wald_cov < 0.7
