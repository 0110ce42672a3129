"""The kernel sandbox: an unprivileged uid, a cgroup, resource limits, no network, no keyrings,
a private file system of its own.

A sandboxed kernel is started by this command line (built by :func:`kernel_argv`)::

    python -I -S sandbox_launch.py --cgroup <memory> --cgroup <pids> --cgroup <cpu> … --
      prlimit --as=… --cpu=… --nproc=… --fsize=… --nofile=… --core=0 --
        bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --die-with-parent --new-session
              --clearenv --bind <its tmpfs>/tmp /tmp … --ro-bind <what Python needs> …
              --bind <its tmpfs>/ipc … --ro-bind <connection file> … --ro-bind <passwd> /etc/passwd …
              --cap-add CAP_SETUID --cap-add CAP_SETGID --
          setpriv --reuid=U --regid=U --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs --
            /bin/sh -c 'cp -R /mnt/submission/. . && exec "$@"' sh python -P -m ipykernel_launcher -f CONN

``sandbox_launch.py`` (run as root) puts itself into the kernel's cgroup (:class:`Cgroup`: memory
of all its processes together, their number, a CPU share), joins a new session keyring and installs
a seccomp filter that denies the keyring system calls, then execs the rest. bubblewrap runs as root,
so it can bind the interpreter even when it lives under a private directory such as
``/root/.pyenv``, and only then does ``setpriv`` drop to the unprivileged uid, after which
RLIMIT_NPROC is enforced. No user namespace is created, so the uid is a real, otherwise unused uid of
the host: each kernel running at the same time gets its own (see :func:`claim_uid`). The pid
namespace dies with bwrap (``--die-with-parent``) and the cgroup is killed as a whole, so nothing a
kernel starts outlives it.

Every start of a kernel gets a fresh :class:`KernelFS`: a root-owned 0700 folder with what root
writes (connection and identity files, bound read-only) and a tmpfs capped in bytes and inodes for
everything the kernel may write (home, /tmp, /dev/shm, its IPC sockets: ZMQ over TCP needs a
network, which it does not have). Root never writes, chmods or removes anything through a path the
kernel controls: the tmpfs is unmounted, not walked. :class:`SandboxedKernel` ties it together. The
kernel does not see the course root (``source/``, the gradebook, ``submitted/``), other students or
the rest of the disk.
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

from .executor import KernelProcess

__all__ = [
    "Cgroup",
    "KernelFS",
    "SandboxedKernel",
    "cgroup_problem",
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


# Address space a process may reserve beyond --memory. Reserving is not using: a chapter's kernel
# maps about 1 GiB more than it ever touches (libraries, thread stacks, malloc arenas), so an address
# space capped at --memory itself broke chapters at --memory 1536 although they use under 700 MiB.
# What is used is capped by the kernel's cgroup.
ADDRESS_SLACK_MB = 2048


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel (every process it starts gets the same ones)."""

    memory_mb: int = 4096  # its cgroup: resident memory of all its processes together
    cpu_seconds: int = 900  # RLIMIT_CPU: CPU time per process (SIGXCPU, then SIGKILL)
    processes: int = 256  # RLIMIT_NPROC: processes and threads of the kernel's uid
    file_size_mb: int = 128  # RLIMIT_FSIZE: largest file it may write
    open_files: int = 512  # RLIMIT_NOFILE
    disk_mb: int = 256  # its home, /tmp and /dev/shm together (one tmpfs, counted in RAM)
    inodes: int = 16384  # files and folders it may create in there
    threads: int = 1  # BLAS / OpenMP threads (OMP_NUM_THREADS and friends)

    @property
    def address_space_mb(self) -> int:
        """RLIMIT_AS of each process: ``memory_mb`` plus room for reservations never touched."""
        return self.memory_mb + ADDRESS_SLACK_MB

    def to_json(self) -> dict:
        return asdict(self)


