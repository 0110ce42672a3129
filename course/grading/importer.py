"""Write grading results into the course's real gradebook (SQLite or PostgreSQL) and ``autograded/``.

Workers grade in scratch courses with scratch gradebooks; only the ``grade`` process itself touches
the real gradebook, one submission at a time, which is what makes ``--jobs N`` safe with SQLite (no
concurrent writers) and with any other database nbgrader supports.

What is written mirrors what ``nbgrader autograde`` would have written itself: the student and the
submission (with its timestamp), each grade's ``auto_score`` and ``needs_manual_grade`` (a grade that
already has a manual score keeps it, and is marked for review, exactly as nbgrader does), each
comment's ``auto_comment``, the late penalty from the configured plugin; a notebook that was missing
or unreadable gets zero points, as nbgrader gives a missing notebook. Manual scores and manual
comments are never written here, so they survive any regrade.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from .files import force_rmtree

__all__ = [
    "GradebookConflict",
    "open_gradebook",
    "sync_assignment",
    "import_submission",
    "install_autograded",
    "submission_scores",
]


class GradebookConflict(RuntimeError):
    """The gradebook's record of the assignment disagrees with source/ in a way that would lose grades."""


def open_gradebook(db_url: str, course_id: str):
    from nbgrader.api import Gradebook

    from .autograde import _fast_gradebooks

    with _fast_gradebooks():
        return Gradebook(db_url, course_id)


def _retry(fn, tries: int = 8):
    """Run ``fn`` again when SQLite says the database is locked (formgrader may be writing)."""
    from sqlalchemy.exc import OperationalError

    for n in range(tries):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc).lower() or n == tries - 1:
                raise
            time.sleep(0.25 * (n + 1))


def sync_assignment(gb, template_gb, assignment: str) -> list[str]:
    """Make the real gradebook know the assignment's notebooks and cells as generated from source/.

    Returns what was added. Raises GradebookConflict rather than drop a cell that has grades.
    """
    from nbgrader.api import MissingEntry

    changes = []
    src = template_gb.find_assignment(assignment)
    try:
        gb.find_assignment(assignment)
    except MissingEntry:
        gb.update_or_create_assignment(assignment)
        changes.append(f"assignment {assignment}")
    for snb in src.notebooks:
        cells = {
            "grade": {c.name: {"max_score": c.max_score, "cell_type": c.cell_type} for c in snb.grade_cells},
            "solution": {c.name: {} for c in snb.solution_cells},
            "task": {c.name: {"max_score": c.max_score, "cell_type": c.cell_type} for c in snb.task_cells},
            "source": {
                c.name: {
                    "cell_type": c.cell_type,
                    "locked": c.locked,
                    "source": c.source,
                    "checksum": c.checksum,
                }
                for c in snb.source_cells
            },
        }
        try:
            rnb = gb.find_notebook(snb.name, assignment)
        except MissingEntry:
            gb.add_notebook(snb.name, assignment, kernelspec=snb.kernelspec)
            changes.append(f"notebook {snb.name}")
        else:
            old = {
                "grade": {c.name for c in rnb.grade_cells},
                "solution": {c.name for c in rnb.solution_cells},
                "task": {c.name for c in rnb.task_cells},
                "source": {c.name for c in rnb.source_cells},
            }
            differ = any(set(cells[k]) != old[k] for k in cells)
            if differ and len(rnb.submissions) > 0:
                gone = sorted(
                    (old["grade"] | old["solution"] | old["task"])
                    - (set(cells["grade"]) | set(cells["solution"]) | set(cells["task"]))
                )
                new = sorted(
                    (set(cells["grade"]) | set(cells["solution"]) | set(cells["task"]))
                    - (old["grade"] | old["solution"] | old["task"])
                )
                raise GradebookConflict(
                    f"source/{assignment}/{snb.name}.ipynb no longer has the graded cells the gradebook holds "
                    f"grades for (removed: {', '.join(gone) or 'none'}; added: {', '.join(new) or 'none'}). "
                    "Put the cells back, or grade the new version as a new assignment; the grader will not "
                    "drop recorded grades."
                )
            if differ:
                gb.remove_notebook(snb.name, assignment)
                gb.add_notebook(snb.name, assignment, kernelspec=snb.kernelspec)
                changes.append(f"notebook {snb.name} (cells changed, no submissions yet)")
        for name, info in cells["grade"].items():
            gb.update_or_create_grade_cell(name, snb.name, assignment, **info)
        for name, info in cells["solution"].items():
            gb.update_or_create_solution_cell(name, snb.name, assignment, **info)
        for name, info in cells["task"].items():
            gb.update_or_create_task_cell(name, snb.name, assignment, **info)
        for name, info in cells["source"].items():
            gb.update_or_create_source_cell(name, snb.name, assignment, **info)
    real = gb.find_assignment(assignment)
    extra = sorted({n.name for n in real.notebooks} - {n.name for n in src.notebooks})
    if extra:
        raise GradebookConflict(
            f"the gradebook has notebooks {', '.join(extra)} in {assignment} that "
            f"source/{assignment} no longer has"
        )
    return changes


