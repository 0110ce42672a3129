"""`python -m course start CHAPTER`: a learner's own copy of a chapter, never over their work."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading.workspace import StartError, start

ROOT = Path(__file__).resolve().parents[1]
A = "99_toy"


class _Out:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args, cwd, subprocess_=False):
    """``python -m course start ARGS`` in ``cwd`` (in this process unless ``subprocess_``: it is fast)."""
    if subprocess_:
        return subprocess.run([sys.executable, "-m", "course", "start", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=120)
    import contextlib
    import io

    from course.__main__ import main

    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["start", *args])
    finally:
        os.chdir(here)
    return _Out(code, out.getvalue(), err.getvalue())


@pytest.fixture
def course(tmp_path):
    """A course root with a released chapter: a notebook, a data file and one in a subfolder."""
    root = tmp_path / "course"
    (root / "source" / A).mkdir(parents=True)
    (root / "source" / "98_unbuilt").mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    rel = root / "release" / A
    (rel / "data").mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise NotImplementedError()")])
    nbformat.write(nb, str(rel / f"{A}.ipynb"))
    (rel / "toy_data.txt").write_text("2.0\n")
    (rel / "data" / "table.csv").write_text("a,b\n1,2\n")
    (rel / ".ipynb_checkpoints").mkdir()
    (rel / ".ipynb_checkpoints" / f"{A}-checkpoint.ipynb").write_text("{}")
    return root


def test_copies_the_chapter_and_its_files_into_work_and_says_how_to_open_it(course):
    out = run(A, cwd=course, subprocess_=True)
    assert out.returncode == 0, out.stderr
    work = course / "work" / A
    for rel in (f"{A}.ipynb", "toy_data.txt", "data/table.csv"):
        assert (work / rel).read_bytes() == (course / "release" / A / rel).read_bytes(), rel
    assert not (work / ".ipynb_checkpoints").exists(), "editor state is not copied"
    assert f"work/{A}" in out.stdout and f"work/{A}/{A}.ipynb" in out.stdout
    assert "make lab" in out.stdout, "it says how to open it"
    assert f"python -m course check work/{A}/{A}.ipynb" in out.stdout, out.stdout


def test_never_overwrites_a_learners_notebook(course):
    assert run(A, cwd=course).returncode == 0
    mine = course / "work" / A / f"{A}.ipynb"
    mine.write_text("my answers")
    (course / "work" / A / "toy_data.txt").unlink()
    out = run(A, cwd=course)
    assert out.returncode == 0, out.stderr
    assert mine.read_text() == "my answers"
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0] and "--force" in lines[0], out.stdout
    assert (course / "work" / A / "toy_data.txt").is_file(), "a missing data file is still restored"


def test_force_keeps_a_backup_then_copies_a_fresh_notebook(course):
    assert run(A, cwd=course).returncode == 0
    mine = course / "work" / A / f"{A}.ipynb"
    mine.write_text("my answers")
    out = run(A, "--force", cwd=course)
    assert out.returncode == 0, out.stderr
    assert mine.read_bytes() == (course / "release" / A / f"{A}.ipynb").read_bytes()
    backups = list((course / "work" / A).glob(f"{A}.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_text() == "my answers"
    assert backups[0].name in out.stdout
    again = run(A, "--force", cwd=course)  # the fresh copy is unchanged: nothing more to back up
    assert again.returncode == 0 and len(list((course / "work" / A).glob("*.backup-*"))) == 1


def test_dest_and_prefix_and_root(course, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run("99", "--dest", "mine", "--root", str(course), cwd=elsewhere)
    assert out.returncode == 0, out.stderr
    assert (elsewhere / "mine" / f"{A}.ipynb").is_file() and not (course / "work").exists()


def test_unknown_or_unbuilt_chapters_are_one_line_errors(course):
    out = run("nope", cwd=course, subprocess_=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "no chapter 'nope'" in out.stderr and A in out.stderr, out.stderr
    out = run("98_unbuilt", cwd=course)
    assert out.returncode == 2 and "python -m course build 98_unbuilt" in out.stderr
    assert out.stderr.count("\n") == 1
    out = run(A, "--dest", str(course / "release" / A / "data"), cwd=course)
    assert out.returncode == 2 and "inside release/" in out.stderr
    with pytest.raises(StartError):
        start(course, "")


def test_a_real_chapter_and_the_gitignore(tmp_path):
    result = start(ROOT, "01_framework", tmp_path / "w")
    assert result["chapter"] == "01_framework"
    assert (tmp_path / "w" / "01_framework.ipynb").read_bytes() == (
        ROOT / "release" / "01_framework" / "01_framework.ipynb"
    ).read_bytes()
    if (ROOT / ".git").exists() and shutil.which("git"):
        ignored = subprocess.run(["git", "check-ignore", "-q", "work/01_framework/01_framework.ipynb"],
                                 cwd=ROOT, capture_output=True)
        assert ignored.returncode == 0, ".gitignore must ignore work/"
    usage = subprocess.run([sys.executable, "-m", "course", "--help"], capture_output=True, text=True).stdout
    assert "start" in usage


def test_the_readme_tells_learners_to_use_it():
    readme = (ROOT / "README.md").read_text()
    learners = readme.split("## For learners", 1)[1].split("\n## ", 1)[0]
    assert "python -m course start 01_framework" in learners
    assert "course check work/01_framework/01_framework.ipynb" in learners


@pytest.mark.slow
def test_the_work_copy_is_checked_like_any_notebook(tmp_path):
    from hostile import toy

    root = toy.make_course(tmp_path / "course")
    env = dict(os.environ, MLSD_CACHE=str(tmp_path / "cache"))
    built = subprocess.run([sys.executable, "-m", "course", "build", A, "--root", str(root)],
                           capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert run(A, cwd=root).returncode == 0
    assert (root / "work" / A / "toy_data.txt").is_file()
    nb = toy.with_answers(toy.release(), ch99_add="def add(a, b):\n    return a + b")
    nbformat.write(nb, str(root / "work" / A / f"{A}.ipynb"))
    out = subprocess.run([sys.executable, "-m", "course", "check", f"work/{A}/{A}.ipynb"], cwd=root,
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Total: 3/9" in out.stdout, out.stdout
