"""A grading worker: a long-lived process that autogrades one submission at a time.

``grade --jobs N`` starts N of these (``python -m course.grading.worker``), so nbgrader is imported
once per worker, not once per submission. Each worker holds its own sandbox uid for its lifetime.

Protocol (JSON, one object per line): the worker first writes ``{"ready": true, "uid": …}``; then for
every job line it reads it writes one result line. Its stdout is reserved for this: file descriptor 1
is pointed at stderr, so a stray print from a library cannot corrupt the protocol, and student code
never runs in this process (kernels are separate processes whose output is read over ZMQ).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

# nbformat validates with jsonschema, which builds a large grammar for the "iri" format at import
# (1-2 s per process); nothing here validates IRIs, so that optional module is left out.
sys.modules.setdefault("rfc3987_syntax", None)

__all__ = ["run_job", "main"]


def run_job(job: dict, uid: int | None) -> dict:
    import nbformat

    from .autograde import KernelFactory, autograde_submission, read_results
    from .executor import ExecLimits
    from .sandbox import Limits

    start = time.monotonic()
    notebooks = {name: nbformat.read(path, as_version=4) for name, path in job["notebooks"].items()}
    factory = KernelFactory(
        exec_limits=ExecLimits(**job["exec_limits"]),
        sandbox=bool(job["sandbox"]),
        limits=Limits(**job["limits"]),
        uid=uid,
        course_root=Path(job["course_root"]) if job.get("course_root") else None,
        offline=bool(job.get("offline", True)),
        plain_limits=bool(job.get("plain_limits", True)),
        runtime_base=Path(job["runtime_base"]) if job.get("runtime_base") else None,
    )
    res = autograde_submission(
        Path(job["template"]),
        Path(job["scratch"]),
        job["assignment"],
        job["student"],
        notebooks,
        factory,
        timestamp=job.get("timestamp"),
        nbgrader_files=job.get("nbgrader_files"),
    )
    out = {"ok": res.ok, "error": res.error, "log": res.log[-20000:], "events": res.events, "results": None}
    if res.ok:
        out["results"] = read_results(Path(job["scratch"]), job["assignment"], job["student"])
    out["seconds"] = round(time.monotonic() - start, 3)
    return out


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the grade process that started it goes away."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _die_with_parent()
    sandbox = "--sandbox" in argv
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    warnings.filterwarnings("ignore")
    uid = None
    if sandbox:
        from .sandbox import claim_uid

        uid, _lock = claim_uid()  # the lock fd stays open for the life of the process
        try:
            from .sandbox import sweep_stale_runtime

            for problem in sweep_stale_runtime():  # left by a grader that was killed
                print(f"worker: {problem}", file=sys.stderr)
        except Exception:  # noqa: BLE001 - a cleanup never stops a worker
            traceback.print_exc()
    # import the heavy parts once, before saying we are ready
    from . import autograde  # noqa: F401

    proto.write(json.dumps({"ready": True, "uid": uid, "pid": os.getpid()}) + "\n")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            job = json.loads(line)
            result = run_job(job, uid)
        except Exception as exc:  # noqa: BLE001 - report, and stay alive for the next job
            result = {
                "ok": False,
                "error": f"{type(exc).__name__}: {exc}",
                "log": traceback.format_exc()[-8000:],
                "events": {},
                "results": None,
            }
        proto.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