def _late_penalty(gb, config, submission) -> None:
    from nbgrader.preprocessors import AssignLatePenalties

    pp = AssignLatePenalties(config=config)
    pp.init_plugin()
    for nb in submission.notebooks:
        nb.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            penalty = pp.plugin_inst.late_submission_penalty(
                submission.student.id, nb.score, submission.total_seconds_late
            )
            if penalty is not None:
                nb.late_submission_penalty = pp._check_late_penalty(nb, penalty)


def import_submission(
    gb,
    config,
    assignment: str,
    student: str,
    results: dict | None,
    *,
    flag: bool = False,
    changed: set | None = None,
) -> list[str]:
    """Record one graded submission (``results`` from :func:`course.grading.autograde.read_results`;
    ``None`` or a notebook absent from it means: no gradable notebook, zero points).

    A grade given by hand keeps its score. It stays graded unless its cell may have changed since:
    ``changed`` holds the (notebook, grade id) pairs whose manual scores must be checked again (``None``:
    all of them). Returns those pairs that had a manual score, as "notebook/grade_id"."""
    rechecks: list[str] = []

    def write():
        rechecks.clear()
        gb.update_or_create_student(student)
        kwargs = {}
        if results and results.get("timestamp"):
            kwargs["timestamp"] = results["timestamp"]
        sub = gb.update_or_create_submission(assignment, student, **kwargs)
        notebooks = (results or {}).get("notebooks", {})
        for nb in sub.notebooks:
            data = notebooks.get(nb.notebook.name)
            if data is None:
                for g in nb.grades:
                    g.auto_score = 0
                    g.needs_manual_grade = False
                for c in nb.comments:
                    c.auto_comment = None
            else:
                for g in nb.grades:
                    d = data["grades"].get(g.name)
                    if d is None:
                        continue
                    g.auto_score = d["auto_score"]
                    if g.manual_score is not None:
                        again = changed is None or (nb.notebook.name, g.name) in changed
                        g.needs_manual_grade = again
                        if again:
                            rechecks.append(f"{nb.notebook.name}/{g.name}")
                    else:
                        g.needs_manual_grade = g.auto_score is None
                for c in nb.comments:
                    if c.name in data["comments"]:
                        c.auto_comment = data["comments"][c.name]
            if flag or any(r.startswith(f"{nb.notebook.name}/") for r in rechecks):
                nb.flagged = True
        gb.db.commit()
        _late_penalty(gb, config, sub)
        gb.db.commit()

    try:
        _retry(write)
    except Exception:
        gb.db.rollback()
        raise
    return list(rechecks)


def unflag_submission(gb, assignment: str, student: str) -> None:
    """Clear the formgrader flag the grader set on a submission (once nothing is left to review)."""

    def write():
        for nb in gb.find_submission(assignment, student).notebooks:
            nb.flagged = False
        gb.db.commit()

    try:
        _retry(write)
    except Exception:
        gb.db.rollback()
        raise


def submission_scores(gb, assignment: str, student: str) -> dict | None:
    """Current points of a submission in the real gradebook (manual grades included)."""
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return None
    auto = auto_max = manual = manual_max = 0.0
    pending = graded_by_hand = 0
    for nb in sub.notebooks:
        for g in nb.grades:
            graded_by_hand += int(g.manual_score is not None)
            is_manual = g.cell.cell_type == "markdown" or _is_answer(nb, g)
            score = g.score or 0.0
            if is_manual:
                manual += score
                manual_max += g.max_score
                pending += int(bool(g.needs_manual_grade))
            else:
                auto += score
                auto_max += g.max_score
    return {
        "auto": auto,
        "auto_max": auto_max,
        "manual": manual,
        "manual_max": manual_max,
        "pending": pending,
        "manual_graded": graded_by_hand,
        "total": sub.score,
        "max": sub.max_score,
        "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
    }


def _is_answer(nb, grade) -> bool:
    names = {c.name for c in nb.notebook.solution_cells}
    return grade.name in names


def install_autograded(src: Path, dest: Path) -> None:
    """Replace ``dest`` (autograded/<student>/<assignment>) by ``src`` as atomically as the OS allows."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = dest.parent / f".{dest.name}.new"
    old = dest.parent / f".{dest.name}.old"
    for p in (staged, old):
        force_rmtree(p)
    shutil.copytree(src, staged, symlinks=True)
    if dest.exists():
        dest.rename(old)
    staged.rename(dest)
    force_rmtree(old)



def write_json(path: Path, data) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)
