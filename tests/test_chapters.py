"""Every chapter executes offline, grades full, grades zero untouched, and its tests bite."""
import difflib
import filecmp
from pathlib import Path

import nbformat
import pytest

from course.grading.build import build
from course.grading.check import score_report
from course.grading.mutants import load_mutants, mutant_submission, run_mutants
from course.grading.notebooks import chapter_notebook, chapters, exercises, read
from course.grading.score import score_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = chapters(ROOT)
pytestmark = pytest.mark.slow


def mutants_of(chapter, alternatives=False):
    return load_mutants(ROOT / "tests" / "mutants" / f"{chapter}.py", alternatives=alternatives)


def test_there_are_chapters():
    """The course has chapters, each with a release and a mutant file."""
    assert CHAPTERS, "no chapters under source/"
    for ch in CHAPTERS:
        assert (ROOT / "release" / ch / f"{ch}.ipynb").is_file(), f"release/{ch} is missing: run python -m course build"
        assert (ROOT / "tests" / "mutants" / f"{ch}.py").is_file(), f"tests/mutants/{ch}.py is missing"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_source_runs_offline_and_every_mutant_loses_points(chapter):
    """The source runs top to bottom with no network; each wrong answer fails a hidden test cell."""
    mutants = mutants_of(chapter, alternatives=True)
    baseline, results = run_mutants(chapter_notebook(ROOT, chapter), mutants)
    assert not baseline, f"the source notebook fails on its own: {baseline}"
    weak = [(r.answer, r.kind, r.why) for r in results
            if r.kind != "correct" and (r.lost <= 0 or not r.failed_hidden)]
    assert not weak, f"these mutants lose no points in a hidden test cell: {weak}"
    wronged = [(r.answer, r.why, r.failed) for r in results if r.kind == "correct" and r.lost > 0]
    assert not wronged, f"these correct alternatives lose points: {wronged}"
    nb = read(chapter_notebook(ROOT, chapter))
    for ex in exercises(nb):
        if ex.kind == "autograded":
            kinds = {m["kind"] for m in mutants if m["answer"] == ex.answer_id}
            assert kinds == {"plausible", "hardcoded", "correct"}, (
                f"{ex.answer_id} needs a plausible and a hardcoded mutant and a correct alternative")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_score_every_autograded_point(chapter):
    """Through stock `nbgrader autograde`, exactly as an instructor without our grader would run it."""
    report = score_notebook(ROOT, chapter, chapter_notebook(ROOT, chapter))
    lost = [(c.grade_id, c.hint) for c in report.cells if not c.manual and c.score < c.max_score]
    assert not lost, f"the solutions lose points: {lost}"
    assert report.auto_max > 0


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_untouched_release_scores_zero(chapter):
    """Through the learner's `check` path (in-process nbgrader with the course's executor)."""
    report = score_report(ROOT, chapter, chapter_notebook(ROOT, chapter, "release"))
    assert report.auto_max > 0
    assert report.auto_score == 0, [(c.grade_id, c.score) for c in report.cells if c.score]
    assert all(c.score == 0 for c in report.cells)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_plausible_mutants_lose_points_through_nbgrader(chapter, tmp_path):
    """End to end: a submission made of every plausible mistake scores below full in every exercise."""
    plausible = [m for m in mutants_of(chapter) if m["kind"] == "plausible"]
    sub = tmp_path / f"{chapter}.ipynb"
    nbformat.write(mutant_submission(chapter_notebook(ROOT, chapter), plausible), str(sub))
    report = score_report(ROOT, chapter, sub).by_id()
    nb = read(chapter_notebook(ROOT, chapter))
    for ex in exercises(nb):
        if ex.answer_id in {m["answer"] for m in plausible}:
            got = sum(report[t].score for t in ex.tests)
            assert got < ex.points, f"{ex.answer_id}: a plausible mistake still scores {got}/{ex.points}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_untouched_release_runs_to_the_end_for_a_learner(chapter, monkeypatch):
    """As a learner's Run All: no cell raises (no NameError, no bare NotImplementedError), and the
    unanswered labs say so in one line each. (tests/test_browser.py does the same in JupyterLab.)"""
    from nbclient import NotebookClient

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = chapter_notebook(ROOT, chapter, "release")
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [(c.id, o.ename, o.evalue[:120]) for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "not answered yet" in printed, "an untouched release says which labs are unanswered"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_correct_alternatives_keep_every_point_through_the_grader(chapter, tmp_path):
    """Each exercise has a different but valid answer in tests/mutants/; graded the way `check` and
    `grade` grade (tests outside the kernel), every one of them keeps all its points."""
    alts = [m for m in mutants_of(chapter, alternatives=True) if m["kind"] == "correct"]
    nb = read(chapter_notebook(ROOT, chapter))
    auto = [ex for ex in exercises(nb) if ex.kind == "autograded"]
    missing = [ex.answer_id for ex in auto if ex.answer_id not in {m["answer"] for m in alts}]
    assert not missing, f"these exercises have no correct alternative: {missing}"
    rounds: list[list[dict]] = []
    for m in alts:  # one alternative per exercise per submission
        slot = next((r for r in rounds if all(x["answer"] != m["answer"] for x in r)), None)
        if slot is None:
            rounds.append(slot := [])
        slot.append(m)
    for k, chosen in enumerate(rounds):
        sub = tmp_path / f"{k}" / f"{chapter}.ipynb"
        sub.parent.mkdir()
        nbformat.write(mutant_submission(chapter_notebook(ROOT, chapter), chosen), str(sub))
        report = score_report(ROOT, chapter, sub).by_id()
        for ex in auto:
            if ex.answer_id in {m["answer"] for m in chosen}:
                got = sum(report[t].score for t in ex.tests)
                why = next(m["why"] for m in chosen if m["answer"] == ex.answer_id)
                hints = [(t, report[t].hint) for t in ex.tests if report[t].score < report[t].max_score]
                assert got == ex.points, f"{ex.answer_id} ({why}) scores {got}/{ex.points}: {hints}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_committed_release_equals_a_fresh_build(chapter, tmp_path):
    build(ROOT, [chapter], dest=tmp_path, log=lambda *_: None)
    fresh, committed = tmp_path / "release" / chapter, ROOT / "release" / chapter
    cmp = filecmp.dircmp(fresh, committed)
    assert not cmp.left_only and not cmp.right_only, (cmp.left_only, cmp.right_only)
    for name in cmp.common_files:
        a, b = (fresh / name).read_bytes(), (committed / name).read_bytes()
        if a != b:
            diff = "".join(list(difflib.unified_diff(b.decode(errors="replace").splitlines(True),
                                                     a.decode(errors="replace").splitlines(True)))[:40])
            pytest.fail(f"release/{chapter}/{name} differs from a fresh build; run python -m course build\n{diff}")
