"""load_sms_spam and make_harmful_posts: shapes, dtypes, seeds, the documented process and its ground truth."""
import hashlib

import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._harmful import DATA_DIR, HARM_LEXICON, HARM_PREVALENCE, HARM_TYPES

SMALL = 6000


@pytest.fixture(scope="module")
def world():
    return datasets.make_harmful_posts(SMALL, random_state=3, return_truth=True)


def test_exported_from_datasets():
    """The loader, the generator, its bundle class and its constants are re-exported by course.datasets."""
    for name in ("load_sms_spam", "make_harmful_posts", "HarmfulPosts", "HARM_TYPES", "HARM_PREVALENCE",
                 "HARM_LEXICON"):
        assert name in datasets.__all__


def test_sms_file_matches_its_license_record():
    """The shipped file has the sha256, row count and class counts its LICENSE record states."""
    path = DATA_DIR / "sms_spam.csv.gz"
    record = (DATA_DIR / "sms_spam.csv.gz.LICENSE.md").read_text()
    assert hashlib.sha256(path.read_bytes()).hexdigest() in record
    assert "CC BY 4.0" in record and "Almeida" in record
    sms = datasets.load_sms_spam()
    assert sms.shape == (4534, 3) and int(sms["spam"].sum()) == 561
    assert list(sms.columns) == ["message_id", "spam", "text"]
    assert sms["message_id"].tolist() == list(range(4534))
    assert sms["spam"].dtype == np.int64 and set(sms["spam"]) == {0, 1}
    assert pd.api.types.is_string_dtype(sms["text"].dtype) and not sms["text"].duplicated().any()
    assert (sms["text"].str.len() > 0).all()


def test_sms_as_dict():
    """as_frame=False gives numpy arrays; a non-bool as_frame is refused."""
    d = datasets.load_sms_spam(as_frame=False)
    assert set(d) == {"message_id", "spam", "text"} and d["text"].dtype == object and len(d["spam"]) == 4534
    with pytest.raises(TypeError, match="as_frame"):
        datasets.load_sms_spam(as_frame=1)


def test_tables_columns_and_dtypes(world):
    """Each table has the documented columns and dtypes, aligned row by row."""
    data, truth = world
    assert isinstance(data, datasets.HarmfulPosts) and "6,000 posts" in repr(data)
    p = data.posts
    assert list(p.columns) == ["post_id", "author_id", "author_followers", "account_age_days", "author_strikes",
                               "text", "expected_views", "reactions", "angry_reactions"]
    for col in ("post_id", "author_id", "author_followers", "account_age_days", "author_strikes", "reactions",
                "angry_reactions"):
        assert p[col].dtype == np.int64, col
    assert p["expected_views"].dtype == np.float64
    assert pd.api.types.is_string_dtype(p["text"].dtype) and p["text"].dtype != object
    assert p["post_id"].tolist() == list(range(SMALL))
    assert data.image.shape == (SMALL, 16) and data.image.dtype == np.float32
    assert list(data.reports.columns) == list(HARM_TYPES) and (data.reports.dtypes == np.int64).all()
    assert list(data.reviews.columns) == list(HARM_TYPES) and (data.reviews.dtypes == np.float64).all()
    assert list(truth["labels"].columns) == list(HARM_TYPES) and (truth["labels"].dtypes == np.int64).all()
    assert truth["views"].shape == (SMALL,) and truth["views"].dtype == np.int64
    assert truth["mean_views"].shape == (SMALL,) and truth["prevalence"] == HARM_PREVALENCE


def test_values_are_in_range(world):
    """Counts are non-negative, angry reactions are a subset of reactions, authors' fields are per author."""
    data, truth = world
    p = data.posts
    assert (p[["author_followers", "author_strikes", "reactions", "angry_reactions"]] >= 0).all().all()
    assert (p["account_age_days"] >= 1).all() and (p["expected_views"] > 0).all()
    assert (p["angry_reactions"] <= p["reactions"]).all()
    assert p.groupby("author_id")[["author_followers", "account_age_days", "author_strikes"]].nunique().max().max() == 1
    assert set(np.unique(truth["labels"].to_numpy())) <= {0, 1}
    assert (data.reports.to_numpy() >= 0).all() and (truth["views"] >= 0).all()
    assert p["text"].str.split().str.len().min() >= 5


def test_same_seed_same_posts_and_different_seed_differs():
    """random_state fixes every table; another seed gives other posts."""
    a = datasets.make_harmful_posts(500, random_state=11)
    b = datasets.make_harmful_posts(500, random_state=11)
    c = datasets.make_harmful_posts(500, random_state=12)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    pd.testing.assert_frame_equal(a.reviews, b.reviews)
    assert np.array_equal(a.image, b.image)
    assert not a.posts["text"].equals(c.posts["text"])


def test_accepts_a_generator_and_never_touches_the_global_rng():
    """A numpy Generator is accepted, and the global numpy RNG is left alone."""
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    datasets.make_harmful_posts(300, random_state=np.random.default_rng(5))
    assert np.array_equal(before, np.random.get_state()[1])


