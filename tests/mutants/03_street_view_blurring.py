"""Wrong answers for chapter 03 (street-view blurring); each must lose points in a hidden test cell."""

IOU_CHECKS = '''
    a = np.asarray(boxes_a, dtype=float)
    b = np.asarray(boxes_b, dtype=float)
    for name, arr in (("boxes_a", a), ("boxes_b", b)):
        if arr.ndim != 2 or arr.shape[1] != 4 or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be a finite (k, 4) array")
        if np.any(arr[:, 2] <= arr[:, 0]) or np.any(arr[:, 3] <= arr[:, 1]):
            raise ValueError(f"{name} holds a degenerate box")
'''

MUTANTS = [
    # Lab 1: IoU
    {"answer": "ch03_iou", "kind": "plausible",
     "why": "does not clip negative overlaps, so boxes apart on both axes 'intersect'",
     "code": "def iou_matrix(boxes_a, boxes_b):" + IOU_CHECKS + '''
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)
'''},
    {"answer": "ch03_iou", "kind": "plausible",
     "why": "uses the +1 pixel-index convention for widths and heights",
     "code": "def iou_matrix(boxes_a, boxes_b):" + IOU_CHECKS + '''
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + 1
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + 1
    w, h = np.clip(w, 0, None), np.clip(h, 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_b = (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)
'''},
    {"answer": "ch03_iou", "kind": "hardcoded",
     "why": "1 for identical boxes, the visible example's values, 0 elsewhere",
     "code": "def iou_matrix(boxes_a, boxes_b):" + IOU_CHECKS + '''
    out = np.all(a[:, None, :] == b[None, :, :], axis=2).astype(float)
    known = {(0, 0, 10, 10, 2, 2, 4, 4): 0.04, (5, 5, 15, 15, 0, 0, 10, 10): 25 / 175,
             (2, 2, 4, 4, 0, 0, 10, 10): 0.04, (0, 0, 10, 10, 5, 5, 15, 15): 25 / 175}
    for i in range(len(a)):
        for j in range(len(b)):
            out[i, j] = known.get(tuple(a[i]) + tuple(b[j]), out[i, j])
    return out
'''},
    # Lab 2: horizontal flip
    {"answer": "ch03_hflip", "kind": "plausible",
     "why": "mirrors coordinates as pixel indices (W - 1 - x)",
     "code": '''
def hflip(image, boxes):
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError("image must be 2-D or 3-D")
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4)")
    w = image.shape[1]
    out = boxes.copy()
    out[:, 0], out[:, 2] = w - 1 - boxes[:, 2], w - 1 - boxes[:, 0]
    return image[:, ::-1].copy(), out
'''},
    {"answer": "ch03_hflip", "kind": "hardcoded",
     "why": "returns the visible example's boxes",
     "code": '''
def hflip(image, boxes):
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError("image must be 2-D or 3-D")
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4)")
    if len(boxes) == 2 and boxes[0, 2] == 1.0:
        return image[:, ::-1].copy(), np.array([[3.0, 0.0, 4.0, 2.0], [1.0, 0.5, 2.5, 1.0]])
    if len(boxes) == 2:
        return image[:, ::-1].copy(), np.array([[0.0, 0.0, 1.0, 2.0], [1.5, 0.5, 3.0, 1.0]])
    return image[:, ::-1].copy(), boxes.copy()
'''},
    # Lab 3: NMS
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "a suppressed box still suppresses lower-scored boxes",
     "code": '''
def nms(boxes, scores, iou_threshold=0.5):
    boxes = np.asarray(boxes, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),) \\
            or not np.all(np.isfinite(scores)):
        raise ValueError("bad boxes or scores")
    if not 0 <= iou_threshold <= 1:
        raise ValueError("bad iou_threshold")
    order = np.argsort(-scores, kind="stable")
    ov = iou_matrix(boxes, boxes)
    keep = [i for n, i in enumerate(order) if not np.any(ov[i, order[:n]] > iou_threshold)]
    return np.array(keep, dtype=np.int64)
'''},
    {"answer": "ch03_nms", "kind": "hardcoded",
     "why": "returns the visible example's answers, otherwise everything by score",
     "code": '''
def nms(boxes, scores, iou_threshold=0.5):
    boxes = np.asarray(boxes, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),):
        raise ValueError("bad boxes or scores")
    if len(boxes) == 4 and iou_threshold == 0.5:
        return np.array([3, 2])
    if len(boxes) == 4 and iou_threshold == 0.65:
        return np.array([3, 1, 2])
    return np.argsort(-scores, kind="stable").astype(np.int64)
'''},
    # Lab 4: matching
    {"answer": "ch03_match", "kind": "plausible",
     "why": "never marks a ground-truth box as used, so duplicates count as hits",
     "code": '''
def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):
    if not 0 < iou_threshold <= 1:
        raise ValueError("bad iou_threshold")
    ov = iou_matrix(det_boxes, gt_boxes)
    scores = np.asarray(det_scores, dtype=float)
    if scores.shape != (ov.shape[0],):
        raise ValueError("bad det_scores")
    if ov.shape[1] == 0:
        return np.zeros(ov.shape[0], dtype=bool)
    return ov.max(axis=1) >= iou_threshold
'''},
    {"answer": "ch03_match", "kind": "plausible",
     "why": "PASCAL VOC rule: only the single best ground truth, taken or not",
     "code": '''
def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):
    if not 0 < iou_threshold <= 1:
        raise ValueError("bad iou_threshold")
    ov = iou_matrix(det_boxes, gt_boxes)
    scores = np.asarray(det_scores, dtype=float)
    if scores.shape != (ov.shape[0],):
        raise ValueError("bad det_scores")
    hit = np.zeros(ov.shape[0], dtype=bool)
    if ov.size == 0:
        return hit
    taken = np.zeros(ov.shape[1], dtype=bool)
    for i in np.argsort(-scores, kind="stable"):
        j = int(np.argmax(ov[i]))
        if ov[i, j] >= iou_threshold and not taken[j]:
            hit[i], taken[j] = True, True
    return hit
'''},
    {"answer": "ch03_match", "kind": "hardcoded",
     "why": "returns the visible example's answer",
     "code": '''
def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):
    n = len(np.asarray(det_scores))
    if len(np.asarray(gt_boxes)) == 0 or n != 4:
        return np.zeros(n, dtype=bool)
    return np.array([False, True, iou_threshold <= 0.6, False])
'''},
    # Lab 5: average precision
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "no interpolation: sums raw precision at each hit (sklearn's convention)",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    if isinstance(n_positives, bool) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an int")
    hits = np.asarray(is_tp)
    scores = np.asarray(scores, dtype=float)
    if n_positives < 1 or hits.shape != scores.shape or hits.sum() > n_positives \\
            or not np.isin(hits, [0, 1]).all() or not np.all(np.isfinite(scores)):
        raise ValueError("bad input")
    if len(hits) == 0:
        return 0.0
    ranked = hits.astype(bool)[np.argsort(-scores, kind="stable")]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    return float(precision[ranked].sum() / n_positives)