def prlimit_args(limits: Limits) -> list[str]:
    mb = 1024 * 1024
    return [
        "prlimit",
        f"--as={limits.address_space_mb * mb}",
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
        # the kernel imports the very `course` the grader runs (and the sandbox binds), not whichever
        # checkout the virtualenv's editable install happens to point at
        "PYTHONPATH": str(_course_package_dir().parent),
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
    names = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mime.types", "fonts"]
    return [f"/etc/{n}" for n in names if os.path.exists(f"/etc/{n}")]


def _dirs_for(path: Path) -> list[str]:
    """--dir arguments that create a path's parents world-readable (bwrap makes them 0700)."""
    out = []
    for parent in reversed(path.parents):
        if str(parent) not in ("/", "/tmp", "/home", "/dev", "/mnt", "/etc", "/usr", SANDBOX_HOME):
            out += ["--perms", "0755", "--dir", str(parent)]
    return out


def _write_new(path: Path, text: str, mode: int = 0o644, gid: int = 0) -> None:
    """Create ``path`` (it must not exist: never through a link) owned by root."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, text.encode())
        os.fchown(fd, 0, gid)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def identity_text(uid: int) -> tuple[str, str]:
    """The passwd and group files naming the sandbox user 'student' (bound read-only over /etc)."""
    passwd = (
        f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"student:x:{uid}:{uid}:student:{SANDBOX_HOME}:/bin/sh\n"
        f"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )
    group = f"root:x:0:\nstudent:x:{uid}:\nnogroup:x:65534:\n"
    return passwd, group


# --- the kernel's own folders -------------------------------------------------------------------

_libc = None


def _c():
    global _libc
    if _libc is None:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MNT_DETACH = 2


def mount_tmpfs(target: Path, *, size_bytes: int, inodes: int, mode: int = 0o755) -> None:
    import ctypes

    opts = f"size={int(size_bytes)},nr_inodes={int(inodes)},mode={mode:o},uid=0,gid=0".encode()
    if _c().mount(b"tmpfs", os.fsencode(target), b"tmpfs", MS_NOSUID | MS_NODEV, opts) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {target}: {os.strerror(err)}")


def unmount(target: Path) -> bool:
    return _c().umount2(os.fsencode(target), MNT_DETACH) == 0


class KernelFS:
    """The folders of one kernel start, fresh and unique, created by root before the kernel runs.

    ``<parent>/<random>/`` (root, 0700) holds what the grader writes: the connection file (root,
    group of the kernel's uid, 0440), ``passwd`` and ``group`` (root, 0644). The kernel gets these
    bound read-only; it can modify neither them nor the folder holding them. ``fs/`` is a tmpfs
    capped in bytes (``Limits.disk_mb``) and inodes (``Limits.inodes``), mounted by root on this
    folder, with ``home``, ``tmp``, ``shm`` and ``ipc`` (the ZMQ sockets) owned by the kernel's uid:
    the only places the kernel can write. The grader never reads, writes or removes anything in
    there: :meth:`destroy` unmounts the tmpfs (whatever the kernel built in it goes with it) and then
    removes what root itself created. Where a tmpfs cannot be mounted, the four folders are plain
    folders (``degraded`` says why) and are removed by :func:`course.grading.files.remove_tree`.
    """

    def __init__(self, uid: int, limits: Limits, parent: Path):
        self.uid = uid
        self.limits = limits
        parent = Path(parent)
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(parent)
        if not os.path.isdir(parent) or os.path.islink(parent) or st.st_uid != os.geteuid():
            raise SandboxUnavailable([f"the runtime folder {parent} is not a folder of the grader's own"])
        self.dir = Path(tempfile.mkdtemp(prefix=f"k{os.getpid()}-", dir=parent))  # 0700, unique
        self.fs = self.dir / "fs"
        self.mounted = False
        self.degraded = ""
        try:
            self._populate(uid, limits)
        except BaseException:
            self.destroy()
            raise

    def _populate(self, uid: int, limits: Limits) -> None:
        self.fs.mkdir(mode=0o755)
        try:
            mount_tmpfs(self.fs, size_bytes=limits.disk_mb * 1024 * 1024, inodes=limits.inodes)
            self.mounted = True
        except OSError as exc:
            self.degraded = (
                f"no size- and inode-capped tmpfs for the kernel's files ({exc.strerror}): "
                "its home and /tmp are bwrap tmpfs capped in size only"
            )
        for name, mode in (("home", 0o700), ("tmp", 0o1777), ("shm", 0o1777), ("ipc", 0o700)):
            d = self.fs / name
            d.mkdir()
            os.chown(d, uid, uid)
            os.chmod(d, mode)
        passwd, group = identity_text(uid)
        self.passwd = self.dir / "passwd"
        self.group = self.dir / "group"
        _write_new(self.passwd, passwd)
        _write_new(self.group, group)

    @property
    def ipc(self) -> Path:
        return self.fs / "ipc"

    def protect_connection_file(self, conn: Path) -> None:
        """Root's, readable by the kernel's group only, in a folder the kernel cannot modify."""
        fd = os.open(conn, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.fchown(fd, 0, self.uid)
            os.fchmod(fd, 0o440)
        finally:
            os.close(fd)

    def bwrap_mounts(self) -> list[str]:
        """Its writable file systems (before any bind below them)."""
        mb = 1024 * 1024
        if self.mounted:
            out = [
                "--bind", str(self.fs / "tmp"), "/tmp",
                "--bind", str(self.fs / "shm"), "/dev/shm",
                "--perms", "0755", "--dir", "/home",
                "--bind", str(self.fs / "home"), SANDBOX_HOME,
            ]  # fmt: skip
        else:
            out = [
                "--perms", "1777", "--size", str(64 * mb), "--tmpfs", "/dev/shm",
                "--perms", "1777", "--size", str(self.limits.disk_mb * mb), "--tmpfs", "/tmp",
                "--perms", "0755", "--dir", "/home",
                "--perms", "1777", "--size", str(self.limits.disk_mb * mb), "--tmpfs", SANDBOX_HOME,
            ]  # fmt: skip
        return out

    def bwrap_binds(self, conn_file: str) -> list[str]:
        """The sockets folder (read-write), the connection and identity files (read-only)."""
        out = _dirs_for(self.ipc) + ["--bind", str(self.ipc), str(self.ipc)]
        out += ["--ro-bind", conn_file, conn_file]
        out += ["--ro-bind", str(self.passwd), "/etc/passwd", "--ro-bind", str(self.group), "/etc/group"]
        return out

    def destroy(self, problems: list[str] | None = None) -> None:
        """Unmount the kernel's tmpfs, then remove the folder; never raises."""
        from .files import remove_tree

        if self.mounted:
            if unmount(self.fs):
                self.mounted = False
            else:
                if problems is not None:
                    problems.append(f"could not unmount {self.fs}")
                return  # never remove through a mount the kernel wrote into
        remove_tree(self.dir, problems=problems)


def runtime_parent() -> Path:
    """Root's own folder for the kernels' runtime folders (``/run/mlsd-grader/rt``, 0700)."""
    d = _lock_dir() / "rt"
    d.mkdir(mode=0o700, exist_ok=True)
    st = os.lstat(d)
    if os.path.islink(d) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise SandboxUnavailable([f"{d} is not a private folder of the grader's own"])
    return d


def sweep_stale_runtime(parent: Path | None = None) -> list[str]:
    """Unmount and remove runtime folders left by grader processes that no longer run."""
    from .files import remove_tree

    problems: list[str] = []
    try:
        parent = parent or runtime_parent()
        entries = list(os.scandir(parent))
    except (OSError, SandboxUnavailable):
        return problems
    for e in entries:
        pid = e.name[1:].split("-", 1)[0]
        if not (e.name.startswith("k") and pid.isdigit()) or os.path.exists(f"/proc/{pid}"):
            continue
        fs = Path(e.path) / "fs"
        if os.path.ismount(fs) and not unmount(fs):
            problems.append(f"could not unmount {fs}")
            continue
        remove_tree(e.path, problems=problems)
    problems += _sweep_stale_cgroups()
    return problems


def _sweep_stale_cgroups() -> list[str]:
    """Kill and remove kernels' cgroups (``mlsd-<pid>-…``) whose grader process is gone."""
    import signal

    problems = []
    kind, bases, _ = cgroup_layout()
    for base in bases.values():
        try:
            entries = [e for e in os.scandir(base) if e.name.startswith("mlsd-") and e.is_dir()]
        except OSError:
            continue
        for e in entries:
            pid = e.name.split("-")[1]
            if not pid.isdigit() or os.path.exists(f"/proc/{pid}"):
                continue
            try:
                for p in (Path(e.path) / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(p), signal.SIGKILL)
                    except (ProcessLookupError, PermissionError, ValueError):
                        pass
                os.rmdir(e.path)
            except OSError as exc:
                problems.append(f"stale cgroup {e.path}: {exc.strerror}")
    return problems


# --- cgroups ------------------------------------------------------------------------------------

CGROUP_V1 = ("memory", "pids", "cpu", "freezer")
CGROUP_EXTRA_PIDS = 16


def _mountinfo() -> list[tuple[str, str, str, set[str]]]:
    """(mount root, mount point, fstype, super options) of each cgroup mount."""
    out = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        left, _, right = line.partition(" - ")
        f, r = left.split(), right.split()
        if len(f) < 5 or len(r) < 3 or r[0] not in ("cgroup", "cgroup2"):
            continue
        point = f[4].replace("\\040", " ")
        out.append((f[3], point, r[0], set(r[2].split(","))))
    return out


def _own_cgroups() -> dict[str, str]:
    """controller (or '' for v2) -> this process's cgroup path in that hierarchy."""
    out = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for ctrl in parts[1].split(",") if parts[1] else [""]:
            out[ctrl] = parts[2]
    return out


def _under(point: str, mount_root: str, path: str) -> Path | None:
    if mount_root != "/" and not (path == mount_root or path.startswith(mount_root.rstrip("/") + "/")):
        return None
    rel = path[len(mount_root):] if mount_root != "/" else path
    return Path(point) / rel.lstrip("/")


@lru_cache(maxsize=1)
def cgroup_layout() -> tuple[str, dict[str, Path], str]:
    """("v1", {controller: folder to create kernels' cgroups in}, "") or ("v2", {"": folder}, "")
    or ("", {}, why not)."""
    mounts = _mountinfo()
    own = _own_cgroups()
    v1: dict[str, Path] = {}
    for root, point, fstype, opts in mounts:
        if fstype != "cgroup":
            continue
        for ctrl in CGROUP_V1:
            if ctrl in opts and ctrl in own and ctrl not in v1:
                base = _under(point, root, own[ctrl])
                if base is not None and base.is_dir() and os.access(base, os.W_OK):
                    v1[ctrl] = base
    if "memory" in v1 and "pids" in v1:
        return "v1", v1, ""
    for root, point, fstype, _ in mounts:
        if fstype != "cgroup2" or "" not in own:
            continue
        base = _under(point, root, own[""])
        if base is None:
            continue
        try:
            have = set((base / "cgroup.controllers").read_text().split())
        except OSError:
            continue
        if {"memory", "pids"} <= have and os.access(base, os.W_OK):
            return "v2", {"": base}, ""
    if os.geteuid() != 0:
        why = "cgroups need root"
    elif not mounts:
        why = "no cgroup file system is mounted"
    else:
        missing = [c for c in ("memory", "pids") if c not in v1]
        why = (
            f"no writable cgroup v1 {'/'.join(missing)} controller and no cgroup v2 hierarchy with the "
            "memory and pids controllers delegated to this process"
        )
    return "", {}, why


def cgroup_problem() -> str:
    """One line saying what is degraded without cgroups and why, or '' when they work."""
    kind, _, why = cgroup_layout()
    if kind:
        return ""
    return (
        f"degraded: no cgroup per kernel ({why}): a kernel's memory and process limits are per "
        f"process (RLIMIT_AS at --memory + {ADDRESS_SLACK_MB} MiB, RLIMIT_NPROC), so one process can use "
        "more than --memory and its forked children can add up further, and it "
        "gets no fair CPU share against its neighbours"
    )


class Cgroup:
    """One cgroup per kernel start, created by root before the kernel runs, killed and removed after.

    Limits the resident memory of all its processes together (v1 ``memory.limit_in_bytes`` and
    ``memory.memsw.limit_in_bytes``; v2 ``memory.max`` and ``memory.swap.max``), their number
    (``pids.max``) and their CPU share (``cpu.shares`` / ``cpu.weight``: every kernel gets the same
    share however many processes it starts).
    """

    def __init__(self, limits: Limits, *, memory_mb: int | None = None, processes: int | None = None):
        import secrets

        kind, bases, why = cgroup_layout()
        if not kind:
            raise OSError(why)
        self.kind = kind
        self.name = f"mlsd-{os.getpid()}-{secrets.token_hex(6)}"
        self.dirs: dict[str, Path] = {}
        mem = int(memory_mb if memory_mb is not None else limits.memory_mb) * 1024 * 1024
        # RLIMIT_NPROC stops the kernel's uid first; the few root processes of the sandbox (the
        # launcher's bwrap) are counted here too, and a fork by root, for whom RLIMIT_NPROC does
        # not hold, is stopped by this
        procs = int(processes if processes is not None else limits.processes + CGROUP_EXTRA_PIDS)
        try:
            for ctrl, base in bases.items():
                d = base / self.name
                d.mkdir(mode=0o755)
                self.dirs[ctrl] = d
            if kind == "v1":
                self._set("memory", "memory.limit_in_bytes", mem)
                self._set("memory", "memory.memsw.limit_in_bytes", mem, optional=True)
                self._set("pids", "pids.max", procs)
                self._set("cpu", "cpu.shares", 1024, optional=True)
            else:
                parent = bases[""]
                try:
                    (parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
                except OSError:
                    (parent / "cgroup.subtree_control").write_text("+memory +pids")
                self._set("", "memory.max", mem)
                self._set("", "memory.swap.max", 0, optional=True)
                self._set("", "pids.max", procs)
                self._set("", "cpu.weight", 100, optional=True)
        except BaseException:
            self.remove()
            raise

    def _set(self, ctrl: str, name: str, value, optional: bool = False) -> None:
        d = self.dirs.get(ctrl)
        if d is None or not (d / name).exists():
            if optional:
                return
            raise OSError(f"cgroup file {name} is missing")
        (d / name).write_text(str(value))

    def launcher_args(self) -> list[str]:
        out = []
        for d in self.dirs.values():
            out += ["--cgroup", str(d)]
        return out

    def pids(self) -> list[int]:
        found: set[int] = set()
        for d in self.dirs.values():
            try:
                found |= {int(x) for x in (d / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return sorted(found)

    def stat(self, name: str) -> str:
        ctrl = "memory" if self.kind == "v1" else ""
        try:
            return (self.dirs[ctrl] / name).read_text().strip()
        except (OSError, KeyError):
            return ""

    def kill_all(self, timeout: float = 10.0) -> bool:
        """SIGKILL every process in the cgroup (frozen first, so none can fork meanwhile)."""
        import signal
        import time

        if self.kind == "v2" and (self.dirs[""] / "cgroup.kill").exists():
            try:
                (self.dirs[""] / "cgroup.kill").write_text("1")
            except OSError:
                pass
        freezer = self.dirs.get("freezer")
        end = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            if freezer is not None:
                try:
                    (freezer / "freezer.state").write_text("FROZEN")
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if freezer is not None:
                try:
                    (freezer / "freezer.state").write_text("THAWED")  # killed processes die on thaw
                except OSError:
                    pass
            if time.monotonic() > end:
                return False
            time.sleep(0.02)

    def remove(self, timeout: float = 5.0) -> bool:
        import time

        ok = True
        for d in list(self.dirs.values()):
            end = time.monotonic() + timeout
            while True:
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > end:
                        ok = False
                        break
                    time.sleep(0.05)
        self.dirs = {}
        return ok


def kernel_argv(
    *,
    conn_file: str,
    fs: KernelFS,
    work_in: Path,
    uid: int,
    limits: Limits,
    course_root: Path | None = None,
    extra_env: dict | None = None,
    cgroup: Cgroup | None = None,
    command: list[str] | None = None,
) -> list[str]:
    """The full command line of a sandboxed kernel (see the module docstring).

    ``command`` replaces the kernel (``ipykernel_launcher -f conn_file``) by another program run in
    the same sandbox (the probe and tests use it)."""
    argv = [sys.executable, "-I", "-S", str(Path(__file__).with_name("sandbox_launch.py"))]
    if cgroup is not None:
        argv += cgroup.launcher_args()
    argv += ["--", *prlimit_args(limits)]
    argv += [
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
    # file systems of its own first: a bind below /tmp must come after the one on /tmp
    argv += ["--proc", "/proc", "--dev", "/dev", *fs.bwrap_mounts()]
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
    for p in readonly_paths(course_root):
        argv += _dirs_for(p) + ["--ro-bind", str(p), str(p)]
    argv += fs.bwrap_binds(conn_file)
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
    ]
    if command is not None:
        return argv + command
    return argv + [
        "/bin/sh",
        "-c",
        f'cp -R {SUBMISSION_MOUNT}/. . 2>/dev/null; exec "$@"',
        "sh",
        *_ipykernel_argv(conn_file),
    ]


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
    from .files import remove_tree

    tmp = Path(tempfile.mkdtemp(prefix="mlsd-probe-"))
    uid, fd, fs, cg = None, None, None, None
    try:
        uid, fd = claim_uid()
        work = tmp / "work"
        work.mkdir()
        os.chmod(work, 0o755)
        limits = Limits()
        fs = KernelFS(uid, limits, runtime_parent())
        conn = fs.dir / "probe.json"
        _write_new(conn, "{}", 0o440, uid)
        try:
            cg = Cgroup(limits)
        except OSError:
            cg = None  # reported by cgroup_problem()
        code = (
            "import os, socket, ipykernel, course.checks; assert os.getuid() != 0; "
            "assert not os.path.exists('/root/.bashrc') or os.getuid() != 0\n"
            "try:\n socket.create_connection(('1.1.1.1', 53), timeout=2); print('NET')\n"
            "except OSError: print('OK')"
        )
        argv = kernel_argv(
            conn_file=str(conn),
            fs=fs,
            work_in=work,
            uid=uid,
            limits=limits,
            course_root=Path(course_root) if course_root else None,
            cgroup=cg,
            command=[sys.executable, "-c", code],
        )
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        out = proc.stdout.strip()
        if proc.returncode != 0 or out not in ("OK", "NET"):
            problems.append(_probe_failure((proc.stderr or proc.stdout).strip()))
        elif out == "NET":
            problems.append("a test sandbox could still reach the network; the grader refuses to run")
    except SandboxUnavailable as exc:
        problems += exc.problems
    except (OSError, subprocess.SubprocessError) as exc:
        problems.append(f"a test sandbox could not start: {exc}")
    finally:
        if cg is not None:
            cg.kill_all()
            cg.remove()
        if fs is not None:
            fs.destroy()
        if fd is not None:
            os.close(fd)
        remove_tree(tmp)
    return Probe(not problems, problems)


def _probe_failure(text: str) -> str:
    """What a failed test sandbox means, from what it printed: its real cause, not a guess."""
    detail = " | ".join(text.splitlines()[-3:]) or "no output"
    if "No module named" in text or "ImportError" in text:
        return (
            f"inside the sandbox the kernel's Python could not import what it needs ({detail}); the grader "
            f"gives it the course package at {_course_package_dir()} and the virtualenv at {sys.prefix}: "
            "check that this virtualenv has the course's requirements installed (make test, or "
            "pip install -r requirements.txt)"
        )
    if "bwrap:" in text:
        return (
            f"bubblewrap could not build the sandbox ({detail}). In a container, run it with --privileged "
            "(bwrap needs to mount); with AppArmor or SELinux, allow bwrap to create namespaces"
        )
    if "setpriv" in text or "prlimit" in text:
        return f"switching the test sandbox to its uid or limits failed ({detail})"
    return f"a test sandbox failed ({detail})"


def sandbox_problems(course_root: Path | None = None) -> list[str]:
    """Why the sandbox cannot run here (with the fix for each), or an empty list when it can."""
    return list(_probe(str(course_root) if course_root else None).problems)


def degraded_features() -> list[str]:
    """One line for each protection that works only in part on this machine, saying why."""
    out = []
    why = cgroup_problem()
    if why:
        out.append(why)
    try:
        probe_dir = Path(tempfile.mkdtemp(prefix="mlsd-mnt-", dir=runtime_parent()))
    except (OSError, SandboxUnavailable):
        return out
    try:
        mount_tmpfs(probe_dir, size_bytes=1024 * 1024, inodes=16)
        unmount(probe_dir)
    except OSError as exc:
        out.append(
            f"degraded: no tmpfs of its own per kernel ({exc.strerror}): a kernel's files are capped "
            "in size (bwrap tmpfs) but not in number of files"
        )
    finally:
        try:
            probe_dir.rmdir()
        except OSError:
            pass
    return out


def policy_summary(limits: Limits) -> str:
    return json.dumps(limits.to_json())


# --- a sandboxed kernel ---------------------------------------------------------------------------


class SandboxedKernel(KernelProcess):
    """A :class:`~course.grading.executor.KernelProcess` whose every start gets a fresh
    :class:`KernelFS` and :class:`Cgroup`, both torn down by :meth:`kill` (and so on every restart).

    Nothing of the kernel's can stop a later start or a later job: the teardown never raises, and
    what it could not clean up is listed in ``cleanup_problems``.
    """

    def __init__(
        self,
        *,
        work_in: Path,
        uid: int,
        limits: Limits,
        exec_limits,
        course_root: Path | None = None,
        extra_env: dict | None = None,
        parent: Path | None = None,
        use_cgroup: bool = True,
    ):
        self.parent = Path(parent) if parent is not None else runtime_parent()
        super().__init__(
            self._argv,
            runtime_dir=self.parent,
            cwd=str(work_in),
            env=None,
            limits=exec_limits,
            prepare=self._prepare,
        )
        self.work_in = Path(work_in)
        self.uid = uid
        self.sandbox_limits = limits
        self.course_root = course_root
        self.extra_env = extra_env
        self.use_cgroup = use_cgroup
        self.fs: KernelFS | None = None
        self.cgroup: Cgroup | None = None
        self.degraded: list[str] = []
        self.cleanup_problems: list[str] = []
        self.starts = 0

    def start(self) -> None:
        self._teardown()
        self.starts += 1
        self.fs = KernelFS(self.uid, self.sandbox_limits, self.parent)
        if self.fs.degraded and self.fs.degraded not in self.degraded:
            self.degraded.append(self.fs.degraded)
        if self.use_cgroup:
            try:
                self.cgroup = Cgroup(self.sandbox_limits)
            except OSError as exc:
                why = cgroup_problem() or f"degraded: no cgroup for this kernel ({exc})"
                if why not in self.degraded:
                    self.degraded.append(why)
        self.runtime_dir = self.fs.dir
        self.socket_dir = self.fs.ipc
        super().start()

    def _argv(self, conn: str) -> list[str]:
        return kernel_argv(
            conn_file=conn,
            fs=self.fs,
            work_in=self.work_in,
            uid=self.uid,
            limits=self.sandbox_limits,
            course_root=self.course_root,
            extra_env=self.extra_env,
            cgroup=self.cgroup,
        )

    def _prepare(self, conn: Path) -> None:
        self.fs.protect_connection_file(conn)

    def kill(self) -> None:
        try:
            if self.cgroup is not None:
                self.cgroup.kill_all()
        except Exception as exc:  # noqa: BLE001
            self.cleanup_problems.append(f"cgroup kill: {exc}")
        try:
            super().kill()
        finally:
            self._teardown()

    def _teardown(self) -> None:
        try:
            if self.cgroup is not None:
                cg, self.cgroup = self.cgroup, None
                if not cg.kill_all():
                    self.cleanup_problems.append(f"processes left in cgroup {cg.name}")
                if not cg.remove():
                    self.cleanup_problems.append(f"could not remove cgroup {cg.name}")
        except Exception as exc:  # noqa: BLE001 - a cleanup never fails a job
            self.cleanup_problems.append(f"cgroup: {type(exc).__name__}: {exc}")
        try:
            if self.fs is not None:
                fs, self.fs = self.fs, None
                fs.destroy(self.cleanup_problems)
        except Exception as exc:  # noqa: BLE001
            self.cleanup_problems.append(f"runtime folder: {type(exc).__name__}: {exc}")
