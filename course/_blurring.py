"""Chapter 03 (street-view blurring): a real photograph and a seeded generator of detections.

Box format, used everywhere in the chapter: a box is ``(x1, y1, x2, y2)`` in pixel coordinates of
the image, float64, with the origin at the top-left corner, ``x`` growing to the right and ``y``
growing down. ``x1 < x2`` and ``y1 < y2``; coordinates are continuous, so a box's width is
``x2 - x1`` and its area ``(x2 - x1) * (y2 - y1)`` (no "+1" pixel convention). An image of width
``W`` and height ``H`` spans ``0 <= x <= W`` and ``0 <= y <= H``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["BOX_COLUMNS", "make_detections", "load_photo"]

BOX_COLUMNS = ["x1", "y1", "x2", "y2"]

# Shape of each class: median size sqrt(w * h) in pixels, spread of its log, aspect w / h, and the
# vertical band (fractions of the image height) where the box centre falls.
_CLASS_SHAPES = {
    "face": dict(size=24.0, sigma=0.55, aspect=(0.72, 0.88), band=(0.30, 0.80)),
    "plate": dict(size=26.0, sigma=0.50, aspect=(3.6, 4.8), band=(0.50, 0.95)),
}

# Hand-marked regions of sklearn's china.jpg (427 x 640). The photo holds no face or licence plate,
# so these regions stand in for them: face-sized openings where a visitor could stand, and wide,
# plate-shaped strips.
_PHOTO_REGIONS = [
    ("doorway, middle gallery", "face", 135.0, 193.0, 172.0, 222.0),
    ("window, middle gallery", "face", 210.0, 193.0, 247.0, 222.0),
    ("lattice windows, top floor", "plate", 142.0, 138.0, 242.0, 152.0),
    ("island pavilion", "plate", 420.0, 226.0, 502.0, 244.0),
    ("tower blocks on the horizon", "plate", 45.0, 203.0, 100.0, 220.0),
]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _clip_boxes(boxes: np.ndarray, width: int, height: int) -> np.ndarray:
    """Clip to the image and keep every box at least one pixel wide and tall."""
    out = boxes.copy()
    out[:, [0, 2]] = np.clip(out[:, [0, 2]], 0.0, width)
    out[:, [1, 3]] = np.clip(out[:, [1, 3]], 0.0, height)
    out[:, 2] = np.maximum(out[:, 2], np.minimum(out[:, 0] + 1.0, width))
    out[:, 0] = np.minimum(out[:, 0], out[:, 2] - 1.0)
    out[:, 3] = np.maximum(out[:, 3], np.minimum(out[:, 1] + 1.0, height))
    out[:, 1] = np.minimum(out[:, 1], out[:, 3] - 1.0)
    return out


def _jitter(rng, boxes: np.ndarray, scale: float) -> np.ndarray:
    """Move each corner by Gaussian noise proportional to the box's size sqrt(w * h)."""
    size = np.sqrt((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))
    return boxes + rng.normal(0.0, 1.0, boxes.shape) * (scale * size)[:, None]


def _objects(rng, n, label, width, height):
    shape = _CLASS_SHAPES[label]
    size = np.clip(shape["size"] * np.exp(rng.normal(0.0, shape["sigma"], n)), 6.0, 0.4 * min(width, height))
    aspect = rng.uniform(*shape["aspect"], n)
    w = np.minimum(size * np.sqrt(aspect), 0.9 * width)
    h = np.minimum(size / np.sqrt(aspect), 0.9 * height)
    cx = rng.uniform(w / 2, width - w / 2)
    lo, hi = shape["band"]
    cy = np.clip(rng.uniform(lo * height, hi * height), h / 2, height - h / 2)
    return np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