'''},
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "recall divides by the number of hits, forgetting objects never detected",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    if isinstance(n_positives, bool) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an int")
    hits = np.asarray(is_tp)
    scores = np.asarray(scores, dtype=float)
    if n_positives < 1 or hits.shape != scores.shape or hits.sum() > n_positives \\
            or not np.isin(hits, [0, 1]).all() or not np.all(np.isfinite(scores)):
        raise ValueError("bad input")
    if len(hits) == 0 or hits.sum() == 0:
        return 0.0
    ranked = hits.astype(bool)[np.argsort(-scores, kind="stable")]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(envelope[ranked].sum() / ranked.sum())
'''},
    {"answer": "ch03_ap", "kind": "hardcoded",
     "why": "returns the visible examples' values",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    if isinstance(n_positives, bool) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an int")
    if n_positives < 1:
        raise ValueError("n_positives must be >= 1")
    hits = list(np.asarray(is_tp, dtype=bool))
    if not hits:
        return 0.0
    return 0.75 if len(hits) == 4 else 0.625
'''},
    # Lab 6: mAP
    {"answer": "ch03_map", "kind": "plausible",
     "why": "ignores image_id: matches a class's detections against every image's ground truth",
     "code": '''
def mean_average_precision(detections, truth, iou_threshold=0.5):
    for frame in (detections, truth):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError("DataFrames please")
    if "score" not in detections.columns or len(truth) == 0:
        raise ValueError("bad input")
    per_class = {}
    for label in sorted(truth["label"].unique()):
        d = detections[detections["label"] == label]
        g = truth[truth["label"] == label]
        hits = match_detections(d[BOX].to_numpy(float), d["score"].to_numpy(float), g[BOX].to_numpy(float),
                                iou_threshold)
        per_class[str(label)] = average_precision(hits, d["score"].to_numpy(float), len(g))
    return float(np.mean(list(per_class.values()))), per_class
'''},
    {"answer": "ch03_map", "kind": "hardcoded",
     "why": "returns the visible example's numbers",
     "code": '''
def mean_average_precision(detections, truth, iou_threshold=0.5):
    if not isinstance(detections, pd.DataFrame) or not isinstance(truth, pd.DataFrame):
        raise TypeError("DataFrames please")
    if "score" not in detections.columns or len(truth) == 0:
        raise ValueError("bad input")
    if (detections["score"] == 1.0).all():
        return 1.0, {"face": 1.0, "plate": 1.0}
    return 0.75, {"face": 1.0, "plate": 0.5}
'''},
    # Lab 7: tiles
    {"answer": "ch03_tiles", "kind": "plausible",
     "why": "no final tile flush with the edge, so a strip at the right and bottom is never seen",
     "code": '''
def tile_origins(width, height, tile=1024, overlap=128):
    for v in (width, height, tile, overlap):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError("ints please")
    if min(width, height, tile) < 1 or not 0 <= overlap < tile:
        raise ValueError("bad sizes")
    xs = list(range(0, max(width - tile, 0) + 1, tile - overlap))
    ys = list(range(0, max(height - tile, 0) + 1, tile - overlap))
    return np.array([(x, y) for y in ys for x in xs], dtype=np.int64)
'''},
    {"answer": "ch03_tiles", "kind": "hardcoded",
     "why": "returns the worked example's grid whatever the size",
     "code": '''
def tile_origins(width, height, tile=1024, overlap=128):
    for v in (width, height, tile, overlap):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError("ints please")
    if min(width, height, tile) < 1 or not 0 <= overlap < tile:
        raise ValueError("bad sizes")
    if width <= tile and height <= tile:
        return np.array([[0, 0]], dtype=np.int64)
    xs = [0, 896, 1792, 2688, 3584, 4480, 5376, 6272, 7168]
    ys = [0, 896, 1792, 2688, 3072]
    return np.array([(x, y) for y in ys for x in xs], dtype=np.int64)
'''},
    # Lab 8: blur
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "does not clip boxes to the image, so negative coordinates wrap around",
     "code": '''
def blur_boxes(image, boxes, kernel_size=15):
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)) \\
            or np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise ValueError("bad boxes")
    k, r = kernel_size, kernel_size // 2
    h, w = image.shape[:2]
    c = np.pad(image.astype(float), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
    n = np.pad(np.ones((h, w, 1)), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
    sums = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    counts = n[k:, k:] - n[:-k, k:] - n[k:, :-k] + n[:-k, :-k]
    blurred = np.rint(sums / counts).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        r0, r1, c0, c1 = int(np.floor(y1)), int(np.ceil(y2)), int(np.floor(x1)), int(np.ceil(x2))
        out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "pads with zeros and divides by kernel_size squared, darkening pixels near the border",
     "code": '''
def blur_boxes(image, boxes, kernel_size=15):
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)) \\
            or np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise ValueError("bad boxes")
    h, w = image.shape[:2]
    k, r = kernel_size, kernel_size // 2
    padded = np.pad(image.astype(float), ((r + 1, r), (r + 1, r), (0, 0)))
    c = padded.cumsum(0).cumsum(1)
    blurred = np.rint((c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "hardcoded",
     "why": "special-cases the visible examples and otherwise fills boxes with their mean colour",
     "code": '''
def blur_boxes(image, boxes, kernel_size=15):
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("bad boxes")
    out = image.copy()
    if image.shape == (5, 5, 1):
        out[0, 0, 0] = 3
        return out
    h, w = image.shape[:2]
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = np.rint(image[r0:r1, c0:c1].mean(axis=(0, 1)))
    return out
'''},
]

# --- kit v2: one plausible mutant per escape class the hidden tests now close -----------------------

TILE_CHECKS = '''
    for v in (width, height, tile, overlap):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError("ints please")
    if min(width, height, tile) < 1 or not 0 <= overlap < tile:
        raise ValueError("bad sizes")
'''

BLUR_CHECKS = '''
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)) \\
            or np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise ValueError("bad boxes")
    h, w = image.shape[:2]
    k, r = kernel_size, kernel_size // 2
    c = np.pad(image.astype(float), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
    n = np.pad(np.ones((h, w, 1)), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
    sums = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    counts = n[k:, k:] - n[:-k, k:] - n[k:, :-k] + n[:-k, :-k]
'''

NMS_CHECKS = '''
    boxes = np.asarray(boxes, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),) \\
            or not np.all(np.isfinite(scores)):
        raise ValueError("bad boxes or scores")
    if isinstance(iou_threshold, bool) or not np.isscalar(iou_threshold) or not 0 <= iou_threshold <= 1:
        raise ValueError("bad iou_threshold")
'''

AP_CHECKS = '''
    if isinstance(n_positives, bool) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an int")
    hits = np.asarray(is_tp)
    scores = np.asarray(scores, dtype=float)
    if n_positives < 1 or hits.shape != scores.shape or hits.sum() > n_positives \\
            or not np.isin(hits, [0, 1]).all() or not np.all(np.isfinite(scores)):
        raise ValueError("bad input")
    if len(hits) == 0:
        return 0.0
    hits = hits.astype(bool)
'''

MATCH_CHECKS = '''
    if not 0 < iou_threshold <= 1:
        raise ValueError("bad iou_threshold")
    ov = iou_matrix(det_boxes, gt_boxes)
    scores = np.asarray(det_scores, dtype=float)
    if scores.shape != (ov.shape[0],):
        raise ValueError("bad det_scores")
    hit = np.zeros(ov.shape[0], dtype=bool)
    if ov.size == 0:
        return hit
    taken = np.zeros(ov.shape[1], dtype=bool)
'''

MAP_CHECKS = '''
    for frame, cols in ((detections, ["image_id", "label", "score", *BOX]), (truth, ["image_id", "label", *BOX])):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError("DataFrames please")
        if any(c not in frame.columns for c in cols):
            raise ValueError("missing column")
    if len(truth) == 0:
        raise ValueError("empty truth")
'''

MUTANTS += [
    # Lab 1
    {"answer": "ch03_iou", "kind": "plausible",
     "why": "computes in the input dtype: int32 areas overflow, float32 boxes give a float32 matrix",
     "code": '''
def iou_matrix(boxes_a, boxes_b):
    a, b = np.asarray(boxes_a), np.asarray(boxes_b)
    for name, arr in (("boxes_a", a), ("boxes_b", b)):
        if arr.ndim != 2 or arr.shape[1] != 4 or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be a finite (k, 4) array")
        if np.any(arr[:, 2] <= arr[:, 0]) or np.any(arr[:, 3] <= arr[:, 1]):
            raise ValueError(f"{name} holds a degenerate box")
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)
'''},
    {"answer": "ch03_iou", "kind": "plausible",
     "why": "accepts zero-area boxes (checks x2 < x1 instead of x2 <= x1)",
     "code": '''
