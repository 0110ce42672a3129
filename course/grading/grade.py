"""``python -m course grade ASSIGNMENT``: autograde a class's submissions, sandboxed, losing nothing.

For each ``submitted/<student>/<assignment>/``:

1. **Archive** its regular files read-only under ``archive/<student>/<assignment>/<sha256>/``
   (:mod:`course.grading.intake`); the submission itself is never modified or deleted.
2. **Skip** it if ``archive/<student>/<assignment>/graded.json`` says this very content was already
   graded against the same source and settings, and the gradebook still has it.
3. **Clean** each notebook against the release (cell types and nbgrader metadata restored, forged
   and duplicated grade cells neutralised, outputs dropped), and **scan** the learner's code for
   in-kernel cheats (:mod:`course.grading.scan`).
4. **Autograde** it in a worker: nbgrader's own autograde in a scratch course, each kernel in the
   sandbox (:mod:`course.grading.sandbox`), with timeouts, restarts and output caps
   (:mod:`course.grading.executor`). ``--jobs N`` runs N workers at once.
5. **Record** the result in the real gradebook and ``autograded/`` from this process only, one
   submission at a time (:mod:`course.grading.importer`); manual grades are kept.

Exit status: 0 when every submission was graded or recorded (a corrupt notebook is recorded with
zero points and flagged), 1 when the grader itself failed on some submission (they are retried on
the next run), 2 on a usage error or when the sandbox cannot run and --no-sandbox was not given.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

# nbformat validates with jsonschema, which builds a large grammar for the "iri" format at import
# (1-2 s per process); nothing here validates IRIs, so that optional module is left out.
sys.modules.setdefault("rfc3987_syntax", None)

from .config import CONFIG_NAME, ConfigError, find_root, load_config  # noqa: E402
from .files import force_rmtree  # noqa: E402

__all__ = ["main", "grade_assignment", "GradeOptions"]

GRADER_VERSION = "3"  # bump when grading changes: every submission is then graded again
NBGRADER_FILES = {"timestamp.txt", "submission_secret.txt"}  # written by nbgrader submit/collect
REVIEW_EVENTS = {"died", "hung", "restart", "deadline", "startup_failed", "truncated", "replay_failed"}


@dataclass
class GradeOptions:
    jobs: int = 1
    students: list[str] | None = None
    sandbox: bool = True
    force: bool = False
    cell_timeout: float | None = None
    notebook_timeout: float = 600
    memory_mb: int = 4096
    disk_mb: int = 256
    max_restarts: int = 3
    scheduler: str | None = None  # a Dask scheduler's address: grade on that cluster
    log: object = print


@dataclass
class Outcome:
    student: str
    status: str  # graded, unchanged, corrupt, missing, error
    seconds: float = 0.0
    scores: dict | None = None
    review: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""


# --- helpers -------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _students(submitted: Path, wanted: list[str] | None, log) -> tuple[list[str], list[str]]:
    """Student folder names under submitted/ (real folders only), and complaints about the rest."""
    found, skipped = [], []
    if submitted.is_dir():
        for entry in sorted(os.scandir(submitted), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                skipped.append(f"submitted/{entry.name} is a symbolic link: not followed")
            elif entry.is_dir(follow_symlinks=False):
                found.append(entry.name)
    if wanted:
        missing = [s for s in wanted if s not in found]
        for s in missing:
            skipped.append(f"no folder submitted/{s}")
        found = [s for s in found if s in wanted]
    return found, skipped


class _Lock:
    def __init__(self, path: Path):
        self.path = path
        self.fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise RuntimeError(
                f"another 'course grade' of this assignment is running (lock {self.path})"
            ) from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        return self

    def __exit__(self, *exc):
        os.close(self.fd)


class _Worker:
    """One ``python -m course.grading.worker`` process, restarted when it dies or hangs."""

    def __init__(self, n: int, sandbox: bool, logdir: Path):
        self.n = n
        self.sandbox = sandbox
        self.logdir = logdir
        self.proc: subprocess.Popen | None = None
        self.uid = None
        self._buf = b""

    def start(self) -> None:
        from .config import nbgrader_env

        argv = [sys.executable, "-m", "course.grading.worker"] + (["--sandbox"] if self.sandbox else [])
        err = open(self.logdir / f"worker-{self.n}.log", "ab")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=nbgrader_env(),
            start_new_session=True,
            cwd=str(self.logdir),
        )
        err.close()
        self._buf = b""
        hello = self._read(timeout=180)
        if not hello or not hello.get("ready"):
            raise RuntimeError(f"grading worker {self.n} did not start: {self.log_tail()}")
        self.uid = hello.get("uid")

    def log_tail(self) -> str:
        try:
            return (self.logdir / f"worker-{self.n}.log").read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def _read(self, timeout: float) -> dict | None:
        fd = self.proc.stdout.fileno()
        end = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self._buf += chunk
            elif self.proc.poll() is not None:
                return None
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def run(self, job: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            return {"ok": False, "error": "the grading worker died before it took the job", "events": {}}
        result = self._read(timeout)
        if result is None:
            why = (
                ("did not finish within " + f"{timeout:.0f} s")
                if self.proc.poll() is None
                else f"died (exit {self.proc.returncode})"
            )
            tail = self.log_tail()
            self.stop()
            return {"ok": False, "error": f"the grading worker {why}", "log": tail, "events": {}}
        return result

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except (OSError, AttributeError):
                pass
        self.proc = None


# --- the run -------------------------------------------------------------------------------------


def grade_assignment(root: Path, assignment: str, opts: GradeOptions) -> tuple[list[Outcome], list[str]]:
    """Grade every submission of ``assignment``; return the outcomes and run-level warnings."""
    import nbformat
    from nbgrader.coursedir import CourseDirectory

    from .autograde import make_template, release_files, release_notebooks, source_fingerprint
    from .executor import ExecLimits, short_temp_dir
    from .importer import (
        import_submission,
        install_autograded,
        open_gradebook,
        submission_scores,
        sync_assignment,
        write_json,
    )
    from .intake import CorruptNotebook, archive_submission, clean_notebook
    from .sandbox import Limits
    from .scan import scan_notebook

    log = opts.log
    root = Path(root).resolve()
    cfg = load_config(root / CONFIG_NAME)
    coursedir = CourseDirectory(config=cfg, root=str(root))
    db_url, course_id = coursedir.db_url, coursedir.course_id
    submitted = root / coursedir.submitted_directory
    autograded = root / coursedir.autograded_directory
    archive = root / "archive"
    warnings_out: list[str] = []

    cell_timeout = float(opts.cell_timeout or cfg.Execute.get("timeout", 60) or 60)
    exec_limits = ExecLimits(
        cell_timeout=cell_timeout,
        notebook_timeout=float(opts.notebook_timeout),
        startup_timeout=float(cfg.Execute.get("startup_timeout", 60) or 60),
        max_restarts=opts.max_restarts,
    )
    threads = max(1, (os.cpu_count() or 1) // max(1, opts.jobs))
    limits = Limits(
        memory_mb=opts.memory_mb,
        disk_mb=opts.disk_mb,
        threads=threads,
        cpu_seconds=int(max(opts.notebook_timeout, cell_timeout) * 2),
    )
    settings = {
        "grader": GRADER_VERSION,
        "sandbox": opts.sandbox,
        "cell_timeout": cell_timeout,
        "notebook_timeout": opts.notebook_timeout,
        "memory_mb": opts.memory_mb,
        "disk_mb": opts.disk_mb,
    }

    with _Lock(archive / ".locks" / f"{assignment}.lock"):
        work = short_temp_dir("mlsd-g")  # the template in it holds the hidden tests: 0700
        os.chmod(work, 0o700)
        gb = None
        try:
            fingerprint = source_fingerprint(root, assignment, json.dumps(settings, sort_keys=True))
            students, skipped = _students(submitted, opts.students, log)
            warnings_out += skipped
            if not students:
                warnings_out.append(f"no submissions of {assignment} under {submitted}")
            gb = open_gradebook(db_url, course_id)
            outcomes: dict[str, Outcome] = {}
            todo: list = []
            for student in students:
                folder = submitted / student / assignment
                if not folder.exists() and not folder.is_symlink():
                    continue
                try:
                    sub = archive_submission(folder, archive, student, assignment)
                except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
                    outcomes[student] = Outcome(
                        student, "error", error=f"could not archive it: {type(exc).__name__}: {exc}"
                    )
                    continue
                state_path = archive / student / assignment / "graded.json"
                try:
                    state = json.loads(state_path.read_text())
                except (OSError, ValueError):
                    state = {}
                scores = submission_scores(gb, assignment, student)
                if (
                    not opts.force
                    and state.get("digest") == sub.digest
                    and state.get("fingerprint") == fingerprint
                    and state.get("status") in ("graded", "corrupt", "missing")
                    and scores is not None
                    and (state.get("status") != "graded" or (autograded / student / assignment).is_dir())
                ):
                    review = _drop_stale_manual_flags(gb, assignment, student, state, state_path, scores)
                    outcomes[student] = Outcome(
                        student, "unchanged", 0.0, scores, review, list(state.get("notes", []))
                    )
                else:
                    todo.append((student, sub, state, state_path, scores))

            jobs: list[tuple[str, dict, dict]] = []  # (student, job, state)
            if todo:
                log(f"Generating {assignment} from source/ ...")
                template = make_template(root, assignment, work / "template")
                releases = release_notebooks(template, assignment)
                released = release_files(template, assignment)
                tgb = open_gradebook(f"sqlite:///{template / 'gradebook.db'}", course_id)
                try:
                    changes = sync_assignment(gb, tgb, assignment)
                finally:
                    tgb.close()
                if changes:
                    log("gradebook: added " + ", ".join(changes))
            for student, sub, state, state_path, scores in todo:
                try:
                    job = _prepare(
                        student, sub, state, state_path, scores, root, work, releases, assignment, opts,
                        limits, exec_limits, template, fingerprint, gb, cfg, outcomes, released,
                    )
                except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
                    outcomes[student] = Outcome(
                        student, "error", error=f"intake failed: {type(exc).__name__}: {exc}"
                    )
                    continue
                if job is not None:
                    jobs.append(job)

            if jobs:
                where = (f"on the Dask cluster at {opts.scheduler}" if opts.scheduler
                         else f"with {min(opts.jobs, len(jobs))} worker(s)")
                log(
                    f"Grading {len(jobs)} submission(s) {where}"
                    f"{'' if opts.sandbox else ' WITHOUT the sandbox'} ..."
                )
            done = 0
            if opts.scheduler and jobs:
                from .cluster import run_jobs as cluster_jobs

                finished = cluster_jobs(jobs, template, opts.scheduler, log=log)
            else:
                finished = _run_jobs(jobs, opts, exec_limits, work)
            for student, job, state, result in finished:
                done += 1
                try:
                    outcome = _record(
                        gb,
                        cfg,
                        root,
                        autograded,
                        archive,
                        assignment,
                        student,
                        job,
                        state,
                        result,
                        import_submission,
                        install_autograded,
                        submission_scores,
                        write_json,
                    )
                except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
                    try:
                        gb.db.rollback()
                    except Exception:  # noqa: BLE001
                        pass
                    outcome = Outcome(
                        student, "error", error=f"could not record it: {type(exc).__name__}: {exc}"
                    )
                outcomes[student] = outcome
                force_rmtree(job["scratch"])
                sc = outcome.scores or {}
                pts = f"{sc.get('auto', 0):g}/{sc.get('auto_max', 0):g}" if sc else "-"
                log(
                    f"  [{done}/{len(jobs)}] {safe(student):<20} {outcome.status:<9} {pts:>9}  ({outcome.seconds:.1f} s)"
                )
            ordered = [outcomes[s] for s in students if s in outcomes]
            return ordered, warnings_out
        finally:
            if gb is not None:
                gb.close()
            force_rmtree(work)


def _prepare(
    student, sub, state, state_path, scores, root, work, releases, assignment, opts, limits,
    exec_limits, template, fingerprint, gb, cfg, outcomes, released=frozenset(),
):
    """Clean, scan and date one submission; record it when there is nothing to run; else its job."""
    import nbformat

    from .importer import import_submission, submission_scores, write_json
    from .intake import CorruptNotebook, clean_notebook
    from .scan import scan_notebook

    archive = root / "archive"
    review = [str(f) for f in sub.flags]
    notes: list[str] = []
    resubmitted = bool(state.get("digest")) and state.get("digest") != sub.digest
    if resubmitted:
        notes.append("resubmitted since the last grading")
    cleaned: dict[str, str] = {}
    manual_sources: dict[str, dict[str, str]] = {}
    clean_dir = work / "clean" / student
    clean_dir.mkdir(parents=True, exist_ok=True)
    extra = [
        f
        for f in sub.files
        if f not in NBGRADER_FILES
        and f not in released  # the instructor's own files: the kernel gets the released copy
        and not (f.endswith(".ipynb") and Path(f).stem in releases and "/" not in f)
    ]
    if extra:
        review.append(
            "extra-files: kept in the archive but not given to the kernel: "
            + ", ".join(extra[:6])
            + (" …" if len(extra) > 6 else "")
        )
    for name, release in releases.items():
        path = sub.path / f"{name}.ipynb"
        if f"{name}.ipynb" not in sub.files:
            review.append(f"missing: no regular file {name}.ipynb: scored zero")
            continue
        try:
            nb, flags = clean_notebook(path.read_bytes(), release)
        except CorruptNotebook as exc:
            review.append(
                f"corrupt: {name}.ipynb {exc}: scored zero (the original is in "
                f"{sub.path.relative_to(root)})"
            )
            continue
        review += [str(f) for f in flags]
        review += [f"scan {f}" for f in scan_notebook(nb, release=release)]
        manual_sources[name] = _manual_sources(nb)
        out = clean_dir / f"{name}.ipynb"
        nbformat.write(nb, str(out))
        cleaned[name] = str(out)
    rec = _first_intake(archive / student / assignment, sub, write_json)
    previous = state.get("timestamp") if state.get("digest") != sub.digest else None
    timestamp = submission_time(sub, rec, previous, review, notes)
    base_state = {
        "digest": sub.digest,
        "fingerprint": fingerprint,
        "archive": str(sub.path),
        "notes": notes,
        "review": review,
        "timestamp": timestamp,
        "manual_sources": manual_sources,
        # the cells whose grades given by hand may no longer apply (see import_submission)
        "changed": _changed_cells(state, manual_sources, releases) if resubmitted else [],
    }
    if not cleaned:
        status = "corrupt" if any(r.startswith("corrupt") for r in review) else "missing"
        import_submission(
            gb, cfg, assignment, student, {"timestamp": timestamp, "notebooks": {}}, flag=True
        )
        write_json(state_path, {**base_state, "status": status, "graded_at": _now()})
        outcomes[student] = Outcome(
            student, status, 0.0, submission_scores(gb, assignment, student), review, notes
        )
        return None
    job = {
        "template": str(template),
        "scratch": str(work / "scratch" / student),
        "assignment": assignment,
        "student": student,
        "notebooks": cleaned,
        "timestamp": timestamp,
        "sandbox": opts.sandbox,
        "limits": limits.to_json(),
        "exec_limits": exec_limits.__dict__,
        "course_root": str(root),
        "offline": True,
        "runtime_base": str(work / "rt"),
        "plain_limits": True,
        # nbgrader's own bookkeeping (release_feedback needs the secret in feedback/)
        "nbgrader_files": {f: str(sub.path / f) for f in sub.files if f in NBGRADER_FILES},
    }
    return (student, job, base_state)


def _timestamp(path: Path, review: list[str]) -> str | None:
    from nbgrader.utils import parse_utc

    try:
        text = path.read_text(errors="replace").strip()[:100]
        if parse_utc(text) is None:
            raise ValueError
        return text
    except Exception:  # noqa: BLE001
        review.append("bad-timestamp: timestamp.txt is not a date: the time it was collected is used")
        return None


TIMESTAMP_SLACK_S = 120  # clock differences the timestamp rule tolerates


def _utc_text(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def _first_intake(base: Path, sub, write_json) -> dict:
    """What the grader saw the first time it took in this very content (recorded once, kept):
    when, and each file's mtime and ctime in submitted/ then. ``archive/<s>/<a>/seen.json``."""
    path = base / "seen.json"
    try:
        seen = json.loads(path.read_text())
        if not isinstance(seen, dict):
            seen = {}
    except (OSError, ValueError):
        seen = {}
    rec = seen.get(sub.digest)
    if not isinstance(rec, dict) or "first_seen" not in rec:
        rec = {
            "first_seen": time.time(),
            "stats": {f: [float(m), float(c)] for f, (m, c) in sub.stats.items()},
        }
        seen[sub.digest] = rec
        write_json(path, seen)
    return rec