def _crowd(rng, gt, image_id, is_face, share, width, height):
    """Move a share of the faces next to the previous face of the same image (people walk in groups)."""
    if is_face is None or share == 0:
        return
    faces = np.flatnonzero(is_face)
    join = rng.random(len(faces)) < share
    side = rng.choice([-1.0, 1.0], len(faces))
    gap = rng.uniform(0.55, 1.05, len(faces))
    dy = rng.normal(0.0, 0.15, len(faces))
    for n in range(1, len(faces)):
        i, prev = faces[n], faces[n - 1]
        if not join[n] or image_id[i] != image_id[prev]:
            continue
        w, h = gt[i, 2] - gt[i, 0], gt[i, 3] - gt[i, 1]
        pw = gt[prev, 2] - gt[prev, 0]
        cx = (gt[prev, 0] + gt[prev, 2]) / 2 + side[n] * gap[n] * (pw + w) / 2
        cy = (gt[prev, 1] + gt[prev, 3]) / 2 + dy[n] * h
        cx = min(max(cx, w / 2), width - w / 2)
        cy = min(max(cy, h / 2), height - h / 2)
        gt[i] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def make_detections(n_images: int = 100, *, image_size=(427, 640), classes=("face", "plate"),
                    class_weights=None, mean_objects: float = 4.0, detect_prob: float = 0.95,
                    min_detect_size: float = 14.0, box_noise: float = 0.06, n_duplicates: float = 0.8,
                    n_false_positives: float = 1.5, crowd: float = 0.4, random_state=None,
                    return_truth: bool = False):
    """Ground-truth faces and licence plates, and the noisy output of a detector that looked for them.

    Generative process, per image: the number of objects is negative binomial (mean
    ``mean_objects``, overdispersed: most street scenes are empty-ish, a few are crowded); each
    object draws its class from ``class_weights`` and a log-normal size (faces are upright boxes,
    plates are about four times wider than tall, and plates sit lower in the frame); a share
    ``crowd`` of the faces stands right beside another face (groups of pedestrians). The detector
    finds an object with probability ``detect_prob * sigmoid((size - min_detect_size) / 3)``, so
    small, distant objects are the ones it misses; its box is the true box with every corner moved
    by ``box_noise`` times the object's size, and its score grows with the object's size. Each found
    object also produces a Poisson(``n_duplicates``) number of looser, lower-scored duplicate boxes
    (the raw output before non-maximum suppression), and each image gets a
    Poisson(``n_false_positives``) number of low-scored boxes on background.

    Parameters
    ----------
    n_images : int, default 100
        Number of images.
    image_size : (int, int), default (427, 640)
        ``(height, width)`` of every image in pixels (the size of sklearn's sample photos).
    classes : sequence of str, default ("face", "plate")
        Classes to draw, a subset of ``("face", "plate")``.
    class_weights : sequence of float or None
        Share of each class among objects; default ``0.7`` faces, ``0.3`` plates (renormalised).
    mean_objects : float, default 4.0
        Mean number of objects per image.
    detect_prob : float in (0, 1], default 0.95
        The detector's recall on large objects.
    min_detect_size : float, default 14.0
        Object size sqrt(w * h) in pixels at which recall is half of ``detect_prob``.
    box_noise : float, default 0.06
        Localisation noise of the detector, as a fraction of the object's size.
    n_duplicates : float, default 0.8
        Mean number of extra, overlapping boxes per found object.
    n_false_positives : float, default 1.5
        Mean number of background detections per image.
    crowd : float in [0, 1], default 0.4
        Share of faces placed beside the previous face of the same image, so that people stand in
        groups whose boxes almost touch or slightly overlap.
    random_state : None, int or numpy Generator
        Seed of every random draw.
    return_truth : bool, default False
        Also return the ground-truth boxes, and add an ``object_id`` column to the detections.

    Returns
    -------
    detections : pandas.DataFrame
        One row per raw detection, ordered by ``image_id`` (within an image the order is random):
        ``image_id`` (int64), ``label`` (str), ``score`` (float64 in (0, 1)), ``x1, y1, x2, y2``
        (float64, inside the image). With ``return_truth=True`` also ``object_id`` (int64, the
        ground-truth object a detection came from, -1 for a background detection).
    truth : pandas.DataFrame, only when ``return_truth=True``
        One row per real object: ``object_id`` (int64, 0..n-1), ``image_id`` (int64), ``label``
        (str), ``x1, y1, x2, y2`` (float64).

    Examples
    --------
    >>> det, truth = make_detections(5, random_state=0, return_truth=True)
    >>> list(det.columns)
    ['image_id', 'label', 'score', 'x1', 'y1', 'x2', 'y2', 'object_id']
    """
    n_images = check_int("n_images", n_images, low=1, high=100_000)
    if not isinstance(image_size, (tuple, list)) or len(image_size) != 2:
        raise TypeError(f"image_size must be a (height, width) pair, got {image_size!r}")
    height = check_int("image_size[0]", image_size[0], low=32, high=20_000)
    width = check_int("image_size[1]", image_size[1], low=32, high=20_000)
    if isinstance(classes, str) or not isinstance(classes, (tuple, list)) or not classes:
        raise TypeError(f"classes must be a non-empty tuple of class names, got {classes!r}")
    for name in classes:
        if name not in _CLASS_SHAPES:
            raise ValueError(f"classes must be taken from {sorted(_CLASS_SHAPES)}, got {name!r}")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must not repeat, got {classes!r}")
    if class_weights is None:
        class_weights = [{"face": 0.7, "plate": 0.3}[c] for c in classes]
    weights = np.asarray(class_weights, dtype=float)
    if weights.shape != (len(classes),) or not np.all(np.isfinite(weights)) or np.any(weights < 0) \
            or weights.sum() <= 0:
        raise ValueError(f"class_weights must be {len(classes)} non-negative numbers with a positive sum, "
                         f"got {class_weights!r}")
    weights = weights / weights.sum()
    mean_objects = check_float("mean_objects", mean_objects, low=0.0, high=100.0)
    detect_prob = check_float("detect_prob", detect_prob, low=0.0, high=1.0, low_open=True)
    min_detect_size = check_float("min_detect_size", min_detect_size, low=0.0, high=1000.0)
    box_noise = check_float("box_noise", box_noise, low=0.0, high=1.0)
    n_duplicates = check_float("n_duplicates", n_duplicates, low=0.0, high=20.0)
    n_false_positives = check_float("n_false_positives", n_false_positives, low=0.0, high=100.0)
    crowd = check_float("crowd", crowd, low=0.0, high=1.0)
    rng = check_random_state("random_state", random_state)
    return_truth = check_bool("return_truth", return_truth)

    # Ground truth.
    dispersion = 2.0
    counts = rng.negative_binomial(dispersion, dispersion / (dispersion + mean_objects), n_images) \
        if mean_objects > 0 else np.zeros(n_images, dtype=int)
    image_id = np.repeat(np.arange(n_images), counts)
    n_obj = len(image_id)
    label_idx = rng.choice(len(classes), size=n_obj, p=weights)
    gt = np.zeros((n_obj, 4))
    for k, name in enumerate(classes):
        mask = label_idx == k
        gt[mask] = _objects(rng, int(mask.sum()), name, width, height)
    _crowd(rng, gt, image_id, label_idx == classes.index("face") if "face" in classes else None,
           crowd, width, height)
    size = np.sqrt((gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1]))

    # Primary detections of found objects: tighter boxes and higher scores for bigger objects.
    p_find = detect_prob * _sigmoid((size - min_detect_size) / 3.0)
    found = np.flatnonzero(rng.random(n_obj) < p_find)
    primary = _jitter(rng, gt[found], box_noise)
    logit = 1.0 + 1.2 * np.log(size[found] / min_detect_size) + rng.normal(0.0, 0.9, len(found))
    primary_score = _sigmoid(logit)

    # Duplicates: looser boxes around the same object with a lower score.
    n_dup = rng.poisson(n_duplicates, len(found))
    dup_src = np.repeat(np.arange(len(found)), n_dup)
    dup = _jitter(rng, gt[found][dup_src], 2.5 * box_noise + 0.04)
    dup_score = primary_score[dup_src] * rng.uniform(0.5, 1.0, len(dup_src))

    # Background detections: plausible-looking boxes of a random class with low scores.
    n_fp = rng.poisson(n_false_positives, n_images)
    fp_image = np.repeat(np.arange(n_images), n_fp)
    fp_label = rng.choice(len(classes), size=len(fp_image), p=weights)
    fp = np.zeros((len(fp_image), 4))
    for k, name in enumerate(classes):
        mask = fp_label == k
        fp[mask] = _objects(rng, int(mask.sum()), name, width, height)
    fp_score = _sigmoid(-1.2 + rng.normal(0.0, 1.2, len(fp_image)))

    obj = np.concatenate([found, found[dup_src], np.full(len(fp_image), -1)]).astype(np.int64)
    boxes = _clip_boxes(np.concatenate([primary, dup, fp]), width, height)
    det = pd.DataFrame({
        "image_id": np.concatenate([image_id[found], image_id[found][dup_src], fp_image]).astype(np.int64),
        "label": np.asarray(classes, dtype=object)[
            np.concatenate([label_idx[found], label_idx[found][dup_src], fp_label])],
        "score": np.clip(np.concatenate([primary_score, dup_score, fp_score]), 1e-6, 1 - 1e-6),
        **{c: boxes[:, j] for j, c in enumerate(BOX_COLUMNS)},
        "object_id": obj,
    })
    # Shuffle, then order by image: within an image the detector's output order carries no meaning.
    det = det.iloc[rng.permutation(len(det))]
    det = det.sort_values("image_id", kind="stable").reset_index(drop=True)
    det["label"] = det["label"].astype(str)
    if not return_truth:
        return det.drop(columns="object_id")
    truth = pd.DataFrame({
        "object_id": np.arange(n_obj, dtype=np.int64),
        "image_id": image_id.astype(np.int64),
        "label": np.asarray(classes, dtype=object)[label_idx],
        **{c: gt[:, j] for j, c in enumerate(BOX_COLUMNS)},
    })
    truth["label"] = truth["label"].astype(str)
    return det, truth


