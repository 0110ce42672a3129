"""The kernel sandbox: an unprivileged uid, resource limits, no network, a private file system.

A sandboxed kernel is started by this command line (built by :func:`kernel_argv`)::

    prlimit --as=… --cpu=… --nproc=… --fsize=… --nofile=… --core=0 --
      bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --die-with-parent --new-session
            --clearenv --ro-bind <what Python needs> … --bind <runtime dir> … --tmpfs /home/student …
            --cap-add CAP_SETUID --cap-add CAP_SETGID --
        setpriv --reuid=U --regid=U --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs --
          /bin/sh -c 'cp -R /mnt/submission/. . && exec "$@"' sh python -P -m ipykernel_launcher -f CONN

Why this order: bubblewrap runs as root, so it can bind the interpreter even when it lives under a
private directory such as ``/root/.pyenv`` (an unprivileged bwrap could not even see it), and only
then does ``setpriv`` drop to the unprivileged uid, after which RLIMIT_NPROC is enforced. No user
namespace is created, so the uid is a real, otherwise unused uid of the host: each kernel running at
the same time gets its own (see :func:`claim_uid`), so one student's fork storm cannot use up a
neighbour's process limit. The pid namespace dies with bwrap (``--die-with-parent``), so nothing a
kernel starts outlives it.

The kernel sees: a read-only ``/usr`` and interpreter, the virtualenv and the ``course`` package; a
runtime folder with its own connection file and IPC sockets (ZMQ over TCP needs a network, which it
does not have); a size-limited tmpfs home that starts as a copy of its working files. It does not see
the course root (``source/``, the gradebook, ``submitted/``), other students or the rest of the disk.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = [
    "Limits",
    "SandboxUnavailable",
    "claim_uid",
    "kernel_argv",
    "plain_kernel_argv",
    "sandbox_problems",
    "readonly_paths",
    "SANDBOX_HOME",
]

SANDBOX_HOME = "/home/student"
SUBMISSION_MOUNT = "/mnt/submission"
UID_BASE = int(os.environ.get("MLSD_SANDBOX_UID_BASE", "59800"))
UID_COUNT = 64


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run on this machine; ``problems`` says why and how to fix it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel (every process it starts gets the same ones)."""

    memory_mb: int = 4096  # RLIMIT_AS: address space per process
    cpu_seconds: int = 900  # RLIMIT_CPU: CPU time per process (SIGXCPU, then SIGKILL)
    processes: int = 256  # RLIMIT_NPROC: processes and threads of the kernel's uid
    file_size_mb: int = 128  # RLIMIT_FSIZE: largest file it may write
    open_files: int = 512  # RLIMIT_NOFILE
    disk_mb: int = 256  # size of its writable home and of its /tmp (tmpfs, counted in RAM)
    threads: int = 1  # BLAS / OpenMP threads (OMP_NUM_THREADS and friends)

    def to_json(self) -> dict:
        return asdict(self)


def prlimit_args(limits: Limits) -> list[str]:
    mb = 1024 * 1024
    return [
        "prlimit",
        f"--as={limits.memory_mb * mb}",
        f"--cpu={limits.cpu_seconds}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_size_mb * mb}",
        f"--nofile={limits.open_files}",
        "--core=0",
        "--",
    ]


def kernel_env(limits: Limits, home: str, extra: dict | None = None) -> dict[str, str]:
    """The environment a kernel gets (a clean one: nothing of the grader's leaks in)."""
    bindir = str(Path(sys.executable).parent)
    threads = str(max(1, int(limits.threads)))
    env = {
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": "/tmp",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONSAFEPATH": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        "NUMEXPR_NUM_THREADS": threads,
    }
    env.update(extra or {})
    return env


