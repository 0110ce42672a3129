"""`course grade`: nothing lost, idempotent, manual grades kept, nbgrader's tools still work, --jobs, refusal.

Most tests here grade with --no-sandbox so the bookkeeping is tested on any machine; the sandbox
itself is tested in test_sandbox.py and, end to end, in test_grade_hostile.py.
"""

import csv
import re
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from course.grading.importer import open_gradebook, submission_scores
from hostile import toy

pytestmark = pytest.mark.slow
A = toy.ASSIGNMENT
FAST = ["--timeout", "10", "--notebook-timeout", "60"]


def grade(root, *args, env=None, sandbox=False):
    argv = [sys.executable, "-m", "course", "grade", A, "--root", str(root), *FAST, *args]
    if not sandbox and "--no-sandbox" not in args:
        argv.append("--no-sandbox")
    start = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    proc.seconds = time.monotonic() - start
    return proc


def scores(root, student, db_url=None):
    gb = open_gradebook(db_url or f"sqlite:///{root / 'gradebook.db'}", "mlsd")
    try:
        return submission_scores(gb, A, student)
    finally:
        gb.close()


def status(root, student):
    return json.loads((root / "archive" / student / A / "graded.json").read_text())["status"]


@pytest.fixture
def course(tmp_path):
    root = toy.make_course(tmp_path / "course")
    toy.submit(root, "alice", toy.solved())
    toy.submit(root, "bob", toy.release())
    toy.submit(root, "carol", toy.with_answers(ch99_mean="def mean(xs):\n    return 0.0"))
    return root


def test_grades_then_regrades_nothing_and_keeps_every_score(course):
    first = grade(course)
    assert first.returncode == 0, first.stdout + first.stderr
    before = {s: scores(course, s) for s in ("alice", "bob", "carol")}
    assert [before[s]["auto"] for s in ("alice", "bob", "carol")] == [9, 0, 6]
    graded_file = course / "autograded" / "alice" / A / f"{A}.ipynb"
    mtime = graded_file.stat().st_mtime_ns
    second = grade(course)
    assert second.returncode == 0
    assert all(status(course, s) in ("graded",) for s in ("alice", "bob", "carol"))
    assert second.stdout.count("unchanged") >= 3 and "Grading" not in second.stdout, second.stdout
    assert {s: scores(course, s) for s in ("alice", "bob", "carol")} == before
    assert graded_file.stat().st_mtime_ns == mtime, "nothing was executed or rewritten"
    print(f"first run {first.seconds:.1f} s, unchanged re-run {second.seconds:.1f} s")


def test_a_changed_submission_is_regraded_and_manual_grades_survive(course):
    assert grade(course).returncode == 0
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        g = gb.find_grade("ch99_design", A, A, "alice")
        g.manual_score = 1.5
        c = gb.find_comment("ch99_design", A, A, "alice")
        c.manual_comment = "good point about cosine"
        g2 = gb.find_grade("ch99_add_hidden", A, A, "carol")
        g2.manual_score = 1.0  # an instructor override of an autograded cell
        gb.db.commit()
    finally:
        gb.close()
    toy.submit(
        course,
        "alice",
        toy.with_answers(ch99_add="def add(a, b):\n    return a - b", ch99_design="Cosine becomes a dot product."),
        timestamp="2030-01-02 10:00:00.000000 UTC",
    )
    out = grade(course, "--student", "alice,carol")
    assert out.returncode == 0, out.stdout + out.stderr
    alice = scores(course, "alice")
    assert alice["auto"] == 6 and alice["manual"] == 1.5
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        assert gb.find_comment("ch99_design", A, A, "alice").manual_comment == "good point about cosine"
        assert gb.find_grade("ch99_design", A, A, "alice").needs_manual_grade, "its answer changed: look again"
        carol = gb.find_grade("ch99_add_hidden", A, A, "carol")
        assert carol.manual_score == 1.0 and carol.score == 1.0
        assert str(gb.find_submission(A, "alice").timestamp).startswith("2030-01-02")
    finally:
        gb.close()
    assert "resubmitted" in out.stdout
    review = json.loads((course / "archive" / "alice" / A / "graded.json").read_text())["review"]
    assert any(r.startswith("manual-grade") for r in review)
    assert len([p for p in (course / "archive" / "alice" / A).iterdir() if p.is_dir()]) == 2, (
        "both versions kept"
    )
    forced = grade(course, "--force", "--student", "carol")
    assert forced.returncode == 0 and scores(course, "carol")["auto"] == 6 - 2 + 1


def _grade_by_hand(course, student, grade_id, score):
    """What formgrader does when the instructor saves a score."""
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        g = gb.find_grade(grade_id, A, A, student)
        g.manual_score = score
        g.needs_manual_grade = False
        gb.db.commit()
    finally:
        gb.close()


