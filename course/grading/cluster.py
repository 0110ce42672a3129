"""``course grade ASSIGNMENT --scheduler ADDRESS``: the same grading, on a Dask distributed cluster.

A job travels as data: the generated assignment (the "template", sent once to every worker) and one
submission's cleaned notebooks and nbgrader files go in; the graded notebook folder (as a tar archive)
and the plain-data results come back. Nothing is shared through a file system, so the workers can be
other machines (``dask scheduler`` / ``dask worker``, dask-jobqueue on Slurm or PBS, dask-kubernetes):
they need the course's pinned environment and bubblewrap, and each job runs in the same sandbox as a
local job (:func:`grade_remote` calls :func:`course.grading.worker.run_job`).

Only this process writes the gradebook: results are yielded to the same recording code as local
jobs, one at a time. Dask's retries re-run a job whose worker died (the scheduler notices a lost
worker and gives its tasks to another); a result is recorded once, by student, whichever attempt
delivered it; a job that keeps killing its workers, or a scheduler that goes away, ends as an
``error`` outcome with the reason, and the next ``course grade`` grades what is left.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["LocalCluster", "grade_remote", "run_jobs", "pack_dir", "unpack_dir"]

_TEMPLATES: dict[str, Path] = {}  # on a worker: template digest -> unpacked folder
_UID: dict[str, object] = {}  # on a worker: the sandbox uid it holds (and the lock keeping it)


def pack_dir(folder: Path) -> bytes:
    """A folder's regular files as an uncompressed tar archive (no links, devices or absolute names)."""
    buf = io.BytesIO()
    folder = Path(folder)
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tar.add(str(path), arcname=path.relative_to(folder).as_posix(), recursive=False)
    return buf.getvalue()


