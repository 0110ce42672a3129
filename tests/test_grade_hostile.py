"""A whole class of hostile and broken submissions, graded in one sandboxed run (--jobs 2).

Each student of ``tests/hostile/cases.py`` tries one thing; every test below checks one outcome. The
class is graded once per test session (shared between xdist workers through a lock file).
"""

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.grading import sandbox
from hostile import cases, pids_with_uid, toy

PROBLEMS = sandbox.sandbox_problems() if sys.platform.startswith("linux") else ["not Linux"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(PROBLEMS), reason="sandbox unavailable here: " + "; ".join(PROBLEMS)),
]

GRADE_ARGS = ["--jobs", "2", "--timeout", "4", "--notebook-timeout", "120", "--memory", "1536"]


UID_BASE = 59900  # a uid range of its own, so sandboxes of other tests running alongside are not counted


def _sandbox_procs() -> list[int]:
    return pids_with_uid(UID_BASE, UID_BASE + sandbox.UID_COUNT)


def _hash_tree(path: Path) -> dict:
    out = {}
    for p in sorted(path.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(path))] = "link:" + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker has its own basetemp inside the session's: share the session's
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hostile-class"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.json"
        if not done.exists():
            root = toy.make_course(shared / "course")
            students = cases.place_all(root)
            before = _hash_tree(root / "submitted")
            source_before = _hash_tree(root / "source")
            start = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "course", "grade", toy.ASSIGNMENT, "--root", str(root), *GRADE_ARGS],
                capture_output=True,
                text=True,
                timeout=900,
                env=dict(os.environ, MLSD_SANDBOX_UID_BASE=str(UID_BASE)),
            )
            seconds = time.monotonic() - start
            time.sleep(1)
            result = {
                "root": str(root),
                "rc": proc.returncode,
                "stdout": proc.stdout,
                "stderr": proc.stderr,
                "seconds": seconds,
                "students": students,
                "submitted_before": before,
                "submitted_after": _hash_tree(root / "submitted"),
                "source_before": source_before,
                "source_after": _hash_tree(root / "source"),
                "leftover": _sandbox_procs(),
            }
            done.write_text(json.dumps(result))
    result = json.loads(done.read_text())
    result["root"] = Path(result["root"])
    return result


def state(graded, student) -> dict:
    return json.loads((graded["root"] / "archive" / student / toy.ASSIGNMENT / "graded.json").read_text())


def points(graded, student) -> float:
    from course.grading.importer import open_gradebook, submission_scores

    gb = open_gradebook(f"sqlite:///{graded['root'] / 'gradebook.db'}", "mlsd")
    try:
        scores = submission_scores(gb, toy.ASSIGNMENT, student)
    finally:
        gb.close()
    assert scores is not None, f"{student} has no submission in the gradebook"
    assert scores["auto_max"] == toy.AUTO_POINTS, "forged or duplicated cells changed the maximum"
    return scores["auto"]


