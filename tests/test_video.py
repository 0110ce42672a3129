"""Unit tests of course._video: the shipped film catalogue and the seeded search-log generator."""
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._video import _fold, _words

DATA = Path(datasets.__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def films():
    return datasets.load_films()


@pytest.fixture(scope="module")
def log(films):
    return datasets.make_video_queries(200, films=films, return_truth=True, random_state=3)


def test_exported_through_datasets():
    """load_films and make_video_queries are re-exported by course.datasets."""
    assert {"load_films", "make_video_queries"} <= set(datasets.__all__)


def test_shipped_file_matches_its_license_record():
    """The license file names the source, CC0, the row count and the sha256 of the shipped bytes."""
    record = (DATA / "films.csv.gz.LICENSE.md").read_text()
    digest = hashlib.sha256((DATA / "films.csv.gz").read_bytes()).hexdigest()
    assert digest in record
    assert "CC0" in record and "bokeh-sampledata 2026.1" in record and "5,000" in record
    assert (DATA / "films.csv.gz").stat().st_size < 2_000_000


def test_load_films_shape_dtypes_and_values(films):
    """5,000 films, film_id equal to the row position, the documented dtypes and sane values."""
    assert films.shape == (5000, 12)
    assert list(films.columns) == ["film_id", "imdb_id", "title", "year", "genres", "director", "cast",
                                   "country", "language", "runtime", "rt_meter", "rt_reviews"]
    assert np.array_equal(films.film_id.to_numpy(), np.arange(5000))
    for col in ("film_id", "year", "rt_meter", "rt_reviews"):
        assert films[col].dtype == np.int64, col
    for col in ("imdb_id", "title", "genres", "director", "cast", "country", "language"):
        assert pd.api.types.is_string_dtype(films[col]), col
    assert films.runtime.dtype == np.float64
    assert films.year.between(1940, 2014).all()
    assert films.rt_meter.between(0, 100).all() and (films.rt_reviews > 0).all()
    assert (films.genres != "").all() and (films.director != "").all()
    assert films.imdb_id.str.match(r"^tt\d+$").all() and films.imdb_id.is_unique
    assert films.cast.str.split("|").str.len().max() <= 4
    assert films.director.str.split("|").str.len().max() <= 3
    assert (films.year // 10 * 10).value_counts()[1940] == 300


def test_load_films_as_dict(films):
    """as_frame=False gives a dict of numpy arrays with the same content."""
    d = datasets.load_films(as_frame=False)
    assert set(d) == set(films.columns)
    assert isinstance(d["title"], np.ndarray) and d["title"].dtype == object
    assert d["year"].dtype == np.int64 and list(d["title"][:3]) == films.title.head(3).tolist()


def test_load_films_rejects_a_non_bool():
    with pytest.raises(TypeError, match="as_frame"):
        datasets.load_films(as_frame="yes")


def test_queries_qrels_visual_shapes_and_dtypes(log, films):
    """Queries, qrels and visual scores have the documented shapes, dtypes and ranges."""
    queries, qrels, visual, truth = log
    assert queries.shape == (200, 3)
    assert list(queries.columns) == ["query_id", "text", "intent"]
    assert np.array_equal(queries.query_id, np.arange(200)) and queries.query_id.dtype == np.int64
    assert isinstance(queries.intent.dtype, pd.CategoricalDtype)
    assert set(queries.intent.cat.categories) == {"title", "person", "topic"}
    assert list(qrels.columns) == ["query_id", "film_id", "grade"]
    assert all(qrels[c].dtype == np.int64 for c in qrels.columns)
    assert qrels.grade.between(1, 3).all()
    assert qrels.film_id.isin(films.film_id).all()
    assert not qrels.duplicated(["query_id", "film_id"]).any()
    assert qrels.equals(qrels.sort_values(["query_id", "film_id"]).reset_index(drop=True))
    assert set(qrels.query_id) == set(range(200)), "every query has at least one graded film"
    assert visual.shape == (200, 5000) and visual.dtype == np.float32
    assert 0.05 < visual.min() and visual.max() < 0.5
    assert len(truth["facets"]) == 200 and truth["film_embeddings"].shape[0] == 5000


def test_same_seed_same_log_other_seed_other_log(films):
    a = datasets.make_video_queries(50, films=films, random_state=11)
    b = datasets.make_video_queries(50, films=films, random_state=11)
    c = datasets.make_video_queries(50, films=films, random_state=12)
    assert a[0].equals(b[0]) and a[1].equals(b[1]) and np.array_equal(a[2], b[2])
    assert not a[0].text.equals(c[0].text)
    rng = np.random.default_rng(5)
    d = datasets.make_video_queries(50, films=films, random_state=rng)
    assert len(d[0]) == 50


def test_title_queries_grade_their_film_three(log, films):
    """A known-item query grades its target 3, and the query is the title as users type it."""
    queries, qrels, _, truth = log
    grades = qrels.set_index(["query_id", "film_id"]).grade
    titles = [q for q in range(200) if queries.intent[q] == "title"]
    assert titles
    for q in titles:
        target = truth["facets"][q]["film"]
        assert grades[(q, target)] == 3
        assert set(_words(queries.text[q])) - set(_words(films.title[target])) <= {
            "movie", "film", str(films.year[target])}
        assert queries.text[q] == queries.text[q].lower()


def test_person_and_topic_grades_follow_the_facets(log, films):
    """Person queries grade the person's films 2; topic grades follow genres, decade and nation."""
    queries, qrels, _, truth = log
    for q in range(200):
        facet, got = truth["facets"][q], qrels[qrels.query_id == q]
        if facet["intent"] == "person":
            assert set(got.grade) == {2}
            names = films.director[got.film_id] + "|" + films.cast[got.film_id]
            assert names.str.contains(facet["person"], regex=False).all()
        elif facet["intent"] == "topic":
            top = films.iloc[got[got.grade >= 2].film_id]
            for genre in facet["genres"]:
                assert top.genres.str.split("|").map(lambda gs, g=genre: g in gs).all()
            if facet["decade"] is not None:
                assert (top.year // 10 * 10 == facet["decade"]).all()
            perfect = films.iloc[got[got.grade == 3].film_id]
            assert (perfect.genres.str.split("|").str.len() <= 2).all()


def test_visual_scores_carry_signal_for_topics_and_none_for_people(log):
    """On topic queries relevant films score higher visually; on person queries hardly at all."""
    queries, qrels, visual, _ = log
    gaps = {"topic": [], "person": []}
    for q in range(200):
        intent = queries.intent[q]
        if intent in gaps:
            rel = qrels.film_id[(qrels.query_id == q) & (qrels.grade >= 2)].to_numpy()
            mask = np.zeros(visual.shape[1], dtype=bool)
            mask[rel] = True
            gaps[intent].append((visual[q, mask].mean() - visual[q, ~mask].mean()) / visual[q].std())
    assert np.mean(gaps["topic"]) > 0.8
    assert np.mean(gaps["topic"]) > 2 * np.mean(gaps["person"])


def test_visual_quality_sharpens_the_signal(films):
    def topic_gap(quality):
        queries, qrels, visual = datasets.make_video_queries(
            60, films=films, intent_mix=(0, 0, 1), visual_quality=quality, random_state=1)
        out = []
        for q in range(60):
            mask = np.zeros(visual.shape[1], dtype=bool)
            mask[qrels.film_id[(qrels.query_id == q) & (qrels.grade >= 2)].to_numpy()] = True
            out.append((visual[q, mask].mean() - visual[q, ~mask].mean()) / visual[q].std())
        return np.mean(out)
    assert topic_gap(3.0) > topic_gap(1.0) > topic_gap(0.3)


def test_intent_mix_is_respected(films):
    queries, _, _ = datasets.make_video_queries(40, films=films, intent_mix=(0, 0, 1), random_state=0)
    assert set(queries.intent) == {"topic"}
    queries, _, _ = datasets.make_video_queries(40, films=films, intent_mix=(2, 2, 0), random_state=0)
    assert set(queries.intent) == {"title", "person"}


def test_topic_queries_use_words_the_catalogue_lacks(films):
    """Users' words: some topic queries contain no genre word of the catalogue at all."""
    queries, _, _ = datasets.make_video_queries(300, films=films, intent_mix=(0, 0, 1), random_state=2)
    catalogue_words = set()
    for g in films.genres:
        catalogue_words.update(_words(g.replace("|", " ")))
    without = [t for t in queries.text if not set(_words(t)) & catalogue_words]
    assert 0.05 * len(queries) < len(without) < 0.6 * len(queries)


def test_a_smaller_catalogue(films):
    """A subset of films works; qrels keep the real film ids and visual columns follow the rows."""
    subset = films[films.year < 1960].reset_index(drop=True)
    queries, qrels, visual = datasets.make_video_queries(30, films=subset, random_state=4)
    assert visual.shape == (30, len(subset))
    assert qrels.film_id.isin(subset.film_id).all()


def test_fold_and_words():
    assert _fold("Amélie") == "amelie"
    assert _words("Schindler's List: Part-2") == ["schindlers", "list", "part", "2"]


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"n_queries": 5}, ValueError, "n_queries"),
    ({"n_queries": 10.0}, TypeError, "n_queries"),
    ({"intent_mix": (1, 1)}, ValueError, "intent_mix"),
    ({"intent_mix": (0, 0, 0)}, ValueError, "intent_mix"),
    ({"intent_mix": (1, -1, 1)}, ValueError, "intent_mix"),
    ({"intent_mix": "abc"}, TypeError, "intent_mix"),
    ({"visual_quality": 0}, ValueError, "visual_quality"),
    ({"visual_quality": "high"}, TypeError, "visual_quality"),
    ({"return_truth": 1}, TypeError, "return_truth"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"random_state": "seed"}, TypeError, "random_state"),
    ({"films": "films"}, TypeError, "films"),
    ({"films": pd.DataFrame({"title": ["x"]})}, ValueError, "films"),
])
def test_bad_arguments(kwargs, exc, match, films):
    with pytest.raises(exc, match=re.escape(match)):
        datasets.make_video_queries(**({"n_queries": 20, "films": films} | kwargs))


def test_person_queries_need_people(films):
    tiny = films.head(60).assign(director=[f"Solo Director{i}" for i in range(60)],
                                 cast=[f"Solo Actor{i}" for i in range(60)])
    with pytest.raises(ValueError, match="intent_mix"):
        datasets.make_video_queries(20, films=tiny, random_state=0)
    queries, _, _ = datasets.make_video_queries(20, films=tiny, intent_mix=(1, 0, 1), random_state=0)
    assert "person" not in set(queries.intent)