def submission_time(sub, rec: dict, previous: str | None, review: list[str], notes: list[str]) -> str:
    """The submission time to grade with (nbgrader's timestamp format); see docs/instructor.md.

    ``timestamp.txt`` is written on the student's side, so it is believed only when nothing the
    grader recorded contradicts it: it may not be earlier than the files' own modification times
    (which nbgrader's submit and collect keep; ignored when the copy did not keep them) nor than the
    time used for the version graded before. Otherwise, or when it is missing or not a date, the
    time the grader knows the submission existed is used: the earliest of its first intake and of
    the files' ctimes in submitted/ (set when ``nbgrader collect`` copied them, not settable by a
    student). A back-dated timestamp is flagged."""
    from nbgrader.utils import parse_utc

    stats = rec.get("stats") or {}
    known = min([float(rec["first_seen"])] + [float(c) for _, c in stats.values()])
    claimed = _timestamp(sub.path / "timestamp.txt", review) if "timestamp.txt" in sub.files else None
    if claimed is None:
        if "timestamp.txt" not in sub.files:
            notes.append(f"timestamp: no timestamp.txt: graded as submitted at {_utc_text(known)} (collected)")
        return _utc_text(known)
    at = parse_utc(claimed).replace(tzinfo=timezone.utc).timestamp()
    reasons = []
    kept = [(f, m, c) for f, (m, c) in stats.items() if f == "timestamp.txt" or f.endswith(".ipynb")]
    if any(abs(m - c) > 2 for _, m, c in kept):  # the copies kept the student's modification times
        f, m, _ = max(kept, key=lambda x: x[1])
        if at < m - TIMESTAMP_SLACK_S:
            reasons.append(f"{f} was last modified at {_utc_text(m)}")
    if previous:
        try:
            prev = parse_utc(previous).replace(tzinfo=timezone.utc).timestamp()
            if at < prev - TIMESTAMP_SLACK_S:
                reasons.append(f"the version graded before was submitted at {previous}")
        except Exception:  # noqa: BLE001
            pass
    if reasons:
        review.append(
            f"timestamp: timestamp.txt says {claimed}, but {' and '.join(reasons)}: back-dated? "
            f"graded as submitted at {_utc_text(known)}, when it was collected"
        )
        return _utc_text(known)
    return claimed