def iou_matrix(boxes_a, boxes_b):
    a, b = np.asarray(boxes_a, dtype=float), np.asarray(boxes_b, dtype=float)
    for name, arr in (("boxes_a", a), ("boxes_b", b)):
        if arr.ndim != 2 or arr.shape[1] != 4 or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be a finite (k, 4) array")
        if np.any(arr[:, 2] < arr[:, 0]) or np.any(arr[:, 3] < arr[:, 1]):
            raise ValueError(f"{name} holds a box with negative size")
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return inter / (area_a[:, None] + area_b[None, :] - inter)
'''},
    {"answer": "ch03_iou", "kind": "plausible",
     "why": "its error messages do not say which argument is wrong",
     "code": '''
def iou_matrix(boxes_a, boxes_b):
    a, b = np.asarray(boxes_a, dtype=float), np.asarray(boxes_b, dtype=float)
    for arr in (a, b):
        if arr.ndim != 2 or arr.shape[1] != 4 or not np.all(np.isfinite(arr)):
            raise ValueError("boxes must be a finite (k, 4) array")
        if np.any(arr[:, 2] <= arr[:, 0]) or np.any(arr[:, 3] <= arr[:, 1]):
            raise ValueError("degenerate box")
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)
'''},
    # Lab 2
    {"answer": "ch03_hflip", "kind": "plausible",
     "why": "flips the last axis, which for a colour image reverses the channels",
     "code": '''
def hflip(image, boxes):
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError("image must be 2-D or 3-D")
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4)")
    w = image.shape[1]
    out = boxes.copy()
    out[:, 0], out[:, 2] = w - boxes[:, 2], w - boxes[:, 0]
    return np.flip(image, axis=-1).copy(), out
