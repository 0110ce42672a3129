"""Chapter 02 data: scikit-learn's handwritten digits as an image catalogue, user-photo queries, embeddings.

The catalogue is real: the 1,797 8x8 digit images that ship inside scikit-learn (no download). A
visual-search query is a user's own photo of an item, never the catalogue's copy, so the query images
are *distorted*: shifted by a random sub-pixel offset and covered in sensor-like noise. Relevance is
"same digit", the stand-in for "same product".

Embedders map images to L2-normalised float32 vectors:

* ``"pixels"``: the 64 raw pixel values (the baseline with no model at all);
* ``"pca"``: principal components of the catalogue images (unsupervised, computed);
* ``"mlp"``: the last hidden layer of a small neural network trained to name the digit on catalogue
  images plus distorted copies of them (supervised, learned; augmentations teach it to ignore shifts
  and noise, the same idea contrastive training uses at scale).
"""
from __future__ import annotations

import warnings

import numpy as np

from ._validation import check_array, check_bool, check_choice, check_float, check_int, check_random_state

__all__ = ["load_digit_images", "distort_images", "make_query_split", "DigitEmbedder", "fit_embedder",
           "load_digit_embeddings", "EMBEDDING_METHODS"]

EMBEDDING_METHODS = ("pixels", "pca", "mlp")
_SIDE = 8


def load_digit_images(*, as_frame: bool = False):
    """The 1,797 real 8x8 handwritten digits from scikit-learn, with pixels scaled to [0, 1].

    Parameters
    ----------
    as_frame : bool, default False
        Return a pandas DataFrame of 64 pixel columns (``px_<row>_<col>``) and a Series ``digit``
        instead of arrays.

    Returns
    -------
    images : ndarray of shape (1797, 8, 8), float64 in [0, 1]
        (a DataFrame of shape (1797, 64) when ``as_frame=True``).
    labels : ndarray of shape (1797,), int64 digit 0-9 (a Series when ``as_frame=True``).

    Examples
    --------
    >>> images, labels = load_digit_images()
    >>> images.shape, labels[:5].tolist()
    ((1797, 8, 8), [0, 1, 2, 3, 4])
    """
    as_frame = check_bool("as_frame", as_frame)
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype(np.float64) / 16.0
    labels = bunch.target.astype(np.int64)
    if not as_frame:
        return images, labels
    import pandas as pd

    columns = [f"px_{r}_{c}" for r in range(_SIDE) for c in range(_SIDE)]
    return (pd.DataFrame(images.reshape(len(images), -1), columns=columns),
            pd.Series(labels, name="digit"))