def load_photo(*, return_regions: bool = False):
    """The real photograph the chapter blurs: sklearn's ``china.jpg`` (427 x 640 RGB, CC BY 2.0).

    The photo ships inside the scikit-learn wheel (reading it needs Pillow), so nothing is
    downloaded. It shows the Tower of Buddhist Incense at the Summer Palace, Beijing; credit:
    danielbuechele on Flickr, via scikit-learn's ``load_sample_images``.

    Parameters
    ----------
    return_regions : bool, default False
        Also return hand-marked regions that stand in for faces and plates (the photo holds none).

    Returns
    -------
    image : numpy.ndarray of shape (427, 640, 3), dtype uint8
        A fresh, writeable copy each call.
    regions : pandas.DataFrame, only when ``return_regions=True``
        Columns ``what`` (str, a description), ``label`` (``"face"`` or ``"plate"``) and
        ``x1, y1, x2, y2`` (float64, in the box format of this module).
    """
    return_regions = check_bool("return_regions", return_regions)
    from sklearn.datasets import load_sample_image

    image = np.array(load_sample_image("china.jpg"), dtype=np.uint8, copy=True)
    if not return_regions:
        return image
    regions = pd.DataFrame(_PHOTO_REGIONS, columns=["what", "label", *BOX_COLUMNS])
    regions[BOX_COLUMNS] = regions[BOX_COLUMNS].astype(np.float64)
    for col in ("what", "label"):
        regions[col] = regions[col].astype(str)
    return image, regions
