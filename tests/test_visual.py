"""Unit tests of course._visual: the digits catalogue, distorted queries and the embedders of chapter 02."""
import numpy as np
import pandas as pd
import pytest

from course import datasets


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digit_images()


@pytest.fixture(scope="module")
def split(digits):
    return datasets.make_query_split(*digits, n_queries=200, random_state=4)


@pytest.fixture(scope="module")
def mlp(split):
    img_index, _, y_index, _ = split
    return datasets.fit_embedder(img_index, y_index, method="mlp", n_components=8, random_state=0)


def test_exported_through_datasets():
    """The loaders and embedders are re-exported by course.datasets."""
    wanted = {"load_digit_images", "distort_images", "make_query_split", "fit_embedder", "load_digit_embeddings",
              "DigitEmbedder"}
    assert wanted <= set(datasets.__all__)


def test_load_digit_images_shapes_dtypes_and_range(digits):
    """1,797 real 8x8 images in [0, 1] with int64 labels 0-9, about 180 of each."""
    images, labels = digits
    assert images.shape == (1797, 8, 8) and images.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(np.unique(labels)) == set(range(10))
    assert np.bincount(labels).min() >= 170
    assert labels[:5].tolist() == [0, 1, 2, 3, 4]


def test_load_digit_images_as_frame(digits):
    """as_frame gives 64 named pixel columns and a 'digit' Series with the same values as the arrays."""
    frame, target = datasets.load_digit_images(as_frame=True)
    assert isinstance(frame, pd.DataFrame) and isinstance(target, pd.Series)
    assert frame.shape == (1797, 64) and frame.columns[0] == "px_0_0" and frame.columns[-1] == "px_7_7"
    assert target.name == "digit"
    np.testing.assert_array_equal(frame.to_numpy(), digits[0].reshape(1797, 64))
    np.testing.assert_array_equal(target.to_numpy(), digits[1])


def test_distort_images_is_seeded_bounded_and_accepts_flat_input(digits):
    """Same seed, same photos; values stay in [0, 1]; (n, 64) input works; zero distortion is the identity."""
    images = digits[0][:20]
    a = datasets.distort_images(images, random_state=1)
    b = datasets.distort_images(images.reshape(20, 64), random_state=1)
    c = datasets.distort_images(images, random_state=2)
    assert a.shape == (20, 8, 8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    untouched = datasets.distort_images(images, max_shift=0.0, noise=0.0, random_state=3)
    np.testing.assert_allclose(untouched, images)
    assert np.abs(a - images).mean() > 0.05


def test_distort_images_uses_a_passed_generator(digits):
    """A numpy Generator is used as is (two draws from one generator differ)."""
    rng = np.random.default_rng(0)
    first = datasets.distort_images(digits[0][:5], random_state=rng)
    second = datasets.distort_images(digits[0][:5], random_state=rng)
    assert not np.allclose(first, second)


def test_make_query_split_is_stratified_disjoint_and_seeded(digits, split):
    """The split sizes add up, every digit is queried, clean query images are absent from the catalogue."""
    img_index, img_query, y_index, y_query = split
    assert img_index.shape == (1597, 8, 8) and img_query.shape == (200, 8, 8)
    assert y_index.dtype == np.int64 and y_query.dtype == np.int64
    assert np.bincount(y_query).min() >= 19 and np.bincount(y_query).max() <= 21
    clean = datasets.make_query_split(*digits, n_queries=200, distort=False, random_state=4)
    np.testing.assert_array_equal(clean[0], img_index)
    np.testing.assert_array_equal(clean[2], y_index)
    np.testing.assert_array_equal(clean[3], y_query)
    assert not np.allclose(clean[1], img_query)
    index_rows = {row.tobytes() for row in clean[0].reshape(len(clean[0]), -1)}
    assert not any(row.tobytes() in index_rows for row in clean[1].reshape(200, -1))
    again = datasets.make_query_split(*digits, n_queries=200, random_state=4)
    np.testing.assert_array_equal(again[1], img_query)


@pytest.mark.parametrize("method,dim", [("pixels", 64), ("pca", 16), ("pca", 5)])
def test_unsupervised_embedders_give_unit_float32_rows(split, method, dim):
    """pixels and pca embedders: (n, dim) float32 rows of length 1."""
    img_index, img_query, _, _ = split
    n_components = None if method == "pixels" else dim
    embedder = datasets.fit_embedder(img_index, method=method, n_components=n_components, random_state=0)
    assert embedder.method == method and embedder.dim == dim and method in repr(embedder)
    vectors = embedder.transform(img_query)
    assert vectors.shape == (200, dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_mlp_embedder_is_unit_seeded_and_beats_pixels(split, mlp):
    """The learned embedding: unit float32 rows, and better precision@10 than pixels on distorted queries."""
    img_index, img_query, y_index, y_query = split
    e_index, e_query = mlp.transform(img_index), mlp.transform(img_query)
    assert e_index.shape == (1597, 8) and e_index.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e_query, axis=1), 1.0, atol=1e-5)
    pixels = datasets.fit_embedder(img_index, method="pixels")

    def precision10(e_i, e_q):
        top = np.argsort(-(e_q @ e_i.T), axis=1)[:, :10]
        return np.mean(y_index[top] == y_query[:, None])

    learned = precision10(e_index, e_query)
    raw = precision10(pixels.transform(img_index), pixels.transform(img_query))
    assert learned > raw + 0.1, (learned, raw)