def _manual_state(course, student):
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        g = gb.find_grade("ch99_design", A, A, student)
        flagged = gb.find_submission_notebook(A, A, student).flagged
        return g.manual_score, bool(g.needs_manual_grade), bool(flagged)
    finally:
        gb.close()


def test_regrades_leave_graded_manual_cells_graded_and_stale_flags_go(course):
    """--force and unchanged answers keep a hand-graded cell graded; a changed answer asks for a second
    look; once the instructor has graded it again, the flag goes away on the next run."""
    assert grade(course).returncode == 0
    _grade_by_hand(course, "alice", "ch99_design", 2.0)
    assert grade(course, "--force", "--student", "alice").returncode == 0
    assert _manual_state(course, "alice") == (2.0, False, False)
    state = json.loads((course / "archive" / "alice" / A / "graded.json").read_text())
    assert not any(r.startswith("manual-grade") for r in state["review"])
    toy.submit(course, "alice", toy.with_answers(ch99_add="def add(a, b):\n    return a - b"),
               timestamp="2030-01-02 10:00:00.000000 UTC")
    assert grade(course, "--student", "alice").returncode == 0
    assert _manual_state(course, "alice") == (2.0, False, False), "the design answer itself did not change"
    toy.submit(course, "alice", toy.with_answers(ch99_design="Unit vectors make cosine a dot product."),
               timestamp="2030-01-03 10:00:00.000000 UTC")
    out = grade(course, "--student", "alice")
    assert out.returncode == 0 and "manual-grade" in out.stdout, out.stdout
    assert _manual_state(course, "alice") == (2.0, True, True)
    _grade_by_hand(course, "alice", "ch99_design", 1.5)
    again = grade(course, "--student", "alice")
    assert again.returncode == 0 and "unchanged" in again.stdout
    assert _manual_state(course, "alice") == (1.5, False, False)
    state = json.loads((course / "archive" / "alice" / A / "graded.json").read_text())
    assert not any(r.startswith("manual-grade") for r in state["review"]), state["review"]


def test_nbgrader_feedback_export_and_formgrader_api_work(course, tmp_path):
    (course / "submitted" / "bob" / A / "submission_secret.txt").write_text("s3cret")  # as nbgrader submit does
    out = grade(course)
    assert out.returncode == 0
    assert "extra-files" not in out.stdout, "nbgrader's own files are not extra files"
    assert (course / "autograded" / "bob" / A / "submission_secret.txt").read_text() == "s3cret"
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
               MLSD_EXCHANGE=str(tmp_path / "exchange"))
    cfg = course / "nbgrader_config.py"
    cfg.write_text(
        cfg.read_text() + "\nc.GenerateFeedback.preprocessors = ['nbgrader.preprocessors.GetGrades', "
        "'course.grading.feedback.ClearHiddenTracebacks', 'course.grading.feedback.ClearHiddenTests', "
        "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']\n"
    )
    fb = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_feedback", A, "--force"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert fb.returncode == 0, fb.stdout + fb.stderr
    assert "not recognized" not in fb.stdout + fb.stderr, "every configured option is known"
    html = (course / "feedback" / "bob" / A / f"{A}.html").read_text()
    assert "ch99_add_hidden" in html and "assert add(-5, 5)" not in html and toy.HIDDEN_SNIPPET not in html
    (tmp_path / "exchange").mkdir(mode=0o777)
    os.chmod(tmp_path / "exchange", 0o777)  # nbgrader wants an exchange everyone may write to
    rel = subprocess.run([sys.executable, "-m", "nbgrader", "release_feedback", A, "--student", "bob"], cwd=course,
                         env=env, capture_output=True, text=True)
    assert rel.returncode == 0, rel.stdout + rel.stderr
    assert list((tmp_path / "exchange").rglob("*.html")), "bob's feedback reached the exchange"
    ex = subprocess.run(
        [sys.executable, "-m", "nbgrader", "export"], cwd=course, env=env, capture_output=True, text=True
    )
    assert ex.returncode == 0, ex.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((course / "grades.csv").open())}
    assert float(rows["alice"]["raw_score"]) == 9 and float(rows["carol"]["raw_score"]) == 6
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from course.grading.config import load_config

    config = load_config(cfg)
    config.CourseDirectory.root = str(course)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    subs = {s["student"]: s for s in api.get_submissions(A)}
    assert subs["alice"]["autograded"] and subs["alice"]["score"] == 9
    nbs = api.get_notebook_submissions(A, A)
    assert {n["student"] for n in nbs} == {"alice", "bob", "carol"}
    assert isinstance(Config(), Config)