def test_prevalence_is_close_to_requested():
    """Each harm's share of posts is near the requested prevalence; overrides apply to their key only."""
    data, truth = datasets.make_harmful_posts(60_000, random_state=1, return_truth=True)
    share = truth["labels"].mean()
    for h in HARM_TYPES:
        assert abs(share[h] - HARM_PREVALENCE[h]) < 0.25 * HARM_PREVALENCE[h] + 0.0005, h
    _, t2 = datasets.make_harmful_posts(20_000, prevalence={"hate": 0.05}, random_state=1, return_truth=True)
    assert abs(t2["labels"]["hate"].mean() - 0.05) < 0.01 and t2["prevalence"]["spam"] == HARM_PREVALENCE["spam"]


def test_documented_effects_show(world):
    """Harms co-occur beyond chance, lexicon words mark harm, images shift, reports are noisy, reviewers good."""
    data, truth = datasets.make_harmful_posts(30_000, random_state=4, return_truth=True)
    lab = truth["labels"]
    both = (lab["violence"] & lab["hate"]).mean()
    assert both > 3 * lab["violence"].mean() * lab["hate"].mean()
    for h in ("spam", "hate"):
        lex = set(HARM_LEXICON[h])
        has = data.posts["text"].map(lambda t: bool(lex & set(t.split())))
        assert has[lab[h] == 1].mean() > 0.6 and has[lab[h] == 0].mean() < 0.02
    img = data.image
    gap = np.linalg.norm(img[lab["nudity"] == 1].mean(0) - img[lab["nudity"] == 0].mean(0))
    assert gap > 2.0
    reported = data.reports > 0
    for h in HARM_TYPES:
        assert reported[h][lab[h] == 1].mean() < 0.8 and lab[h][reported[h]].mean() < 0.5, h
    seen = data.reviews.notna().all(axis=1)
    assert 0.25 < seen.mean() < 0.35
    agree = (data.reviews[seen].to_numpy() == lab[seen].to_numpy()).mean()
    assert agree > 0.99
    assert np.corrcoef(np.log(truth["mean_views"]), np.log(data.posts["expected_views"]))[0, 1] > 0.8


def test_image_space_is_shared_across_seeds():
    """The harm directions are the same for every seed, as for one pretrained image model."""
    means = []
    for seed in (1, 2):
        data, truth = datasets.make_harmful_posts(20_000, random_state=seed, return_truth=True)
        nud = truth["labels"]["nudity"].to_numpy() == 1
        means.append(data.image[nud].mean(0) - data.image[~nud].mean(0))
    cos = means[0] @ means[1] / np.linalg.norm(means[0]) / np.linalg.norm(means[1])
    assert cos > 0.9


def test_knobs_change_what_they_say():
    """obfuscation writes lexicon words in leetspeak; review_fraction sets the reviewed share; image_dim."""
    clean = datasets.make_harmful_posts(3000, random_state=2)
    dirty = datasets.make_harmful_posts(3000, obfuscation=1.0, random_state=2)
    lexicon = {w for lex in HARM_LEXICON.values() for w in lex}
    words = lambda d: {w for t in d.posts["text"] for w in t.split()}  # noqa: E731
    assert words(clean) & lexicon and not (words(dirty) & lexicon)
    assert "fr33" in words(dirty)
    none = datasets.make_harmful_posts(1000, review_fraction=0.0, random_state=2)
    assert none.reviews.isna().all().all()
    full = datasets.make_harmful_posts(1000, review_fraction=1.0, random_state=2)
    assert full.reviews.notna().all().all()
    assert datasets.make_harmful_posts(200, image_dim=32, random_state=2).image.shape == (200, 32)
    assert datasets.make_harmful_posts(500, n_authors=3, random_state=2).posts["author_id"].nunique() <= 3


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(n_posts=50), ValueError, "n_posts"),
    (dict(n_posts=1000.0), TypeError, "n_posts"),
    (dict(n_authors=0), ValueError, "n_authors"),
    (dict(prevalence={"spam": 0.6}), ValueError, "prevalence"),
    (dict(prevalence={"spam": 0.0}), ValueError, "prevalence"),
    (dict(prevalence={"fraud": 0.01}), ValueError, "fraud"),
    (dict(prevalence=[0.01]), TypeError, "prevalence"),
    (dict(image_dim=4), ValueError, "image_dim"),
    (dict(obfuscation=1.5), ValueError, "obfuscation"),
    (dict(review_fraction=-0.1), ValueError, "review_fraction"),
    (dict(random_state="seed"), TypeError, "random_state"),
    (dict(return_truth=1), TypeError, "return_truth"),
])
def test_bad_arguments_name_the_argument(kwargs, error, word):
    """Every bad argument raises an error that names it."""
    args = {"n_posts": 1000, **kwargs}
    with pytest.raises(error, match=word):
        datasets.make_harmful_posts(**args)
