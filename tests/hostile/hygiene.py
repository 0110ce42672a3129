"""Attacks on the sandbox's hygiene (each one was run against this grader, or is what a student who
has read its code would try next), graded as one class next to honest neighbours.

Every attack is a blank release notebook with the attack in the first answer cell, so its points must
be those of the blank notebook (0). ``VICTIMS`` are graded first, alone; then the attackers and the
``NEIGHBOURS`` (graded at the same time as the attackers) are added. The victims' scores, archives and
autograded files must not change; the neighbours must get full points.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from . import toy

VICTIMS = ["victim_full", "victim_blank"]
NEIGHBOURS = ["ac_neighbour_1", "ac_neighbour_2", "ac_neighbour_3", "zz_neighbour_4", "zz_neighbour_5"]
SPINNERS = "ab_spinners"  # graded while ac_neighbour_* are (two workers, in name order)
BACKDATED = "2020-01-01 00:00:00.000000 UTC"


def _attack(code: str) -> nbformat.NotebookNode:
    """The release notebook with ``code`` in the first answer cell (the other answers blank)."""
    return toy.with_answers(toy.release(), ch99_add=code)


def victim_paths(root: Path) -> dict[str, Path]:
    root = Path(root)
    arch = root / "archive" / "victim_full" / toy.ASSIGNMENT
    digest = next(p for p in arch.iterdir() if p.is_dir() and not p.name.startswith("."))
    return {
        "gradebook": root / "gradebook.db",
        "archive_file": digest / f"{toy.ASSIGNMENT}.ipynb",
        "archive_dir": digest,
        "autograded": root / "autograded" / "victim_full" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb",
        "config": root / "nbgrader_config.py",
    }


def build(root: Path) -> dict:
    """student -> notebook or callable(folder); the victims must already be graded (paths known)."""
    v = {k: str(p) for k, p in victim_paths(root).items()}
    cases: dict = {}

    # 1. root writes through the kernel's folder: replace whatever root might write (identity
    # files, connection file, anything in the folders it can see) by links to the gradebook and
    # another student's read-only archive, then die so that the grader restarts the kernel.
    links = {"passwd": v["gradebook"], "group": v["archive_file"], "kernel.json": v["autograded"]}
    cases["aa_identity_links"] = _attack(
        "import os, sys, json, glob\n"
        "conn = sys.argv[sys.argv.index('-f') + 1]\n"
        "ipc = os.path.dirname(json.load(open(conn))['ip'])\n"
        f"links = {links!r}\n"
        "done = []\n"
        "for d in {os.path.dirname(conn), ipc, os.getcwd(), '/tmp', '/etc', '/dev/shm'}:\n"
        "    for name, target in links.items():\n"
        "        p = os.path.join(d, name)\n"
        "        try:\n"
        "            if os.path.lexists(p):\n"
        "                os.unlink(p)\n"
        "            os.symlink(target, p)\n"
        "            done.append(p)\n"
        "        except OSError:\n"
        "            pass\n"
        "for p in (conn, '/etc/passwd', '/etc/group'):\n"
        "    try:\n"
        "        open(p, 'w').write('owned')\n"
        "        print('WROTE', p)\n"
        "    except OSError as e:\n"
        "        print('refused', p, e.errno)\n"
        "print('LINKS', done)\n"
        "sys.stdout.flush()\n"
        "import time\n"
        "time.sleep(1.5)  # let the kernel's output thread deliver what was printed before dying\n"
        "os._exit(1)"
    )

    # 3. cleanup that survives any tree: 3,000 nested folders (and unreadable ones, and links out)
    # everywhere it can write, then die (restart) -- every later job on this worker must still run.
    deep = (
        "import os, sys, json\n"
        "conn = sys.argv[sys.argv.index('-f') + 1]\n"
        "ipc = os.path.dirname(json.load(open(conn))['ip'])\n"
        "made = []\n"
        "for base in (ipc, os.path.expanduser('~'), '/tmp', '/dev/shm'):\n"
        "    try:\n"
        "        fd = os.open(base, os.O_RDONLY)\n"
        "        for i in range(3000):\n"
        "            os.mkdir('d', dir_fd=fd)\n"
        "            new = os.open('d', os.O_RDONLY, dir_fd=fd)\n"
        "            os.close(fd)\n"
        "            fd = new\n"
        f"        os.symlink({v['gradebook']!r}, 'gradebook.db', dir_fd=fd)\n"
        "        os.mkdir('locked', dir_fd=fd)\n"
        "        os.close(fd)\n"
        "        made.append(base)\n"
        "    except OSError as e:\n"
        "        print('stopped in', base, e.errno)\n"
        "print('DEEP', made)\n"
        "n = 0\n"
        "try:\n"
        "    while n < 200000:\n"
        "        open(f'/tmp/i{n}', 'w').close()\n"
        "        n += 1\n"
        "except OSError as e:\n"
        "    print('inodes stopped after', n, e.errno)\n"
        "sys.stdout.flush()\n"
        "import time\n"
        "time.sleep(0.5)  # let the kernel's output thread deliver what was printed before dying\n"
        "os._exit(1)"
    )
    cases["aa_deep_tree"] = _attack(deep)
    cases["ad_deep_tree_again"] = _attack(deep)

    # 4. one cgroup per kernel: 120 setsid CPU spinners next to honest neighbours, and six forked
    # children holding 6 x 300 MB under a 1536 MiB limit. Each child stays far under RLIMIT_AS
    # (1536 + 2048 MiB, counting its copy of the kernel's ~1 GiB address space), so only the shared
    # cgroup limit can stop them; a child whose allocation fails anyway exits instead of living on
    # as a copy of the kernel.
    cases[SPINNERS] = _attack(
        "import os, time\n"
        "for i in range(120):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        while True:\n"
        "            pass\n"
        "time.sleep(3.5)\n"
        "print('spinning')"
    )
    nb = cases[SPINNERS]
    nb.cells.insert(
        next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "ch99_add") + 1,
        nbformat.v4.new_code_cell("import time\ntime.sleep(3.5)"),
    )
    cases["ad_fork_memory"] = _attack(
        "import os, time\n"
        "kids = []\n"
        "for i in range(6):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        status = 3\n"  # a child that cannot allocate must still end, not live on as a kernel
        "        try:\n"
        "            hog = [b'1' * (50 << 20) for _ in range(6)]\n"
        "            time.sleep(0.5)\n"
        "            status = 0\n"
        "        finally:\n"
        "            os._exit(status)\n"
        "    kids.append(pid)\n"
        "res = [os.waitpid(p, 0)[1] for p in kids]\n"
        "print('KIDS', {'signals': [s & 0x7f for s in res], 'codes': [s >> 8 for s in res]})"
    )

    # 5. nothing shared between jobs: keyrings, SysV IPC, /tmp, /dev/shm -- both leave a note and
    # look for the other's.
    shared = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "ADD, REQ, KEYCTL = {'x86_64': (248, 249, 250), 'aarch64': (217, 218, 219)}[os.uname().machine]\n"
        "found, refused = [], []\n"
        "for ring in (-4, -5, -3):\n"  # @u, @us, @s
        "    r = libc.syscall(REQ, b'user', b'mlsd-note', None, 0)\n"
        "    if r >= 0:\n"
        "        found.append(('key', ring))\n"
        "    if libc.syscall(ADD, b'user', b'mlsd-note', b'hello', 5, ring) < 0:\n"
        "        refused.append(ctypes.get_errno())\n"
        "if libc.syscall(KEYCTL, 22, -1, -4) >= 0:\n"  # KEYCTL_GET_PERSISTENT
        "    found.append('persistent keyring')\n"
        "shm = libc.shmget(0x5EED, 4096, 0o1000 | 0o2000 | 0o666)\n"  # IPC_CREAT | IPC_EXCL
        "if shm < 0 and ctypes.get_errno() == 17:\n"
        "    found.append('sysv shm')\n"
        "for p in ('/tmp/mlsd-note', '/dev/shm/mlsd-note', os.path.expanduser('~/../mlsd-note')):\n"
        "    if os.path.exists(p):\n"
        "        found.append(p)\n"
        "    try:\n"
        "        open(p, 'w').write('hello')\n"
        "    except OSError:\n"
        "        pass\n"
        "print('FOUND' if found else 'nothing from before', found, 'refused', refused)"
    )
    cases["ae_shared_a"] = _attack(shared)
    cases["ae_shared_b"] = _attack(shared)
    cases["zz_shared_c"] = _attack(shared)

    # 6. names and messages from submissions reach the instructor's terminal escaped
    def ansi(folder: Path) -> None:
        nbformat.write(
            _attack("import subprocess  # \x1b[2J\x1b[31mall good\x1b]0;owned\x07\nx = 1"),
            str(folder / f"{toy.ASSIGNMENT}.ipynb"),
        )
        (folder / "\x1b[2J\x1b[31mevil.py").write_text("x = 1\n")
        (folder / "bell\x07\x1b]0;title\x07.txt").write_text("x\n")
        (folder / "rtl\u202eyp.txt").write_text("x\n")
        (folder / "timestamp.txt").write_text("2030-01-01 10:00:00.000000 UTC")

    cases["af_ansi_names"] = ansi

    # 7. output caps hold for errors: 300 tracebacks of 400 kB in each of three cells
    flood = (
        "ip = get_ipython()\nfor i in range(300):\n    try:\n        raise ValueError(f'boom {i} ' + 'x' * 400_000)\n"
        "    except ValueError:\n        ip.showtraceback()\n"
    )
    nb = _attack(flood)
    for grade_id in ("ch99_mean", "ch99_norm"):
        toy.cell(nb, grade_id).source = flood
    cases["ag_error_flood"] = nb

    # 8. intake never stalls: eight 2 MB learner cells
    nb = _attack("x = 1")
    for _ in range(8):
        nb.cells.append(nbformat.v4.new_code_cell(("import subprocess\n" + "y = 2\n" * 349_000)[: 2 * 1024 * 1024]))
    cases["ah_huge_cells"] = nb

    # 9. a back-dated timestamp.txt (the notebook's own mtime says later)
    def backdated(folder: Path) -> None:
        import time

        nbformat.write(toy.release(), str(folder / f"{toy.ASSIGNMENT}.ipynb"))
        (folder / "timestamp.txt").write_text(BACKDATED)
        saved = time.time() - 3600  # as nbgrader's copies keep it: saved an hour ago, not in 2020
        for name in (f"{toy.ASSIGNMENT}.ipynb", "timestamp.txt"):
            os.utime(folder / name, (saved, saved))

    cases["ai_backdated"] = backdated

    # own: escape the cgroup / reach the grader's /sys, /run; fill every tmpfs; rewrite the
    # connection file and the sockets folder so that the grader connects elsewhere
    cases["aj_escape"] = _attack(
        "import os, sys, json, glob\n"
        "tries = []\n"
        "for p in glob.glob('/sys/fs/cgroup/**/cgroup.procs', recursive=True)[:50] + ['/proc/self/cgroup']:\n"
        "    try:\n"
        "        open(p, 'w').write('1')\n"
        "        tries.append('MOVED ' + p)\n"
        "    except OSError as e:\n"
        "        tries.append(e.errno)\n"
        "print('CGROUP', open('/proc/self/cgroup').read().strip().splitlines()[:3], tries[:5])\n"
        "print('RUN', os.path.exists('/run/mlsd-grader'), os.path.exists('/sys/fs/cgroup/memory'))\n"
        "conn = sys.argv[sys.argv.index('-f') + 1]\n"
        "for p in (conn, os.path.dirname(conn)):\n"
        "    try:\n"
        "        os.chmod(p, 0o777)\n"
        "        print('CHMOD', p)\n"
        "    except OSError as e:\n"
        "        print('no chmod', e.errno)\n"
        "for d in ('/tmp', '/dev/shm', os.path.expanduser('~')):\n"
        "    n = 0\n"
        "    try:\n"
        "        with open(os.path.join(d, 'fill'), 'wb') as f:\n"
        "            while n < 2000:\n"
        "                f.write(b'0' * 1024 * 1024)\n"
        "                n += 1\n"
        "    except OSError as e:\n"
        "        print('full', d, n, e.errno)\n"
        "    finally:\n"
        "        try:\n"
        "            os.unlink(os.path.join(d, 'fill'))\n"
        "        except OSError:\n"
        "            pass"
    )

    for s in NEIGHBOURS:
        cases[s] = toy.solved()
    return cases


# student -> (points, review flag prefixes that must be present, status)
EXPECTED = {
    "aa_identity_links": (0, ["died"], "graded"),
    "aa_deep_tree": (0, ["died"], "graded"),
    "ad_deep_tree_again": (0, ["died"], "graded"),
    SPINNERS: (0, [], "graded"),
    "ad_fork_memory": (0, [], "graded"),
    "ae_shared_a": (0, [], "graded"),
    "ae_shared_b": (0, [], "graded"),
    "zz_shared_c": (0, [], "graded"),
    "af_ansi_names": (0, ["extra-files", "scan process"], "graded"),
    "ag_error_flood": (0, ["truncated"], "graded"),
    "ah_huge_cells": (0, ["scan large"], "graded"),
    "ai_backdated": (0, ["timestamp"], "graded"),
    "aj_escape": (0, [], "graded"),
    **{s: (9, [], "graded") for s in NEIGHBOURS},
}


def place_victims(root: Path) -> list[str]:
    toy.submit(root, "victim_full", toy.solved())
    toy.submit(root, "victim_blank", toy.release())
    return list(VICTIMS)


def place_all(root: Path) -> list[str]:
    """Write every attack and neighbour (after the victims were graded); return the student ids."""
    cases = build(root)
    assert set(cases) == set(EXPECTED), set(cases) ^ set(EXPECTED)
    for student, what in cases.items():
        if callable(what):
            folder = Path(root) / "submitted" / student / toy.ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            what(folder)
        else:
            toy.submit(root, student, what)
    return sorted(cases)