def _check_images(name: str, images) -> np.ndarray:
    arr = check_array(name, images, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == _SIDE * _SIDE:
        arr = arr.reshape(len(arr), _SIDE, _SIDE)
    if arr.ndim != 3 or arr.shape[1:] != (_SIDE, _SIDE):
        raise ValueError(f"{name} must have shape (n, 8, 8) or (n, 64), got {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{name} must hold at least one image, got 0")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def distort_images(images, *, max_shift: float = 1.0, noise: float = 0.1, random_state=None) -> np.ndarray:
    """Make catalogue images look like users' photos of them: a small shift plus pixel noise.

    Each image moves by an offset drawn uniformly from ``[-max_shift, max_shift]`` pixels along each
    axis (bilinear interpolation, blank border), then gets Gaussian noise of standard deviation
    ``noise``; values are clipped back to [0, 1].

    Parameters
    ----------
    images : array-like of shape (n, 8, 8) or (n, 64), values in [0, 1]
    max_shift : float >= 0, default 1.0
    noise : float >= 0, default 0.1
    random_state : None, int or numpy Generator

    Returns
    -------
    ndarray of shape (n, 8, 8), float64
    """
    from scipy import ndimage

    arr = _check_images("images", images)
    max_shift = check_float("max_shift", max_shift, low=0.0, high=4.0)
    noise = check_float("noise", noise, low=0.0, high=1.0)
    rng = check_random_state("random_state", random_state)
    shifts = rng.uniform(-max_shift, max_shift, size=(len(arr), 2))
    out = np.empty_like(arr)
    for n, (image, shift) in enumerate(zip(arr, shifts)):
        out[n] = ndimage.shift(image, shift, order=1, mode="constant", cval=0.0)
    out += rng.normal(0.0, noise, size=out.shape)
    return np.clip(out, 0.0, 1.0)


def make_query_split(images, labels, *, n_queries: int = 300, distort: bool = True, max_shift: float = 1.0,
                     noise: float = 0.1, random_state=None):
    """Hold out ``n_queries`` images as user queries; the rest become the searchable catalogue.

    The split is stratified by label, so every digit is asked about about equally often. Query images
    are distorted with :func:`distort_images` unless ``distort=False``. Catalogue ids are the row
    positions in ``images_index``.

    Returns
    -------
    images_index : ndarray (n - n_queries, 8, 8)
    images_query : ndarray (n_queries, 8, 8)
    labels_index : ndarray (n - n_queries,), int64
    labels_query : ndarray (n_queries,), int64
    """
    from sklearn.model_selection import train_test_split

    arr = _check_images("images", images)
    lab = check_array("labels", labels, ndim=1, dtype=np.int64)
    if len(lab) != len(arr):
        raise ValueError(f"labels must have one entry per image: {len(lab)} labels for {len(arr)} images")
    n_classes = len(np.unique(lab))
    n_queries = check_int("n_queries", n_queries, low=n_classes, high=len(arr) - n_classes)
    distort = check_bool("distort", distort)
    rng = check_random_state("random_state", random_state)
    seed = int(rng.integers(2**31 - 1))
    idx_index, idx_query = train_test_split(np.arange(len(arr)), test_size=n_queries, stratify=lab,
                                            random_state=seed)
    idx_index, idx_query = np.sort(idx_index), np.sort(idx_query)
    query = arr[idx_query]
    if distort:
        query = distort_images(query, max_shift=max_shift, noise=noise, random_state=rng)
    return arr[idx_index].copy(), query, lab[idx_index].copy(), lab[idx_query].copy()


class DigitEmbedder:
    """A fitted image -> vector map; :meth:`transform` returns L2-normalised float32 rows.

    Build one with :func:`fit_embedder`. ``method`` and ``dim`` say what it is; ``model`` is the
    underlying scikit-learn estimator (None for ``"pixels"``).
    """

    def __init__(self, method: str, dim: int, model=None):
        self.method = method
        self.dim = dim
        self.model = model

    def __repr__(self) -> str:
        return f"DigitEmbedder(method={self.method!r}, dim={self.dim})"

    def transform(self, images) -> np.ndarray:
        """Embed images of shape (n, 8, 8) or (n, 64) into an (n, dim) float32 array of unit rows."""
        flat = _check_images("images", images).reshape(-1, _SIDE * _SIDE)
        if self.method == "pixels":
            vectors = flat
        elif self.method == "pca":
            vectors = self.model.transform(flat)
        else:
            hidden = flat
            for weights, bias in zip(self.model.coefs_[:-1], self.model.intercepts_[:-1]):
                hidden = np.tanh(hidden @ weights + bias)
            vectors = hidden
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # An all-blank image has no direction; give it a fixed one rather than dividing by zero.
        vectors = np.where(norms > 1e-12, vectors / np.maximum(norms, 1e-12), 1.0 / np.sqrt(vectors.shape[1]))
        return vectors.astype(np.float32)


def fit_embedder(images, labels=None, *, method: str = "mlp", n_components: int | None = None,
                 random_state=None) -> DigitEmbedder:
    """Fit an embedder on catalogue images (never on queries).

    Parameters
    ----------
    images : array-like of shape (n, 8, 8) or (n, 64)
    labels : array-like of shape (n,), required for ``method="mlp"``
    method : {"pixels", "pca", "mlp"}, default "mlp"
    n_components : int, optional
        Embedding size: 16 by default for "pca" and "mlp" (between 2 and 64); "pixels" is always 64.
    random_state : None, int or numpy Generator

    Returns
    -------
    DigitEmbedder
    """
    method = check_choice("method", method, EMBEDDING_METHODS)
    arr = _check_images("images", images)
    flat = arr.reshape(len(arr), -1)
    if method == "pixels":
        if n_components not in (None, _SIDE * _SIDE):
            raise ValueError(f"n_components must be None or 64 for method='pixels', got {n_components!r}")
        return DigitEmbedder("pixels", _SIDE * _SIDE)
    n_components = 16 if n_components is None else check_int("n_components", n_components, low=2, high=64)
    rng = check_random_state("random_state", random_state)
    seed = int(rng.integers(2**31 - 1))
    if method == "pca":
        from sklearn.decomposition import PCA

        if n_components > len(arr):
            raise ValueError(f"n_components must be <= the number of images ({len(arr)}), got {n_components}")
        return DigitEmbedder("pca", n_components, PCA(n_components, random_state=seed).fit(flat))
    if labels is None:
        raise ValueError("labels are required for method='mlp' (it learns from them), got None")
    lab = check_array("labels", labels, ndim=1, dtype=np.int64)
    if len(lab) != len(arr):
        raise ValueError(f"labels must have one entry per image: {len(lab)} labels for {len(arr)} images")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    augmented = distort_images(arr, random_state=rng).reshape(len(arr), -1)
    train_x, train_y = np.vstack([flat, augmented]), np.concatenate([lab, lab])
    model = MLPClassifier((64, n_components), activation="tanh", alpha=1e-3, max_iter=200, random_state=seed)
    with warnings.catch_warnings():
        # A fixed budget of 200 epochs is deliberate: it keeps the fit to a second or two.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(train_x, train_y)
    return DigitEmbedder("mlp", n_components, model)


def load_digit_embeddings(method: str = "mlp", *, n_components: int | None = None, n_queries: int = 300,
                          distort: bool = True, random_state=None, return_images: bool = False):
    """Split the digits into catalogue and queries, fit an embedder on the catalogue, embed both.

    Parameters
    ----------
    method : {"pixels", "pca", "mlp"}, default "mlp"
    n_components : int, optional (see :func:`fit_embedder`)
    n_queries : int, default 300
    distort : bool, default True (queries look like users' photos)
    random_state : None, int or numpy Generator
    return_images : bool, default False
        Also return the catalogue and query images (for showing results).

    Returns
    -------
    emb_index : ndarray (n_index, dim), float32, unit rows (n_index = 1797 - n_queries)
    emb_query : ndarray (n_queries, dim), float32, unit rows
    labels_index : ndarray (n_index,), int64
    labels_query : ndarray (n_queries,), int64
    images_index, images_query : ndarrays (n, 8, 8), only when ``return_images=True``

    Examples
    --------
    >>> e_idx, e_q, y_idx, y_q = load_digit_embeddings("pca", n_components=8, random_state=0)
    >>> e_idx.shape, e_q.shape, e_idx.dtype
    ((1497, 8), (300, 8), dtype('float32'))
    """
    method = check_choice("method", method, EMBEDDING_METHODS)
    return_images = check_bool("return_images", return_images)
    rng = check_random_state("random_state", random_state)
    images, labels = load_digit_images()
    img_index, img_query, y_index, y_query = make_query_split(images, labels, n_queries=n_queries,
                                                              distort=distort, random_state=rng)
    embedder = fit_embedder(img_index, y_index, method=method, n_components=n_components, random_state=rng)
    out = (embedder.transform(img_index), embedder.transform(img_query), y_index, y_query)
    return out + (img_index, img_query) if return_images else out
