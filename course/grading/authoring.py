"""Write chapter notebooks from a plain-text cell script.

Chapters are long; writing their JSON by hand is error-prone. A cell script is plain text in which
a line starting with ``%%`` opens a new cell::

    %% md                          a markdown cell
    %% code                        an ordinary code cell
    %% solution ch01_qps           an autograded answer cell (must hold BEGIN/END SOLUTION)
    %% tests ch01_qps_visible 2    a locked test cell worth 2 points
    %% manual ch01_design 4        a manually graded markdown answer worth 4 points

``compose`` turns such a script into an nbgrader source notebook with stable cell ids, the nbgrader
cell metadata and no outputs. The committed ``.ipynb`` stays the single source of truth: the script
is a convenience for authors, not something the build reads.
"""
from __future__ import annotations

import re

import nbformat

__all__ = ["compose", "nbgrader_meta"]

_HEADER = re.compile(r"^%%\s*(md|code|solution|tests|manual)\b\s*(.*)$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def nbgrader_meta(kind: str, grade_id: str, points: float = 0) -> dict:
    """Return the nbgrader (schema 3) metadata for a graded cell of ``kind``."""
    flags = {
        "solution": dict(grade=False, solution=True, locked=False),
        "tests": dict(grade=True, solution=False, locked=True),
        "manual": dict(grade=True, solution=True, locked=False),
    }
    if kind not in flags:
        raise ValueError(f"kind must be one of {sorted(flags)}, got {kind!r}")
    meta = {"grade_id": grade_id, "schema_version": 3, "task": False, **flags[kind]}
    if meta["grade"]:
        meta["points"] = points
    return {"nbgrader": dict(sorted(meta.items()))}


def compose(script: str, *, id_prefix: str) -> nbformat.NotebookNode:
    """Build a notebook from a cell script (see the module docstring for the syntax)."""
    if not isinstance(script, str):
        raise TypeError(f"script must be a str, got {type(script).__name__}")
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix must be a short identifier, got {id_prefix!r}")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    cells: list[tuple[str, list[str], list[str]]] = []
    for lineno, line in enumerate(script.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            cells.append((m.group(1), m.group(2).split(), []))
        elif line.startswith("%%"):
            raise ValueError(f"line {lineno}: unknown cell header {line!r}")
        elif cells:
            cells[-1][2].append(line)
        elif line.strip():
            raise ValueError(f"line {lineno}: text before the first %% header")
    seen: set[str] = set()
    for n, (kind, args, lines) in enumerate(cells):
        text = "\n".join(lines).strip("\n")
        if kind in ("md", "code"):
            if args:
                raise ValueError(f"cell {n}: '{kind}' takes no arguments, got {args}")
            make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
            cell = make(text)
            cell.id = f"{id_prefix}-{n:03d}"
        else:
            want = 1 if kind == "solution" else 2
            if len(args) != want:
                raise ValueError(f"cell {n}: '{kind}' needs {want} argument(s), got {args}")
            grade_id = args[0]
            if not _ID.match(grade_id) or grade_id in seen:
                raise ValueError(f"cell {n}: bad or repeated grade id {grade_id!r}")
            seen.add(grade_id)
            points = float(args[1]) if want == 2 else 0
            points = int(points) if points == int(points) else points
            if kind in ("solution", "manual") and "### BEGIN SOLUTION" not in text:
                raise ValueError(f"cell {grade_id}: an answer cell needs a ### BEGIN SOLUTION region")
            make = nbformat.v4.new_markdown_cell if kind == "manual" else nbformat.v4.new_code_cell
            cell = make(text, metadata=nbgrader_meta(kind, grade_id, points))
            cell.id = grade_id
        nb.cells.append(cell)
    return nb