def _course_package_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("course")
    if spec is None or not spec.submodule_search_locations:
        raise SandboxUnavailable(["the 'course' package is not importable by the grader's Python"])
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def _contains(parent: Path, child: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def readonly_paths(course_root: Path | None = None) -> list[Path]:
    """Host folders a kernel needs read-only: the interpreter, the virtualenv, ``course``.

    Nothing that holds the course root is ever in the list (that would expose ``source/``, the
    gradebook and every submission); folders inside it are allowed only when they are the
    virtualenv or the ``course`` package.
    """
    wanted = {
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(os.path.realpath(sys.executable)).parent.parent,
        _course_package_dir(),
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            wanted.add(Path(p).resolve())
    for site_dir in {sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib")} - {None}:
        wanted |= _pth_folders(Path(site_dir))
    root = Path(course_root).resolve() if course_root else None
    keep = []
    for p in sorted(wanted, key=lambda q: (len(q.parts), str(q))):
        if not p.exists() or str(p) == "/":
            continue
        if any(_contains(k, p) for k in keep):
            continue  # already inside a bound folder
        if root is not None and _contains(p, root):
            continue  # would expose the whole course (e.g. a legacy editable install of the root)
        if _contains(Path("/usr"), p):
            continue  # /usr is bound as a whole
        keep.append(p)
    return keep


def _pth_folders(site_dir: Path) -> set[Path]:
    """Folders that ``.pth`` files add to the path (not sys.path itself, which holds the current folder)."""
    out = set()
    for pth in site_dir.glob("*.pth") if site_dir.is_dir() else []:
        try:
            lines = pth.read_text(errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            line = line.strip()
            if not line or line.startswith(("#", "import ", "import\t")):
                continue
            path = (site_dir / line).resolve()
            if path.is_dir():
                out.add(path)
    return out


def _etc_files() -> list[str]:
    names = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mime.types"]
    return [f"/etc/{n}" for n in names if os.path.exists(f"/etc/{n}")]


def _dirs_for(path: Path) -> list[str]:
    """--dir arguments that create a path's parents world-readable (bwrap makes them 0700)."""
    out = []
    for parent in reversed(path.parents):
        if str(parent) not in ("/", "/tmp", "/home", "/dev", "/mnt", "/etc", "/usr", SANDBOX_HOME):
            out += ["--perms", "0755", "--dir", str(parent)]
    return out


def write_identity_files(runtime_dir: Path, uid: int) -> tuple[Path, Path]:
    """A passwd and group file naming the sandbox user 'student' (bound over /etc in the sandbox)."""
    passwd = runtime_dir / "passwd"
    group = runtime_dir / "group"
    passwd.write_text(
        f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"student:x:{uid}:{uid}:student:{SANDBOX_HOME}:/bin/sh\n"
        f"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )
    group.write_text(f"root:x:0:\nstudent:x:{uid}:\nnogroup:x:65534:\n")
    for p in (passwd, group):
        os.chmod(p, 0o644)
    return passwd, group


def kernel_argv(
    *,
    conn_file: str,
    runtime_dir: Path,
    work_in: Path,
    uid: int,
    limits: Limits,
    course_root: Path | None = None,
    extra_env: dict | None = None,
) -> list[str]:
    """The full command line of a sandboxed kernel (see the module docstring)."""
    runtime_dir = Path(runtime_dir)
    passwd, group = write_identity_files(runtime_dir, uid)
    mb = 1024 * 1024
    argv = [
        *prlimit_args(limits),
        "bwrap",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--clearenv",
    ]
    for name, value in kernel_env(limits, SANDBOX_HOME, extra_env).items():
        argv += ["--setenv", name, value]
    # file systems of its own first: a bind below /tmp must come after the tmpfs on /tmp
    argv += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(64 * mb),
        "--tmpfs",
        "/dev/shm",
        "--perms",
        "1777",
        "--size",
        str(limits.disk_mb * mb),
        "--tmpfs",
        "/tmp",
        "--perms",
        "0755",
        "--dir",
        "/home",
        "--perms",
        "1777",
        "--size",
        str(limits.disk_mb * mb),
        "--tmpfs",
        SANDBOX_HOME,
    ]
    argv += ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / top
        if host.is_symlink():
            argv += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            argv += ["--ro-bind", str(host), str(host)]
    argv += ["--perms", "0755", "--dir", "/etc"]
    for f in _etc_files():
        argv += ["--ro-bind", f, f]
    argv += ["--ro-bind", str(passwd), "/etc/passwd", "--ro-bind", str(group), "/etc/group"]
    for p in readonly_paths(course_root):
        argv += _dirs_for(p) + ["--ro-bind", str(p), str(p)]
    argv += _dirs_for(runtime_dir) + ["--bind", str(runtime_dir), str(runtime_dir)]
    argv += [
        "--perms",
        "0755",
        "--dir",
        "/mnt",
        "--ro-bind",
        str(work_in),
        SUBMISSION_MOUNT,
        "--chdir",
        SANDBOX_HOME,
        "--cap-add",
        "CAP_SETUID",
        "--cap-add",
        "CAP_SETGID",
        "--",
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
        "/bin/sh",
        "-c",
        f'cp -R {SUBMISSION_MOUNT}/. . 2>/dev/null; exec "$@"',
        "sh",
        *_ipykernel_argv(conn_file),
    ]
    return argv


def _ipykernel_argv(conn_file: str) -> list[str]:
    """This interpreter's ipykernel, isolated from the current folder (-P) and with no history file."""
    return [sys.executable, "-P", "-m", "ipykernel_launcher", "-f", conn_file, "--HistoryManager.hist_file=:memory:"]


def plain_kernel_argv(conn_file: str, *, limits: Limits | None = None, offline: bool = False) -> list[str]:
    """An unsandboxed kernel (``check``, ``grade --no-sandbox``): optional rlimits and no network."""
    argv = _ipykernel_argv(conn_file)
    if offline:
        from .kernel import offline_prefix

        prefix = offline_prefix()
        if prefix:
            argv = [*prefix, *argv]
    if limits is not None and shutil.which("prlimit"):
        argv = [*prlimit_args(limits), *argv]
    return argv


# --- uids -----------------------------------------------------------------------------------------


def _lock_dir() -> Path:
    for cand in (Path("/run/mlsd-grader"), Path(tempfile.gettempdir()) / f"mlsd-grader-{os.getuid()}"):
        try:
            cand.mkdir(mode=0o700, exist_ok=True)
            st = cand.stat()
            if st.st_uid == os.getuid() and not st.st_mode & 0o022:
                return cand
        except OSError:
            continue
    raise SandboxUnavailable(["no private folder for the sandbox's uid locks (/run or the temp folder)"])


def _uid_unused(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return False
    except KeyError:
        return True


def claim_uid(base: int = UID_BASE, count: int = UID_COUNT) -> tuple[int, int]:
    """Reserve an unused uid for one kernel at a time; return (uid, lock fd to keep open).

    The lock is an ``flock`` on a file in a root-only folder, so concurrent graders (other jobs of
    this run, or another ``grade`` of another assignment) never share a uid. Closing the fd (or
    the process exiting) frees it.
    """
    d = _lock_dir()
    for uid in range(base, base + count):
        if not _uid_unused(uid):
            continue
        fd = os.open(d / f"uid-{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return uid, fd
    raise SandboxUnavailable(
        [
            f"all {count} sandbox uids from {base} are busy or taken by real users "
            f"(set MLSD_SANDBOX_UID_BASE to a free range)"
        ]
    )


# --- can it run here? ---------------------------------------------------------------------------


@dataclass
class Probe:
    ok: bool
    problems: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def _probe(course_root: str | None) -> Probe:
    problems = []
    if not sys.platform.startswith("linux"):
        return Probe(
            False,
            [
                f"the sandbox needs Linux namespaces, and this is {sys.platform}: grade on a "
                "Linux machine, or pass --no-sandbox to run student code with your own rights"
            ],
        )
    if os.geteuid() != 0:
        problems.append(
            "the sandbox switches each kernel to an unprivileged uid, which needs root: run "
            "'sudo .venv/bin/python -m course grade …', or pass --no-sandbox to run student "
            "code with your own rights"
        )
    missing = [t for t in ("bwrap", "prlimit", "setpriv") if not shutil.which(t)]
    if "bwrap" in missing:
        problems.append(
            "bubblewrap is not installed: 'sudo apt-get install bubblewrap' (Debian/Ubuntu) or "
            "'sudo dnf install bubblewrap' (Fedora)"
        )
    if {"prlimit", "setpriv"} & set(missing):
        problems.append("prlimit and setpriv (util-linux) are missing: 'sudo apt-get install util-linux'")
    if course_root:
        root = Path(course_root).resolve()
        for shown in [Path("/usr"), *readonly_paths(root)]:
            if _contains(shown, root):
                problems.append(
                    f"the course root {root} lies inside {shown}, which every kernel must see: "
                    "move the course to a folder of its own (for example /srv/course)"
                )
    if problems:
        return Probe(False, problems)
    # Everything is there: prove it works by importing the kernel's modules inside a sandbox.
    tmp = Path(tempfile.mkdtemp(prefix="mlsd-probe-"))
    uid, fd = None, None
    try:
        uid, fd = claim_uid()
        runtime = tmp / "runtime"
        work = tmp / "work"
        runtime.mkdir()
        work.mkdir()
        os.chmod(tmp, 0o711)
        os.chmod(work, 0o755)
        os.chown(runtime, uid, uid)
        argv = kernel_argv(
            conn_file="unused",
            runtime_dir=runtime,
            work_in=work,
            uid=uid,
            limits=Limits(),
            course_root=Path(course_root) if course_root else None,
        )
        cut = argv.index("/bin/sh")
        code = (
            "import os, socket, ipykernel, course.checks; assert os.getuid() != 0; "
            "assert not os.path.exists('/root/.bashrc') or os.getuid() != 0\n"
            "try:\n socket.create_connection(('1.1.1.1', 53), timeout=2); print('NET')\n"
            "except OSError: print('OK')"
        )
        probe = argv[:cut] + [sys.executable, "-c", code]
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=120)
        out = proc.stdout.strip()
        if proc.returncode != 0 or out not in ("OK", "NET"):
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            problems.append(
                "bubblewrap is installed but a test sandbox failed (" + " | ".join(detail) + "). "
                "In a container, run it with --privileged (bwrap needs to mount); with AppArmor "
                "or SELinux, allow bwrap to create namespaces"
            )
        elif out == "NET":
            problems.append("a test sandbox could still reach the network; the grader refuses to run")
    except SandboxUnavailable as exc:
        problems += exc.problems
    except (OSError, subprocess.SubprocessError) as exc:
        problems.append(f"a test sandbox could not start: {exc}")
    finally:
        if fd is not None:
            os.close(fd)
        shutil.rmtree(tmp, ignore_errors=True)
    return Probe(not problems, problems)


def sandbox_problems(course_root: Path | None = None) -> list[str]:
    """Why the sandbox cannot run here (with the fix for each), or an empty list when it can."""
    return list(_probe(str(course_root) if course_root else None).problems)


def policy_summary(limits: Limits) -> str:
    return json.dumps(limits.to_json())
