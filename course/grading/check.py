"""``python -m course check NOTEBOOK``: a learner's official score for a notebook anywhere on disk.

The notebook is graded exactly as ``grade`` grades a submission (same intake, same nbgrader
autograde, same executor) but with the learner's own code running unsandboxed, as the learner, in
a scratch folder: the hidden tests are restored, points are printed per exercise with a total
``X/Y``, and a failing test shows only its error message as a hint, never its source (a hidden
test's traceback would show its code, so no traceback is printed).

The generated assignment (the "template": release and gradebook) is cached per chapter and source
version under ``$XDG_CACHE_HOME/mlsd-course`` (``~/.cache``), so only the first check of a chapter
pays for generating it.

Exit status: 0 whenever a score was computed (whatever it is); 2 when the arguments are wrong (no
such file, not a notebook, no chapter matches it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

# nbformat validates with jsonschema, which builds a large grammar for the "iri" format at import
# (1-2 s per process); nothing here validates IRIs, so that optional module is left out.
sys.modules.setdefault("rfc3987_syntax", None)

from .config import CONFIG_NAME, ConfigError, find_root, load_config  # noqa: E402
from .notebooks import assignments, exercises, read  # noqa: E402

__all__ = ["main", "check_notebook", "CheckResult"]


class UsageError(ValueError):
    pass


def _cache_root() -> Path | None:
    base = os.environ.get("MLSD_CACHE") or os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    path = Path(base) / "mlsd-course" / "check"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path if os.access(path, os.W_OK) else None
    except OSError:
        return None


def cached_template(root: Path, chapter: str) -> tuple[Path, bool]:
    """The generated chapter for this source version: (folder, whether it is a temporary one)."""
    from .autograde import make_template, source_fingerprint

    import nbgrader

    fp = source_fingerprint(root, chapter, f"nbgrader {nbgrader.__version__}")[:20]
    cache = _cache_root()
    if cache is not None:
        final = cache / f"{chapter}-{fp}"
        if (final / "gradebook.db").is_file() and (final / "release" / chapter).is_dir():
            return final, False
        tmp = Path(tempfile.mkdtemp(prefix=f".{chapter}-", dir=cache))
        try:
            make_template(root, chapter, tmp)
            try:
                tmp.rename(final)
            except OSError:  # another check made it first
                shutil.rmtree(tmp, ignore_errors=True)
            for old in cache.glob(f"{chapter}-*"):  # earlier versions of this chapter
                if old != final and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            return final, False
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    tmp = Path(tempfile.mkdtemp(prefix="mlsd-check-tpl-"))
    make_template(root, chapter, tmp)
    return tmp, True


def _grade_ids(raw: bytes) -> set[str]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return set()
    out = set()
    for c in data.get("cells", []) if isinstance(data, dict) and isinstance(data.get("cells"), list) else []:
        meta = c.get("metadata") if isinstance(c, dict) else None
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbg, dict) and isinstance(nbg.get("grade_id"), str):
            out.add(nbg["grade_id"])
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            out.add(c["id"])
    return out


def _notebook_ids(path: Path) -> set[str]:
    src = read(path)
    return {c.metadata.nbgrader.grade_id for c in src.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def detect_assignment(root: Path, notebook: Path, raw: bytes, wanted: str | None = None) -> tuple[str, str]:
    """(assignment, notebook name) a notebook belongs to: by its file name, else by its graded cells."""
    names = assignments(root)
    if wanted is not None:
        if wanted not in names:
            raise UsageError(f"no assignment {wanted!r} in {root / 'source'} (known: {', '.join(names) or 'none'})")
        names = [wanted]
    candidates = [(a, p.stem) for a in names for p in sorted((root / "source" / a).glob("*.ipynb"))]
    by_name = [c for c in candidates if c[1] == notebook.stem]
    if len(by_name) == 1:
        return by_name[0]
    ids = _grade_ids(raw)
    best, best_n = None, 0
    for a, stem in by_name or candidates:
        n = len(_notebook_ids(root / "source" / a / f"{stem}.ipynb") & ids)
        if n > best_n:
            best, best_n = (a, stem), n
    if best is None and wanted is not None and len(candidates) == 1:
        best = candidates[0]
    if best is None:
        raise UsageError(
            f"{notebook} does not look like any notebook of this course's assignments "
            f"({', '.join(names) or 'none'}); name the assignment with --chapter"
        )
    return best


def detect_chapter(root: Path, notebook: Path, raw: bytes) -> str:
    """The assignment a notebook belongs to (see :func:`detect_assignment`)."""
    return detect_assignment(root, notebook, raw)[0]


class CheckResult:
    def __init__(
        self,
        chapter: str,
        rows: list,
        total: float,
        maximum: float,
        manual: list,
        notes: list,
        seconds: float,
    ):
        self.chapter = chapter
        self.rows = rows  # (exercise, points, max, [(test id, hint)])
        self.total = total
        self.maximum = maximum
        self.manual = manual  # (answer id, max points)
        self.notes = notes
        self.seconds = seconds
        self.grades: dict = {}  # grade id -> the autograder's verdict (see autograde.read_results)
        self.hints: dict = {}  # grade id -> error message of the graded cell, if any


def _hint(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename = str(out.get("ename", "Error"))
            evalue = str(out.get("evalue", "")).strip()
            if ename == "NotImplementedError" and not evalue:
                return "not answered yet: the answer cell still raises NotImplementedError"
            msg = f"{ename}: {evalue}" if evalue else f"{ename} (the test gave no message)"
            return msg if len(msg) <= 300 else msg[:297] + "..."
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            text = str(out.get("text", "")).strip().splitlines()
            return "wrote to stderr (a warning fails a test): " + (text[-1][:200] if text else "")
    return ""


def check_notebook(
    root: Path,
    notebook: Path,
    chapter: str | None = None,
    *,
    timeout: float | None = None,
    notebook_timeout: float = 1800,
    log=print,
) -> CheckResult:
    import nbformat

    from .autograde import KernelFactory, autograde_submission, read_results, release_notebooks
    from .executor import ExecLimits
    from .intake import CorruptNotebook, clean_notebook

    start = time.monotonic()
    notebook = Path(notebook)
    try:
        raw = notebook.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {notebook}: {exc.strerror}") from None
    chapter, name = detect_assignment(root, notebook, raw, chapter)
    cfg = load_config(root / CONFIG_NAME)
    template, temporary = cached_template(root, chapter)
    work = Path(tempfile.mkdtemp(prefix="mlsd-check-"))
    try:
        releases = release_notebooks(template, chapter)
        if name not in releases:
            raise UsageError(f"{chapter} has no notebook named {name}.ipynb")
        try:
            nb, flags = clean_notebook(raw, releases[name])
        except CorruptNotebook as exc:
            raise UsageError(f"{notebook} is not a readable notebook: {exc}") from None
        cell_timeout = float(timeout or cfg.Execute.get("timeout", 60) or 60)
        factory = KernelFactory(
            ExecLimits(
                cell_timeout=cell_timeout,
                notebook_timeout=notebook_timeout,
                startup_timeout=float(cfg.Execute.get("startup_timeout", 60) or 60),
            )
        )
        res = autograde_submission(template, work / "course", chapter, "learner", {name: nb}, factory)
        if not res.ok:
            raise RuntimeError(f"nbgrader could not grade the notebook: {res.error}\n{res.log[-2000:]}")
        results = read_results(work / "course", chapter, "learner")
        graded = nbformat.read(
            str(work / "course" / "autograded" / "learner" / chapter / f"{name}.ipynb"), as_version=4
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if temporary:
            shutil.rmtree(template, ignore_errors=True)
    hints = {}
    for c in graded.cells:
        gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            hints[gid] = _hint(c)
    grades = results["notebooks"][name]["grades"]
    source = read(root / "source" / chapter / f"{name}.ipynb")
    rows, manual = [], []
    total = maximum = 0.0
    for ex in exercises(source, strict=False):
        if ex.kind == "manual":
            g = grades.get(ex.answer_id)
            manual.append((ex.answer_id, float(g["max_score"]) if g else ex.points))
            continue
        got = top = 0.0
        failing = []
        for tid in ex.tests:
            g = grades.get(tid)
            if g is None:
                continue
            score = float(g["auto_score"] or 0.0)
            got += score
            top += float(g["max_score"])
            if score < float(g["max_score"]):
                failing.append((tid, hints.get(tid, "") or "no points"))
        rows.append((ex.answer_id, got, top, failing))
        total += got
        maximum += top
    notes = [str(f) for f in flags]
    for nb_name, evs in res.events.items():
        for e in evs:
            if e["kind"] in ("died", "hung", "deadline", "startup_failed", "truncated"):
                notes.append(f"{e['kind']}: {e['detail']}")
    result = CheckResult(chapter, rows, total, maximum, manual, notes, time.monotonic() - start)
    result.grades, result.hints, result.notebook_name, result.root = grades, hints, name, Path(root)
    return result


def score_report(root: Path, chapter: str, notebook: Path, *, timeout: float | None = None):
    """The same :class:`course.grading.score.Report` as ``score.score_notebook``, computed in-process
    through ``check`` (no nbgrader subprocesses, cached template): a drop-in for tests that score
    many notebooks."""
    from .score import CellScore, Report

    res = check_notebook(Path(root), Path(notebook), chapter, timeout=timeout)
    report = Report(chapter)
    source = read(Path(root) / "source" / chapter / f"{res.notebook_name}.ipynb")
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not meta.get("grade") or gid not in res.grades:
            continue
        g = res.grades[gid]
        report.cells.append(CellScore(gid, float(g["auto_score"] or 0.0), float(g["max_score"]),
                                      bool(meta.get("solution")), res.hints.get(gid, "")))
    return report


def _print(result: CheckResult, notebook: Path) -> None:
    where = result.chapter if result.notebook_name == result.chapter else f"{result.chapter}/{result.notebook_name}"
    print(f"{notebook.name}: graded as {where}, hidden tests included ({result.seconds:.1f} s)")
    print(f"course root: {result.root}\n")
    width = max([len(r[0]) for r in result.rows] + [8])
    for ex, got, top, failing in result.rows:
        mark = "ok" if got >= top else "  "
        print(f"  {mark} {ex:<{width}}  {got:g}/{top:g}")
        for tid, hint in failing:
            print(f"       hint ({tid}): {hint}")
    for ans, pts in result.manual:
        print(
            f"     {ans:<{width}}  graded by hand ({pts:g} points, not in the total: compare with the model answer)"
        )
    for n in result.notes:
        print(f"  note: {n}")
    print(f"\nTotal: {result.total:g}/{result.maximum:g}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m course check",
        description=(
            "Score a notebook the way the course grades it: hidden tests restored, points per exercise, a hint "
            "for each failing test (its message, never its code). Your code runs on your machine, unsandboxed."
        ),
    )
    ap.add_argument(
        "notebook", type=Path, help="your notebook (for example release/01_framework/01_framework.ipynb)"
    )
    ap.add_argument("--chapter", "--assignment", dest="chapter",
                    help="the chapter (assignment) it belongs to (default: guessed from the notebook)")
    ap.add_argument("--root", type=Path, help="course root (default: found from the current folder)")
    ap.add_argument(
        "--timeout", type=float, help="seconds per cell (default: the course's c.Execute.timeout)"
    )
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    try:
        root = find_root(args.root) if args.root is None else args.root.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError(f"{root} is not a course root (no {CONFIG_NAME})")
        if not args.notebook.is_file():
            raise UsageError(f"no such notebook: {args.notebook}")
        result = check_notebook(root, args.notebook, args.chapter, timeout=args.timeout)
    except (UsageError, ConfigError) as exc:
        print(f"check: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # the grader itself failed: no score to give
        print(f"check: could not score {args.notebook}: {exc}", file=sys.stderr)
        return 1
    _print(result, args.notebook)
    return 0
