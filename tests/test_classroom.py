"""One term of a class, end to end, with stock nbgrader commands and an exchange folder.

The instructor works in a scratch copy of a course (the toy course of tests/hostile/toy.py: three
exercises and a design answer), the two students each in their own HOME with their own
``~/.jupyter/nbgrader_config.py``, written from docs/instructor.md "Students' setup". Every command
runs as a subprocess with the venv's bin first on PATH, as docs/instructor.md tells the instructor:

release -> alice (everything) and bob (part) fetch, answer and submit -> collect -> ``course grade``
(sandboxed) -> hand-grade the design answers as formgrader does -> bob resubmits, ``collect --update``,
``course grade`` -> re-grade bob by hand -> ``course grade`` and ``course grade --force`` of unchanged
work -> ``generate_feedback`` -> ``release_feedback`` -> students ``fetch_feedback`` -> ``export``.

The round trip runs once (a module fixture that records what each step printed and what the gradebook
held after it); the tests below assert on that record, one per concern.

Sandbox and HOMEs: every command here runs as root (so ``sudo`` is dropped, as the guide says for a
course run as root) with each student's HOME and login name in the environment; root reads and
writes every HOME and the exchange. The sandboxed kernels of ``course grade`` run as their own
unprivileged uids on a private copy of each notebook and never see the students' HOMEs, the
exchange or the course folder; only the root ``grade`` process reads ``submitted/``.
"""
from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course.grading.importer import open_gradebook, submission_scores
from hostile import toy

pytestmark = pytest.mark.slow

A = toy.ASSIGNMENT
BIN = Path(sys.executable).parent
DOC_CHAPTER = "01_framework"  # the assignment name docs/instructor.md uses in its commands
STUDENTS = {"alice": ("Alice", "Hacker"), "bob": ("Bob", "Bitdiddle")}
DESIGN = "ch99_design"
# Lines that only the hidden tests contain (HIDDEN_SNIPPET is a hidden assert's message, which a failing
# hidden test may show as its hint; the code of the hidden asserts must never reach a student).
HIDDEN_CODE = [
    "assert add(-5, 5) == 0",
    "assert add(2.5, 0.5) == 3.0",
    "mean([4.0, 8.0])",
    "assert_type(mean([1]), float",
    "normalize([0, 2])",
    "BEGIN HIDDEN TESTS",
]
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "instructor.md"


def guide_section(title: str) -> str:
    text = GUIDE.read_text()
    assert f"## {title}\n" in text, f"docs/instructor.md has no section {title!r}"
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def student_config(exchange: Path, student: str) -> str:
    """The student's ~/.jupyter/nbgrader_config.py exactly as the guide shows it, for this exchange."""
    blocks = re.findall(r"```python\n(.*?)```", guide_section("Students' setup"), flags=re.S)
    assert blocks, "Students' setup shows the student's nbgrader_config.py"
    text = blocks[0]
    assert 'c.Exchange.root = "/srv/nbgrader/exchange"' in text and 'c.CourseDirectory.course_id = "mlsd"' in text
    text = text.replace("/srv/nbgrader/exchange", str(exchange))
    # Everyone is root here, so login names cannot tell the students apart: the guide's optional line.
    line = re.search(r'^# (c\.CourseDirectory\.student_id = ".*")$', text, flags=re.M)
    assert line, "Students' setup shows the optional student_id line"
    return text.replace(line.group(0), f'c.CourseDirectory.student_id = "{student}"')


