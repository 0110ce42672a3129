"""Prove that a chapter's tests bite: run wrong answers against them and count the points they lose.

A mutant file (``tests/mutants/<chapter>.py``) defines ``MUTANTS``, a list of dicts::

    {"answer": "ch01_precision_recall",   # grade_id of the answer cell it replaces
     "kind": "plausible",                 # "plausible" (a believable mistake) or "hardcoded"
     "why": "divides by all samples",     # the mistake, in a few words
     "code": "def precision_recall(...): ..."}

It may also define ``ALTERNATIVES`` in the same format with ``"kind": "correct"``: a different but valid
answer, which must pass every test cell of its exercise (tests check behaviour, not one implementation).

``run_mutants`` executes the source notebook once (offline), then for each mutant redefines the
answer with the mutant's code, re-runs that exercise's test cells, records which fail, and restores
the real answer before the next mutant. One kernel serves the whole chapter, so this is cheap.
"""
from __future__ import annotations

import os
import runpy
from dataclasses import dataclass, field
from pathlib import Path

from .kernel import Kernel
from .notebooks import exercises, read

__all__ = ["MutantResult", "load_mutants", "run_mutants", "mutant_submission"]

KINDS = ("plausible", "hardcoded", "correct")


@dataclass
class MutantResult:
    answer: str
    kind: str
    why: str
    failed: list[str] = field(default_factory=list)
    failed_hidden: list[str] = field(default_factory=list)
    lost: float = 0.0
    max_points: float = 0.0


def load_mutants(path: Path, *, alternatives: bool = False) -> list[dict]:
    """Read and validate a mutant file: its ``MUTANTS`` (and, if asked, its ``ALTERNATIVES`` after them)."""
    module = runpy.run_path(str(path))
    found = module.get("MUTANTS")
    if not isinstance(found, list) or not found:
        raise ValueError(f"{path} must define a non-empty list MUTANTS")
    alts = module.get("ALTERNATIVES", [])
    if not isinstance(alts, list):
        raise ValueError(f"{path}: ALTERNATIVES must be a list")
    for label, items, kinds in (("MUTANTS", found, KINDS[:2]), ("ALTERNATIVES", alts, ("correct",))):
        for n, m in enumerate(items):
            if not isinstance(m, dict) or set(m) != {"answer", "kind", "why", "code"}:
                raise ValueError(f"{path}: {label}[{n}] must be a dict with answer, kind, why and code")
            if m["kind"] not in kinds:
                raise ValueError(f"{path}: {label}[{n}] kind must be one of {kinds}, got {m['kind']!r}")
    return found + alts if alternatives else found


def run_mutants(notebook: Path, mutants: list[dict], *, timeout: float = 60, offline: bool = True):
    """Return (baseline failures, [MutantResult]) for a source notebook and its mutants.

    ``baseline failures`` lists (cell index, ename, evalue) of any code cell of the intact source
    that failed: a chapter whose own solution fails its tests proves nothing.
    """
    nb = read(notebook)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    exs = {e.answer_id: e for e in exercises(nb) if e.kind == "autograded"}
    points = {gid: c.metadata.nbgrader.get("points", 0) for gid, c in by_id.items()
              if gid and c.metadata.nbgrader.get("grade")}
    baseline, results = [], []
    # graded as an autograder would: checks.lab lets an unanswered lab fail instead of printing a hint
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    with Kernel(Path(notebook).parent, offline=offline, env=env) as kernel:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                res = kernel.run(cell.source, timeout=timeout)
                if not res.ok:
                    baseline.append((i, res.ename, res.evalue))
        if baseline:
            return baseline, results
        for m in mutants:
            if m["answer"] not in exs:
                raise ValueError(f"mutant names unknown answer cell {m['answer']!r}")
            ex = exs[m["answer"]]
            out = MutantResult(m["answer"], m["kind"], m["why"], max_points=ex.points)
            defined = kernel.run(m["code"], timeout=timeout)
            for gid in ex.tests:
                if not defined.ok or not kernel.run(by_id[gid].source, timeout=timeout).ok:
                    out.failed.append(gid)
                    out.lost += points[gid]
                    if gid in ex.hidden:
                        out.failed_hidden.append(gid)
            kernel.run(by_id[m["answer"]].source, timeout=timeout)
            for gid in ex.tests:
                res = kernel.run(by_id[gid].source, timeout=timeout)
                if not res.ok:
                    baseline.append((gid, "not restored after mutant " + m["why"], res.evalue))
            results.append(out)
    return baseline, results


def mutant_submission(notebook: Path, mutants: list[dict]):
    """A copy of the source notebook with each named answer cell replaced by its mutant's code."""
    nb = read(notebook)
    chosen = {m["answer"]: m["code"] for m in mutants}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in chosen:
            cell.source = chosen[gid]
    return nb
