"""make_detections and load_photo: columns, dtypes, seeds, box format, generative process, bad arguments."""
import numpy as np
import pandas as pd
import pytest

from course import datasets
from course._blurring import BOX_COLUMNS


@pytest.fixture(scope="module")
def generated():
    return datasets.make_detections(300, random_state=3, return_truth=True)


def _iou(a, b):
    w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a + area_b - inter)


def test_exported_from_datasets():
    """The generator, the photo loader and the box column names are re-exported by course.datasets."""
    for name in ("make_detections", "load_photo", "BOX_COLUMNS"):
        assert name in datasets.__all__
    assert datasets.BOX_COLUMNS == ["x1", "y1", "x2", "y2"]


def test_columns_and_dtypes(generated):
    """Detections and truth have the documented columns; ids int64, boxes and scores float64, labels str."""
    det, truth = generated
    assert list(det.columns) == ["image_id", "label", "score", *BOX_COLUMNS, "object_id"]
    assert list(truth.columns) == ["object_id", "image_id", "label", *BOX_COLUMNS]
    for frame in (det, truth):
        assert frame["image_id"].dtype == np.int64 and frame["object_id"].dtype == np.int64
        assert pd.api.types.is_string_dtype(frame["label"].dtype) and frame["label"].dtype != object
        for col in BOX_COLUMNS:
            assert frame[col].dtype == np.float64
        assert isinstance(frame.index, pd.RangeIndex)
    assert det["score"].dtype == np.float64
    assert truth["object_id"].tolist() == list(range(len(truth)))


def test_without_truth_only_detections_without_object_id():
    """By default only the detections come back, and they carry no object_id."""
    det = datasets.make_detections(20, random_state=1)
    assert isinstance(det, pd.DataFrame)
    assert list(det.columns) == ["image_id", "label", "score", *BOX_COLUMNS]


def test_boxes_are_valid_and_inside_the_image(generated):
    """Every box satisfies x1 < x2, y1 < y2 and lies inside the image; scores are in (0, 1)."""
    det, truth = generated
    for frame in (det, truth):
        b = frame[BOX_COLUMNS].to_numpy()
        assert np.all(b[:, 0] < b[:, 2]) and np.all(b[:, 1] < b[:, 3])
        assert b[:, [0, 2]].min() >= 0 and b[:, [0, 2]].max() <= 640
        assert b[:, [1, 3]].min() >= 0 and b[:, [1, 3]].max() <= 427
    assert det["score"].between(0, 1, inclusive="neither").all()
    assert det["image_id"].is_monotonic_increasing
    assert det["image_id"].between(0, 299).all() and truth["image_id"].between(0, 299).all()


def test_same_seed_same_data_and_different_seed_differs():
    """random_state fixes every draw; another seed gives other data; a Generator works too."""
    a = datasets.make_detections(30, random_state=11, return_truth=True)
    b = datasets.make_detections(30, random_state=11, return_truth=True)
    c = datasets.make_detections(30, random_state=12, return_truth=True)
    for x, y in zip(a, b):
        pd.testing.assert_frame_equal(x, y)
    assert len(a[0]) != len(c[0]) or not a[0]["score"].equals(c[0]["score"])
    d = datasets.make_detections(30, random_state=np.random.default_rng(11))
    assert len(d) > 0


def test_never_touches_the_global_rng():
    """The global numpy RNG is left alone."""
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    datasets.make_detections(10, random_state=2)
    assert np.random.random() == before


def test_object_ids_point_at_the_right_image_and_class(generated):
    """A detection's object_id names a real object of the same image and class; -1 marks background."""
    det, truth = generated
    real = det[det["object_id"] >= 0]
    src = truth.set_index("object_id").loc[real["object_id"]]
    assert np.array_equal(src["image_id"].to_numpy(), real["image_id"].to_numpy())
    assert np.array_equal(src["label"].to_numpy(), real["label"].to_numpy())
    iou = _iou(real[BOX_COLUMNS].to_numpy(), src[BOX_COLUMNS].to_numpy())
    assert np.median(iou) > 0.6, "detections should overlap the objects they came from"
    assert (det["object_id"] == -1).sum() > 0


def test_generative_process_shape(generated):
    """Faces outnumber plates, plates are wide, small objects are missed more, background scores are low."""
    det, truth = generated
    share = truth["label"].value_counts(normalize=True)
    assert 0.6 < share["face"] < 0.8
    w, h = truth["x2"] - truth["x1"], truth["y2"] - truth["y1"]
    aspect = (w / h).groupby(truth["label"]).median()
    assert aspect["plate"] > 3 and aspect["face"] < 1
    size = np.sqrt(w * h)
    found = truth["object_id"].isin(det["object_id"])
    assert found[size < 12].mean() < 0.5 < 0.85 < found[size > 30].mean()
    scores = det.groupby(det["object_id"] >= 0)["score"].median()
    assert scores[True] > 0.6 > 0.3 > scores[False]
    assert det[det["object_id"] >= 0].duplicated("object_id").any(), "found objects should have duplicates"
    assert 3.0 < len(truth) / 300 < 5.0


