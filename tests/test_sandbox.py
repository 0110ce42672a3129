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
            "try:\n    x = bytearray(2 * 1024**3)\nexcept MemoryError:\n    print('MemoryError')",
            "try:\n    open('big', 'wb').write(b'0' * (20 * 1024**2))\nexcept OSError as e:\n    print('fsize', e.errno)",
            "import os\ntry:\n    for i in range(100):\n        open(f'f{i}', 'wb').write(b'0' * (7 * 1024**2))\n"
            "except OSError as e:\n    print('disk', e.errno, i)",
            "fds = []\ntry:\n    for i in range(10000):\n        fds.append(open('data.txt'))\nexcept OSError as e:\n"
            "    print('nofile', e.errno)\nfor f in fds: f.close()",
        ],
        limits=lim,
    )
    assert st == ["ok"] * 5, [c.outputs for c in cells]
    assert out(cells[0]).split() == ["768", "300", "48", "8", "200", "0"]
    assert "MemoryError" in out(cells[1])
    assert out(cells[2]).strip() == "fsize 27"
    words = out(cells[3]).split()
    assert words[:2] == ["disk", "28"] and int(words[2]) < 10, "the home is a small tmpfs, not the host disk"
    assert out(cells[4]).strip() == "nofile 24"


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
