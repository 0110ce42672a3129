"""The kernel sandbox: unprivileged, limited, offline, sees only its own files, leaves nothing behind."""

import os
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.grading import sandbox
from course.grading.executor import ExecLimits, Executor
from hostile import pids_with_uid

PROBLEMS = sandbox.sandbox_problems() if sys.platform.startswith("linux") else ["not Linux"]
needs_sandbox = pytest.mark.skipif(bool(PROBLEMS), reason="sandbox unavailable here: " + "; ".join(PROBLEMS))


def procs_of(uid: int) -> list[int]:
    return pids_with_uid(uid)


@pytest.fixture
def sandboxed(tmp_path):
    """run(sources, **limits) -> (cells, statuses, executor, uid) in a sandboxed kernel."""
    claimed = []
    kernels = []

    def run(sources, *, limits=None, course_root=None, **exec_limits):
        uid, fd = sandbox.claim_uid()
        claimed.append(fd)
        work = tmp_path / "work"
        work.mkdir(exist_ok=True)
        (work / "data.txt").write_text("shipped data")
        os.chmod(work, 0o755)
        os.chmod(work / "data.txt", 0o644)
        lim = limits or sandbox.Limits(memory_mb=1024, processes=64, file_size_mb=16, disk_mb=64)
        el = ExecLimits(**{"cell_timeout": 5, "interrupt_grace": 2, "notebook_timeout": 90, **exec_limits})
        kp = sandbox.SandboxedKernel(work_in=work, uid=uid, limits=lim, exec_limits=el, course_root=course_root)
        kernels.append(kp)
        cells = [nbformat.v4.new_code_cell(s) for s in sources]
        ex = Executor(kp, el)
        statuses = ex.run(cells)
        return cells, statuses, ex, uid

    yield run
    for fd in claimed:
        os.close(fd)
    for kp in kernels:
        assert kp.fs is None and kp.cgroup is None and kp.cleanup_problems == [], kp.cleanup_problems