class Classroom:
    def __init__(self, base: Path, *, create: bool = True):
        self.base = base
        self.course = toy.make_course(base / "course") if create else base / "course"
        self.exchange = base / "srv" / "nbgrader" / "exchange"
        self.homes = {s: base / "home" / s for s in STUDENTS}
        self.ran: list[str] = []  # every command, as typed (with the toy's assignment name)
        self.outputs: dict[str, subprocess.CompletedProcess] = {}
        self.snap: dict[str, dict] = {}
        self.times: dict[str, float] = {}

    def env(self, who: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MLSD_", "NBGRADER"))}
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        if who == "instructor":
            env["HOME"] = str(self.base / "home" / "instructor")
            env["MLSD_EXCHANGE"] = str(self.exchange)
        else:
            env["HOME"] = str(self.homes[who])
        env["USER"] = env["LOGNAME"] = who
        Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
        return env

    def sh(self, who: str, command: str, *, key: str | None = None, check: bool = True):
        """Run ``command`` (a shell line as a person would type it) as ``who``, in their folder."""
        cwd = self.course if who == "instructor" else self.homes[who]
        self.ran.append(command)
        start = time.monotonic()
        proc = subprocess.run(command, shell=True, cwd=cwd, env=self.env(who), capture_output=True, text=True,
                              timeout=900)
        seconds = time.monotonic() - start
        label = key or f"{who}: {command}"
        self.outputs[label] = proc
        self.times[label] = self.times.get(label, 0.0) + seconds
        if check:
            assert proc.returncode == 0, f"{who}$ {command}\n{proc.stdout}\n{proc.stderr}"
        return proc

    # --- one round trip for every test, also under pytest-xdist ------------------------------------
    def save(self, path: Path) -> None:
        outputs = {k: {"returncode": p.returncode, "stdout": p.stdout, "stderr": p.stderr}
                   for k, p in self.outputs.items()}
        path.write_text(json.dumps({"ran": self.ran, "outputs": outputs, "snap": self.snap, "times": self.times}))

    @classmethod
    def load(cls, base: Path, path: Path) -> "Classroom":
        data = json.loads(path.read_text())
        room = cls(base, create=False)
        room.ran, room.snap, room.times = data["ran"], data["snap"], data["times"]
        room.outputs = {k: SimpleNamespace(**v) for k, v in data["outputs"].items()}
        return room

    # --- the gradebook, as formgrader sees it -----------------------------------------------------
    def gradebook(self):
        return open_gradebook(f"sqlite:///{self.course / 'gradebook.db'}", "mlsd")

    def snapshot(self, name: str, proc=None) -> None:
        gb = self.gradebook()
        try:
            state = {}
            for s in STUDENTS:
                sc = submission_scores(gb, A, s)
                if sc is None:
                    continue
                g = gb.find_grade(DESIGN, A, A, s)
                nb = gb.find_submission_notebook(A, A, s)
                state[s] = {
                    "scores": sc,
                    "design": {"manual_score": g.manual_score, "needs_manual_grade": bool(g.needs_manual_grade)},
                    "comment": gb.find_comment(DESIGN, A, A, s).manual_comment,
                    "cells": {gr.name: gr.score for gr in nb.grades},
                    "review": json.loads((self.course / "archive" / s / A / "graded.json").read_text())["review"],
                }
        finally:
            gb.close()
        if proc is not None:
            state["stdout"] = proc.stdout
        self.snap[name] = state

    def hand_grade(self, student: str, score: float, comment: str) -> None:
        """What formgrader's API does when the instructor types a score (GradeHandler.put)."""
        gb = self.gradebook()
        try:
            grade = gb.find_grade(DESIGN, A, A, student)
            grade.manual_score = score
            grade.extra_credit = None
            grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
            gb.find_comment(DESIGN, A, A, student).manual_comment = comment
            gb.db.commit()
        finally:
            gb.close()

    # --- the students' side -----------------------------------------------------------------------
    def answer(self, student: str, answers: dict[str, str]) -> None:
        """Type answers into the fetched notebook, as the student would in JupyterLab."""
        path = self.homes[student] / A / f"{A}.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell.source = answers[gid]
        nbformat.write(nb, str(path))


def _solutions() -> dict[str, str]:
    return {
        toy.cell(toy.solved(), gid).metadata.nbgrader.grade_id: toy.cell(toy.solved(), gid).source
        for gid in ("ch99_add", "ch99_mean", "ch99_norm")
    }


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> Classroom:
    """The round trip, run once: under pytest-xdist the first worker runs it, the others wait and read it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the base folder all workers of this run share
    base, record = shared / "classroom", shared / "classroom.json"
    with open(shared / "classroom.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            try:
                _round_trip(base).save(record)
            except BaseException:
                record.write_text(json.dumps({"error": traceback.format_exc()}))
                raise
    data = json.loads(record.read_text())
    if "error" in data:
        pytest.fail("the round trip failed (in this or another worker):\n" + data["error"], pytrace=False)
    return Classroom.load(base, record)


def _round_trip(base: Path) -> Classroom:
    base.mkdir(parents=True)
    room = Classroom(base)
    ex = shlex.quote(str(room.exchange))
    started = time.monotonic()

    # 0. the exchange (on a JupyterHub: a folder every user may write to)
    room.sh("instructor", f"mkdir -p {ex} && chmod ugo+rw {ex}")
    # 1-2. students and a due date
    (room.course / "students.csv").write_text(
        "id,first_name,last_name,email\n"
        + "".join(f"{s},{first},{last},{s}@example.org\n" for s, (first, last) in STUDENTS.items())
    )
    room.sh("instructor", "nbgrader db student import students.csv")
    room.sh("instructor", f'nbgrader db assignment add {A} --duedate="2030-03-01 23:59:00 UTC"')
    # 3. generate (stock) and release; `course build` regenerates the same release
    room.sh("instructor", f"nbgrader generate_assignment {A} --force")
    released = (room.course / "release" / A / f"{A}.ipynb").read_bytes()
    room.sh("instructor", f"python -m course build {A}")
    built = (room.course / "release" / A / f"{A}.ipynb").read_bytes()
    room.snap["release"] = {"stock": hashlib.sha256(released).hexdigest(), "build": hashlib.sha256(built).hexdigest()}
    room.sh("instructor", f"nbgrader release_assignment {A}")

    # 4. students: their own config, list, fetch, answer, submit
    for s in STUDENTS:
        cfg = room.homes[s] / ".jupyter" / "nbgrader_config.py"
        cfg.parent.mkdir(parents=True)
        cfg.write_text(student_config(room.exchange, s))
        room.sh(s, "nbgrader list", key=f"{s}: list")
        room.sh(s, f"nbgrader fetch_assignment {A}")
    sol = _solutions()
    room.answer("alice", {**sol, DESIGN: "So that cosine similarity becomes a dot product: one matrix product."})
    room.answer("bob", {"ch99_add": sol["ch99_add"], "ch99_mean": sol["ch99_mean"], DESIGN: "Faster?"})
    for s in STUDENTS:
        room.sh(s, f"nbgrader submit {A}")

    # 5-6. collect and grade (sandboxed, two at a time)
    room.sh("instructor", f"nbgrader collect {A}")
    room.snap["submitted"] = {s: sorted(p.name for p in (room.course / "submitted" / s / A).iterdir())
                              for s in STUDENTS}
    room.snapshot("graded", room.sh("instructor", f"python -m course grade {A} --jobs 2", key="grade 1"))

    # 7. hand-grade the design answers (formgrader)
    room.hand_grade("alice", 2, "Exactly.")
    room.hand_grade("bob", 1, "Why faster? Say what the dot product replaces.")
    room.snapshot("hand-graded")

    # bob resubmits with the last exercise done and his design answer revised; the instructor collects
    # the update and grades it
    room.answer("bob", {"ch99_norm": sol["ch99_norm"],
                        DESIGN: "Unit vectors turn cosine similarity into a plain dot product."})
    time.sleep(1.1)  # nbgrader's submission timestamps have a resolution of a second
    room.sh("bob", f"nbgrader submit {A}", key="bob: submit again")
    room.sh("instructor", f"nbgrader collect --update {A}")
    room.snapshot("resubmitted", room.sh("instructor", f"python -m course grade {A} --jobs 2", key="grade 2"))
    # the instructor looks at bob's design answer again and confirms a new score
    room.hand_grade("bob", 1.5, "Better: the dot product of unit vectors is the cosine.")
    room.snapshot("re-hand-graded")

    # regrading unchanged work: as it is, then forced
    room.snapshot("unchanged", room.sh("instructor", f"python -m course grade {A} --jobs 2", key="grade 3"))
    room.snapshot("forced", room.sh("instructor", f"python -m course grade {A} --jobs 2 --force", key="grade 4"))

    # 8. feedback, through the exchange
    room.sh("instructor", f"nbgrader generate_feedback {A}", key="generate_feedback")
    room.sh("instructor", f"nbgrader release_feedback {A}", key="release_feedback")
    for s in STUDENTS:
        room.sh(s, f"nbgrader fetch_feedback {A}")
    # 9. export
    room.sh("instructor", "nbgrader export", key="export")
    room.times["whole term"] = time.monotonic() - started
    print("\n".join(f"{k}: {v:.1f} s" for k, v in room.times.items()))
    return room


# --- what must hold ---------------------------------------------------------------------------------


def test_students_fetch_with_their_own_config_and_submit_through_the_exchange(term):
    for s in STUDENTS:
        listed = term.outputs[f"{s}: list"]
        assert f"mlsd {A}" in listed.stdout + listed.stderr, listed
        assert (term.homes[s] / A / "toy_data.txt").read_text() == "2.0\n", "the data file came with it"
        assert set(term.snap["submitted"][s]) >= {f"{A}.ipynb", "toy_data.txt", "timestamp.txt"}
    assert term.snap["release"]["stock"] == term.snap["release"]["build"], (
        "course build gives the release nbgrader generate_assignment gives"
    )
    inbound = sorted(p.name.split("+")[0] for p in (term.exchange / "mlsd" / "inbound").iterdir())
    assert inbound == ["alice", "bob", "bob"]


def test_autograded_points_per_student(term):
    graded = term.snap["graded"]
    assert graded["alice"]["scores"]["auto"] == toy.AUTO_POINTS == 9
    assert graded["bob"]["scores"]["auto"] == 6, "add and mean right, normalize unanswered"
    assert graded["bob"]["cells"]["ch99_norm_visible"] == 0 and graded["bob"]["cells"]["ch99_norm_hidden"] == 0
    for s in STUDENTS:
        assert graded[s]["design"]["needs_manual_grade"], "the design answer waits for the instructor"
        assert graded[s]["scores"]["auto_max"] == 9 and graded[s]["scores"]["manual_max"] == toy.MANUAL_POINTS
    assert "(to grade)" in graded["stdout"]
    assert "WITHOUT the sandbox" not in graded["stdout"], "graded in the sandbox"
    again = term.snap["resubmitted"]
    assert again["bob"]["scores"]["auto"] == 9 and again["alice"]["scores"]["auto"] == 9
    assert "resubmitted" in again["stdout"] and again["stdout"].count("unchanged") >= 1
    for snap in ("unchanged", "forced"):
        assert {s: term.snap[snap][s]["scores"]["auto"] for s in STUDENTS} == {"alice": 9, "bob": 9}


def test_a_resubmission_keeps_the_manual_grade_and_asks_for_a_second_look(term):
    for s, score in (("alice", 2), ("bob", 1)):  # what formgrader leaves after the instructor typed a score
        assert term.snap["hand-graded"][s]["design"] == {"manual_score": score, "needs_manual_grade": False}
    bob = term.snap["resubmitted"]["bob"]
    assert bob["design"]["manual_score"] == 1 and bob["comment"].startswith("Why faster?")
    assert bob["design"]["needs_manual_grade"], "the answer changed: formgrader shows it again"
    assert any(r.startswith("manual-grade:") and "check it still applies" in r for r in bob["review"])
    assert term.snap["resubmitted"]["alice"]["design"] == {"manual_score": 2, "needs_manual_grade": False}


def test_manual_scores_and_comments_survive_every_regrade(term):
    for snap in ("unchanged", "forced"):
        state = term.snap[snap]
        assert state["alice"]["design"]["manual_score"] == 2 and state["alice"]["comment"] == "Exactly."
        assert state["bob"]["design"]["manual_score"] == 1.5 and state["bob"]["comment"].startswith("Better")
        assert state["alice"]["scores"]["total"] == 11 and state["bob"]["scores"]["total"] == 10.5


def test_force_leaves_graded_manual_cells_graded(term):
    for s in STUDENTS:
        assert term.snap["forced"][s]["design"]["needs_manual_grade"] is False, s
        assert term.snap["forced"][s]["scores"]["pending"] == 0, s
    assert "(to grade)" not in term.snap["forced"]["stdout"]


def test_no_stale_manual_grade_flag_after_regrading_unchanged_work(term):
    for snap in ("unchanged", "forced"):
        state = term.snap[snap]
        assert "manual grades from the earlier version were kept" not in state["stdout"], (snap, state["stdout"])
        assert not any(r.startswith("manual-grade") for r in state["bob"]["review"]), (snap, state["bob"]["review"])


def test_released_files_that_submit_carries_are_not_flagged(term):
    for snap in ("graded", "resubmitted", "forced"):
        assert "not given to the kernel" not in term.snap[snap]["stdout"], term.snap[snap]["stdout"]


def test_students_fetch_feedback_without_hidden_test_code(term):
    for s in STUDENTS:
        files = sorted((term.homes[s] / A / "feedback").rglob("*"))
        html = [p for p in files if p.suffix == ".html"]
        assert [p.name for p in html] == [f"{A}.html"], files
        for path in files:
            if not path.is_file():
                continue
            text = path.read_text(errors="replace")
            for line in HIDDEN_CODE:
                assert line not in text, f"{s}'s feedback {path.name} shows hidden test code {line!r}"
            assert toy.HIDDEN_SNIPPET not in text, "add is right for both, so no hidden message shows"
    alice = (term.homes["alice"] / A / "feedback").rglob(f"{A}.html").__next__().read_text()
    bob = (term.homes["bob"] / A / "feedback").rglob(f"{A}.html").__next__().read_text()
    assert "Exactly." in alice and "Score: 11.0 / 11.0" in alice
    assert "dot product of unit vectors" in bob, "bob's feedback is for his resubmission, with the new comment"
    assert "Score: 10.5 / 11.0" in bob
    instructor_side = (term.course / "feedback" / "bob" / A / f"{A}.html").read_text()
    assert instructor_side == bob


def test_generate_feedback_warns_about_nothing(term):
    err = term.outputs["generate_feedback"].stderr
    assert "display_data_priority" not in err, err
    assert "[WARNING]" not in err, err


def test_the_exported_csv(term):
    rows = list(csv.DictReader((term.course / "grades.csv").open()))
    assert list(rows[0]) == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                             "email", "raw_score", "late_submission_penalty", "score", "max_score"]
    by = {r["student_id"]: r for r in rows}
    assert len(rows) == 2 and set(by) == set(STUDENTS)
    for s, (first, last) in STUDENTS.items():
        r = by[s]
        assert (r["assignment"], r["first_name"], r["last_name"], r["email"]) == (A, first, last, f"{s}@example.org")
        assert r["duedate"].startswith("2030-03-01 23:59:00") and float(r["max_score"]) == 11
        assert float(r["late_submission_penalty"]) == 0
    assert float(by["alice"]["raw_score"]) == float(by["alice"]["score"]) == 11
    assert float(by["bob"]["raw_score"]) == float(by["bob"]["score"]) == 10.5
    assert by["bob"]["timestamp"] > by["alice"]["timestamp"], "bob's resubmission is the one graded"


# --- the guide walks through exactly this ---------------------------------------------------------------


def _commands(markdown: str) -> list[str]:
    """Shell commands a section tells someone to type: `inline` ones that start with a tool, and bash blocks."""
    tools = ("nbgrader ", "python -m course", "sudo ", ".venv/bin/python", "mkdir ", "chmod ", "export ")
    found = [c for c in re.findall(r"`([^`\n]+)`", markdown) if c.startswith(tools)]
    for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S):
        found += [ln.split("  #", 1)[0].strip() for ln in block.splitlines()
                  if ln.strip() and not ln.lstrip().startswith("#")]
    return found


def _normal(command: str) -> str:
    command = command.replace(DOC_CHAPTER, A).replace("/srv/nbgrader/exchange", "EXCHANGE")
    command = re.sub(r"(^|&& )sudo ", r"\1", command)
    command = command.replace(".venv/bin/python", "python")
    return " ".join(command.split())


def test_every_command_of_the_guide_ran_here(term):
    ran = {_normal(c.replace(shlex.quote(str(term.exchange)), "/srv/nbgrader/exchange")) for c in term.ran}
    # Not commands of the round trip: JupyterLab (tests/test_lab.py opens formgrader; here formgrader's
    # API is called as it would be) and the self-study commands (tests/test_workspace.py, test_check.py).
    elsewhere = ("make lab", "python -m course start", "python -m course check")
    steps = _commands(guide_section("One term, step by step")) + _commands(guide_section("Students' setup"))
    assert len(steps) >= 12, steps
    missing = []
    for cmd in steps:
        norm = _normal(cmd)
        if norm.startswith(elsewhere) or norm.startswith("export "):
            continue
        if not any(r == norm or r.startswith(norm + " ") for r in ran):
            missing.append(cmd)
    assert not missing, f"docs/instructor.md tells people to run commands this test does not run: {missing}\n{ran}"