'''},
    {"answer": "ch03_hflip", "kind": "plausible",
     "why": "edits the caller's float64 box array in place and returns it",
     "code": '''
def hflip(image, boxes):
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError("image must be 2-D or 3-D")
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4)")
    w = image.shape[1]
    boxes[:, [0, 2]] = w - boxes[:, [2, 0]]
    return image[:, ::-1].copy(), boxes
'''},
    {"answer": "ch03_hflip", "kind": "plausible",
     "why": "keeps the boxes' dtype, so float32 boxes come back as float32",
     "code": '''
def hflip(image, boxes):
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError("image must be 2-D or 3-D")
    boxes = np.array(boxes)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4)")
    if boxes.dtype.kind in "iub":
        boxes = boxes.astype(np.float64)
    w = image.shape[1]
    out = boxes.copy()
    out[:, [0, 2]] = w - boxes[:, [2, 0]]
    return image[:, ::-1].copy(), out
'''},
    # Lab 3
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "unstable sort (numpy's default quicksort): ties in large inputs come out in any order",
     "code": "def nms(boxes, scores, iou_threshold=0.5):" + NMS_CHECKS + '''
    ov = iou_matrix(boxes, boxes)
    alive, keep = np.ones(len(boxes), dtype=bool), []
    for i in np.argsort(-scores):
        if alive[i]:
            keep.append(i)
            alive &= ov[i] <= iou_threshold
    return np.array(keep, dtype=np.int64)
'''},
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "reversed argsort: argsort(scores)[::-1] visits equal scores higher index first",
     "code": "def nms(boxes, scores, iou_threshold=0.5):" + NMS_CHECKS + '''
    ov = iou_matrix(boxes, boxes)
    alive, keep = np.ones(len(boxes), dtype=bool), []
    for i in np.argsort(scores, kind="stable")[::-1]:
        if alive[i]:
            keep.append(i)
            alive &= ov[i] <= iou_threshold
    return np.array(keep, dtype=np.int64)
'''},
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "suppresses at IoU >= threshold instead of strictly greater",
     "code": "def nms(boxes, scores, iou_threshold=0.5):" + NMS_CHECKS + '''
    ov = iou_matrix(boxes, boxes)
    alive, keep = np.ones(len(boxes), dtype=bool), []
    for i in np.argsort(-scores, kind="stable"):
        if alive[i]:
            keep.append(i)
            alive &= ov[i] < iou_threshold
            alive[i] = False
    return np.array(keep, dtype=np.int64)
'''},
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "returns a pandas input's index labels instead of positions",
     "code": '''
def nms(boxes, scores, iou_threshold=0.5):
    labels = np.asarray(getattr(scores, "index", np.arange(len(scores))))
''' + NMS_CHECKS + '''
    ov = iou_matrix(boxes, boxes)
    alive, keep = np.ones(len(boxes), dtype=bool), []
    for i in np.argsort(-scores, kind="stable"):
        if alive[i]:
            keep.append(i)
            alive &= ov[i] <= iou_threshold
    return labels[np.array(keep, dtype=np.int64)].astype(np.int64)
'''},
    {"answer": "ch03_nms", "kind": "plausible",
     "why": "accepts only Python floats as the threshold (rejects 0, 1 and numpy floats)",
     "code": '''
def nms(boxes, scores, iou_threshold=0.5):
    if not isinstance(iou_threshold, float) or not 0 <= iou_threshold <= 1:
        raise ValueError("iou_threshold must be a float in [0, 1]")
    boxes = np.asarray(boxes, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),) or not np.all(np.isfinite(scores)):
        raise ValueError("bad boxes or scores")
    ov = iou_matrix(boxes, boxes)
    alive, keep = np.ones(len(boxes), dtype=bool), []
    for i in np.argsort(-scores, kind="stable"):
        if alive[i]:
            keep.append(i)
            alive &= ov[i] <= iou_threshold
    return np.array(keep, dtype=np.int64)
'''},
    # Lab 4
    {"answer": "ch03_match", "kind": "plausible",
     "why": "unstable sort of the scores: tied detections are visited in any order",
     "code": "def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):" + MATCH_CHECKS + '''
    for i in np.argsort(-scores):
        cand = np.where(taken, -1.0, ov[i])
        j = int(np.argmax(cand))
        if cand[j] >= iou_threshold:
            hit[i], taken[j] = True, True
    return hit
'''},
    {"answer": "ch03_match", "kind": "plausible",
     "why": "when unmatched objects tie for the best IoU, takes the last one",
     "code": "def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):" + MATCH_CHECKS + '''
    for i in np.argsort(-scores, kind="stable"):
        best, best_j = -1.0, -1
        for j in range(ov.shape[1]):
            if not taken[j] and ov[i, j] >= best:
                best, best_j = ov[i, j], j
        if best_j >= 0 and best >= iou_threshold:
            hit[i], taken[best_j] = True, True
    return hit
'''},
    {"answer": "ch03_match", "kind": "plausible",
     "why": "rejects iou_threshold=1 (checks an open interval)",
     "code": '''
def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):
    if not 0 < iou_threshold < 1:
        raise ValueError("bad iou_threshold")
    ov = iou_matrix(det_boxes, gt_boxes)
    scores = np.asarray(det_scores, dtype=float)
    if scores.shape != (ov.shape[0],):
        raise ValueError("bad det_scores")
    hit = np.zeros(ov.shape[0], dtype=bool)
    if ov.size == 0:
        return hit
    taken = np.zeros(ov.shape[1], dtype=bool)
    for i in np.argsort(-scores, kind="stable"):
        cand = np.where(taken, -1.0, ov[i])
        j = int(np.argmax(cand))
        if cand[j] >= iou_threshold:
            hit[i], taken[j] = True, True
    return hit
'''},
    # Lab 5
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "unstable sort (numpy's default quicksort): ties in large inputs are ranked in any order",
     "code": "def average_precision(is_tp, scores, n_positives):" + AP_CHECKS + '''
    ranked = hits[np.argsort(-scores)]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(envelope[ranked].sum() / n_positives)
