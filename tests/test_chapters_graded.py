"""Every chapter's solutions, graded the way an instructor grades a class: `course grade` in the
sandbox, with the memory limit docs/instructor.md suggests for sizing a cluster (--memory 1536).

The other chapter tests run the notebooks outside the sandbox (stock nbgrader, `check`); this is
the one place the real chapters meet the sandbox's limits (address space, cgroup, no network, the
read-only course package) and the trusted test runner together.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading import sandbox
from course.grading.importer import open_gradebook, submission_scores
from course.grading.notebooks import chapter_notebook, chapters, exercises, read

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = chapters(ROOT)
UID_BASE = 59500  # a range of its own (hostile 59900, hygiene 59700, cluster 59600)
PROBLEMS = sandbox.sandbox_problems() if sys.platform.startswith("linux") else ["not Linux"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(PROBLEMS), reason="sandbox unavailable here: " + "; ".join(PROBLEMS)),
]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_get_full_points_in_the_sandbox_at_1536_mib(chapter, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "source" / chapter, course / "source" / chapter)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    folder = course / "submitted" / "solver" / chapter
    folder.mkdir(parents=True)
    nbformat.write(read(chapter_notebook(ROOT, chapter)), str(folder / f"{chapter}.ipynb"))
    proc = subprocess.run(
        [sys.executable, "-m", "course", "grade", chapter, "--root", str(course), "--memory", "1536"],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, MLSD_SANDBOX_UID_BASE=str(UID_BASE)),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "WITHOUT the sandbox" not in proc.stdout + proc.stderr
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        got = submission_scores(gb, chapter, "solver")
    finally:
        gb.close()
    want = sum(ex.points for ex in exercises(read(chapter_notebook(ROOT, chapter))) if ex.kind == "autograded")
    assert want > 0 and got["auto"] == want, f"{got} of {want}:\n{proc.stdout[-3000:]}"
    graded = course / "autograded" / "solver" / chapter / f"{chapter}.ipynb"
    errors = [o.get("evalue", "")[:300] for c in read(graded).cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
