"""Sandbox hygiene, end to end: the attacks of ``tests/hostile/hygiene.py`` graded as one class.

Run once per session (shared between xdist workers through a lock file): the victims are graded
alone first; then the attackers and their honest neighbours are added and the class is graded
again with ``--jobs 2``; then once more, with nothing changed. Each test checks one outcome.
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
from hostile import hygiene, pids_with_uid, toy

PROBLEMS = sandbox.sandbox_problems() if sys.platform.startswith("linux") else ["not Linux"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(PROBLEMS), reason="sandbox unavailable here: " + "; ".join(PROBLEMS)),
]

GRADE_ARGS = ["--jobs", "2", "--timeout", "4", "--notebook-timeout", "120", "--memory", "1536"]
UID_BASE = 59700  # a range of its own (the other hostile class uses 59900)


def _tree(path: Path) -> dict:
    """Every entry under path: content hash (or link target) and mode."""
    out = {}
    if not path.exists():
        return out
    for p in sorted(path.rglob("*")):
        st = p.lstat()
        rel = str(p.relative_to(path))
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_file():
            out[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), oct(st.st_mode))
        else:
            out[rel] = ("dir", oct(st.st_mode))
    return out


def _scores(root: Path, students) -> dict:
    from course.grading.importer import open_gradebook, submission_scores

    gb = open_gradebook(f"sqlite:///{root / 'gradebook.db'}", "mlsd")
    try:
        return {s: submission_scores(gb, toy.ASSIGNMENT, s) for s in students}
    finally:
        gb.close()


def _grade(root: Path):
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "course", "grade", toy.ASSIGNMENT, "--root", str(root), *GRADE_ARGS],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, MLSD_SANDBOX_UID_BASE=str(UID_BASE)),
    )
    return proc, time.monotonic() - start


def _snapshot(root: Path) -> dict:
    return {
        "archive": {s: _tree(root / "archive" / s) for s in hygiene.VICTIMS},
        "autograded": {s: _tree(root / "autograded" / s) for s in hygiene.VICTIMS},
        "scores": _scores(root, hygiene.VICTIMS),
        "config": hashlib.sha256((root / "nbgrader_config.py").read_bytes()).hexdigest(),
        "source": _tree(root / "source"),
    }


def _runtime_leftovers() -> list[str]:
    try:
        rt = sandbox.runtime_parent()
    except sandbox.SandboxUnavailable:
        return []
    mine = []
    for e in os.scandir(rt):
        pid = e.name[1:].split("-", 1)[0]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            mine.append(e.name)
    return mine


def _cgroup_leftovers() -> list[str]:
    kind, bases, _ = sandbox.cgroup_layout()
    out = []
    for base in bases.values():
        for e in os.scandir(base):
            if e.name.startswith("mlsd-") and e.is_dir():
                pid = e.name.split("-")[1]
                if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                    out.append(e.path)
    return out


@pytest.fixture(scope="session")
def hygiene_class(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hygiene-class"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.json"
        if not done.exists():
            root = toy.make_course(shared / "course")
            hygiene.place_victims(root)
            first, first_s = _grade(root)
            assert first.returncode == 0, first.stdout + first.stderr
            before = _snapshot(root)
            students = hygiene.place_all(root)
            submitted_before = _tree(root / "submitted")
            proc, seconds = _grade(root)
            time.sleep(1)
            after = _snapshot(root)
            leftover = pids_with_uid(UID_BASE, UID_BASE + sandbox.UID_COUNT)
            again, again_s = _grade(root)
            result = {
                "root": str(root),
                "rc": proc.returncode,
                "stdout": proc.stdout,
                "stderr": proc.stderr,
                "seconds": seconds,
                "victims_seconds": first_s,
                "students": students,
                "before": before,
                "after": after,
                "submitted_before": submitted_before,
                "submitted_after": _tree(root / "submitted"),
                "leftover": leftover,
                "runtime_leftovers": _runtime_leftovers(),
                "cgroup_leftovers": _cgroup_leftovers(),
                "again": {"rc": again.returncode, "stdout": again.stdout, "stderr": again.stderr, "seconds": again_s},
            }
            done.write_text(json.dumps(result))
    result = json.loads(done.read_text())
    result["root"] = Path(result["root"])
    return result


def state(g, student) -> dict:
    return json.loads((g["root"] / "archive" / student / toy.ASSIGNMENT / "graded.json").read_text())


def text(g, student) -> str:
    path = g["root"] / "autograded" / student / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    return "\n".join(
        o.get("text", "") + str(o.get("ename", "")) + str(o.get("evalue", ""))[:300]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def test_the_batch_completes_with_a_summary(hygiene_class):
    g = hygiene_class
    assert g["rc"] == 0, g["stdout"][-4000:] + g["stderr"][-3000:]
    table = g["stdout"].split("Flagged for review")[0]
    for student in g["students"] + hygiene.VICTIMS:
        assert student in table, f"{student} is missing from the summary"
    print(f"graded {len(g['students'])} attacks and neighbours in {g['seconds']:.0f} s (victims alone: "
          f"{g['victims_seconds']:.0f} s; re-run: {g['again']['seconds']:.0f} s)")


@pytest.mark.parametrize("student", sorted(hygiene.EXPECTED))
def test_each_attack_gets_no_more_than_the_blank_notebook(hygiene_class, student):
    want_points, want_flags, want_status = hygiene.EXPECTED[student]
    st = state(hygiene_class, student)
    assert st["status"] == want_status, st
    got = _scores(hygiene_class["root"], [student])[student]
    assert got["auto_max"] == toy.AUTO_POINTS
    assert got["auto"] == want_points, (st.get("review"), st.get("events"))
    for flag in want_flags:
        assert any(r.startswith(flag) for r in st["review"]), (flag, st["review"])


def test_other_students_scores_files_and_archives_are_byte_identical(hygiene_class):
    g = hygiene_class
    assert g["after"] == g["before"]
    assert g["before"]["scores"]["victim_full"]["auto"] == 9
    assert g["submitted_after"] == g["submitted_before"]
    # the links the attackers made pointed at these: still regular files, still read-only
    paths = hygiene.victim_paths(g["root"])
    for key in ("gradebook", "archive_file", "autograded", "config"):
        assert paths[key].is_file() and not paths[key].is_symlink(), key
    assert not paths["archive_file"].stat().st_mode & 0o222


def test_root_never_wrote_through_the_kernels_folders(hygiene_class):
    out = text(hygiene_class, "aa_identity_links")
    assert "WROTE" not in out, out[:3000]
    assert out.count("refused") == 3, out[:3000]


def test_neighbours_of_spinners_and_memory_hogs_get_full_points(hygiene_class):
    scores = _scores(hygiene_class["root"], hygiene.NEIGHBOURS)
    assert all(s["auto"] == 9 for s in scores.values()), scores
    # the spinners starve only their own kernel (one CPU share for 121 processes): it times out
    assert any(e["kind"] == "timeout" for e in state(hygiene_class, hygiene.SPINNERS)["events"][toy.ASSIGNMENT])


def test_forked_children_share_one_memory_limit(hygiene_class):
    out = text(hygiene_class, "ad_fork_memory")
    assert "KIDS " in out, f"the children were not all reaped within the cell's time limit: {out[:1500]}"
    kids = eval(out.split("KIDS ")[1].splitlines()[0])
    assert 3 not in kids["codes"], f"a child could not even allocate (RLIMIT_AS, not the cgroup): {kids}"
    assert 9 in kids["signals"], f"no child was killed: {kids} ({out[:500]})"


def test_deep_trees_and_full_disks_stop_nothing(hygiene_class):
    for student in ("aa_deep_tree", "ad_deep_tree_again"):
        out = text(hygiene_class, student)
        assert "DEEP" in out and "inodes stopped after" in out, out[:2000]
        n = int(out.split("inodes stopped after")[1].split()[0])
        assert n < sandbox.Limits().inodes
    out = text(hygiene_class, "aj_escape")
    assert out.count("full ") == 3 and all(
        int(line.split()[2]) <= sandbox.Limits().disk_mb for line in out.splitlines() if line.startswith("full ")
    ), out[:2000]


def test_nothing_is_shared_between_jobs(hygiene_class):
    for student in ("ae_shared_a", "ae_shared_b", "zz_shared_c"):
        out = text(hygiene_class, student)
        assert "nothing from before" in out and "FOUND" not in out, out[:1000]
        assert "refused [1, 1, 1]" in out, out[:1000]


def test_names_and_messages_reach_the_terminal_escaped(hygiene_class):
    g = hygiene_class
    for stream in (g["stdout"], g["stderr"], g["again"]["stdout"]):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "\\x1b[2J" in g["stdout"], "the name is shown, escaped"


def test_error_floods_are_capped(hygiene_class):
    path = hygiene_class["root"] / "autograded" / "ag_error_flood" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 5_000_000, path.stat().st_size
    assert "truncated by the grader" in text(hygiene_class, "ag_error_flood")


def test_a_back_dated_timestamp_is_not_believed(hygiene_class):
    st = state(hygiene_class, "ai_backdated")
    assert st["timestamp"] != hygiene.BACKDATED
    assert _submission_time(hygiene_class["root"], "ai_backdated").year >= 2026, "not 2020"
    review = [r for r in st["review"] if r.startswith("timestamp")]
    assert review and "back-dated" in review[0]
    honest = state(hygiene_class, "ac_neighbour_1")
    assert honest["timestamp"].startswith("2030-01-01") and not honest["review"]


def _submission_time(root: Path, student: str):
    from course.grading.importer import open_gradebook

    gb = open_gradebook(f"sqlite:///{root / 'gradebook.db'}", "mlsd")
    try:
        return gb.find_submission(toy.ASSIGNMENT, student).timestamp
    finally:
        gb.close()


def test_nothing_is_left_behind(hygiene_class):
    g = hygiene_class
    assert g["leftover"] == [], "processes of the sandbox uids outlived their kernels"
    assert g["runtime_leftovers"] == [] and g["cgroup_leftovers"] == []


def test_re_running_grades_what_is_left(hygiene_class):
    again = hygiene_class["again"]
    assert again["rc"] == 0, again["stdout"][-3000:] + again["stderr"][-2000:]
    assert "Grading" not in again["stdout"], "nothing changed: nothing executed"
    assert again["stdout"].count("unchanged") >= len(hygiene_class["students"])
