"""nbgrader's own autograde, in-process, in a scratch course, with a robust (optionally sandboxed) executor.

``grade`` and ``check`` both come through here, so a learner's official score and the instructor's
grade are computed the same way:

1. :func:`make_template` generates the assignment once (``nbgrader generate_assignment`` in a
   scratch course): release notebooks and a gradebook holding every test cell, hidden ones included.
2. :func:`autograde_submission` copies the template into a fresh scratch course, puts the cleaned
   notebooks under ``submitted/<student>/<assignment>/`` and runs nbgrader's ``Autograde`` converter
   with :class:`SafeExecute` in place of nbgrader's ``Execute``. nbgrader's sanitising (restoring
   test cells and hidden tests, cell types, kernelspec) and saving of grades run unchanged.
3. The points, comments and timestamps are read back from the scratch gradebook as plain data.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from .config import CONFIG_NAME, load_config
from .executor import ExecLimits, Executor, KernelProcess, short_temp_dir
from .files import remove_tree
from .sandbox import Limits, plain_kernel_argv

__all__ = [
    "KernelFactory",
    "SafeExecute",
    "autograde_submission",
    "make_template",
    "read_results",
    "source_fingerprint",
]

_IGNORE = {".ipynb_checkpoints", "__pycache__"}


# --- nbgrader without subprocesses ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _alembic_head() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(cfg).get_current_head()


@contextlib.contextmanager
def _fast_gradebooks():
    """nbgrader stamps a new gradebook by running ``alembic heads`` in a subprocess (seconds);
    read the same revision in-process instead."""
    import nbgrader.api as api

    saved = api.get_alembic_version
    api.get_alembic_version = _alembic_head
    try:
        yield
    finally:
        api.get_alembic_version = saved


@contextlib.contextmanager
def _captured(app):
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    app.log.addHandler(handler)
    old = app.log.level
    app.log.setLevel(logging.INFO)
    try:
        yield buf
    finally:
        app.log.removeHandler(handler)
        app.log.setLevel(old)


def _course_config(scratch: Path, extra: dict | None = None):
    cfg = load_config(scratch / CONFIG_NAME)
    cfg.CourseDirectory.root = str(scratch)
    cfg.CourseDirectory.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
    for section, values in (extra or {}).items():
        for key, value in values.items():
            cfg[section][key] = value
    return cfg


def source_fingerprint(root: Path, assignment: str, extra: str = "") -> str:
    """sha256 of an assignment's source files and the course config (a change means: regrade)."""
    h = hashlib.sha256(extra.encode())
    h.update(Path(root, CONFIG_NAME).read_bytes())
    base = Path(root) / "source" / assignment
    for path in sorted(base.rglob("*")):
        if path.is_file() and not (set(path.relative_to(base).parts) & _IGNORE):
            h.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def make_template(root: Path, assignment: str, dest: Path) -> Path:
    """Generate ``assignment`` from ``root/source`` into the scratch course ``dest``; return ``dest``."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    root, dest = Path(root), Path(dest)
    src = root / "source" / assignment
    if not src.is_dir():
        raise ValueError(f"no assignment {assignment!r} in {root / 'source'}")
    load_config(root / CONFIG_NAME)
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, 0o700)  # it holds the hidden tests (release plus gradebook): the grader's eyes only
    shutil.copy2(root / CONFIG_NAME, dest / CONFIG_NAME)
    shutil.copytree(
        src,
        dest / "source" / assignment,
        dirs_exist_ok=True,
        ignore=lambda d, names: [n for n in names if n in _IGNORE or n.endswith(".pyc")],
    )
    cfg = _course_config(dest)
    _absolute_header_footer(cfg, root)
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    app = GenerateAssignment(coursedir=coursedir, config=cfg)
    app.force = True
    with _fast_gradebooks(), _captured(app) as log:
        try:
            app.start()
        except Exception as exc:  # noqa: BLE001 - nbgrader raises its own and generic errors
            raise RuntimeError(
                f"nbgrader could not generate {assignment}: {exc}\n{log.getvalue()[-3000:]}"
            ) from exc
    if not (dest / "release" / assignment).is_dir():
        raise RuntimeError(f"nbgrader could not generate {assignment}:\n{log.getvalue()[-3000:]}")
    return dest


def _absolute_header_footer(cfg, root: Path) -> None:
    """nbgrader reads ``IncludeHeaderFooter.header``/``footer`` relative to the folder it runs in, which
    for an instructor is the course root: say so explicitly, since generation here runs elsewhere."""
    if "IncludeHeaderFooter" not in cfg:
        return
    for key in ("header", "footer"):
        value = cfg.IncludeHeaderFooter.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value):
            candidate = Path(root) / value
            if not candidate.is_file():
                raise ValueError(f"IncludeHeaderFooter.{key} = {value!r}: no such file in {root}")
            cfg.IncludeHeaderFooter[key] = str(candidate.resolve())


def release_files(template: Path, assignment: str) -> set[str]:
    """Paths (relative, posix) of every file the instructor releases with an assignment."""
    folder = Path(template) / "release" / assignment
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def release_notebooks(template: Path, assignment: str) -> dict[str, nbformat.NotebookNode]:
    folder = Path(template) / "release" / assignment
    return {p.stem: nbformat.read(str(p), as_version=4) for p in sorted(folder.glob("*.ipynb"))}


# --- the executor inside nbgrader ---------------------------------------------------------------


@dataclass
class KernelFactory:
    """Makes the kernel for one notebook: sandboxed (uid, limits, no network) or plain."""

    exec_limits: ExecLimits
    sandbox: bool = False
    limits: Limits = field(default_factory=Limits)
    uid: int | None = None
    course_root: Path | None = None
    offline: bool = False
    plain_limits: bool = False
    workspace: Path | None = None
    runtime_base: Path | None = None  # short folder for IPC sockets (see executor.short_temp_dir)
    events: dict = field(default_factory=dict)
    log: Callable[[str], None] = lambda _m: None

    def work_copy(self, src: Path, dest: Path) -> Path:
        """The kernel's starting files: everything of its folder but the notebooks (which hold the
        hidden tests) and nbgrader's timestamp."""
        if dest.exists() or dest.is_symlink():
            remove_tree(dest)
        dest.mkdir(parents=True)
        os.chmod(dest, 0o755)
        for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
            dirnames[:] = [
                d for d in dirnames if d not in _IGNORE and not os.path.islink(os.path.join(dirpath, d))
            ]
            rel = Path(dirpath).relative_to(src)
            (dest / rel).mkdir(exist_ok=True)
            os.chmod(dest / rel, 0o755)
            for name in filenames:
                path = Path(dirpath, name)
                if (
                    name.endswith(".ipynb")
                    or (rel == Path(".") and name in ("timestamp.txt", "submission_secret.txt"))
                    or path.is_symlink()
                ):
                    continue
                shutil.copyfile(path, dest / rel / name)
                os.chmod(dest / rel / name, 0o644)
        return dest

    def kernel(self, work: Path, runtime: Path) -> KernelProcess:
        """The kernel for the working copy ``work``. Sandboxed, ``runtime`` is not used: every
        start of the kernel gets a fresh, root-owned runtime folder of its own (a capped tmpfs for
        its files and sockets, a cgroup; see :class:`course.grading.sandbox.SandboxedKernel`),
        torn down when it is killed."""
        if self.sandbox:
            from .sandbox import SandboxedKernel

            if self.uid is None:
                raise RuntimeError("a sandboxed kernel needs a uid")
            return SandboxedKernel(
                work_in=work,
                uid=self.uid,
                limits=self.limits,
                exec_limits=self.exec_limits,
                course_root=self.course_root,
                extra_env={"NBGRADER_EXECUTION": "autograde"},
            )
        from .sandbox import kernel_env

        env = dict(os.environ)
        env.update(
            {
                k: v
                for k, v in kernel_env(self.limits, env.get("HOME", str(work))).items()
                if k not in ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "MPLCONFIGDIR", "LANG", "LC_ALL")
            }
        )
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        env.pop("DISPLAY", None)
        lim = self.limits if self.plain_limits else None
        return KernelProcess(
            lambda conn: plain_kernel_argv(conn, limits=lim, offline=self.offline),
            runtime_dir=runtime,
            cwd=str(work),
            env=env,
            limits=self.exec_limits,
        )