def test_student_filter_and_unknown_students(course):
    out = grade(course, "--student", "bob", "--student", "nobody")
    assert out.returncode == 0
    assert scores(course, "bob") is not None and scores(course, "alice") is None
    assert "no folder submitted/nobody" in out.stdout


def test_refuses_without_the_sandbox_tools_and_says_how_to_fix(course):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    out = grade(course, env=env, sandbox=True)
    assert out.returncode == 2
    assert "bubblewrap is not installed" in out.stderr and "apt-get install bubblewrap" in out.stderr
    assert "--no-sandbox" in out.stderr
    assert not (course / "gradebook.db").exists() and not (course / "archive").exists(), "nothing was done"
    ok = grade(course, "--no-sandbox", env=env)
    assert ok.returncode == 0 and "WARNING: --no-sandbox" in ok.stderr


def test_usage_errors(course, tmp_path):
    assert (
        subprocess.run(
            [sys.executable, "-m", "course", "grade", "nope", "--root", str(course)], capture_output=True
        ).returncode
        == 2
    )
    assert (
        subprocess.run(
            [sys.executable, "-m", "course", "grade", A, "--root", str(tmp_path / "x")], capture_output=True
        ).returncode
        == 2
    )
    assert (
        subprocess.run(
            [sys.executable, "-m", "course", "grade", A, "--root", str(course), "--jobs", "0"],
            capture_output=True,
        ).returncode
        == 2
    )


def test_a_second_grade_of_the_same_assignment_waits_its_turn(course):
    lock = course / "archive" / ".locks" / f"{A}.lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        out = grade(course)
    assert out.returncode == 2 and "another 'course grade'" in out.stderr