def out(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errs(cell) -> list[str]:
    return [o.ename for o in cell.outputs if o.output_type == "error"]


pytestmark = [pytest.mark.slow, pytest.mark.sandbox]


@needs_sandbox
def test_unprivileged_offline_and_blind_to_the_course(sandboxed, tmp_path):
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    (course / "source" / "secret.ipynb").write_text("hidden tests")
    (course / "gradebook.db").write_text("grades")
    cells, st, _, uid = sandboxed(
        [
            "import os, sys\nprint(os.getuid(), os.getgid(), os.getgroups())",
            f"import os\nfor p in [{str(course / 'source' / 'secret.ipynb')!r}, {str(course / 'gradebook.db')!r}, "
            "'/etc/shadow', '/root/.bashrc', '/work/main/source', '/work/main/gradebook.db']:\n"
            "    print(p, os.path.exists(p))",
            "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=3)\n    print('NET OK')\n"
            "except OSError as e:\n    print('no network', type(e).__name__)",
            "print(sorted(os.listdir('.')), open('data.txt').read())",
            "print(len([p for p in os.listdir('/proc') if p.isdigit()]) < 10)",
            "try:\n    open(sys.prefix + '/pwned', 'w')\nexcept OSError as e:\n    print('read-only', e.errno)",
        ],
        course_root=course,
    )
    assert st == ["ok"] * 6, [c.outputs for c in cells]
    assert out(cells[0]).split()[0] == str(uid) and uid != 0
    assert "True" not in out(cells[1]), out(cells[1])
    assert "no network" in out(cells[2])
    assert "data.txt" in out(cells[3]) and "shipped data" in out(cells[3])
    assert out(cells[4]).strip() == "True", "only its own processes are visible"
    assert "read-only" in out(cells[5])


@needs_sandbox
def test_resource_limits_are_applied(sandboxed):
    lim = sandbox.Limits(
        memory_mb=768, cpu_seconds=300, processes=48, file_size_mb=8, open_files=200, disk_mb=40
    )
    cells, st, _, _ = sandboxed(
        [
            "import resource as r\nprint(r.getrlimit(r.RLIMIT_AS)[0] >> 20, r.getrlimit(r.RLIMIT_CPU)[0], "
            "r.getrlimit(r.RLIMIT_NPROC)[0], r.getrlimit(r.RLIMIT_FSIZE)[0] >> 20, r.getrlimit(r.RLIMIT_NOFILE)[0], "
            "r.getrlimit(r.RLIMIT_CORE)[0])",
            "try:\n    x = bytearray(4 * 1024**3)\nexcept MemoryError:\n    print('MemoryError')",
            "import mmap\nm = mmap.mmap(-1, 1536 << 20)\nprint('reserved', len(m) >> 20)",
            "try:\n    open('big', 'wb').write(b'0' * (20 * 1024**2))\nexcept OSError as e:\n    print('fsize', e.errno)",
            "import os\ntry:\n    for i in range(100):\n        open(f'f{i}', 'wb').write(b'0' * (7 * 1024**2))\n"
            "except OSError as e:\n    print('disk', e.errno, i)",
            "fds = []\ntry:\n    for i in range(10000):\n        fds.append(open('data.txt'))\nexcept OSError as e:\n"
            "    print('nofile', e.errno)\nfor f in fds: f.close()",
        ],
        limits=lim,
    )
    assert st == ["ok"] * 6, [c.outputs for c in cells]
    assert out(cells[0]).split() == [str(768 + sandbox.ADDRESS_SLACK_MB), "300", "48", "8", "200", "0"]
    assert "MemoryError" in out(cells[1])
    # reserving is not using: twice --memory of address space, never touched, is allowed (the
    # cgroup caps what is used: test_cgroup_limits_the_memory_of_forked_children_together)
    assert out(cells[2]).strip() == "reserved 1536"
    assert out(cells[3]).strip() == "fsize 27"
    words = out(cells[4]).split()
    assert words[:2] == ["disk", "28"] and int(words[2]) < 10, "the home is a small tmpfs, not the host disk"
    assert out(cells[5]).strip() == "nofile 24"


@needs_sandbox
def test_fork_storm_hits_the_process_limit_and_dies_with_the_kernel(sandboxed):
    cells, st, _, uid = sandboxed(
        [
            "import os, time\nkids = 0\ntry:\n    for i in range(1000):\n        if os.fork() == 0:\n"
            "            time.sleep(600)\n            os._exit(0)\n        kids += 1\nexcept OSError as e:\n"
            "    print('stopped', kids, type(e).__name__)",
            "print('kernel alive')",
        ]
    )
    words = out(cells[0]).split()
    assert words[0] == "stopped" and int(words[1]) < 64
    assert out(cells[1]).strip() == "kernel alive"
    time.sleep(0.5)
    assert procs_of(uid) == [], "every forked process died with the kernel"


@needs_sandbox
def test_a_daemon_does_not_outlive_its_kernel(sandboxed):
    cells, st, _, uid = sandboxed(
        [
            "import os, signal, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n        signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
            "        time.sleep(3600)\n    os._exit(0)\ntime.sleep(0.5)\nprint('daemon started')",
        ]
    )
    assert "daemon started" in out(cells[0])
    time.sleep(0.5)
    assert procs_of(uid) == []


@needs_sandbox
def test_killing_everything_it_can_reach_only_kills_itself(sandboxed):
    me = os.getpid()
    cells, st, ex, _ = sandboxed(
        [
            "x = 7",
            f"import os, signal\nfor pid in (os.getppid(), 1, {me}):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError as e:\n        print(pid, type(e).__name__)\n",
            "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError as e:\n    print(type(e).__name__)",
            "os.kill(os.getpid(), signal.SIGKILL)",
            "print('still graded', x)",
        ]
    )
    assert st[:2] == ["ok", "ok"], [c.outputs for c in cells]
    assert out(cells[1]).split() == [
        "1",
        "PermissionError",
        "1",
        "PermissionError",
        str(me),
        "ProcessLookupError",
    ]
    assert st[3] == "died" and "DeadKernelError" in errs(cells[3])
    assert out(cells[4]).strip() == "still graded 7"
    assert os.getpid() == me


@needs_sandbox
def test_cpu_time_limit_kills_a_runaway_kernel(sandboxed):
    lim = sandbox.Limits(memory_mb=1024, cpu_seconds=2, processes=64)
    cells, st, ex, _ = sandboxed(["while True: pass", "print('next')"], limits=lim, cell_timeout=30)
    assert st[0] == "died", [e.kind for e in ex.events]
    assert out(cells[1]).strip() == "next"


def test_problems_say_why_and_how_to_fix(monkeypatch):
    sandbox._probe.cache_clear()
    try:
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
        monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
        problems = sandbox.sandbox_problems()
        assert any("bubblewrap is not installed" in p and "apt-get install bubblewrap" in p for p in problems)
        assert any("util-linux" in p for p in problems)
        sandbox._probe.cache_clear()
        monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
        assert any("needs root" in p and "--no-sandbox" in p for p in sandbox.sandbox_problems())
        sandbox._probe.cache_clear()
        monkeypatch.setattr(sandbox.sys, "platform", "darwin")
        assert any("Linux" in p and "--no-sandbox" in p for p in sandbox.sandbox_problems())
    finally:
        sandbox._probe.cache_clear()


def test_readonly_paths_never_expose_the_course_root():
    root = Path(sys.prefix).resolve().parent  # the checkout holding .venv
    for p in sandbox.readonly_paths(root):
        assert not (root == p or root.is_relative_to(p)), p


# --- hygiene: removal, runtime folders, cgroups, keyrings ------------------------------------------

from course.grading.files import remove_tree  # noqa: E402


def _nested(base: Path, depth: int) -> Path:
    """depth nested folders under base, built with relative paths (an absolute one would be too long)."""
    base.mkdir(parents=True)
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = new
            with open(os.open("f", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
                f.write("x")
    finally:
        os.close(fd)
    return base


def test_remove_tree_survives_3000_nested_folders():
    import shutil
    import tempfile

    # not under tmp_path: pytest removes old base folders with shutil.rmtree, which this tree breaks
    base = Path(tempfile.mkdtemp(prefix="mlsd-deep-"))
    try:
        _nested(base / "deep", 3000)
        with pytest.raises(RecursionError):  # what broke every later job on a worker
            shutil.rmtree(_nested(base / "deep2", 3000), ignore_errors=True)
        start = time.monotonic()
        problems = []
        assert remove_tree(base / "deep", problems=problems), problems
        assert not (base / "deep").exists() and problems == []
        assert time.monotonic() - start < 60
    finally:
        assert remove_tree(base)
    assert not base.exists()


def test_remove_tree_never_follows_links(tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "gradebook.db").write_text("grades")
    os.chmod(keep / "gradebook.db", 0o444)
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    os.symlink(keep / "gradebook.db", tree / "a" / "link-to-file")
    os.symlink(keep, tree / "a" / "b" / "link-to-dir")
    os.symlink(keep, tmp_path / "top-link")
    assert remove_tree(tree) and not tree.exists()
    assert remove_tree(tmp_path / "top-link") and not (tmp_path / "top-link").is_symlink()
    assert (keep / "gradebook.db").read_text() == "grades"
    assert oct((keep / "gradebook.db").stat().st_mode & 0o777) == "0o444", "no chmod through a link"
    assert remove_tree(tmp_path / "absent")


def test_remove_tree_as_an_unprivileged_user_with_unreadable_folders(tmp_path):
    """Folders without read, write or search permission (what a kernel's uid can make)."""
    import subprocess
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="mlsd-rmtest-"))
    os.chmod(base, 0o755)
    os.chown(base, 65534, 65534)
    code = (
        "import os, sys\n"
        "from course.grading.files import remove_tree\n"
        f"b = {str(base)!r} + '/t'\n"
        "os.makedirs(b + '/x/y/z'); open(b + '/x/y/z/f', 'w').close(); open(b + '/x/g', 'w').close()\n"
        "os.chmod(b + '/x/y/z', 0); os.chmod(b + '/x/y', 0o100); os.chmod(b + '/x', 0o500); os.chmod(b, 0o500)\n"
        "p = []\nprint(remove_tree(b, problems=p), p, os.path.exists(b))\n"
    )
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code]
    else:
        pytest.skip("needs root to run as another user")
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, env={**os.environ, "MPLCONFIGDIR": str(base)})
        assert proc.stdout.split("\n")[0] == "True [] False", proc.stdout + proc.stderr
    finally:
        remove_tree(base)


