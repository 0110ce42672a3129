"""Autograde one notebook against its chapter's source, in a scratch course directory.

This is the engine under ``python -m course check`` and the grading tests: the hidden tests come
back from the source notebook (nbgrader restores every test cell from the gradebook), the student's
answers are executed, and the points are read from the scratch gradebook.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .build import generate_in_scratch
from .config import nbgrader_cmd, nbgrader_env
from .notebooks import exercises, read

__all__ = ["CellScore", "Report", "score_notebook", "ScoreError"]


class ScoreError(RuntimeError):
    """nbgrader could not autograde the notebook at all."""


@dataclass
class CellScore:
    grade_id: str
    score: float
    max_score: float
    manual: bool
    hint: str = ""


@dataclass
class Report:
    chapter: str
    cells: list[CellScore] = field(default_factory=list)
    log: str = ""

    def by_id(self) -> dict[str, CellScore]:
        return {c.grade_id: c for c in self.cells}

    @property
    def auto_score(self) -> float:
        return sum(c.score for c in self.cells if not c.manual)

    @property
    def auto_max(self) -> float:
        return sum(c.max_score for c in self.cells if not c.manual)


def _hint(cell) -> str:
    """The error name and message of a failed test cell, never its traceback (which shows source)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            msg = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
            return msg if len(msg) <= 300 else msg[:297] + "..."
    return ""


def score_notebook(root: Path, chapter: str, notebook: Path, *, student: str = "learner",
                   keep: Path | None = None, timeout: int | None = None) -> Report:
    """Autograde ``notebook`` as ``student``'s submission of ``chapter``; return the points per cell."""
    notebook = Path(notebook)
    if not notebook.is_file():
        raise ValueError(f"notebook not found: {notebook}")
    tmp = Path(tempfile.mkdtemp(prefix="mlsd-score-")) if keep is None else Path(keep)
    try:
        generate_in_scratch(root, chapter, tmp)
        sub = tmp / "submitted" / student / chapter
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, sub / f"{chapter}.ipynb")
        args = ["autograde", chapter, "--force", f"--student={student}", f"--CourseDirectory.root={tmp}"]
        if timeout:
            args.append(f"--Execute.timeout={int(timeout)}")
        env = nbgrader_env({"MLSD_DB_URL": f"sqlite:///{tmp / 'gradebook.db'}"})
        proc = subprocess.run(nbgrader_cmd(*args), cwd=tmp, env=env, capture_output=True, text=True)
        graded = tmp / "autograded" / student / chapter / f"{chapter}.ipynb"
        if not graded.is_file():
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
            raise ScoreError(f"nbgrader could not autograde {notebook} (exit {proc.returncode}):\n{tail}")
        from nbgrader.api import Gradebook

        report = Report(chapter, log=proc.stdout + proc.stderr)
        hints = {}
        for cell in nbformat.read(str(graded), as_version=4).cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid:
                hints[gid] = _hint(cell)
        source = read(Path(root) / "source" / chapter / f"{chapter}.ipynb")
        order = {c.metadata.nbgrader.grade_id: bool(c.metadata.nbgrader.get("solution"))
                 for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
        with Gradebook(f"sqlite:///{tmp / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(chapter, chapter, student)
            grades = {g.name: g for g in nb.grades}
            for gid, manual in order.items():
                g = grades[gid]
                score = g.score if g.score is not None else 0.0
                report.cells.append(CellScore(gid, float(score), float(g.max_score), manual, hints.get(gid, "")))
        return report
    finally:
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


def exercise_table(source_nb, report: Report) -> list[tuple[str, float, float]]:
    """(exercise, points, max points) rows, grouping test cells under their answer cell."""
    cells = report.by_id()
    rows = []
    for ex in exercises(source_nb):
        ids = [ex.answer_id] if ex.kind == "manual" else ex.tests
        got = sum(cells[i].score for i in ids if i in cells)
        top = sum(cells[i].max_score for i in ids if i in cells)
        rows.append((ex.answer_id, got, top))
    return rows