def test_removing_graded_cells_after_grading_is_refused_and_loses_nothing(course):
    assert grade(course).returncode == 0
    before = scores(course, "alice")
    src = course / "source" / A / f"{A}.ipynb"
    nb = nbformat.read(str(src), as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ch99_norm_hidden"]
    nbformat.write(nb, str(src))
    out = grade(course)
    assert out.returncode == 2 and "ch99_norm_hidden" in out.stderr and "will not drop" in out.stderr
    assert scores(course, "alice") == before


def test_a_source_change_regrades_everyone(course):
    assert grade(course).returncode == 0
    src = course / "source" / A / f"{A}.ipynb"
    nb = nbformat.read(str(src), as_version=4)
    toy.cell(nb, "ch99_mean_hidden").source = toy.cell(nb, "ch99_mean_hidden").source.replace(
        "the mean of two values", "the mean of a pair"
    )
    nbformat.write(nb, str(src))
    out = grade(course)
    assert out.returncode == 0 and "Grading 3 submission(s)" in out.stdout


def test_jobs_2_gives_the_same_grades_as_jobs_1(tmp_path):
    roots = []
    for name in ("one", "two"):
        root = toy.make_course(tmp_path / name)
        for k, nb in enumerate(
            [
                toy.solved(),
                toy.release(),
                toy.with_answers(ch99_add="def add(a, b):\n    return 0"),
                toy.with_answers(ch99_norm="def normalize(v):\n    return v"),
                toy.solved(),
            ]
        ):
            toy.submit(root, f"s{k}", nb)
        roots.append(root)
    assert grade(roots[0], "--jobs", "1").returncode == 0
    out = grade(roots[1], "--jobs", "2")
    assert out.returncode == 0 and "2 worker(s)" in out.stdout
    for k in range(5):
        a, b = scores(roots[0], f"s{k}"), scores(roots[1], f"s{k}")
        assert (a["auto"], a["manual"]) == (b["auto"], b["manual"])


def test_a_grader_failure_is_reported_and_retried_next_time(course, monkeypatch):
    from course.grading import grade as grade_mod

    real = grade_mod._Worker.run

    def flaky(self, job, timeout):
        if job["student"] == "bob":
            return {"ok": False, "error": "simulated worker crash", "log": "boom", "events": {}}
        return real(self, job, timeout)

    monkeypatch.setattr(grade_mod._Worker, "run", flaky)
    outcomes, _ = grade_mod.grade_assignment(
        course, A, grade_mod.GradeOptions(sandbox=False, cell_timeout=10, log=lambda m: None)
    )
    by = {o.student: o for o in outcomes}
    assert by["bob"].status == "error" and "simulated worker crash" in by["bob"].error
    assert by["alice"].status == "graded"
    assert (course / "archive" / "bob" / A / "last-error.log").is_file()
    monkeypatch.setattr(grade_mod._Worker, "run", real)
    outcomes, _ = grade_mod.grade_assignment(
        course, A, grade_mod.GradeOptions(sandbox=False, cell_timeout=10, log=lambda m: None)
    )
    by = {o.student: o for o in outcomes}
    assert by["bob"].status == "graded" and by["alice"].status == "unchanged"


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    for cand in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(cand)
    return None


@pytest.fixture
def postgres():
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pytest.skip("psycopg2 is not installed (pip install psycopg2-binary)")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    if os.geteuid() != 0:
        pytest.skip(
            "starting a throwaway PostgreSQL cluster here needs root (to run it as the postgres user)"
        )
    import pwd

    try:
        pg = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres user")
    base = Path(tempfile.mkdtemp(prefix="mlsd-pg-"))
    os.chown(base, pg.pw_uid, pg.pw_gid)
    as_pg = ["setpriv", f"--reuid={pg.pw_uid}", f"--regid={pg.pw_gid}", "--clear-groups", "--"]
    data, sock = base / "data", base
    subprocess.run(
        as_pg + [initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
        cwd=base,
    )
    port = 54000 + os.getpid() % 1000
    subprocess.run(
        as_pg
        + [
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-l",
            str(base / "log"),
            "-o",
            f"-c listen_addresses='' -c unix_socket_directories={sock} -p {port}",
            "start",
        ],
        check=True,
        capture_output=True,
        cwd=base,
    )
    subprocess.run(
        as_pg + [_pg_bin("createdb") or "createdb", "-h", str(sock), "-p", str(port), "mlsd"],
        check=True,
        capture_output=True,
        cwd=base,
    )
    try:
        yield f"postgresql+psycopg2://postgres@/mlsd?host={sock}&port={port}"
    finally:
        subprocess.run(
            as_pg + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, cwd=base
        )
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_gradebook_with_two_jobs(course, postgres):
    env = dict(os.environ, MLSD_DB_URL=postgres)
    out = grade(course, "--jobs", "2", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert [scores(course, s, postgres)["auto"] for s in ("alice", "bob", "carol")] == [9, 0, 6]
    assert not (course / "gradebook.db").exists(), "the SQLite file was not used"
    again = grade(course, "--jobs", "2", env=env)
    assert again.returncode == 0 and "Grading" not in again.stdout


def test_long_and_odd_student_ids(tmp_path):
    root = toy.make_course(tmp_path / ("deep" * 20) / "course")
    ids = ["x" * 90, "with space", "ünïcödé"]
    for s in ids:
        toy.submit(root, s, toy.solved())
    out = grade(root)
    assert out.returncode == 0, out.stdout + out.stderr
    assert [scores(root, s)["auto"] for s in ids] == [9, 9, 9]


def test_late_submissions_get_the_configured_penalty(course):
    cfg = course / "nbgrader_config.py"
    cfg.write_text(cfg.read_text() + "\nc.LateSubmissionPlugin.penalty_method = 'zero'\n")
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        gb.update_or_create_assignment(A, duedate="2030-01-01 09:00:00 UTC")
    finally:
        gb.close()
    toy.submit(course, "alice", toy.solved(), timestamp="2029-12-31 10:00:00.000000 UTC")  # on time
    out = grade(course)
    assert out.returncode == 0, out.stdout + out.stderr
    gb = open_gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsd")
    try:
        late = gb.find_submission_notebook(A, A, "carol")
        on_time = gb.find_submission_notebook(A, A, "alice")
        assert late.late_submission_penalty == late.score == 6
        assert not on_time.late_submission_penalty and on_time.score == 9
    finally:
        gb.close()


def test_feedback_with_the_course_config_hides_hidden_tests(course):
    """The course's own nbgrader_config.py must keep hidden asserts out of feedback tracebacks."""
    assert grade(course, "--student", "bob").returncode == 0
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    fb = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", A, "--force"], cwd=course,
                        env=env, capture_output=True, text=True)
    assert fb.returncode == 0, fb.stderr
    html = (course / "feedback" / "bob" / A / f"{A}.html").read_text()
    assert "NotImplementedError" in html
    assert "assert add(-5, 5)" not in html and toy.HIDDEN_SNIPPET not in html


def test_the_instructor_guide_matches_the_command():
    guide = (toy.ROOT / "docs" / "instructor.md").read_text()
    usage = subprocess.run([sys.executable, "-m", "course", "grade", "--help"], capture_output=True,
                           text=True).stdout
    block = guide.split("python -m course grade ASSIGNMENT", 1)[1].split("```", 1)[0]
    for flag in set(re.findall(r"--[a-z][a-z-]+", block)):
        assert flag in usage, f"docs/instructor.md mentions {flag}, which grade does not take"
    from importlib import import_module

    for dotted in re.findall(r'"((?:nbgrader|nbconvert|course)\.[\w.]+)"', guide):
        module, name = dotted.rsplit(".", 1)
        assert hasattr(import_module(module), name), dotted
