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
