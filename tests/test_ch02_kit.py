"""Chapter 02_visual_search, kit v2: Run All works on the untouched release, and correct alternatives keep every point
through the learner's check path (each exercise's hidden tests compare behaviour, not one implementation)."""
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.grading.check import score_report
from course.grading.mutants import load_mutants, mutant_submission
from course.grading.notebooks import chapter_notebook, exercises, read

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "02_visual_search"
pytestmark = pytest.mark.slow


def test_untouched_release_runs_top_to_bottom_for_a_learner(monkeypatch):
    """No cell errors (no NameError, no bare NotImplementedError): unanswered labs say so in one line."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = chapter_notebook(ROOT, CHAPTER, "release")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [(c.id, o.ename, o.evalue[:120]) for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    friendly = [c.id for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                if o.output_type == "stream" and ("not answered yet" in o.text or "This cell needs" in o.text)]
    assert friendly, "an untouched release should say which labs are unanswered"


def test_correct_alternatives_keep_every_point(tmp_path):
    alternatives = [m for m in load_mutants(ROOT / "tests" / "mutants" / f"{CHAPTER}.py", alternatives=True)
                    if m["kind"] == "correct"]
    answered = {m["answer"] for m in alternatives}
    nb = read(chapter_notebook(ROOT, CHAPTER))
    autograded = [e for e in exercises(nb) if e.kind == "autograded"]
    assert {e.answer_id for e in autograded} <= answered, "every autograded exercise needs a correct alternative"
    sub = tmp_path / f"{CHAPTER}.ipynb"
    nbformat.write(mutant_submission(chapter_notebook(ROOT, CHAPTER), alternatives), str(sub))
    report = score_report(ROOT, CHAPTER, sub)
    lost = [(c.grade_id, c.hint) for c in report.cells if not c.manual and c.score < c.max_score]
    assert not lost, lost