def autograded_text(graded, student) -> str:
    path = graded["root"] / "autograded" / student / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    return "\n".join(
        o.get("text", "") + str(o.get("ename", "")) + str(o.get("evalue", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def test_the_whole_class_was_graded(graded_class):
    g = graded_class
    assert g["rc"] == 0, g["stdout"][-3000:] + g["stderr"][-3000:]
    for student in g["students"]:
        assert student in g["stdout"], f"{student} is missing from the summary"
    assert "Flagged for review" in g["stdout"]
    print(f"graded {len(g['students'])} hostile submissions in {g['seconds']:.0f} s")


@pytest.mark.parametrize("student", sorted(cases.EXPECTED))
def test_each_case_gets_its_expected_points_status_and_flags(graded_class, student):
    want_points, want_flags, want_status = cases.EXPECTED[student]
    st = state(graded_class, student)
    assert st["status"] == want_status, st
    got = points(graded_class, student)
    if want_points is not None:
        assert got == want_points, (st.get("review"), st.get("notes"), st.get("events"))
    for flag in want_flags:
        assert any(r.startswith(flag) for r in st["review"]), (flag, st["review"])
    if not want_flags and student.startswith("honest"):
        assert st["review"] == []


def test_submissions_and_source_are_never_modified(graded_class):
    g = graded_class
    assert g["submitted_after"] == g["submitted_before"]
    assert g["source_after"] == g["source_before"]
    assert (g["root"] / "gradebook.db").is_file()


def test_every_submission_is_archived_read_only(graded_class):
    for student in graded_class["students"]:
        st = state(graded_class, student)
        archive = Path(st["archive"])
        assert archive.is_dir() and not os.access(archive, os.W_OK) or os.geteuid() == 0
        assert not archive.stat().st_mode & 0o222
        for f in archive.rglob("*"):
            assert not f.stat().st_mode & 0o222, f


def test_nothing_started_by_a_kernel_is_still_running(graded_class):
    assert graded_class["leftover"] == []
    assert _sandbox_procs() == []


def test_resource_hogs_were_stopped_inside_the_sandbox(graded_class):
    disk = autograded_text(graded_class, "disk_hog")
    assert "disk stopped after" in disk and ("errno 28" in disk or "errno 27" in disk)
    assert int(disk.split("disk stopped after")[1].split()[0]) < 40, "the home is a small tmpfs"
    fork = autograded_text(graded_class, "fork_storm")
    assert "fork stopped after" in fork and int(fork.split("fork stopped after")[1].split()[0]) < 256
    assert "MemoryError" in autograded_text(graded_class, "memory_hog")
    for student in ("disk_hog", "fork_storm"):
        files = list((graded_class["root"] / "autograded" / student).rglob("*"))
        assert not any(f.name.startswith("hog") for f in files)


def test_no_network_and_no_files_outside_the_working_copy(graded_class):
    net = autograded_text(graded_class, "network")
    assert "CONNECTED" not in net and net.count("blocked") == 3
    read = autograded_text(graded_class, "reader")
    assert "READ" not in read, read[:2000]
    assert toy.HIDDEN_SNIPPET not in read
    listed = eval(read.split("GLOB ")[1].splitlines()[0])  # glob lists the base itself even when absent
    assert len(listed) <= 1 and not any("source" in p or "gradebook" in p for p in listed)
    assert "DELETED" not in autograded_text(graded_class, "deleter")
    assert points(graded_class, "honest_full") == 9, "a neighbour's attempt to delete it changed nothing"


def test_flood_is_capped(graded_class):
    path = graded_class["root"] / "autograded" / "flood" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 3_000_000
    assert "truncated" in autograded_text(graded_class, "flood")


def test_in_kernel_cheats_are_flagged_and_listed(graded_class):
    out = graded_class["stdout"]
    section = out.split("Flagged for review")[1]
    for student in ("transformer", "patch_testing", "patch_checks", "hidden_leak", "reader", "deleter"):
        assert f"  {student}:" in section
    assert "  honest_full:" not in section and "  honest_blank:" not in section


def test_formgrader_flag_is_set_for_reviewed_submissions(graded_class):
    from course.grading.importer import open_gradebook

    gb = open_gradebook(f"sqlite:///{graded_class['root'] / 'gradebook.db'}", "mlsd")
    try:
        flagged = {
            nb.student.id: nb.flagged for nb in gb.notebook_submissions(toy.ASSIGNMENT, toy.ASSIGNMENT)
        }
    finally:
        gb.close()
    assert flagged["transformer"] and flagged["corrupt"] and not flagged["honest_full"]


def test_no_hidden_test_text_in_any_output(graded_class):
    """Test source never enters the learner's kernel, so no output of any cell can carry it out."""
    for student in graded_class["students"]:
        path = graded_class["root"] / "autograded" / student / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
        if not path.is_file():
            continue
        nb = nbformat.read(str(path), as_version=4)
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if c.cell_type == "code" and not (meta.get("grade") and not meta.get("solution")):
                # the learner's own cells (a failing hidden test's message is a hint the grader writes)
                assert toy.HIDDEN_SNIPPET not in json.dumps(c.get("outputs", [])), (student, c.get("id"))
    leak = autograded_text(graded_class, "t_leak_in")
    assert "IN [" in leak and "HIST" in leak, "the leak cell ran"