'''},
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "reversed argsort: equal scores are ranked last input first",
     "code": "def average_precision(is_tp, scores, n_positives):" + AP_CHECKS + '''
    ranked = hits[np.argsort(scores, kind="stable")[::-1]]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(envelope[ranked].sum() / n_positives)
'''},
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "returns a numpy float64 instead of a Python float",
     "code": "def average_precision(is_tp, scores, n_positives):" + AP_CHECKS.replace("return 0.0", "return np.float64(0.0)") + '''
    ranked = hits[np.argsort(-scores, kind="stable")]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return envelope[ranked].sum() / n_positives
'''},
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "converts n_positives with int(), so floats and bools are accepted",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    n_positives = int(n_positives)
    hits = np.asarray(is_tp)
    scores = np.asarray(scores, dtype=float)
    if n_positives < 1 or hits.shape != scores.shape or hits.sum() > n_positives \\
            or not np.isin(hits, [0, 1]).all() or not np.all(np.isfinite(scores)):
        raise ValueError("bad input")
    if len(hits) == 0:
        return 0.0
    ranked = hits.astype(bool)[np.argsort(-scores, kind="stable")]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(envelope[ranked].sum() / n_positives)
'''},
    {"answer": "ch03_ap", "kind": "plausible",
     "why": "indexes a pandas Series by label: right for a RangeIndex only",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    if isinstance(n_positives, bool) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an int")
    series = is_tp if isinstance(is_tp, pd.Series) else pd.Series(np.asarray(is_tp))
    hits = series.to_numpy()
    s = np.asarray(scores, dtype=float)
    if n_positives < 1 or hits.shape != s.shape or hits.sum() > n_positives \\
            or not np.isin(hits, [0, 1]).all() or not np.all(np.isfinite(s)):
        raise ValueError("bad input")
    if len(hits) == 0:
        return 0.0
    ranked = series[np.argsort(-s, kind="stable")].to_numpy().astype(bool)
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(envelope[ranked].sum() / n_positives)
'''},
    # Lab 6
    {"answer": "ch03_map", "kind": "plausible",
     "why": "pools the images in groupby order, so equal scores rank by image id, not by row",
     "code": "def mean_average_precision(detections, truth, iou_threshold=0.5):" + MAP_CHECKS + '''
    per_class = {}
    for label in sorted(truth["label"].unique()):
        dets = detections[detections["label"] == label]
        gts = truth[truth["label"] == label]
        hits, scores = [np.zeros(0, dtype=bool)], [np.zeros(0)]
        for image_id, group in dets.groupby("image_id"):
            g = gts[gts["image_id"] == image_id]
            s = group["score"].to_numpy(dtype=float)
            hits.append(match_detections(group[BOX].to_numpy(dtype=float), s, g[BOX].to_numpy(dtype=float),
                                         iou_threshold))
            scores.append(s)
        per_class[str(label)] = average_precision(np.concatenate(hits), np.concatenate(scores), len(gts))
    return float(np.mean(list(per_class.values()))), per_class
'''},
    {"answer": "ch03_map", "kind": "plausible",
     "why": "weights each class by its number of objects instead of a plain mean",
     "code": "def mean_average_precision(detections, truth, iou_threshold=0.5):" + MAP_CHECKS + '''
    per_class, weights = {}, []
    for label in sorted(truth["label"].unique()):
        dets = detections[(detections["label"] == label).to_numpy()]
        gts = truth[(truth["label"] == label).to_numpy()]
        hits = np.zeros(len(dets), dtype=bool)
        for image_id, rows in dets.groupby("image_id").indices.items():
            g = gts[gts["image_id"] == image_id]
            hits[rows] = match_detections(dets[BOX].to_numpy(float)[rows], dets["score"].to_numpy(float)[rows],
                                          g[BOX].to_numpy(float), iou_threshold)
        per_class[str(label)] = float(average_precision(hits, dets["score"].to_numpy(float), len(gts)))
        weights.append(len(gts))
    return float(np.average(list(per_class.values()), weights=weights)), per_class
'''},
    {"answer": "ch03_map", "kind": "plausible",
     "why": "leaves classes without detections out of the mean",
     "code": "def mean_average_precision(detections, truth, iou_threshold=0.5):" + MAP_CHECKS + '''
    per_class = {}
    for label in sorted(truth["label"].unique()):
        dets = detections[(detections["label"] == label).to_numpy()]
        gts = truth[(truth["label"] == label).to_numpy()]
        if len(dets) == 0:
            continue
        hits = np.zeros(len(dets), dtype=bool)
        for image_id, rows in dets.groupby("image_id").indices.items():
            g = gts[gts["image_id"] == image_id]
            hits[rows] = match_detections(dets[BOX].to_numpy(float)[rows], dets["score"].to_numpy(float)[rows],
                                          g[BOX].to_numpy(float), iou_threshold)
        per_class[str(label)] = float(average_precision(hits, dets["score"].to_numpy(float), len(gts)))
    return float(np.mean(list(per_class.values()))) if per_class else 0.0, per_class
'''},
    {"answer": "ch03_map", "kind": "plausible",
     "why": "does not pass iou_threshold on to the matching",
     "code": "def mean_average_precision(detections, truth, iou_threshold=0.5):" + MAP_CHECKS + '''
    per_class = {}
    for label in sorted(truth["label"].unique()):
        dets = detections[(detections["label"] == label).to_numpy()]
        gts = truth[(truth["label"] == label).to_numpy()]
        hits = np.zeros(len(dets), dtype=bool)
        for image_id, rows in dets.groupby("image_id").indices.items():
            g = gts[gts["image_id"] == image_id]
            hits[rows] = match_detections(dets[BOX].to_numpy(float)[rows], dets["score"].to_numpy(float)[rows],
                                          g[BOX].to_numpy(float))
        per_class[str(label)] = float(average_precision(hits, dets["score"].to_numpy(float), len(gts)))
    return float(np.mean(list(per_class.values()))), per_class
'''},
    {"answer": "ch03_map", "kind": "plausible",
     "why": "looks rows up by index label, which breaks on a repeated index",
     "code": "def mean_average_precision(detections, truth, iou_threshold=0.5):" + MAP_CHECKS + '''
    per_class = {}
    for label in sorted(truth["label"].unique()):
        dets = detections[detections["label"] == label]
        gts = truth[truth["label"] == label]
        hits = pd.Series(False, index=dets.index)
        for image_id in dets["image_id"].unique():
            idx = dets.index[dets["image_id"] == image_id]
            group = dets.loc[idx]
            g = gts[gts["image_id"] == image_id]
            hits.loc[idx] = match_detections(group[BOX].to_numpy(float), group["score"].to_numpy(float),
                                             g[BOX].to_numpy(float), iou_threshold)
        per_class[str(label)] = float(average_precision(hits.to_numpy(bool), dets["score"].to_numpy(float),
                                                        len(gts)))
    return float(np.mean(list(per_class.values()))), per_class
'''},
    # Lab 7
    {"answer": "ch03_tiles", "kind": "plausible",
     "why": "steps while start + tile <= L, so the flush tile can appear twice",
     "code": "def tile_origins(width, height, tile=1024, overlap=128):" + TILE_CHECKS + '''
    def starts(length):
        if length <= tile:
            return [0]
        return [*range(0, length - tile + 1, tile - overlap), length - tile]
    return np.array([(x, y) for y in starts(height) for x in starts(width)], dtype=np.int64)
'''},
    {"answer": "ch03_tiles", "kind": "plausible",
     "why": "column-major order: walks down each column of tiles first",
     "code": "def tile_origins(width, height, tile=1024, overlap=128):" + TILE_CHECKS + '''
    def starts(length):
        if length <= tile:
            return [0]
        return [*range(0, length - tile, tile - overlap), length - tile]
    return np.array([(x, y) for x in starts(width) for y in starts(height)], dtype=np.int64)
'''},
    {"answer": "ch03_tiles", "kind": "plausible",
     "why": "accepts only Python ints, rejecting numpy integers",
     "code": '''
def tile_origins(width, height, tile=1024, overlap=128):
    for v in (width, height, tile, overlap):
        if type(v) is not int:
            raise TypeError("ints please")
    if min(width, height, tile) < 1 or not 0 <= overlap < tile:
        raise ValueError("bad sizes")
    def starts(length):
        if length <= tile:
            return [0]
        return [*range(0, length - tile, tile - overlap), length - tile]
    return np.array([(x, y) for y in starts(height) for x in starts(width)], dtype=np.int64)
'''},
    # Lab 8
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "rounds exact halves up (floor(x + 0.5)) instead of np.rint",
     "code": "def blur_boxes(image, boxes, kernel_size=15):" + BLUR_CHECKS + '''
    blurred = np.floor(sums / counts + 0.5).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "blurs the boxes one after another, so where they overlap the pixels are blurred twice",
     "code": '''
def blur_boxes(image, boxes, kernel_size=15):
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)) \\
            or np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise ValueError("bad boxes")
    h, w = image.shape[:2]
    k, r = kernel_size, kernel_size // 2
    out = image.copy()
    n = np.pad(np.ones((h, w, 1)), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
    counts = n[k:, k:] - n[:-k, k:] - n[k:, :-k] + n[:-k, :-k]
    for x1, y1, x2, y2 in boxes:
        c = np.pad(out.astype(float), ((r + 1, r), (r + 1, r), (0, 0))).cumsum(0).cumsum(1)
        blurred = np.rint((c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / counts).astype(np.uint8)
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "clips only the near edge, so a box wholly off the top or left blurs a wrong strip",
     "code": "def blur_boxes(image, boxes, kernel_size=15):" + BLUR_CHECKS + '''
    blurred = np.rint(sums / counts).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), int(np.ceil(x2))
        r0, r1 = max(int(np.floor(y1)), 0), int(np.ceil(y2))
        out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "truncates fractional box edges with int() instead of floor and ceil",
     "code": "def blur_boxes(image, boxes, kernel_size=15):" + BLUR_CHECKS + '''
    blurred = np.rint(sums / counts).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(x1), 0), min(int(x2), w)
        r0, r1 = max(int(y1), 0), min(int(y2), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "accepts any unsigned integer image (uint16 too)",
     "code": "def blur_boxes(image, boxes, kernel_size=15):" + BLUR_CHECKS.replace(
         "image.dtype != np.uint8", 'image.dtype.kind != "u"') + '''
    blurred = np.rint(sums / counts).astype(image.dtype)
    out = image.copy()
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1]
    return out