def test_knobs_do_what_they_say():
    """No duplicates and no false positives give one box per found object; detect_prob scales recall."""
    det, truth = datasets.make_detections(200, n_duplicates=0, n_false_positives=0, random_state=4,
                                          return_truth=True)
    assert (det["object_id"] >= 0).all() and not det["object_id"].duplicated().any()
    low = datasets.make_detections(200, detect_prob=0.3, n_duplicates=0, n_false_positives=0, random_state=4,
                                   return_truth=True)
    assert len(low[0]) < 0.6 * len(det)
    only_plates, truth_p = datasets.make_detections(50, classes=("plate",), random_state=1, return_truth=True)
    assert set(only_plates["label"]) == {"plate"} and set(truth_p["label"]) == {"plate"}
    empty, t0 = datasets.make_detections(5, mean_objects=0, n_false_positives=0, random_state=0,
                                         return_truth=True)
    assert len(empty) == 0 and len(t0) == 0 and list(empty.columns)[:3] == ["image_id", "label", "score"]
    big, truth_big = datasets.make_detections(5, image_size=(1000, 2000), random_state=0, return_truth=True)
    assert truth_big["x2"].max() <= 2000 and truth_big["y2"].max() <= 1000


def test_crowd_puts_faces_next_to_each_other():
    """With crowd=1 neighbouring faces sit much closer together than with crowd=0."""
    def nearest_gap(crowd):
        _, truth = datasets.make_detections(150, crowd=crowd, random_state=9, return_truth=True)
        faces = truth[truth["label"] == "face"]
        cx = ((faces["x1"] + faces["x2"]) / 2).to_numpy()
        gaps = []
        for _, g in faces.assign(cx=cx).groupby("image_id"):
            if len(g) > 1:
                x = np.sort(g["cx"].to_numpy())
                gaps.append(np.median(np.diff(x)))
        return np.median(gaps)
    assert nearest_gap(1.0) < 0.5 * nearest_gap(0.0)


@pytest.mark.parametrize("kwargs, exc", [
    (dict(n_images=0), ValueError), (dict(n_images=2.5), TypeError), (dict(n_images=True), TypeError),
    (dict(image_size=640), TypeError), (dict(image_size=(10, 640)), ValueError),
    (dict(classes="face"), TypeError), (dict(classes=("face", "dog")), ValueError),
    (dict(classes=("face", "face")), ValueError), (dict(classes=()), TypeError),
    (dict(class_weights=(1.0,)), ValueError), (dict(class_weights=(-1.0, 2.0)), ValueError),
    (dict(class_weights=(0.0, 0.0)), ValueError),
    (dict(mean_objects=-1), ValueError), (dict(detect_prob=0.0), ValueError),
    (dict(detect_prob=1.5), ValueError), (dict(box_noise=-0.1), ValueError),
    (dict(n_duplicates=-1), ValueError), (dict(n_false_positives="2"), TypeError),
    (dict(crowd=2.0), ValueError), (dict(random_state=-1), ValueError),
    (dict(random_state="seed"), TypeError),
    (dict(return_truth="yes"), TypeError),
])
def test_bad_arguments_name_themselves(kwargs, exc):
    """Every bad argument raises the documented exception, naming the argument."""
    with pytest.raises(exc) as info:
        datasets.make_detections(**{"n_images": 3, **kwargs})
    name = next(iter(kwargs))
    assert name in str(info.value)


def test_load_photo_is_the_real_sklearn_photo():
    """load_photo returns sklearn's china.jpg as a fresh uint8 copy, and marked regions in the box format."""
    from sklearn.datasets import load_sample_image

    image = datasets.load_photo()
    assert image.shape == (427, 640, 3) and image.dtype == np.uint8
    assert np.array_equal(image, load_sample_image("china.jpg"))
    image[:] = 0
    assert datasets.load_photo().max() > 0, "each call returns a fresh copy"
    image, regions = datasets.load_photo(return_regions=True)
    assert list(regions.columns) == ["what", "label", *BOX_COLUMNS]
    assert set(regions["label"]) == {"face", "plate"}
    assert pd.api.types.is_string_dtype(regions["label"].dtype)
    b = regions[BOX_COLUMNS].to_numpy()
    assert b.dtype == np.float64 and np.all(b[:, 0] < b[:, 2]) and np.all(b[:, 1] < b[:, 3])
    assert b[:, [0, 2]].max() <= 640 and b[:, [1, 3]].max() <= 427 and b.min() >= 0
    with pytest.raises(TypeError, match="return_regions"):
        datasets.load_photo(return_regions=1)