_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C}


def safe(text) -> str:
    """``text`` fit for a terminal: control characters (ANSI escapes, carriage returns, bells), C1
    controls and bidirectional overrides from a submission are shown as escapes, never sent raw."""
    text = str(text)
    if text.isprintable() and not any(ord(ch) in _BIDI for ch in text):
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if ch.isprintable() and o not in _BIDI or ch == " ":
            out.append(ch)
        elif o < 0x100:
            out.append(f"\\x{o:02x}")
        else:
            out.append(f"\\u{o:04x}")
    return "".join(out)


def _run_jobs(jobs, opts: GradeOptions, exec_limits, work: Path):
    """Run jobs on min(jobs, N) workers; yield (student, job, state, result) as they finish."""
    if not jobs:
        return
    n = max(1, min(opts.jobs, len(jobs)))
    logdir = work / "logs"
    logdir.mkdir(exist_ok=True)
    todo: queue.Queue = queue.Queue()
    for item in jobs:
        todo.put(item)
    finished: queue.Queue = queue.Queue()
    per_job = (
        exec_limits.notebook_timeout
        + exec_limits.startup_timeout * (exec_limits.max_restarts + 2)
        + exec_limits.interrupt_grace * 4
        + 180
    )

    def slot(k: int) -> None:
        worker = _Worker(k, opts.sandbox, logdir)
        try:
            while True:
                try:
                    student, job, state = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    result = worker.run(job, per_job)
                except Exception as exc:  # noqa: BLE001 - a worker that cannot start
                    result = {"ok": False, "error": str(exc), "events": {}}
                    worker.stop()
                finished.put((student, job, state, result))
        finally:
            worker.stop()

    threads = [threading.Thread(target=slot, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    for _ in range(len(jobs)):
        yield finished.get()
    for t in threads:
        t.join()


def _record(
    gb,
    cfg,
    root,
    autograded,
    archive,
    assignment,
    student,
    job,
    state,
    result,
    import_submission,
    install_autograded,
    submission_scores,
    write_json,
) -> Outcome:
    review = list(state["review"])
    notes = list(state["notes"])
    seconds = float(result.get("seconds", 0.0))
    events = result.get("events") or {}
    for nb_name, evs in events.items():
        for e in evs:
            where = f" (cell {e['cell']})" if e.get("cell") is not None else ""
            text = f"{e['kind']}: {nb_name}{where}: {e['detail']}"
            (review if e["kind"] in REVIEW_EVENTS else notes).append(text)
    state_path = archive / student / assignment / "graded.json"
    if not result.get("ok"):
        err = result.get("error") or "autograding failed"
        log_tail = (result.get("log") or "")[-3000:]
        (archive / student / assignment / "last-error.log").write_text(f"{err}\n\n{log_tail}")
        try:
            prev = json.loads(state_path.read_text())
        except (OSError, ValueError):
            prev = {}
        prev.update({"last_error": err, "last_error_at": _now()})
        write_json(state_path, prev)  # the digest is not updated: the next run tries again
        return Outcome(
            student,
            "error",
            seconds,
            submission_scores(gb, assignment, student),
            review,
            notes,
            error=f"{err} (log: archive/{student}/{assignment}/last-error.log)",
        )
    results = result["results"]
    src = Path(job["scratch"]) / "autograded" / student / assignment
    install_autograded(src, autograded / student / assignment)
    changed = {tuple(x) for x in state.pop("changed", [])}
    rechecks = import_submission(gb, cfg, assignment, student, results, flag=bool(review), changed=changed)
    if rechecks:
        review.append(
            "manual-grade: changed since graded by hand, manual score kept: check it still applies: "
            + ", ".join(rechecks[:6])
        )
    scores = submission_scores(gb, assignment, student)
    write_json(
        state_path,
        {
            **state,
            "review": review,
            "notes": notes,
            "status": "graded",
            "graded_at": _now(),
            "seconds": seconds,
            "events": events,
            "scores": scores,
            "flagged": bool(review),
        },
    )
    return Outcome(student, "graded", seconds, scores, review, notes)


def _manual_sources(nb) -> dict[str, str]:
    """sha256 of each cell graded by hand (an answer cell that is also a grade cell), by grade id."""
    import hashlib

    out = {}
    for c in nb.cells:
        meta = c.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("solution") or meta.get("task"):
            out[meta.get("grade_id", "")] = hashlib.sha256(c.get("source", "").encode()).hexdigest()
    return out


def _changed_cells(state: dict, manual_sources: dict, releases: dict) -> list[list[str]]:
    """(notebook, grade id) pairs of a resubmission whose manual grades may no longer apply: every
    autograded test cell (its result may differ), and each hand-graded cell whose text changed."""
    before = state.get("manual_sources")
    out = []
    for name, release in releases.items():
        for c in release.cells:
            meta = c.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id")
            if not gid or not (meta.get("grade") or meta.get("task")):
                continue
            hand = bool(meta.get("solution") or meta.get("task"))
            if not hand or before is None or before.get(name, {}).get(gid) != manual_sources.get(name, {}).get(gid):
                out.append([name, gid])
    return out


def _drop_stale_manual_flags(gb, assignment, student, state, state_path, scores) -> list[str]:
    """An unchanged submission: once the instructor has graded by hand what needed it, the
    "check it still applies" flag goes (and the formgrader flag with it, if the grader set it)."""
    from .importer import unflag_submission, write_json

    review = list(state.get("review", []))
    if scores and not scores.get("pending") and any(r.startswith("manual-grade:") for r in review):
        review = [r for r in review if not r.startswith("manual-grade:")]
        if not review and state.get("flagged"):
            unflag_submission(gb, assignment, student)
            state["flagged"] = False
        state["review"] = review
        write_json(state_path, state)
    return review



# --- the command ---------------------------------------------------------------------------------


def _table(outcomes: list[Outcome]) -> str:
    rows = [("student", "status", "auto", "manual", "time", "notes")]
    for o in outcomes:
        sc = o.scores or {}
        auto = f"{sc['auto']:g}/{sc['auto_max']:g}" if sc else "-"
        if sc and sc.get("manual_max"):
            manual = f"{sc['manual']:g}/{sc['manual_max']:g}" + (" (to grade)" if sc.get("pending") else "")
        else:
            manual = "-"
        t = f"{o.seconds:.1f}s" if o.status == "graded" else "-"
        note = o.error or ("; ".join(o.notes[:2]) if o.notes else "")
        rows.append((safe(o.student), o.status, auto, manual, t, safe(note)[:70]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(5)) + "  " + r[5])
    lines.insert(1, "  ".join("-" * w for w in widths) + "  -----")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m course grade",
        description=(
            "Autograde every submission in DIR/submitted/*/ASSIGNMENT/ in a sandbox and record the grades in the "
            "course's nbgrader gradebook and autograded/ (formgrader, generate_feedback and export work as usual). "
            "Submissions are archived read-only first; unchanged ones are not graded again; manual grades are kept."
        ),
    )
    ap.add_argument("assignment", help="assignment (chapter) name, e.g. 01_framework")
    ap.add_argument("--root", type=Path, help="course root (default: found from the current folder)")
    ap.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    ap.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786) "
        "instead of local workers; each worker needs this course's environment and bubblewrap",
    )
    ap.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student (repeat, or separate with commas)",
    )
    ap.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code without the sandbox (with your rights): only where it cannot run",
    )
    ap.add_argument("--force", action="store_true", help="grade again even submissions that did not change")
    ap.add_argument("--timeout", type=float, help="seconds per cell (default: c.Execute.timeout)")
    ap.add_argument("--notebook-timeout", type=float, default=600, help="seconds per notebook (default 600)")
    ap.add_argument("--memory", type=int, default=4096, help="MiB per kernel: the resident memory of all its processes together (each may reserve 2048 MiB more address space; default 4096)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    try:
        if args.root is not None:
            root = args.root.resolve()
            if not (root / CONFIG_NAME).is_file():
                raise ConfigError(f"{root} is not a course root (no {CONFIG_NAME})")
        else:
            root = find_root()
        load_config(root / CONFIG_NAME)
    except ConfigError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    if not (root / "source" / args.assignment).is_dir():
        known = (
            sorted(p.name for p in (root / "source").iterdir() if p.is_dir())
            if (root / "source").is_dir()
            else []
        )
        print(
            f"grade: no assignment {args.assignment!r} in {root / 'source'} (known: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 2
    students = None
    if args.student:
        students = [s.strip() for item in args.student for s in item.split(",") if s.strip()]
    if args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("grade: --scheduler needs the 'distributed' package (pip install -r requirements.txt)",
                  file=sys.stderr)
            return 2
        if not args.no_sandbox:
            print(f"grade: sandboxing happens on the workers of {args.scheduler}", file=sys.stderr)
    if not args.no_sandbox and not args.scheduler:
        from .sandbox import sandbox_problems

        problems = sandbox_problems(root)
        if problems:
            print("grade: the sandbox cannot run on this machine:", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            print(
                "Refusing to run student code unsandboxed. Fix the above, or pass --no-sandbox to grade "
                "with the student code running under your own user (only for code you trust).",
                file=sys.stderr,
            )
            return 2
        from .sandbox import degraded_features

        for line in degraded_features():
            print(f"grade: {line}", file=sys.stderr)
    elif args.no_sandbox:
        print(
            "WARNING: --no-sandbox: student code runs as your user, with only timeouts and resource limits.",
            file=sys.stderr,
        )
    warnings.filterwarnings("ignore")
    opts = GradeOptions(
        jobs=args.jobs,
        students=students,
        sandbox=not args.no_sandbox,
        force=args.force,
        cell_timeout=args.timeout,
        notebook_timeout=args.notebook_timeout,
        memory_mb=args.memory,
        scheduler=args.scheduler,
        log=lambda m: print(m, flush=True),
    )
    start = time.monotonic()
    try:
        outcomes, notes = grade_assignment(root, args.assignment, opts)
    except (RuntimeError, ValueError, ConfigError) as exc:
        print(f"grade: {safe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\ngrade: interrupted; what was recorded stays, the rest is graded on the next run",
            file=sys.stderr,
        )
        return 130
    print()
    print(_table(outcomes) if outcomes else "(no submissions)")
    for n in notes:
        print(f"note: {safe(n)}")
    flagged = [o for o in outcomes if o.review]
    print()
    if flagged:
        print(f"Flagged for review ({len(flagged)}):")
        for o in flagged:
            print(f"  {safe(o.student)}:")
            for r in o.review[:8]:
                print(f"    - {safe(r[:200])}")
            if len(o.review) > 8:
                print(
                    f"    - … {len(o.review) - 8} more in archive/{safe(o.student)}/{args.assignment}/graded.json"
                )
    else:
        print("Flagged for review: none")
    counts = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    print(
        f"\n{len(outcomes)} submission(s): "
        + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        + f" in {time.monotonic() - start:.1f} s"
    )
    errors = [o for o in outcomes if o.status == "error"]
    return 1 if errors else 0