'''},
]

# --- correct alternatives: different algorithms that must keep every point ---------------------------

ALTERNATIVES = [
    {"answer": "ch03_iou", "kind": "correct",
     "why": "one row of boxes_a at a time against all of boxes_b, overlap via np.fmax/np.fmin",
     "code": '''
def iou_matrix(boxes_a, boxes_b):
    arrays = {}
    for name, boxes in (("boxes_a", boxes_a), ("boxes_b", boxes_b)):
        arr = np.array(boxes, dtype=np.float64, ndmin=1)
        if arr.ndim != 2 or arr.shape[-1] != 4:
            raise ValueError(f"{name}: expected shape (k, 4), got {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name}: NaN or infinite coordinate")
        if not ((arr[:, 2] > arr[:, 0]) & (arr[:, 3] > arr[:, 1])).all():
            raise ValueError(f"{name}: box with zero or negative area")
        arrays[name] = arr
    a, b = arrays["boxes_a"], arrays["boxes_b"]
    out = np.empty((len(a), len(b)), dtype=np.float64)
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    for i, (x1, y1, x2, y2) in enumerate(a):
        iw = np.fmax(np.fmin(x2, b[:, 2]) - np.fmax(x1, b[:, 0]), 0.0)
        ih = np.fmax(np.fmin(y2, b[:, 3]) - np.fmax(y1, b[:, 1]), 0.0)
        inter = iw * ih
        out[i] = inter / ((x2 - x1) * (y2 - y1) + area_b - inter)
    return out