cgroups = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not sandbox.cgroup_layout()[0],
    reason="no cgroups here: " + (sandbox.cgroup_problem() if sys.platform.startswith("linux") else "not Linux"),
)


def _in_cgroup(cg, code: str, timeout=60):
    import subprocess

    argv = [
        sys.executable, "-I", "-S", str(Path(sandbox.__file__).with_name("sandbox_launch.py")),
        *cg.launcher_args(), "--", sys.executable, "-c", code,
    ]  # fmt: skip
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


@cgroups
def test_cgroup_limits_the_memory_of_forked_children_together():
    """300 MB across 3 forked children under a 200 MB limit: killed (RLIMIT_AS would allow it)."""
    cg = sandbox.Cgroup(sandbox.Limits(memory_mb=200, processes=64))
    try:
        code = (
            "import os, time\nkids = []\nfor i in range(3):\n    pid = os.fork()\n    if pid == 0:\n"
            "        hog = bytearray(100 * 1024 * 1024)\n        for j in range(0, len(hog), 4096):\n"
            "            hog[j] = 1\n        time.sleep(3)\n        os._exit(0)\n    kids.append(pid)\n"
            "for pid in kids:\n    print(os.waitpid(pid, 0)[1] & 0x7f)\n"
        )
        proc = _in_cgroup(cg, code)
        signals = [int(x) for x in proc.stdout.split()]
        assert len(signals) == 3, proc.stdout + proc.stderr
        assert 9 in signals, f"no child was killed: {signals}"
        peak = int(cg.stat("memory.max_usage_in_bytes") or cg.stat("memory.peak") or 0)
        assert peak <= 201 * 1024 * 1024, peak
    finally:
        assert cg.kill_all()
        assert cg.remove()