def unpack_dir(data: bytes, dest: Path) -> Path:
    """Unpack :func:`pack_dir`'s archive into ``dest``, refusing anything but plain files inside it."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        for m in members:
            target = (dest / m.name).resolve()
            if not target.is_relative_to(dest.resolve()):
                raise ValueError(f"archive member {m.name!r} points outside its folder")
        tar.extractall(dest, members=members, filter="data")
    return dest


def _worker_uid(sandbox: bool):
    if not sandbox:
        return None
    if "uid" not in _UID:
        from .sandbox import claim_uid

        _UID["uid"], _UID["lock"] = claim_uid()
    return _UID["uid"]


def _template(template_tar: bytes) -> Path:
    digest = hashlib.sha256(template_tar).hexdigest()[:20]
    folder = _TEMPLATES.get(digest)
    if folder is None or not folder.is_dir():
        folder = Path(tempfile.mkdtemp(prefix=f"mlsd-dask-tpl-{digest[:8]}-"))
        os.chmod(folder, 0o700)  # it holds the hidden tests
        unpack_dir(template_tar, folder)
        _TEMPLATES[digest] = folder
    return folder


def grade_remote(template_tar: bytes, job: dict, notebooks: dict[str, bytes], files: dict[str, bytes]) -> dict:
    """Run on a Dask worker: grade one submission sent as data; return the results as data."""
    from .files import force_rmtree
    from .worker import run_job

    template = _template(template_tar)
    base = Path(tempfile.mkdtemp(prefix="mlsd-dask-job-", dir="/tmp" if os.path.isdir("/tmp") else None))
    os.chmod(base, 0o711)
    try:
        (base / "in").mkdir()
        paths = {}
        for name, raw in notebooks.items():
            p = base / "in" / f"{Path(name).name}.ipynb"
            p.write_bytes(raw)
            paths[Path(name).name] = str(p)
        extra = {}
        for name, raw in files.items():
            p = base / "in" / f"file-{Path(name).name}"
            p.write_bytes(raw)
            extra[Path(name).name] = str(p)
        local = dict(job, template=str(template), scratch=str(base / "scratch"), notebooks=paths,
                     nbgrader_files=extra, runtime_base=str(base / "rt"), course_root=None)
        result = run_job(local, _worker_uid(bool(job.get("sandbox"))))
        graded = base / "scratch" / "autograded" / job["student"] / job["assignment"]
        result["autograded_tar"] = pack_dir(graded) if result.get("ok") and graded.is_dir() else None
        result["worker"] = f"{os.uname().nodename}:{os.getpid()}"
        return result
    finally:
        force_rmtree(base)


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_jobs(jobs: list, template: Path, address: str, *, log: Callable[[str], None] = print,
             retries: int = 2, progress_every: float = 10.0) -> Iterator[tuple]:
    """Grade ``jobs`` ((student, job, state) as built by ``grade``) on the cluster at ``address``;
    yield (student, job, state, result) as they finish, the graded folder unpacked into the job's
    scratch folder, exactly as a local worker leaves it."""
    if not jobs:
        return
    from distributed import as_completed

    client = _connect(address)
    try:
        template_tar = pack_dir(template)
        tfuture = client.scatter(template_tar, broadcast=True, hash=True)
        futures = {}
        for student, job, state in jobs:
            notebooks = {name: Path(path).read_bytes() for name, path in job["notebooks"].items()}
            files = {name: Path(path).read_bytes() for name, path in (job.get("nbgrader_files") or {}).items()}
            meta = {k: v for k, v in job.items() if k not in ("notebooks", "nbgrader_files", "template", "scratch")}
            key = f"mlsd-grade-{job['assignment']}-{student}-{hashlib.sha256(repr(sorted(notebooks.items())).encode()).hexdigest()[:12]}"
            fut = client.submit(grade_remote, tfuture, meta, notebooks, files, key=key, retries=retries, pure=False)
            futures[fut] = (student, job, state)
        total = len(futures)
        count = {"graded": 0, "failed": 0}
        keys = {f.key for f in futures}
        log(f"  sent {total} submission(s) to {address} ({len(client.scheduler_info().get('workers', {}))} worker(s))")

        def line() -> str:
            try:
                running = sum(1 for ks in client.processing().values() for k in ks if k in keys)
            except Exception:  # noqa: BLE001 - the scheduler is busy or gone: say what we know
                running = 0
            done = count["graded"] + count["failed"]
            return (f"  cluster: {count['graded']} graded, {running} running, {total - done - running} queued, "
                    f"{count['failed']} failed")

        stop = threading.Event()

        def ticker() -> None:  # a live count while nothing finishes (long notebooks, slow workers)
            while not stop.wait(progress_every):
                log(line())

        thread = threading.Thread(target=ticker, daemon=True)
        thread.start()
        seen: set[str] = set()
        try:
            for fut in as_completed(list(futures), with_results=False):
                student, job, state = futures[fut]
                if student in seen:  # never record a submission twice
                    continue
                seen.add(student)
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost scheduler, a task error
                    result = {"ok": False, "error": f"on the cluster: {type(exc).__name__}: {exc}", "events": {},
                              "results": None, "log": ""}
                if result.get("ok"):
                    data = result.pop("autograded_tar", None)
                    dest = Path(job["scratch"]) / "autograded" / student / job["assignment"]
                    if data:
                        unpack_dir(data, dest)
                    else:
                        result = {**result, "ok": False, "error": "the worker sent no graded notebook"}
                count["graded" if result.get("ok") else "failed"] += 1
                yield student, job, state, result
        finally:
            stop.set()
            thread.join(timeout=5)
        log(line())
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 - the scheduler may be gone already
            pass


class LocalCluster:
    """A real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (for tests and benchmarks):
    one thread per worker, as in production; ``kill(name)`` ends a worker with everything it started."""

    def __init__(self, folder: Path, workers: int = 2, env: dict | None = None):
        import json
        import subprocess
        import sys

        self.folder, self.env = Path(folder), env
        self.bin = Path(sys.executable).parent
        self.procs: dict[str, subprocess.Popen] = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        sched_file = self.folder / "scheduler.json"
        self._spawn("scheduler", [str(self.bin / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(sched_file)])
        deadline = time.monotonic() + 60
        while not sched_file.is_file():
            if time.monotonic() > deadline or self.procs["scheduler"].poll() is not None:
                self.stop()
                raise RuntimeError(f"the Dask scheduler did not start (see {self.folder / 'scheduler.log'})")
            time.sleep(0.2)
        self.address = json.loads(sched_file.read_text())["address"]
        for n in range(1, workers + 1):
            self.start_worker(f"w{n}")

    def _spawn(self, name: str, argv: list[str]) -> None:
        import subprocess

        with open(self.folder / f"{name}.log", "w") as out:
            self.procs[name] = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                                env=self.env, cwd=self.folder)

    def start_worker(self, name: str) -> None:
        self._spawn(name, [str(self.bin / "dask"), "worker", self.address, "--name", name, "--nworkers", "1",
                           "--nthreads", "1", "--memory-limit", "0", "--no-dashboard",
                           "--local-directory", str(self.folder / name)])
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(sum(k.startswith("w") for k in self.procs), timeout=90)

    def kill(self, name: str) -> None:
        import signal

        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(timeout=30)

    def stop(self) -> None:
        import signal

        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
