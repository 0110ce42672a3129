"""Chapter 03 under kit v2: no lab loses points for another (Run All: tests/test_chapters.py)."""
import os
from pathlib import Path

import pytest

from course.grading.kernel import Kernel
from course.grading.notebooks import chapter_notebook, read

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "03_street_view_blurring"
pytestmark = pytest.mark.slow

# Wrong but well-formed stand-ins for earlier labs: a later lab's hidden tests must not depend on them.
WRONG = {
    "iou_matrix": "def iou_matrix(boxes_a, boxes_b):\n"
                  "    return np.zeros((len(np.asarray(boxes_a)), len(np.asarray(boxes_b))))\n",
    "match_detections": "def match_detections(det_boxes, det_scores, gt_boxes, iou_threshold=0.5):\n"
                        "    return np.ones(len(np.asarray(det_scores)), dtype=bool)\n",
    "average_precision": "def average_precision(is_tp, scores, n_positives):\n    return 0.123\n",
}
LATER = {"iou_matrix": ["ch03_nms_visible", "ch03_nms_hidden", "ch03_match_visible", "ch03_match_hidden",
                        "ch03_map_visible", "ch03_map_hidden"],
         "match_detections": ["ch03_map_visible", "ch03_map_hidden"],
         "average_precision": ["ch03_map_visible", "ch03_map_hidden"]}


def test_no_test_cell_depends_on_an_earlier_lab():
    """Visible cells look earlier labs up in tables of the worked example, hidden cells use references."""
    nb = read(chapter_notebook(ROOT, CHAPTER))
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    with Kernel(chapter_notebook(ROOT, CHAPTER).parent, offline=True, env=env) as kernel:
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert kernel.run(cell.source, timeout=120).ok, f"the source fails in {cell.id}"
        for name, wrong in WRONG.items():
            assert kernel.run(wrong, timeout=60).ok
            failed = [gid for gid in LATER[name] if not kernel.run(by_id[gid].source, timeout=120).ok]
            assert not failed, f"a wrong {name} costs points in {failed}"
            answer = next(c for c in nb.cells if c.cell_type == "code" and f"def {name}(" in c.source
                          and c.metadata.get("nbgrader", {}).get("solution"))
            assert kernel.run(answer.source, timeout=60).ok
