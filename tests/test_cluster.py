"""`course grade --scheduler`: a real `dask scheduler` and two `dask worker`s on 127.0.0.1.

A class with hostile submissions gets the same scores as a local `--jobs 2` run; a worker killed in
the middle of a batch loses nothing and records nothing twice.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.grading import sandbox
from course.grading.importer import open_gradebook, submission_scores
from hostile import cases, toy

PROBLEMS = sandbox.sandbox_problems() if sys.platform.startswith("linux") else ["not Linux"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(PROBLEMS), reason="sandbox unavailable here: " + "; ".join(PROBLEMS)),
]
pytest.importorskip("distributed")

A = toy.ASSIGNMENT
BIN = Path(sys.executable).parent
UID_BASE = 59600  # a range of its own: other sandboxed tests may run alongside (hygiene: 59700)
GRADE = ["--timeout", "4", "--notebook-timeout", "120", "--memory", "1536"]
HOSTILE = ["loop_nosigint", "memory_hog", "killer", "exit", "fork_storm", "flood", "transformer",
           "t_displayhook", "t_forged_replies", "t_equals_anything", "corrupt", "symlink", "edited_tests"]


def _env(**extra):
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", MLSD_SANDBOX_UID_BASE=str(UID_BASE),
                **extra)


@pytest.fixture
def cluster(tmp_path):
    from course.grading.cluster import LocalCluster

    with LocalCluster(tmp_path / "cluster", workers=2, env=_env()) as c:
        yield c


def _grade(root: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", "grade", A, "--root", str(root), *GRADE, *args],
                          capture_output=True, text=True, timeout=timeout, env=_env())


def _scores(root: Path) -> dict:
    gb = open_gradebook(f"sqlite:///{root / 'gradebook.db'}", "mlsd")
    try:
        out = {}
        for student in sorted(p.name for p in (root / "submitted").iterdir()):
            sc = submission_scores(gb, A, student)
            out[student] = None if sc is None else sc["auto"]
        return out
    finally:
        gb.close()


def test_a_class_graded_on_the_cluster_scores_as_a_local_run(cluster, tmp_path):
    root = toy.make_course(tmp_path / "course")
    built = cases.build(root)
    for k in range(10):
        toy.submit(root, f"honest{k:02d}", toy.solved() if k % 2 else toy.with_answers(ch99_mean=""))
    for student in HOSTILE:
        what = built[student]
        if callable(what):
            folder = root / "submitted" / student / A
            folder.mkdir(parents=True)
            what(folder)
        else:
            toy.submit(root, student, what)
    local = tmp_path / "local"
    shutil.copytree(root, local, symlinks=True)
    start = time.monotonic()
    remote = _grade(root, "--scheduler", cluster.address)
    seconds = time.monotonic() - start
    assert remote.returncode == 0, remote.stdout[-3000:] + remote.stderr[-3000:]
    assert re.search(r"cluster: \d+ graded, 0 running, 0 queued, 0 failed", remote.stdout), remote.stdout[-2000:]
    here = _grade(local, "--jobs", "2")
    assert here.returncode == 0, here.stdout[-3000:] + here.stderr[-3000:]
    got, want = _scores(root), _scores(local)
    assert len(got) >= 20 and got == want, {s: (got[s], want.get(s)) for s in got if got[s] != want.get(s)}
    for student in HOSTILE:
        expected = cases.EXPECTED[student][0]
        assert got[student] == expected, (student, got[student], expected)
    print(f"{len(got)} submissions graded on 2 Dask workers in {seconds:.0f} s")


def test_a_worker_killed_mid_batch_loses_nothing_and_grades_nothing_twice(cluster, tmp_path):
    root = toy.make_course(tmp_path / "course")
    for k in range(20):
        toy.submit(root, f"s{k:02d}", toy.solved() if k % 3 else toy.release())
    proc = subprocess.Popen([sys.executable, "-m", "course", "grade", A, "--root", str(root), *GRADE,
                             "--scheduler", cluster.address], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=_env())
    lines = []
    killed = False
    for line in proc.stdout:
        lines.append(line)
        if not killed and re.match(r"\s+\[3/20\]", line):
            cluster.kill("w1")  # with its running job and its sandboxed kernel
            killed = True
    proc.wait(timeout=900)
    out = "".join(lines)
    assert killed, out[-3000:]
    assert proc.returncode == 0, out[-3000:]
    recorded = re.findall(r"\[\d+/20\] (s\d\d) ", out)
    assert sorted(recorded) == [f"s{k:02d}" for k in range(20)], "each submission recorded exactly once"
    scores = _scores(root)
    assert scores == {f"s{k:02d}": (9.0 if k % 3 else 0.0) for k in range(20)}
    for k in range(20):
        state = json.loads((root / "archive" / f"s{k:02d}" / A / "graded.json").read_text())
        assert state["status"] == "graded"
    again = _grade(root, "--scheduler", cluster.address)
    assert again.returncode == 0 and again.stdout.count("unchanged") >= 20, again.stdout[-2000:]