_FACTORY: KernelFactory | None = None


class SafeExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, done by :class:`course.grading.executor.Executor`."""

    def preprocess(self, nb, resources):
        factory = _FACTORY
        if factory is None:
            raise RuntimeError("SafeExecute needs a KernelFactory (use autograde_submission)")
        src = Path(resources.get("metadata", {}).get("path") or ".")
        notebook = resources.get("nbgrader", {}).get("notebook", "notebook")
        ws = Path(factory.workspace or tempfile.mkdtemp(prefix="mlsd-exec-"))
        work = factory.work_copy(src, ws / f"work-{notebook}")
        own_base = factory.runtime_base is None
        base = short_temp_dir("mlsd-k") if own_base else Path(factory.runtime_base)
        base.mkdir(parents=True, exist_ok=True)
        runtime = base / f"{os.getpid()}-{len(factory.events)}"
        kp = factory.kernel(work, runtime)

        def is_test(cell) -> bool:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            return bool(meta.get("grade")) and not meta.get("solution")

        executor = Executor(kp, factory.exec_limits, log=self.log.info)
        try:
            executor.run(nb.cells, is_test=is_test)
        finally:
            kp.kill()
            remove_tree(work)
            remove_tree(base if own_base else runtime)
        factory.events[notebook] = [e.to_json() for e in executor.events]
        return nb, resources


def _autograde_preprocessors(cfg) -> list:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    configured = cfg.Autograde.get("autograde_preprocessors") if "Autograde" in cfg else None
    base = (
        list(configured)
        if configured
        else list(Autograde.class_traits()["autograde_preprocessors"].default())
    )
    out = []
    for pp in base:
        name = pp if isinstance(pp, str) else getattr(pp, "__name__", "")
        if pp is Execute or name.split(".")[-1] == "Execute":
            out.append(SafeExecute)
        else:
            out.append(pp)
    if SafeExecute not in out:
        raise RuntimeError("the autograde preprocessors have no Execute step to replace")
    _ = ClearMetadataPreprocessor
    return out


@dataclass
class AutogradeResult:
    ok: bool
    log: str
    events: dict
    error: str = ""


def autograde_submission(
    template: Path,
    scratch: Path,
    assignment: str,
    student: str,
    notebooks: dict[str, nbformat.NotebookNode],
    factory: KernelFactory,
    timestamp: str | None = None,
    nbgrader_files: dict[str, str] | None = None,
) -> AutogradeResult:
    """Autograde cleaned notebooks in a fresh copy of the template; results stay in ``scratch``.

    ``nbgrader_files`` (name -> path) are nbgrader's own small files that must travel from
    ``submitted/`` to ``autograded/`` and on to ``feedback/`` (``submission_secret.txt``)."""
    global _FACTORY
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    template, scratch = Path(template), Path(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    os.chmod(scratch, 0o711)
    with _private_files():
        return _autograde_in(template, scratch, assignment, student, notebooks, factory, timestamp, nbgrader_files)


@contextlib.contextmanager
def _private_files():
    """Everything nbgrader writes here (gradebook, source, autograded notebooks: all hold the hidden tests)
    is readable by the grader alone; the kernel's own files are given their modes explicitly."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _autograde_in(template, scratch, assignment, student, notebooks, factory, timestamp, nbgrader_files):
    global _FACTORY
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    shutil.copy2(template / CONFIG_NAME, scratch / CONFIG_NAME)
    shutil.copy2(template / "gradebook.db", scratch / "gradebook.db")
    shutil.copytree(template / "source" / assignment, scratch / "source" / assignment, dirs_exist_ok=True)
    sub = scratch / "submitted" / student / assignment
    sub.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, str(sub / f"{name}.ipynb"))
    for name, path in (nbgrader_files or {}).items():
        if name != "timestamp.txt" and "/" not in name:
            shutil.copyfile(path, sub / name)
    if timestamp:
        (sub / "timestamp.txt").write_text(timestamp)
    cfg = _course_config(scratch)
    cfg.Autograde.autograde_preprocessors = _autograde_preprocessors(cfg)
    cfg.Autograde.create_student = True
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    app = Autograde(coursedir=coursedir, config=cfg)
    app.force = True
    factory.events = {}
    factory.workspace = scratch / "kernel"
    factory.workspace.mkdir(exist_ok=True)
    os.chmod(factory.workspace, 0o711)
    _FACTORY = factory
    error = ""
    with _fast_gradebooks(), _captured(app) as log:
        try:
            app.start()
            ok = True
        except Exception as exc:  # noqa: BLE001
            ok = False
            error = f"{type(exc).__name__}: {exc}"
        finally:
            _FACTORY = None
    graded = scratch / "autograded" / student / assignment
    ok = ok and graded.is_dir() and all((graded / f"{n}.ipynb").is_file() for n in notebooks)
    return AutogradeResult(ok, log.getvalue(), dict(factory.events), error)