'''},
    {"answer": "ch03_hflip", "kind": "correct",
     "why": "np.flip on axis 1 and fancy-indexed box columns",
     "code": '''
def hflip(image, boxes):
    if np.ndim(image) not in (2, 3):
        raise ValueError("image must be (H, W) or (H, W, C)")
    b = np.array(boxes, dtype=np.float64)
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError("boxes must be (n, 4)")
    width = np.shape(image)[1]
    moved = b[:, [2, 1, 0, 3]]
    moved[:, [0, 2]] = width - moved[:, [0, 2]]
    return np.flip(image, axis=1).copy(), moved
'''},
    {"answer": "ch03_nms", "kind": "correct",
     "why": "while-loop NMS that shrinks the candidate list (Fast R-CNN style) on a stable order",
     "code": '''
def nms(boxes, scores, iou_threshold=0.5):
    b = np.asarray(boxes, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError("boxes must be (n, 4)")
    if s.ndim != 1 or len(s) != len(b) or not np.isfinite(s).all():
        raise ValueError("scores must be n finite numbers")
    t = float(iou_threshold)
    if isinstance(iou_threshold, (bool, np.bool_)) or not (0.0 <= t <= 1.0):
        raise ValueError("iou_threshold must lie in [0, 1]")
    order = np.lexsort((np.arange(len(s)), -s))
    keep = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        ov = iou_matrix(b[i:i + 1], b[rest])[0] if rest.size else np.zeros(0)
        order = rest[ov <= t]
    return np.asarray(keep, dtype=np.intp)
'''},
    {"answer": "ch03_match", "kind": "correct",
     "why": "plain Python loops over detections and objects, no IoU matrix",
     "code": '''
def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):
    if isinstance(iou_threshold, bool) or not (0 < iou_threshold <= 1):
        raise ValueError("iou_threshold must be in (0, 1]")
    d = np.asarray(det_boxes, dtype=float)
    g = np.asarray(gt_boxes, dtype=float)
    for name, arr in (("det_boxes", d), ("gt_boxes", g)):
        if arr.ndim != 2 or arr.shape[1] != 4:
            raise ValueError(f"{name} must be (k, 4)")
    s = np.asarray(det_scores, dtype=float)
    if s.shape != (len(d),):
        raise ValueError("det_scores must be (n,)")
    def iou(u, v):
        w = max(0.0, min(u[2], v[2]) - max(u[0], v[0]))
        h = max(0.0, min(u[3], v[3]) - max(u[1], v[1]))
        return w * h / ((u[2] - u[0]) * (u[3] - u[1]) + (v[2] - v[0]) * (v[3] - v[1]) - w * h)
    result = [False] * len(d)
    free = list(range(len(g)))
    for i in sorted(range(len(d)), key=lambda k: (-s[k], k)):
        best, best_j = -1.0, None
        for j in free:
            v = iou(d[i], g[j])
            if v > best:
                best, best_j = v, j
        if best_j is not None and best >= iou_threshold:
            result[i] = True
            free.remove(best_j)
    return np.array(result, dtype=bool)
'''},
    {"answer": "ch03_ap", "kind": "correct",
     "why": "the PASCAL VOC devkit's code: sentinels, envelope, sum over recall changes",
     "code": '''
def average_precision(is_tp, scores, n_positives):
    if isinstance(n_positives, (bool, np.bool_)) or not isinstance(n_positives, (int, np.integer)):
        raise TypeError("n_positives must be an integer")
    if n_positives < 1:
        raise ValueError("n_positives must be at least 1")
    tp_in = np.asarray(is_tp).reshape(-1)
    conf = np.asarray(scores, dtype=float).reshape(-1)
    if len(tp_in) != len(conf) or np.ndim(is_tp) != 1 or np.ndim(scores) != 1:
        raise ValueError("is_tp and scores must have the same length")
    if not np.all((tp_in == 0) | (tp_in == 1)):
        raise ValueError("is_tp must hold booleans or 0/1")
    if not np.isfinite(conf).all():
        raise ValueError("scores must be finite")
    if tp_in.astype(bool).sum() > n_positives:
        raise ValueError("more true positives than n_positives")
    if len(conf) == 0:
        return 0.0
    sorted_ind = np.argsort(-conf, kind="mergesort")
    tp = tp_in.astype(float)[sorted_ind]
    fp = 1.0 - tp
    tp, fp = np.cumsum(tp), np.cumsum(fp)
    rec = tp / float(n_positives)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))
'''},
    {"answer": "ch03_map", "kind": "correct",
     "why": "one walk over each class in (score, row) order, matching against free objects per image, no helpers",
     "code": '''
