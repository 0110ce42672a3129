"""Read chapters and their graded cells."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = [
    "Exercise", "assignments", "chapters", "chapter_notebook", "exercises", "grade_cells", "is_hidden", "read",
]

_CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+$")
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"


def chapters(root: Path, kind: str = "source") -> list[str]:
    """Names of the chapters (``NN_name``) that have ``<kind>/NN_name/NN_name.ipynb``, sorted."""
    base = Path(root) / kind
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if _CHAPTER.match(p.name) and (p / f"{p.name}.ipynb").is_file())


def assignments(root: Path) -> list[str]:
    """Every assignment of an nbgrader course: the folders of ``source/`` holding a notebook, sorted."""
    base = Path(root) / "source"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and any(p.glob("*.ipynb")))


def chapter_notebook(root: Path, chapter: str, kind: str = "source") -> Path:
    """Path of a chapter's notebook; ``ValueError`` naming the chapter if there is none."""
    path = Path(root) / kind / chapter / f"{chapter}.ipynb"
    if not path.is_file():
        known = ", ".join(chapters(root, kind)) or "none"
        raise ValueError(f"no chapter {chapter!r} in {kind}/ (known: {known})")
    return path


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_hidden(cell) -> bool:
    return HIDDEN_BEGIN in cell.get("source", "")


def grade_cells(nb) -> list:
    """The cells nbgrader awards points for, in notebook order."""
    return [c for c in nb.cells if _meta(c).get("grade")]


@dataclass
class Exercise:
    """An answer cell and the test cells that grade it (those up to the next answer cell)."""

    answer_id: str
    kind: str  # "autograded" or "manual"
    tests: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    points: float = 0


def exercises(nb, *, strict: bool = True) -> list[Exercise]:
    """Group a source notebook's graded cells into exercises. With ``strict`` False (any nbgrader
    notebook, not only this course's), a test cell before any answer cell is an exercise of its own."""
    out: list[Exercise] = []
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("task"):
            out.append(Exercise(meta.get("grade_id", "task"), "manual", points=meta.get("points", 0)))
        elif meta.get("solution") and meta.get("grade"):
            out.append(Exercise(meta["grade_id"], "manual", points=meta.get("points", 0)))
        elif meta.get("solution"):
            out.append(Exercise(meta["grade_id"], "autograded"))
        elif meta.get("grade"):
            if not out or out[-1].kind != "autograded":
                if strict:
                    raise ValueError(f"test cell {meta.get('grade_id')!r} does not follow an answer cell")
                out.append(Exercise(meta.get("grade_id", "test"), "autograded"))
            out[-1].tests.append(meta["grade_id"])
            if is_hidden(cell):
                out[-1].hidden.append(meta["grade_id"])
            out[-1].points += meta.get("points", 0)
    return out
