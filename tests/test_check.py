"""`course check NOTEBOOK`: the learner's official score, with hints and never the hidden tests' code."""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hostile import toy

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
HIDDEN_CODE = ["assert add(-5, 5)", "add(2.5, 0.5)", "mean([4.0, 8.0])", "normalize([0, 2])", "BEGIN HIDDEN"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return toy.make_course(tmp_path_factory.mktemp("check") / "course")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def check(nb_path, *args, cwd=None, cache_dir=None, root=None):
    env = dict(os.environ)
    if cache_dir:
        env["MLSD_CACHE"] = str(cache_dir)
    argv = [sys.executable, "-m", "course", "check", str(nb_path), *args]
    if root:
        argv += ["--root", str(root)]
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def total(out: str) -> str:
    m = re.search(r"^Total: (\S+)$", out, re.M)
    assert m, out
    return m.group(1)


def test_a_solved_notebook_anywhere_on_disk_scores_full(course, cache, tmp_path):
    mine = tmp_path / "somewhere" / "my attempt.ipynb"
    mine.parent.mkdir()
    nbformat.write(toy.solved(), str(mine))
    out = check(mine, cwd=course, cache_dir=cache)
    assert out.returncode == 0, out.stderr
    assert total(out.stdout) == "9/9"
    assert "graded as 99_toy" in out.stdout
    for ex in ("ch99_add", "ch99_mean", "ch99_norm"):
        assert re.search(rf"{ex}\s+3/3", out.stdout)
    assert "ch99_design" in out.stdout and "by hand" in out.stdout
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()
    assert any(cache.rglob("gradebook.db")), "the generated chapter is cached"


def test_failing_hidden_tests_give_hints_but_never_their_code(course, cache, tmp_path):
    nb = toy.with_answers(
        ch99_add="def add(a, b):\n    return abs(a) + abs(b)",
        ch99_mean="def mean(xs):\n    return sum(xs) // len(xs)",
    )
    path = tmp_path / f"{toy.ASSIGNMENT}.ipynb"
    nbformat.write(nb, str(path))
    out = check(path, root=course, cache_dir=cache)
    assert out.returncode == 0, out.stderr
    assert total(out.stdout) == "5/9"
    assert re.search(r"ch99_add\s+1/3", out.stdout)
    assert "hint (ch99_add_hidden): AssertionError: add should handle negative numbers" in out.stdout
    assert "hint (ch99_mean_hidden): AssertionError:" in out.stdout
    for code in HIDDEN_CODE:
        assert code not in out.stdout + out.stderr, code
    assert "Traceback" not in out.stdout


def test_the_untouched_release_scores_zero_with_hints(course, cache, tmp_path):
    path = tmp_path / "release.ipynb"
    nbformat.write(toy.release(), str(path))
    out = check(path, "--chapter", toy.ASSIGNMENT, root=course, cache_dir=cache)
    assert out.returncode == 0
    assert total(out.stdout) == "0/9"
    assert out.stdout.count("NotImplementedError") == 6


def test_a_crashing_and_hanging_notebook_still_gets_a_score(course, cache, tmp_path):
    nb = toy.with_answers(
        ch99_add="import os\nos._exit(1)",
        ch99_mean="import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    )
    toy.cell(nb, "ch99_norm_visible").source = "assert True  # edited"
    path = tmp_path / f"{toy.ASSIGNMENT}.ipynb"
    nbformat.write(nb, str(path))
    out = check(path, "--timeout", "3", root=course, cache_dir=cache)
    assert out.returncode == 0, out.stderr
    assert total(out.stdout) == "3/9"
    assert "note: died" in out.stdout and "note: hung" in out.stdout
    assert "edited-test" in out.stdout


@pytest.mark.parametrize(
    "content, args, message",
    [
        (None, [], "no such notebook"),
        (b"{broken", ["--chapter", toy.ASSIGNMENT], "not a readable notebook"),
        ("release", ["--chapter", "42_nothing"], "no assignment '42_nothing'"),
        ("blank", [], "does not look like any notebook of this course"),
    ],
)
def test_wrong_arguments_exit_2(course, cache, tmp_path, content, args, message):
    path = tmp_path / "x.ipynb"
    if content == "release":
        nbformat.write(toy.release(), str(path))
    elif content == "blank":
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(path))
    elif content is not None:
        path.write_bytes(content)
    out = check(path, *args, root=course, cache_dir=cache)
    assert out.returncode == 2 and message in out.stderr, out.stderr


@pytest.mark.skipif(
    not (ROOT / "release" / "01_framework" / "01_framework.ipynb").is_file(),
    reason="chapter 01 is not released yet",
)
def test_a_real_release_from_any_folder(tmp_path):
    out = check(ROOT / "release" / "01_framework" / "01_framework.ipynb", cwd=tmp_path, cache_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    got, top = total(out.stdout).split("/")
    assert float(got) == 0 and float(top) > 0


def test_score_report_agrees_with_score_notebook(course, tmp_path, monkeypatch):
    from course.grading.check import score_report
    from course.grading.score import score_notebook

    monkeypatch.setenv("MLSD_CACHE", str(tmp_path / "cache"))
    nb = toy.with_answers(ch99_add="def add(a, b):\n    return abs(a) + abs(b)")
    path = tmp_path / f"{toy.ASSIGNMENT}.ipynb"
    nbformat.write(nb, str(path))
    fast = score_report(course, toy.ASSIGNMENT, path)
    slow = score_notebook(course, toy.ASSIGNMENT, path)
    assert [(c.grade_id, c.score, c.max_score, c.manual) for c in fast.cells] == [
        (c.grade_id, c.score, c.max_score, c.manual) for c in slow.cells
    ]
    assert fast.auto_score == slow.auto_score == 7