def mean_average_precision(detections, truth, iou_threshold=0.5):
    for name, frame, cols in (("detections", detections, ["image_id", "label", "score", *BOX]),
                              ("truth", truth, ["image_id", "label", *BOX])):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} must be a DataFrame")
        if not set(cols) <= set(frame.columns):
            raise ValueError(f"{name} lacks columns {sorted(set(cols) - set(frame.columns))}")
    if truth.empty:
        raise ValueError("truth is empty")
    det = detections.reset_index(drop=True)
    gt = truth.reset_index(drop=True)
    per_class = {}
    for label in sorted(set(gt["label"])):
        g = gt[gt["label"] == label]
        objects = {}
        for img, box in zip(g["image_id"], g[BOX].to_numpy(float)):
            objects.setdefault(img, []).append(box)
        free = {img: np.ones(len(v), bool) for img, v in objects.items()}
        objects = {img: np.array(v) for img, v in objects.items()}
        d = det[det["label"] == label]
        d = d.assign(_row=np.arange(len(d))).sort_values(["score", "_row"], ascending=[False, True])
        flags = []
        for img, box in zip(d["image_id"], d[BOX].to_numpy(float)):
            hit = False
            if img in objects and free[img].any():
                o = objects[img]
                iw = np.clip(np.minimum(box[2], o[:, 2]) - np.maximum(box[0], o[:, 0]), 0, None)
                ih = np.clip(np.minimum(box[3], o[:, 3]) - np.maximum(box[1], o[:, 1]), 0, None)
                inter = iw * ih
                iou = inter / ((box[2] - box[0]) * (box[3] - box[1]) + (o[:, 2] - o[:, 0]) * (o[:, 3] - o[:, 1]) - inter)
                iou = np.where(free[img], iou, -1.0)
                j = int(np.argmax(iou))
                if iou[j] >= iou_threshold:
                    hit, free[img][j] = True, False
            flags.append(hit)
        flags = np.array(flags, dtype=bool)
        if flags.size == 0:
            per_class[str(label)] = 0.0
            continue
        prec = np.cumsum(flags) / np.arange(1, flags.size + 1)
        best = np.maximum.accumulate(prec[::-1])[::-1]
        per_class[str(label)] = float(best[flags].sum() / len(g))
    return float(sum(per_class.values()) / len(per_class)), per_class
'''},
    {"answer": "ch03_tiles", "kind": "correct",
     "why": "closed form: ceil((L - tile) / stride) steps, the last one clamped, then np.meshgrid",
     "code": '''
def tile_origins(width, height, tile=1024, overlap=128):
    for name, v in (("width", width), ("height", height), ("tile", tile), ("overlap", overlap)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be an integer")
    if width < 1 or height < 1 or tile < 1:
        raise ValueError("width, height and tile must be >= 1")
    if overlap < 0 or overlap >= tile:
        raise ValueError("overlap must be in [0, tile)")
    width, height, tile, overlap = int(width), int(height), int(tile), int(overlap)
    def starts(length):
        if length <= tile:
            return np.zeros(1, dtype=np.int64)
        stride = tile - overlap
        n = -(-(length - tile) // stride) + 1
        return np.minimum(np.arange(n, dtype=np.int64) * stride, length - tile)
    xs, ys = np.meshgrid(starts(width), starts(height))
    return np.column_stack([xs.ravel(), ys.ravel()])
'''},
    {"answer": "ch03_blur", "kind": "correct",
     "why": "separable window sums with clipped index ranges (two 1-D cumulative sums), no padding",
     "code": '''
def blur_boxes(image, boxes, kernel_size=15):
    if type(image) is not np.ndarray or image.dtype != np.uint8:
        raise TypeError("image must be a uint8 numpy array")
    if image.ndim != 3:
        raise ValueError("image must be (H, W, C)")
    if isinstance(kernel_size, (bool, np.bool_)) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an integer")
    if kernel_size < 1 or kernel_size % 2 != 1:
        raise ValueError("kernel_size must be odd and positive")
    b = np.asarray(boxes, dtype=float)
    if b.ndim != 2 or b.shape[1] != 4 or not np.isfinite(b).all() or \\
            (b[:, 2] <= b[:, 0]).any() or (b[:, 3] <= b[:, 1]).any():
        raise ValueError("boxes must be finite, non-degenerate and of shape (n, 4)")
    H, W, _ = image.shape
    r = int(kernel_size) // 2
    def window(n):
        idx = np.arange(n)
        return np.clip(idx - r, 0, n), np.clip(idx + r + 1, 0, n)
    top, bot = window(H)
    lef, rig = window(W)
    acc = np.zeros((H + 1, W, image.shape[2]))
    acc[1:] = np.cumsum(image, axis=0, dtype=np.float64)
    rows = acc[bot] - acc[top]
    acc2 = np.zeros((H, W + 1, image.shape[2]))
    acc2[:, 1:] = np.cumsum(rows, axis=1)
    sums = acc2[:, rig] - acc2[:, lef]
    counts = ((bot - top)[:, None] * (rig - lef)[None, :])[..., None]
    means = np.rint(sums / counts).astype(np.uint8)
    out = image.copy()
    for x1, y1, x2, y2 in b:
        c0, c1 = int(np.clip(np.floor(x1), 0, W)), int(np.clip(np.ceil(x2), 0, W))
        r0, r1 = int(np.clip(np.floor(y1), 0, H)), int(np.clip(np.ceil(y2), 0, H))
        out[r0:r1, c0:c1] = means[r0:r1, c0:c1]
    return out
'''},
]

MUTANTS += [
    {"answer": "ch03_blur", "kind": "plausible",
     "why": "delegates to scipy.ndimage.uniform_filter through an aliased import",
     "code": '''
from scipy.ndimage import uniform_filter as _smooth

def blur_boxes(image, boxes, kernel_size=15):
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("image must be uint8")
    if image.ndim != 3:
        raise ValueError("image must be 3-D")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)):
        raise TypeError("kernel_size must be an int")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be odd")
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)) \\
            or np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise ValueError("bad boxes")
    f = image.astype(float)
    k = (kernel_size, kernel_size, 1)
    blurred = np.rint(_smooth(f, size=k, mode="constant") / _smooth(np.ones_like(f), size=k, mode="constant"))
    out = image.copy()
    h, w = image.shape[:2]
    for x1, y1, x2, y2 in boxes:
        c0, c1 = max(int(np.floor(x1)), 0), min(int(np.ceil(x2)), w)
        r0, r1 = max(int(np.floor(y1)), 0), min(int(np.ceil(y2)), h)
        if c0 < c1 and r0 < r1:
            out[r0:r1, c0:c1] = blurred[r0:r1, c0:c1].astype(np.uint8)
    return out
'''},
]