@cgroups
def test_cgroup_caps_a_fork_bomb_and_kills_it_as_a_whole():
    """Run as root (RLIMIT_NPROC does not hold for root): only pids.max stops it."""
    cg = sandbox.Cgroup(sandbox.Limits(memory_mb=512, processes=40))
    try:
        code = (
            "import os, time, sys\nn = 0\ntry:\n    for i in range(1000):\n        if os.fork() == 0:\n"
            "            os.setsid()\n            os.close(1)\n            os.close(2)\n            time.sleep(600)\n"
            "            os._exit(0)\n        n += 1\n"
            "except OSError as e:\n    print('stopped', n, e.errno)\nsys.stdout.flush()\nos._exit(0)\n"
        )
        proc = _in_cgroup(cg, code)
        words = proc.stdout.split()
        assert words[0] == "stopped" and int(words[1]) < 40 + sandbox.CGROUP_EXTRA_PIDS, proc.stdout + proc.stderr
        assert len(cg.pids()) >= 30, "the sleeping children outlived their parent (setsid)"
        assert cg.kill_all() and cg.pids() == []
    finally:
        cg.kill_all()
        assert cg.remove()


@cgroups
def test_cgroup_gives_each_kernel_one_cpu_share():
    cg = sandbox.Cgroup(sandbox.Limits())
    try:
        if cg.kind == "v1":
            assert (cg.dirs["cpu"] / "cpu.shares").read_text().strip() == "1024"
            assert (cg.dirs["pids"] / "pids.max").read_text().strip() == str(
                sandbox.Limits().processes + sandbox.CGROUP_EXTRA_PIDS
            )
            assert int((cg.dirs["memory"] / "memory.limit_in_bytes").read_text()) == 4096 * 1024 * 1024
    finally:
        cg.remove()


KEYS = (
    "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "NR = {'x86_64': (248, 249), 'aarch64': (217, 218)}[os.uname().machine]\n"
    "def add(ring):\n    r = libc.syscall(NR[0], b'user', b'mlsd-note', b'from-before', 11, ring)\n"
    "    return r, ctypes.get_errno()\n"
    "def req():\n    r = libc.syscall(NR[1], b'user', b'mlsd-note', None, 0)\n    return r, ctypes.get_errno()\n"
)