def test_blank_image_gets_a_fixed_unit_vector(mlp):
    """An all-zero image embeds to a unit vector (never NaN) under every method."""
    blank = np.zeros((1, 8, 8))
    pixels = datasets.fit_embedder(blank, method="pixels")
    for embedder in (pixels, mlp):
        vector = embedder.transform(blank)
        assert np.all(np.isfinite(vector))
        np.testing.assert_allclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_load_digit_embeddings_shapes_and_images():
    """The one-call loader returns the documented shapes, and the images with return_images=True."""
    e_index, e_query, y_index, y_query, img_index, img_query = datasets.load_digit_embeddings(
        "pca", n_components=8, n_queries=100, random_state=0, return_images=True)
    assert e_index.shape == (1697, 8) and e_query.shape == (100, 8) and e_index.dtype == np.float32
    assert y_index.shape == (1697,) and y_query.shape == (100,)
    assert img_index.shape == (1697, 8, 8) and img_query.shape == (100, 8, 8)
    again = datasets.load_digit_embeddings("pca", n_components=8, n_queries=100, random_state=0)
    assert len(again) == 4
    np.testing.assert_array_equal(again[0], e_index)


def test_bad_arguments_name_the_argument(digits):
    """Every bad argument raises TypeError or ValueError whose message names it."""
    images, labels = digits
    cases = [
        (TypeError, "as_frame", lambda: datasets.load_digit_images(as_frame="yes")),
        (ValueError, "images", lambda: datasets.distort_images(np.zeros((3, 7, 7)))),
        (ValueError, "images", lambda: datasets.distort_images(np.zeros((0, 8, 8)))),
        (ValueError, "images", lambda: datasets.distort_images(np.full((1, 8, 8), np.nan))),
        (TypeError, "images", lambda: datasets.distort_images("img")),
        (ValueError, "max_shift", lambda: datasets.distort_images(images[:2], max_shift=-1)),
        (ValueError, "noise", lambda: datasets.distort_images(images[:2], noise=2.0)),
        (TypeError, "random_state", lambda: datasets.distort_images(images[:2], random_state="seed")),
        (ValueError, "labels", lambda: datasets.make_query_split(images, labels[:10])),
        (ValueError, "n_queries", lambda: datasets.make_query_split(images, labels, n_queries=5)),
        (TypeError, "n_queries", lambda: datasets.make_query_split(images, labels, n_queries=10.5)),
        (TypeError, "distort", lambda: datasets.make_query_split(images, labels, distort=1)),
        (ValueError, "method", lambda: datasets.fit_embedder(images, method="cnn")),
        (ValueError, "n_components", lambda: datasets.fit_embedder(images, method="pixels", n_components=8)),
        (ValueError, "n_components", lambda: datasets.fit_embedder(images, method="pca", n_components=1)),
        (TypeError, "n_components", lambda: datasets.fit_embedder(images, method="pca", n_components=4.0)),
        (ValueError, "labels", lambda: datasets.fit_embedder(images, method="mlp")),
        (ValueError, "labels", lambda: datasets.fit_embedder(images, labels[:3], method="mlp")),
        (ValueError, "method", lambda: datasets.load_digit_embeddings("sift")),
        (TypeError, "return_images", lambda: datasets.load_digit_embeddings("pca", return_images=None)),
    ]
    for exc, name, call in cases:
        with pytest.raises(exc, match=name):
            call()
