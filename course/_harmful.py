"""Harmful content: real SMS spam (shipped) and a seeded multi-label post generator (chapter 05).

``load_sms_spam`` reads a trimmed copy of the SMS Spam Collection (Almeida, Gómez Hidalgo and
Yamakami 2011; CC BY 4.0; provenance in ``course/data/sms_spam.csv.gz.LICENSE.md``).
``make_harmful_posts`` simulates posts on a social platform with five kinds of harm at realistic,
very unequal prevalences, correlated labels, a text and an "image embedding" signal, noisy user
reports beside cleaner reviewer labels, and the ground truth behind them on request.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["HarmfulPosts", "load_sms_spam", "make_harmful_posts", "HARM_TYPES", "HARM_PREVALENCE", "HARM_LEXICON"]

DATA_DIR = Path(__file__).resolve().parent / "data"

HARM_TYPES = ("spam", "violence", "nudity", "hate", "self_harm")
# Share of posts with each harm (defaults): from a few per cent down to one in a thousand.
HARM_PREVALENCE = {"spam": 0.03, "violence": 0.012, "nudity": 0.008, "hate": 0.004, "self_harm": 0.002}
# Words that give a harm away in the text (hate uses placeholders: the point is the signal, not the words).
HARM_LEXICON = {
    "spam": ("free", "win", "prize", "click", "offer", "cash", "winner", "claim", "urgent", "bonus", "txt", "deal"),
    "violence": ("fight", "knife", "gun", "attack", "blood", "beat", "shoot", "weapon", "punch", "smash"),
    "nudity": ("nsfw", "nude", "explicit", "naked", "uncensored", "xxx", "strip", "leaked"),
    "hate": ("vermin", "subhuman", "invaders", "parasites", "slura", "slurb", "slurc", "slurd"),
    "self_harm": ("hopeless", "worthless", "goodbye", "cutting", "overdose", "pills", "ending", "numb"),
}
# How often a harmful post shows its harm in the text, and how strongly in the image.
_TEXT_CUE_RATE = {"spam": 0.8, "violence": 0.5, "nudity": 0.3, "hate": 0.75, "self_harm": 0.7}
_IMAGE_STRENGTH = {"spam": 0.6, "violence": 1.8, "nudity": 2.6, "hate": 0.4, "self_harm": 2.0}
_AUTHOR_LOADING = {"spam": 1.0, "violence": 0.6, "nudity": 0.6, "hate": 0.8, "self_harm": 0.2}
# Correlations of the per-post latent harm scores (order of HARM_TYPES).
_CORRELATION = np.array([
    [1.00, 0.05, 0.30, 0.10, 0.00],
    [0.05, 1.00, 0.10, 0.45, 0.25],
    [0.30, 0.10, 1.00, 0.05, 0.05],
    [0.10, 0.45, 0.05, 1.00, 0.10],
    [0.00, 0.25, 0.05, 0.10, 1.00],
])
# Per view: how often a viewer reports a harmful post (under the right reason), and a harmless one.
_REPORT_RATE = {"spam": 2e-3, "violence": 4e-3, "nudity": 5e-3, "hate": 3e-3, "self_harm": 1.5e-3}
_FALSE_REPORT_RATE = {"spam": 1.5e-4, "violence": 4e-5, "nudity": 3e-5, "hate": 8e-5, "self_harm": 1e-5}
_REVIEWER_MISS, _REVIEWER_FALSE = 0.04, 0.001
_DECOY_RATE, _DECOY_MIX = 0.015, (0.45, 0.3, 0.1, 0.1, 0.05)  # harmless posts that use a lexicon word
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"})


def _vocabulary(size: int = 1500) -> np.ndarray:
    """A fixed vocabulary of pronounceable made-up words (the same for every seed)."""
    onsets, vowels = "bdfgklmnprstvz", "aeiou"
    syllables = [c + v for c in onsets for v in vowels]
    rng = np.random.default_rng(20260501)
    words: dict[str, None] = {}
    while len(words) < size:
        n = rng.choice([2, 2, 3])
        word = "".join(rng.choice(syllables, n))
        if word not in words and all(word not in lex for lex in HARM_LEXICON.values()):
            words[word] = None
    return np.array(list(words), dtype=object)


_VOCAB = _vocabulary()
_ZIPF = 1.0 / np.arange(1, len(_VOCAB) + 1) ** 1.05
_ZIPF /= _ZIPF.sum()


def load_sms_spam(*, as_frame=True):
    """Load 4,534 real SMS messages labelled spam (561) or ham (3,973), the real text of chapter 05.

    The SMS Spam Collection v.1 (Almeida, Gómez Hidalgo and Yamakami, 2011), distributed by the UCI
    Machine Learning Repository under CC BY 4.0, with exact duplicate texts removed.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, return a DataFrame; if False, a dict of numpy arrays (an object array for ``text``).

    Returns
    -------
    messages : DataFrame of shape (4534, 3) or dict
        ``message_id`` (int64, equal to the row position), ``spam`` (int64, 1 for spam, 0 for ham) and
        ``text`` (str, the raw message).

    Examples
    --------
    >>> sms = load_sms_spam()
    >>> sms.shape, int(sms["spam"].sum())
    ((4534, 3), 561)
    """
    as_frame = check_bool("as_frame", as_frame)
    sms = pd.read_csv(DATA_DIR / "sms_spam.csv.gz", compression="gzip", keep_default_na=False,
                      dtype={"message_id": np.int64, "spam": np.int64})
    sms["text"] = sms["text"].astype(str)
    if as_frame:
        return sms
    return {"message_id": sms["message_id"].to_numpy(), "spam": sms["spam"].to_numpy(),
            "text": sms["text"].to_numpy(dtype=object)}


@dataclass
class HarmfulPosts:
    """The tables of a simulated stream of posts.

    Attributes
    ----------
    posts : DataFrame
        One row per post, by ``post_id`` (int64, equal to the row position): ``author_id`` (int64),
        ``author_followers`` (int64, long-tailed), ``account_age_days`` (int64), ``author_strikes``
        (int64, earlier violations of the author), ``text`` (str), ``expected_views`` (float64, the
        platform's forecast of the views the post will get), ``reactions`` and ``angry_reactions``
        (int64, counted in the first hour).
    image : ndarray of shape (n_posts, image_dim), float32
        The embedding of each post's image, as a pretrained image model would give it.
    reports : DataFrame
        One int64 column per harm type: how many viewers reported the post for that reason. Noisy:
        popular harmless posts collect false reports, harmful posts with few views often none.
    reviews : DataFrame
        One float64 column per harm type: a trained reviewer's verdict (1.0 or 0.0) for the reviewed
        posts, NaN for the posts nobody reviewed. Close to the truth, not equal to it.
    """

    posts: pd.DataFrame
    image: np.ndarray
    reports: pd.DataFrame
    reviews: pd.DataFrame

    def __repr__(self) -> str:
        n, d = self.image.shape
        reviewed = int(self.reviews.notna().all(axis=1).sum())
        return f"HarmfulPosts({n:,} posts, image embeddings of {d}, {reviewed:,} reviewed)"


def make_harmful_posts(n_posts=30_000, *, n_authors=None, prevalence=None, image_dim=16, obfuscation=0.0,
                       review_fraction=0.3, random_state=None, return_truth=False):
    """Simulate posts on a social platform, each with zero or more of five kinds of harm.

    The generative process, in order:

    1. **Authors.** ``n_authors`` accounts (default ``n_posts // 5``) with long-tailed activity and
       followers (log-normal), an account age, and a hidden propensity to post harm. Posts are given to
       authors in proportion to activity. ``author_strikes`` counts an author's earlier violations
       (Poisson with a rate that grows with the propensity), so it is a useful but imperfect signal.
    2. **Labels.** Each post draws correlated Gaussian scores, one per harm (violence goes with hate and
       self-harm, nudity with spam), plus the author's propensity; a harm is present where its score
       passes the threshold that gives the requested prevalence. Young accounts post more spam.
    3. **Text.** 5 to about 25 words from a fixed made-up vocabulary with Zipf frequencies. A harmful
       post carries one or more words of its harm's lexicon (``HARM_LEXICON``) with a per-harm
       probability (spam and hate usually show in the text, nudity rarely); 1.5 % of harmless posts carry a
       lexicon word too, mostly spam and violence words (a boxing match is a "fight"). With ``obfuscation`` > 0, each lexicon word is
       written in leetspeak ("fr33"; a word without such letters gets a dot, "t.xt") with that probability:
       the adversarial drift of chapter 05.
    4. **Image.** A standard normal embedding, shifted along one of six benign "style" directions and,
       for each harm present, along that harm's direction (strong for nudity and violence, weak for hate
       and spam). The directions are the same for every seed, as the space of one pretrained image model
       would be, so a model trained on one seed's posts works on another's.
    5. **Views and reactions.** Expected views grow with followers (and are higher for violent, hateful
       and sexual posts: engagement bait); the realised total is Poisson around them, and
       ``expected_views`` is the platform's noisy forecast. First-hour reactions carry a higher share of
       angry ones for hate and violence.
    6. **Reports.** Viewers report harmful posts at a small rate per view, under the right reason, and
       harmless ones at a much smaller rate: so reports miss harm that few people see and accuse popular
       harmless posts.
    7. **Reviews.** A random ``review_fraction`` of posts is labelled by reviewers who miss 4 % of harm
       and flag 0.1 % of harmless posts per type; the others are NaN.

    Parameters
    ----------
    n_posts : int, default=30000
        Number of posts (at least 100).
    n_authors : int or None, default=None
        Number of authors (at least 1); ``None`` means ``n_posts // 5``.
    prevalence : dict or None, default=None
        Share of posts with each harm, overriding ``HARM_PREVALENCE`` for the keys given; each value in
        (0, 0.5).
    image_dim : int, default=16
        Length of the image embedding (at least 8).
    obfuscation : float, default=0.0
        Probability in [0, 1] that a lexicon word is written in leetspeak.
    review_fraction : float, default=0.3
        Share of posts in [0, 1] that reviewers labelled.
    random_state : None, int or numpy Generator
        Seed of the one generator behind every draw.
    return_truth : bool, default=False
        Also return the ground truth.

    Returns
    -------
    data : HarmfulPosts
        ``posts``, ``image``, ``reports`` and ``reviews`` (see :class:`HarmfulPosts`).
    truth : dict, only if ``return_truth``
        ``labels`` (DataFrame of int64 0/1, one column per harm type), ``views`` (int64 array: the views
        each post really gets), ``mean_views`` (float64 array: its true expected views) and
        ``prevalence`` (dict: the requested share of each harm).

    Examples
    --------
    >>> data, truth = make_harmful_posts(2000, random_state=0, return_truth=True)
    >>> data.posts.shape[0], list(truth["labels"].columns) == list(HARM_TYPES)
    (2000, True)
    """
    n = check_int("n_posts", n_posts, low=100)
    n_auth = max(1, n // 5) if n_authors is None else check_int("n_authors", n_authors, low=1)
    prev = _check_prevalence(prevalence)
    d = check_int("image_dim", image_dim, low=8)
    obf = check_float("obfuscation", obfuscation, low=0.0, high=1.0)
    rev_frac = check_float("review_fraction", review_fraction, low=0.0, high=1.0)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    k = len(HARM_TYPES)

    # 1. authors
    activity = rng.lognormal(0.0, 1.0, n_auth)
    followers = np.round(rng.lognormal(5.0, 1.6, n_auth)).astype(np.int64)
    age = np.round(rng.exponential(500.0, n_auth)).astype(np.int64) + 1
    propensity = rng.normal(0.0, 0.7, n_auth)
    author = rng.choice(n_auth, n, p=activity / activity.sum())
    strikes = rng.poisson(0.25 * np.exp(1.3 * propensity))[author].astype(np.int64)

    # 2. labels: correlated latent scores, thresholds set for the requested prevalences
    loading = np.array([_AUTHOR_LOADING[h] for h in HARM_TYPES])
    noise = rng.standard_normal((n, k)) @ np.linalg.cholesky(_CORRELATION).T
    young = (age[author] < 60).astype(float)
    shift = np.zeros((n, k))
    shift[:, 0] = 0.8 * young - 0.8 * young.mean()
    latent = propensity[author, None] * loading + noise + shift
    scale = np.sqrt(1.0 + (0.7 * loading) ** 2 + np.r_[0.64 * young.var(), np.zeros(k - 1)])
    p = np.array([prev[h] for h in HARM_TYPES])
    labels = (latent > scale * ndtri(1.0 - p)).astype(np.int64)

    # 3. text
    texts = _texts(rng, labels, obf)

    # 4. image embedding
    directions, styles = _image_space(d)
    strength = np.array([_IMAGE_STRENGTH[h] for h in HARM_TYPES])
    image = rng.standard_normal((n, d)) + 1.5 * styles[rng.integers(0, 6, n)] + (labels * strength) @ directions

    # 5. views and reactions
    bait = 1.0 + 0.6 * labels[:, [1, 2, 3]].max(axis=1)
    mean_views = 2.0 + followers[author] ** 0.9 * rng.lognormal(0.0, 1.0, n) * bait
    views = rng.poisson(mean_views).astype(np.int64)
    expected_views = np.round(mean_views * rng.lognormal(0.0, 0.4, n), 1)
    reactions = rng.poisson(0.04 * mean_views).astype(np.int64)
    angry_mean = 0.04 + 0.3 * labels[:, [1, 3]].max(axis=1) + 0.08 * labels[:, 0]
    angry = rng.binomial(reactions, np.clip(rng.beta(2.0, 2.0 / angry_mean - 2.0), 0.0, 1.0)).astype(np.int64)

    # 6. reports and 7. reviews
    rate = np.array([_REPORT_RATE[h] for h in HARM_TYPES])
    false_rate = np.array([_FALSE_REPORT_RATE[h] for h in HARM_TYPES])
    reports = rng.poisson(views[:, None] * (labels * rate + false_rate)).astype(np.int64)
    flip = rng.random((n, k))
    verdict = np.where(labels == 1, flip >= _REVIEWER_MISS, flip < _REVIEWER_FALSE).astype(float)
    verdict[rng.random(n) >= rev_frac] = np.nan

    posts = pd.DataFrame({
        "post_id": np.arange(n, dtype=np.int64),
        "author_id": author.astype(np.int64),
        "author_followers": followers[author],
        "account_age_days": age[author],
        "author_strikes": strikes,
        "text": pd.array(texts, dtype="str"),
        "expected_views": expected_views.astype(np.float64),
        "reactions": reactions,
        "angry_reactions": angry,
    })
    data = HarmfulPosts(posts=posts, image=image.astype(np.float32),
                        reports=pd.DataFrame(reports, columns=list(HARM_TYPES)),
                        reviews=pd.DataFrame(verdict, columns=list(HARM_TYPES)))
    if not return_truth:
        return data
    truth = {"labels": pd.DataFrame(labels, columns=list(HARM_TYPES)), "views": views,
             "mean_views": mean_views.astype(np.float64), "prevalence": dict(prev)}
    return data, truth


def _image_space(d: int):
    """The harm and style directions of the embedding space: fixed, like a pretrained image model's."""
    space = np.random.default_rng(20260502).standard_normal((len(HARM_TYPES) + 6, d))
    space /= np.linalg.norm(space, axis=1, keepdims=True)
    return space[: len(HARM_TYPES)], space[len(HARM_TYPES):]


def _check_prevalence(prevalence) -> dict:
    prev = dict(HARM_PREVALENCE)
    if prevalence is None:
        return prev
    if not isinstance(prevalence, dict):
        raise TypeError(f"prevalence must be a dict or None, got {type(prevalence).__name__} {prevalence!r}")
    for key, value in prevalence.items():
        if key not in prev:
            raise ValueError(f"prevalence has an unknown harm type {key!r}; use some of {list(HARM_TYPES)}")
        value = check_float(f"prevalence[{key!r}]", value, low=0.0, high=0.5, low_open=True, high_open=True)
        prev[key] = value
    return prev


def _texts(rng, labels, obfuscation) -> list[str]:
    n, k = labels.shape
    lengths = 5 + rng.poisson(9.0, n)
    words = rng.choice(len(_VOCAB), int(lengths.sum()), p=_ZIPF)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    cue_rate = np.array([_TEXT_CUE_RATE[h] for h in HARM_TYPES])
    shows = (rng.random((n, k)) < cue_rate) & (labels == 1)
    n_cues = rng.poisson(0.6, (n, k)) + 1
    decoy = rng.random(n) < _DECOY_RATE
    decoy_type = rng.choice(k, n, p=_DECOY_MIX)
    lexicon = {w for lex in HARM_LEXICON.values() for w in lex}
    out = []
    for i in range(n):
        post = list(_VOCAB[words[starts[i]: starts[i] + lengths[i]]])
        for j in np.flatnonzero(shows[i]):
            lex = HARM_LEXICON[HARM_TYPES[j]]
            post.extend(lex[c] for c in rng.integers(0, len(lex), n_cues[i, j]))
        if decoy[i]:
            lex = HARM_LEXICON[HARM_TYPES[decoy_type[i]]]
            post.append(lex[rng.integers(0, len(lex))])
        if obfuscation > 0:
            post = [_obfuscate(w) if w in lexicon and rng.random() < obfuscation else w for w in post]
        order = rng.permutation(len(post))
        out.append(" ".join(post[o] for o in order))
    return out


def _obfuscate(word: str) -> str:
    """Leetspeak ("free" -> "fr33"); a word without such letters gets a dot inside ("txt" -> "t.xt")."""
    out = word.translate(_LEET)
    return out if out != word else word[0] + "." + word[1:]