@needs_sandbox
def test_no_keyring_is_shared_between_jobs_of_one_uid(sandboxed):
    cells, st, _, uid1 = sandboxed([KEYS + "print('add', add(-4), add(-3), add(-5))"])  # @u, @s, @us
    words = out(cells[0])
    assert words.count("(-1, 1)") == 3, words  # EPERM for every keyring
    cells, st, _, _ = sandboxed([KEYS + "print('req', req())"])
    assert "(-1, 1)" in out(cells[0]), out(cells[0])


@needs_sandbox
def test_the_kernel_cannot_touch_what_root_writes(sandboxed, tmp_path):
    """Its connection and identity files are root's, read-only, in a folder it cannot modify;
    every start has a runtime folder of its own, removed when the kernel is killed."""
    code = (
        "import os, sys, json\nconn = sys.argv[sys.argv.index('-f') + 1]\nd = os.path.dirname(conn)\n"
        "print('DIR', d)\nipc = os.path.dirname(json.load(open(conn))['ip'])\nres = []\n"
        "for target in (conn, '/etc/passwd', '/etc/group'):\n    try:\n        open(target, 'a').write('x')\n"
        "        res.append('WROTE ' + target)\n    except OSError as e:\n        res.append(e.errno)\n"
        "for name in ('passwd', 'group', 'new'):\n    try:\n        os.symlink('/etc/shadow', os.path.join(d, name))\n"
        "        res.append('LINKED')\n    except OSError as e:\n        res.append(e.errno)\n"
        "for name in ('passwd', 'group'):\n    os.symlink('/etc/shadow', os.path.join(ipc, name))\n"
        "print(res, os.stat(d).st_uid, oct(os.stat(conn).st_mode & 0o777))\n"
    )
    cells, st, ex, uid = sandboxed(
        [code, "import os\nos._exit(1)", code, "n = 0\ntry:\n    while True:\n        open(f'i{n}', 'w').close()\n"
         "        n += 1\nexcept OSError as e:\n    print('inodes', n, e.errno)"]
    )  # fmt: skip
    first, second = out(cells[0]), out(cells[2])
    assert "WROTE" not in first + second and "LINKED" not in first + second, first
    assert "0o440" in first
    dirs = [o.split("DIR ")[1].split()[0] for o in (first, second)]
    assert dirs[0] != dirs[1], "a fresh runtime folder for every start"
    assert not any(Path(d).exists() for d in dirs), "removed after the kernel"
    words = out(cells[3]).split()
    assert words[0] == "inodes" and int(words[1]) < sandbox.Limits().inodes and words[2] == "28", words


ERROR_FLOOD = (
    "ip = get_ipython()\nfor i in range(300):\n    try:\n        raise ValueError(f'boom {i} ' + 'x' * 400_000)\n"
    "    except ValueError:\n        ip.showtraceback()\nraise KeyError('last')"
)


def test_error_outputs_count_against_the_output_caps(tmp_path):
    """300 tracebacks of 400 kB made a 57 MiB notebook; errors are capped like any output, and
    every flooded cell keeps its first error (so nbgrader still fails it)."""
    import json

    from course.grading.executor import KernelProcess

    lim = ExecLimits(cell_timeout=60, notebook_timeout=120, cell_output_bytes=1_000_000, notebook_output_bytes=2_500_000)
    kp = KernelProcess(sandbox.plain_kernel_argv, runtime_dir=tmp_path / "rt", cwd=str(tmp_path), env=None, limits=lim)
    cells = [nbformat.v4.new_code_cell(ERROR_FLOOD) for _ in range(4)] + [nbformat.v4.new_code_cell("print('after')")]
    ex = Executor(kp, lim)
    st = ex.run(cells)
    assert st == ["error"] * 4 + ["ok"]
    sizes = [len(json.dumps(c.outputs)) for c in cells]
    assert all(s < 1_300_000 for s in sizes), sizes
    assert sum(sizes) < 3_000_000, sizes
    for c in cells[:4]:
        first = next(o for o in c.outputs if o.output_type == "error")
        assert first.ename == "ValueError" and first.evalue.startswith("boom 0")
        assert any("truncated by the grader" in o.get("text", "") for o in c.outputs)
    assert "after" in out(cells[4])
    assert any(e.kind == "truncated" for e in ex.events)


