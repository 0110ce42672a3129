"""nbgrader's own example course, graded by ``course grade`` and by stock ``nbgrader autograde``.

nbgrader ships its documentation's example course inside the package
(``nbgrader/docs/source/user_guide``): the assignment ``source/ps1`` (two notebooks and ``jupyter.png``),
the header notebook ``source/header.ipynb`` that its docs prepend to every notebook, and two example
submissions (``submitted/bitdiddle``, ``submitted/hacker``). The scratch course here is that course as an
instructor would set it up from those docs: ``c.IncludeHeaderFooter.header = "source/header.ipynb"`` in
``nbgrader_config.py`` (the docs pass the same on the command line), ``nbgrader generate_assignment ps1``,
and the example submissions in ``submitted/``. One data file is added to the assignment (and to each
submission, as ``fetch_assignment`` and ``submit`` carry it) so that released files in a subfolder are
covered as well as ``jupyter.png``.

The generated course is copied twice: stock ``nbgrader autograde ps1`` grades one copy, ``python -m course
grade ps1 --jobs 2`` (sandboxed) the other; the tests compare the two gradebooks cell by cell.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

pytestmark = pytest.mark.slow

A = "ps1"
COURSE_ID = "example_course"
STUDENTS = ("bitdiddle", "hacker")
BIN = Path(sys.executable).parent
DATA = "data/squares.csv"
EXTRA_FLAG = "kept in the archive but not given to the kernel"
CONFIG = f'''c = get_config()
c.CourseDirectory.course_id = "{COURSE_ID}"
c.IncludeHeaderFooter.header = "source/header.ipynb"
'''


def _example_dir() -> Path:
    import nbgrader

    path = Path(nbgrader.__file__).parent / "docs" / "source" / "user_guide"
    if not (path / "source" / A).is_dir():
        pytest.skip(f"this nbgrader has no example course at {path}")
    return path


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MLSD_", "NBGRADER"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _run(argv, cwd, env, timeout=900):
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    proc.seconds = time.monotonic() - start
    return proc


def _grades(root: Path) -> dict:
    """{(student, notebook, grade cell): (auto_score, score, max_score, needs_manual_grade)} and totals."""
    from nbgrader.api import Gradebook

    gb = Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID)
    try:
        out = {}
        for s in STUDENTS:
            sub = gb.find_submission(A, s)
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(s, nb.name, g.name)] = (g.auto_score, g.score, g.max_score, bool(g.needs_manual_grade))
            out[(s, "total")] = (sub.score, sub.max_score, str(sub.timestamp))
        return out
    finally:
        gb.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """Set up and grade once: under pytest-xdist the first worker does it, the others wait and read it."""
    src = _example_dir()
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the base folder all workers of this run share
    base, record = shared / "nbgrader-example", shared / "nbgrader-example.json"
    with open(shared / "nbgrader-example.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            try:
                runs = _grade_both(src, base)
            except BaseException:
                record.write_text(json.dumps({"error": traceback.format_exc()}))
                raise
            record.write_text(json.dumps(runs))
    runs = json.loads(record.read_text())
    if "error" in runs:
        pytest.fail("setting up the example failed (in this or another worker):\n" + runs["error"], pytrace=False)
    res = {"course": base / "course", "stock": base / "stock", "ours": base / "ours", "env": _env(base / "home"),
           "src": src}
    res.update({k: SimpleNamespace(**v) for k, v in runs.items()})
    return res


def _grade_both(src: Path, base: Path) -> dict:
    base.mkdir(parents=True)
    home = base / "home"
    home.mkdir()
    env = _env(home)
    course = base / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(src / "source" / A, course / "source" / A)
    shutil.copy2(src / "source" / "header.ipynb", course / "source" / "header.ipynb")
    (course / "source" / A / DATA).parent.mkdir()
    (course / "source" / A / DATA).write_text("n,square\n1,1\n2,4\n3,9\n")
    shutil.copytree(src / "submitted", course / "submitted")
    for s in STUDENTS:
        (course / "submitted" / s / A / DATA).parent.mkdir()
        shutil.copy2(course / "source" / A / DATA, course / "submitted" / s / A / DATA)
        # as `nbgrader collect` leaves them: the files no newer than the submission time it recorded
        from nbgrader.utils import parse_utc

        when = parse_utc((course / "submitted" / s / A / "timestamp.txt").read_text().strip()).timestamp()
        for f in (course / "submitted" / s / A).rglob("*"):
            os.utime(f, (when, when))
    (course / "nbgrader_config.py").write_text(CONFIG)
    gen = _run([str(BIN / "nbgrader"), "generate_assignment", A, "--force"], course, env)
    assert gen.returncode == 0, gen.stdout + gen.stderr
    stock, ours = base / "stock", base / "ours"
    shutil.copytree(course, stock, symlinks=True)
    shutil.copytree(course, ours, symlinks=True)
    runs = {
        "autograde": _run([str(BIN / "nbgrader"), "autograde", A], stock, env),
        "grade": _run([sys.executable, "-m", "course", "grade", A, "--jobs", "2"], ours, env),
    }
    print(f"\nnbgrader autograde: {runs['autograde'].seconds:.1f} s, course grade --jobs 2: "
          f"{runs['grade'].seconds:.1f} s (exit {runs['grade'].returncode})")
    return {k: {"returncode": p.returncode, "stdout": p.stdout, "stderr": p.stderr, "seconds": p.seconds}
            for k, p in runs.items()}


def _ours_graded(example) -> dict:
    out = example["grade"]
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    return _grades(example["ours"])


def test_stock_nbgrader_grades_its_own_example(example):
    release = example["course"] / "release" / A
    assert {"problem1.ipynb", "problem2.ipynb", "jupyter.png", DATA} <= {
        p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()
    }
    first = nbformat.read(str(release / "problem1.ipynb"), as_version=4)
    assert 'NAME = ""' in first.cells[1].source, "the header notebook was prepended"
    out = example["autograde"]
    assert out.returncode == 0, out.stdout + out.stderr
    stock = _grades(example["stock"])
    assert stock[("hacker", "total")][:2] == (3.0, 13.0) and stock[("bitdiddle", "total")][:2] == (1.5, 13.0)


def test_course_grade_runs_and_matches_stock_on_every_other_cell(example):
    ours, stock = _ours_graded(example), _grades(example["stock"])
    assert set(ours) == set(stock)
    differ = {k: (stock[k], ours[k]) for k in stock
              if ours[k] != stock[k] and k[-1] not in ("sum_of_squares_uses_squares", "total")}
    assert not differ, f"(stock, course grade) per cell: {differ}"
    for s in STUDENTS:
        assert ours[(s, "total")][1:] == stock[(s, "total")][1:], "same maximum and timestamp"
        got = {p.relative_to(example["ours"] / "autograded" / s).as_posix()
               for p in (example["ours"] / "autograded" / s).rglob("*") if p.is_file()}
        want = {p.relative_to(example["stock"] / "autograded" / s).as_posix()
                for p in (example["stock"] / "autograded" / s).rglob("*") if p.is_file()}
        assert got == want, "the same autograded/ layout"


def test_same_total_as_stock_per_student(example):
    ours, stock = _ours_graded(example), _grades(example["stock"])
    for s in STUDENTS:
        cell = (s, "problem1", "sum_of_squares_uses_squares")
        assert ours[cell] == stock[cell], (cell, stock[cell], ours[cell])
        assert ours[(s, "total")] == stock[(s, "total")], s


def test_released_files_are_not_flagged_as_extra(example):
    out = example["grade"]
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert EXTRA_FLAG not in out.stdout, out.stdout
    for s in STUDENTS:
        review = json.loads((example["ours"] / "archive" / s / A / "graded.json").read_text())["review"]
        assert not any(r.startswith("extra-files") for r in review), review


def _check(example, notebook: Path, *extra):
    return _run([sys.executable, "-m", "course", "check", str(notebook), "--root", str(example["ours"]), *extra],
                example["ours"].parent, example["env"] | {"MLSD_CACHE": str(example["ours"].parent / "cache")})


def _autograded_tests(example) -> list[str]:
    src = nbformat.read(str(example["course"] / "source" / A / "problem1.ipynb"), as_version=4)
    return [c.metadata.nbgrader["grade_id"] for c in src.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")
            and not c.metadata.nbgrader.get("task")]


def _assert_check_output(example, out, total: str | None):
    assert out.returncode == 0, out.stdout + out.stderr
    stock = _grades(example["stock"])
    top = sum(stock[("hacker", "problem1", t)][2] for t in _autograded_tests(example))
    found = re.search(r"Total: ([0-9.]+)/([0-9.]+)", out.stdout)
    assert found and float(found.group(2)) == top, out.stdout
    if total is not None:
        assert found.group(0) == total, out.stdout
    assert str(example["ours"]) in out.stdout, "it says which course root it used"
    for manual in ("sum_of_squares_equation", "sum_of_squares_application", "cell-938593c4a215c6cc"):
        assert manual in out.stdout, f"hand-graded cell {manual} (answer or task) is listed"
    return out.stdout


def test_check_finds_the_assignment_of_any_notebook(example):
    nb = example["ours"] / "submitted" / "hacker" / A / "problem1.ipynb"
    text = _assert_check_output(example, _check(example, nb), None)
    # squares' two test cells, as stock autograde scores them (sum_of_squares' "uses squares" test deletes a
    # name in the learner's namespace: see test_same_total_as_stock_per_student)
    stock = _grades(example["stock"])
    want = sum(stock[("hacker", "problem1", t)][0] for t in ("correct_squares", "squares_invalid_input"))
    assert re.search(rf"\bsquares\b\s+{want:g}/2\b", text), text


def test_check_with_chapter_ps1(example):
    release = example["course"] / "release" / A / "problem1.ipynb"
    _assert_check_output(example, _check(example, release, "--chapter", A), "Total: 0/3")