def read_results(scratch: Path, assignment: str, student: str, course_id: str | None = None) -> dict:
    """Plain data from the scratch gradebook: per notebook, per grade cell, the autograder's verdict."""
    from nbgrader.api import Gradebook

    cfg = _course_config(Path(scratch))
    cid = course_id or cfg.CourseDirectory.get("course_id", "") or "default_course"
    out: dict = {"timestamp": None, "notebooks": {}}
    with _fast_gradebooks(), Gradebook(f"sqlite:///{Path(scratch) / 'gradebook.db'}", cid) as gb:
        submission = gb.find_submission(assignment, student)
        out["timestamp"] = submission.timestamp.isoformat() if submission.timestamp else None
        for nb in submission.notebooks:
            grades = {}
            for g in nb.grades:
                grades[g.name] = {
                    "auto_score": g.auto_score,
                    "max_score": g.max_score,
                    "needs_manual_grade": bool(g.needs_manual_grade),
                    "cell_type": g.cell.cell_type,
                    "manual": bool(g.cell.cell_type == "markdown" or _is_manual(gb, g)),
                }
            comments = {c.name: c.auto_comment for c in nb.comments}
            out["notebooks"][nb.name] = {
                "grades": grades,
                "comments": comments,
                "late_submission_penalty": nb.late_submission_penalty,
            }
    return out


def _is_manual(gb, grade) -> bool:
    """A grade cell that is also an answer cell is graded by hand."""
    try:
        gb.find_solution_cell(
            grade.name, grade.notebook.notebook.name, grade.notebook.assignment.assignment.name
        )
        return True
    except Exception:  # noqa: BLE001 - MissingEntry
        return False