ABI_PROBE = (
    "import ctypes, mmap\n"
    # push rbx; mov eax, 286 (i386 add_key); zero ebx..edi; int 0x80; pop rbx; ret
    "code = bytes([0x53, 0xB8, 0x1E, 0x01, 0, 0, 0x31, 0xDB, 0x31, 0xC9, 0x31, 0xD2, 0x31, 0xF6, 0x31, 0xFF,"
    " 0xCD, 0x80, 0x5B, 0xC3])\n"
    "m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\nm.write(code)\n"
    "f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "r = libc.syscall(0x40000000 | 248, 0, 0, 0, 0, 0)\n"
    "print(f(), r, ctypes.get_errno(), libc.syscall(248, 0, 0, 0, 0, 0), ctypes.get_errno())\n"
)


@pytest.mark.skipif(os.uname().machine != "x86_64" or os.geteuid() != 0, reason="x86-64 system-call tables, as root")
def test_the_keyring_filter_covers_the_i386_and_x32_system_call_tables():
    import subprocess

    launch = str(Path(sandbox.__file__).with_name("sandbox_launch.py"))
    plain = subprocess.run([sys.executable, "-c", ABI_PROBE], capture_output=True, text=True, timeout=60)
    filtered = subprocess.run(
        [sys.executable, "-I", "-S", launch, "--", sys.executable, "-c", ABI_PROBE], capture_output=True, text=True, timeout=60
    )
    assert filtered.returncode == 0, filtered.stderr
    assert filtered.stdout.split() == ["-1", "-1", "1", "-1", "1"], (plain.stdout, filtered.stdout)  # EPERM
    assert plain.stdout.split()[0] != "-1", "without the filter, i386 add_key gets as far as its arguments"


@needs_sandbox
def test_without_its_own_tmpfs_or_cgroup_a_kernel_still_runs_and_says_what_is_degraded(sandboxed, monkeypatch):
    import errno

    def no_mount(*a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(sandbox, "mount_tmpfs", no_mount)
    monkeypatch.setattr(sandbox, "cgroup_layout", lambda: ("", {}, "no cgroup file system is mounted"))
    cells, st, ex, _ = sandboxed(["print(open('data.txt').read())"])
    assert st == ["ok"] and "shipped data" in out(cells[0])
    kp = ex.kernel
    assert any("tmpfs" in d for d in kp.degraded) and any("no cgroup per kernel" in d for d in kp.degraded)
    line = sandbox.cgroup_problem()
    assert "\n" not in line and "no cgroup file system is mounted" in line and "--memory" in line
    assert any("tmpfs" in d for d in sandbox.degraded_features())


def test_probe_failures_name_their_real_cause():
    """A failed test sandbox is explained by what it printed, not blamed on bubblewrap by default."""
    from course.grading.sandbox import _probe_failure

    missing = _probe_failure("Traceback (most recent call last):\nModuleNotFoundError: No module named 'course'")
    assert "could not import" in missing and "--privileged" not in missing
    assert "--privileged" in _probe_failure("bwrap: Creating new namespace failed: Operation not permitted")
    assert "uid or limits" in _probe_failure("setpriv: setresuid failed: Operation not permitted")


def test_the_kernel_imports_the_course_package_the_grader_runs():
    """Whatever the virtualenv's editable install points at, the kernel gets this grader's `course`."""
    import course
    from course.grading.sandbox import Limits, kernel_env, readonly_paths

    here = Path(course.__file__).resolve().parent
    env = kernel_env(Limits(), "/tmp")
    assert env["PYTHONPATH"] == str(here.parent)
    assert here in readonly_paths() or any(here.is_relative_to(p) for p in readonly_paths())


@needs_sandbox
def test_a_plot_in_the_sandbox_writes_nothing_to_stderr(sandboxed):
    """matplotlib asks fontconfig for the system fonts; without /etc/fonts in view, fontconfig printed
    an error into the first cell of every submission's feedback."""
    cells, st, _, _ = sandboxed(
        [
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], [3, 1])\n"
            "ax.set_title('fonts')\nfig.savefig('/tmp/f.png')\nprint('drawn')"
        ],
    )
    assert st == ["ok"], cells[0].outputs
    assert [o for o in cells[0].outputs if o.get("name") == "stderr"] == [], cells[0].outputs
    assert out(cells[0]).strip() == "drawn"
