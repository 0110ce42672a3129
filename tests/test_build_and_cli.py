"""The build never loses a committed release; the command line answers usage errors with exit 2."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading.authoring import compose
from course.grading.build import BuildError, build
from course.grading.kernel import Kernel, offline_prefix

ROOT = Path(__file__).resolve().parents[1]

TOY = """%% md
# 99 · Toy
%% solution ch99_twice
def twice(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
%% tests ch99_twice_visible 1
assert twice(2) == 4
### BEGIN HIDDEN TESTS
assert twice(5) == 10
### END HIDDEN TESTS
"""


def _course(tmp_path, script=TOY):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "source" / "99_toy").mkdir(parents=True)
    nbformat.write(compose(script, id_prefix="ch99"), str(tmp_path / "source" / "99_toy" / "99_toy.ipynb"))
    return tmp_path


@pytest.mark.slow
def test_build_is_byte_for_byte_reproducible_and_strips_answers(tmp_path):
    root = _course(tmp_path)
    build(root, log=lambda *_: None)
    first = (root / "release" / "99_toy" / "99_toy.ipynb").read_bytes()
    build(root, log=lambda *_: None)
    assert (root / "release" / "99_toy" / "99_toy.ipynb").read_bytes() == first
    text = first.decode()
    assert "return 2 * x" not in text and "twice(5)" not in text and "NotImplementedError" in text


@pytest.mark.slow
def test_failed_build_keeps_the_committed_release(tmp_path):
    bad = TOY + "%% tests ch99_twice_again 1\nassert True\n"
    root = _course(tmp_path, bad)
    nb = nbformat.read(str(root / "source" / "99_toy" / "99_toy.ipynb"), 4)
    nb.cells[-1].metadata.nbgrader.grade_id = "ch99_twice_visible"  # a duplicated grade id: nbgrader refuses
    nbformat.write(nb, str(root / "source" / "99_toy" / "99_toy.ipynb"))
    committed = root / "release" / "99_toy" / "99_toy.ipynb"
    committed.parent.mkdir(parents=True)
    committed.write_text("the committed release")
    with pytest.raises(BuildError, match="99_toy"):
        build(root, log=lambda *_: None)
    assert committed.read_text() == "the committed release"
    assert not list((root / "release").glob(".*"))


def test_build_names_an_unknown_chapter():
    proc = subprocess.run([sys.executable, "-m", "course", "build", "77_nope"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "no chapter '77_nope'" in proc.stderr


def test_cli_usage():
    run = lambda *a: subprocess.run([sys.executable, "-m", "course", *a], cwd=ROOT, capture_output=True, text=True)  # noqa: E731
    assert run().returncode == 2
    out = run("--help")
    assert out.returncode == 0 and "build" in out.stdout and "check" in out.stdout and "bench" in out.stdout
    bad = run("frobnicate")
    assert bad.returncode == 2 and "unknown verb 'frobnicate'" in bad.stderr


@pytest.mark.skipif(offline_prefix() is None, reason="unshare -n is not permitted on this machine")
def test_offline_kernel_has_no_network_but_runs_code(tmp_path):
    with Kernel(tmp_path) as k:
        assert k.run("import os; print(os.getcwd())").stdout.strip() == str(tmp_path)
        res = k.run("import socket; socket.create_connection(('127.0.0.1', 9), timeout=2)")
        assert res.status == "error" and res.ename in ("OSError", "ConnectionRefusedError", "gaierror")
        res = k.run("import urllib.request; urllib.request.urlopen('https://pypi.org', timeout=3)")
        assert res.status == "error"
        slow = k.run("import time; time.sleep(10)", timeout=1)
        assert slow.status == "timeout"
        assert k.run("x = 41 + 1; print(x)").stdout.strip() == "42", "the kernel survives an interrupted cell"
