"""Static checks of every notebook: template, grading rules, no outputs, unique ids."""
import re
from collections import Counter
from pathlib import Path

import pytest

from course.grading.notebooks import chapters, exercises, grade_cells, is_hidden, read

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = chapters(ROOT)
STEPS = ["## Step 1 — Clarify requirements", "## Step 2 — Frame it as an ML task", "## Step 3 — Data and features",
         "## Step 4 — Model", "## Step 5 — Evaluation", "## Step 6 — Serving",
         "## Step 7 — Monitoring and infrastructure"]
ENDINGS = ["## Summary", "## Interview checklist", "## Further exercises"]
MIN_POINTS = 25  # every chapter: at least 25 autograded points
NETWORK = re.compile(r"urlretrieve|urlopen|requests\.(get|post)|fetch_openml|fetch_\w+\(|pooch\.|hf_hub_download|"
                     r"load_dataset\(|https?://\S+\.(csv|zip|gz|parquet)")


def all_notebooks():
    for kind in ("source", "release"):
        for ch in chapters(ROOT, kind):
            yield ROOT / kind / ch / f"{ch}.ipynb"


@pytest.mark.parametrize("path", list(all_notebooks()), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_committed_without_outputs_and_with_explicit_ids(path):
    nb = read(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {cell.id} has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} has an execution count"
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids)), f"{path.name}: repeated cell ids"


def test_grade_ids_unique_across_the_course():
    ids = Counter()
    for ch in CHAPTERS:
        for cell in read(ROOT / "source" / ch / f"{ch}.ipynb").cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid:
                ids[gid] += 1
                assert gid.startswith(f"ch{ch[:2]}_"), f"grade_id {gid!r} of {ch} should start with ch{ch[:2]}_"
    assert not [g for g, n in ids.items() if n > 1], "grade_ids repeat across the course"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_follows_the_template(chapter):
    nb = read(ROOT / "source" / chapter / f"{chapter}.ipynb")
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    headings = [line.strip() for text in md for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith(f"# {chapter[:2]} · "), f"title should read '# {chapter[:2]} · ...'"
    text = "\n".join(md)
    assert "Learning objectives" in text
    order = [next((i for i, h in enumerate(headings) if h == want), None) for want in STEPS + ENDINGS]
    missing = [want for want, i in zip(STEPS + ENDINGS, order) if i is None]
    assert not missing, f"missing headings: {missing}"
    assert order == sorted(order), "the step headings are out of order"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_grading_rules(chapter):
    nb = read(ROOT / "source" / chapter / f"{chapter}.ipynb")
    tests = [c for c in grade_cells(nb) if not c.metadata.nbgrader.get("solution")]
    manual = [c for c in grade_cells(nb) if c.metadata.nbgrader.get("solution")]
    points = sum(c.metadata.nbgrader.points for c in tests)
    assert points >= MIN_POINTS, f"{chapter} has only {points} autograded points (at least {MIN_POINTS})"
    assert points <= 40, f"{chapter} has {points} autograded points; keep 15-40"
    assert all(1 <= c.metadata.nbgrader.points <= 3 for c in tests), "test cells are worth 1-3 points"
    assert sum(map(is_hidden, tests)) * 2 >= len(tests), "hidden tests belong in at least half the test cells"
    assert manual and all(c.cell_type == "markdown" for c in manual), "at least one manually graded design answer"
    for ex in exercises(nb):
        if ex.kind == "autograded":
            assert ex.tests, f"{ex.answer_id} has no test cell"
            assert ex.hidden, f"{ex.answer_id} has no hidden test"
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_release_carries_no_solution_or_hidden_test(chapter):
    text = (ROOT / "release" / chapter / f"{chapter}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"release/{chapter} still contains {marker}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_nothing_downloads(chapter):
    nb = read(ROOT / "source" / chapter / f"{chapter}.ipynb")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not NETWORK.search(cell.source), f"{cell.id} looks like it downloads something"
