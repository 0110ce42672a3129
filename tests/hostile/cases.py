"""Hostile and broken submissions of the toy assignment, one per student, each with its expected outcome.

``place_all(root)`` writes every case under ``root/submitted/<student>/99_toy/``. ``CASES`` maps the
student id to (what it tries, the autograded points it must get, flags that must be raised). Points
are out of 9: three exercises of 3 points; a case that breaks one exercise keeps the other two (6).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from . import toy, trust

CORRECT_ADD = "def add(a, b):\n    return a + b"
CORRECT_MEAN = "def mean(xs):\n    return float(sum(xs)) / len(xs)"
WRONG_ADD = "def add(a, b):\n    return a - b"
WRONG_MEAN = "def mean(xs):\n    return 0.0"
WRONG_NORM = "import numpy as np\ndef normalize(v):\n    return np.asarray(v, dtype=float)"


def _nb(**answers):
    return toy.with_answers(**answers)


def _report(code: str) -> str:
    """An answer cell that runs ``code`` (printing what it achieved) and then answers add correctly."""
    return code.rstrip() + "\n\n" + CORRECT_ADD


def build(root: Path) -> dict:
    """student -> notebook, raw bytes, or a callable(folder) that writes the submission itself."""
    root = Path(root).resolve()
    other = root / "submitted" / "honest_full" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb"
    cases: dict = {}
    cases["honest_full"] = toy.solved()
    cases["honest_blank"] = toy.release()

    # --- time ---------------------------------------------------------------------------------
    cases["loop"] = _nb(ch99_add="def add(a, b):\n    while True:\n        pass")
    cases["loop_nosigint"] = _nb(
        ch99_add=(
            "import signal\ndef add(a, b):\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass"
        )
    )
    cases["loop_top_level"] = _nb(
        ch99_mean=(
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
            + CORRECT_MEAN
        )
    )

    # --- resources ----------------------------------------------------------------------------
    cases["memory_hog"] = _nb(ch99_add="def add(a, b):\n    hog = bytearray(3 * 1024**3)\n    return a + b")
    cases["disk_hog"] = _nb(
        ch99_add=_report(
            "import os\nn = 0\ntry:\n    while True:\n        with open(f'hog{n}.bin', 'wb') as f:\n"
            "            f.write(b'0' * (8 * 1024**2))\n        n += 1\nexcept OSError as e:\n"
            "    print('disk stopped after', n, 'files, errno', e.errno)"
        )
    )
    cases["fork_storm"] = _nb(
        ch99_add=_report(
            "import os, time\nkids = 0\ntry:\n    for i in range(100000):\n        if os.fork() == 0:\n"
            "            time.sleep(3600)\n            os._exit(0)\n        kids += 1\nexcept OSError as e:\n"
            "    print('fork stopped after', kids, type(e).__name__)"
        )
    )
    cases["daemon"] = _nb(
        ch99_add=_report(
            "import os, signal, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):\n            signal.signal(s, signal.SIG_IGN)\n"
            "        while True:\n            time.sleep(1)\n    os._exit(0)\ntime.sleep(0.3)\nprint('daemon started')"
        )
    )
    cases["flood"] = _nb(ch99_add=_report("for i in range(30000):\n    print('x' * 1000)"))

    # --- reaching out -------------------------------------------------------------------------
    cases["network"] = _nb(
        ch99_add=_report(
            "import socket, urllib.request\nfor target in [('1.1.1.1', 80), ('127.0.0.1', 22)]:\n    try:\n"
            "        socket.create_connection(target, timeout=2)\n        print('CONNECTED', target)\n"
            "    except OSError as e:\n        print('blocked', target, type(e).__name__)\ntry:\n"
            "    urllib.request.urlopen('http://example.com', timeout=2)\n    print('CONNECTED http')\n"
            "except Exception as e:\n    print('blocked http', type(e).__name__)"
        )
    )
    targets = [
        root / "source" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb",
        root / "gradebook.db",
        other,
        root / "nbgrader_config.py",
        Path("/etc/shadow"),
        Path("/proc/1/environ"),
        Path(f"{toy.ASSIGNMENT}.ipynb"),
        Path("../../../source"),
    ]
    cases["reader"] = _nb(
        ch99_add=_report(
            f"import glob\nfor p in {[str(t) for t in targets]!r}:\n    try:\n        print('READ', p, open(p).read())\n"
            "    except OSError as e:\n        print('denied', p, type(e).__name__)\n"
            f"print('GLOB', glob.glob({str(root) + '/**'!r}, recursive=True)[:20])\nprint('ROOT', sorted(os.listdir('/')))".replace(
                "import glob", "import glob, os"
            )
        )
    )
    victims = [
        root / "gradebook.db",
        root / "source" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb",
        other,
        root / "archive",
        root / "nbgrader_config.py",
    ]
    cases["deleter"] = _nb(
        ch99_add=_report(
            f"import os, shutil\nfor p in {[str(v) for v in victims]!r}:\n    try:\n        if os.path.isdir(p):\n"
            "            shutil.rmtree(p)\n        else:\n            os.remove(p)\n        print('DELETED', p)\n"
            "    except OSError as e:\n        print('kept', p, type(e).__name__)"
        )
    )
    cases["killer"] = _nb(
        ch99_mean=(
            "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError:\n        pass\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n" + CORRECT_MEAN
        )
    )
    cases["exit"] = _nb(ch99_norm="import os\nos._exit(0)")

    # --- the notebook itself ------------------------------------------------------------------
    def symlink(folder: Path) -> None:
        os.symlink(
            root / "source" / toy.ASSIGNMENT / f"{toy.ASSIGNMENT}.ipynb", folder / f"{toy.ASSIGNMENT}.ipynb"
        )

    cases["symlink"] = symlink

    def symlink_dir(folder: Path) -> None:
        folder.rmdir()
        os.symlink(root / "source" / toy.ASSIGNMENT, folder)

    cases["symlink_dir"] = symlink_dir

    nb = _nb(ch99_add=WRONG_ADD)
    toy.cell(nb, "ch99_add_visible").source = "assert True"
    toy.cell(nb, "ch99_add_hidden").source = "pass"
    cases["edited_tests"] = nb

    nb = _nb(ch99_mean=WRONG_MEAN)
    nb.cells = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") not in ("ch99_mean_visible", "ch99_mean_hidden")
    ]
    cases["deleted_tests"] = nb

    nb = toy.solved()
    copies = []
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        copies.append(c)
        if gid in ("ch99_add_hidden", "ch99_norm"):
            for k in range(3):
                dup = nbformat.from_dict(dict(c))
                dup.id = f"dup-{gid}-{k}"
                copies.append(dup)
    nb.cells = copies
    cases["duplicated"] = nb

    nb = _nb(ch99_norm=WRONG_NORM)
    toy.cell(nb, "ch99_norm_visible").cell_type = "markdown"
    toy.cell(nb, "ch99_norm_hidden").cell_type = "raw"
    for c in nb.cells:
        if c.cell_type != "code":
            c.pop("outputs", None)
            c.pop("execution_count", None)
    cases["retyped"] = nb

    nb = _nb(ch99_add=WRONG_ADD)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "pass",
            metadata={
                "nbgrader": {
                    "grade": True,
                    "solution": False,
                    "locked": False,
                    "grade_id": "bonus",
                    "points": 100,
                    "schema_version": 3,
                }
            },
        )
    )
    for gid in ("ch99_add_visible", "ch99_add_hidden"):
        c = toy.cell(nb, gid)
        c.metadata.nbgrader.update({"locked": False, "solution": True, "grade": False, "points": 0})
        c.source = "pass"
    cases["forged"] = nb

    nb = toy.solved()
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    cases["kernelspec"] = nb

    cases["corrupt"] = b'{"cells": [ {"cell_type": "code", "source": "x = 1" ]'
    cases["not_a_notebook"] = b'["just", "a", "list"]'
    cases["binary"] = bytes(range(256)) * 40

    # --- in-kernel cheats (flagged for review) ------------------------------------------------
    cases["transformer"] = _nb(
        ch99_add=(
            "def _skip(lines):\n    return ['pass\\n'] if any('assert' in l for l in lines) else lines\n"
            "get_ipython().input_transformers_cleanup.append(_skip)\n" + WRONG_ADD
        )
    )
    cases["patch_testing"] = _nb(
        ch99_norm=(
            "import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None\n"
            + WRONG_NORM.split("\n", 1)[1]
        )
    )
    cases["patch_checks"] = _nb(
        ch99_mean="from course import checks\nchecks.assert_close = lambda *a, **k: None\n"
        "checks.assert_type = lambda *a, **k: None\n" + WRONG_MEAN
    )
    cases["hidden_leak"] = _nb(
        ch99_add=(
            "get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))\n" + CORRECT_ADD
        )
    )

    def extra_files(folder: Path) -> None:
        nbformat.write(toy.solved(), str(folder / f"{toy.ASSIGNMENT}.ipynb"))
        (folder / "numpy.py").write_text("raise SystemExit('shadowed numpy')\n")
        (folder / "ipykernel_launcher.py").write_text("print('fake kernel')\n")

    cases["extra_files"] = extra_files
    cases.update(trust.build())
    return cases


# student -> (points out of 9, review flag codes that must be present (prefixes), status)
EXPECTED = {
    "honest_full": (9, [], "graded"),
    "honest_blank": (0, [], "graded"),
    "loop": (6, [], "graded"),
    "loop_nosigint": (6, ["hung", "restart"], "graded"),
    "loop_top_level": (6, ["hung", "restart"], "graded"),
    "memory_hog": (6, [], "graded"),
    "disk_hog": (9, [], "graded"),
    "fork_storm": (9, [], "graded"),
    "daemon": (9, [], "graded"),
    "flood": (9, ["truncated"], "graded"),
    "network": (9, [], "graded"),
    "reader": (9, ["scan files"], "graded"),
    "deleter": (9, ["scan files"], "graded"),
    "killer": (6, ["died", "restart"], "graded"),
    "exit": (6, ["died", "restart"], "graded"),
    "symlink": (0, ["symlink", "missing"], "missing"),
    "symlink_dir": (0, ["symlink"], "missing"),
    "edited_tests": (6, ["edited-test"], "graded"),
    "deleted_tests": (6, ["deleted-cell"], "graded"),
    "duplicated": (9, ["duplicate-cell"], "graded"),
    "retyped": (6, ["retyped-cell"], "graded"),
    "forged": (6, ["forged-cell", "changed-metadata"], "graded"),
    "kernelspec": (9, ["kernelspec"], "graded"),
    "corrupt": (0, ["corrupt"], "corrupt"),
    "not_a_notebook": (0, ["corrupt"], "corrupt"),
    "binary": (0, ["corrupt"], "corrupt"),
    "transformer": (6, ["scan hook"], "graded"),  # tests run outside the kernel: the cheat gains nothing
    "patch_testing": (6, ["scan patch"], "graded"),
    "patch_checks": (6, ["scan patch"], "graded"),
    "hidden_leak": (9, ["scan hook"], "graded"),
    "extra_files": (9, ["extra-files"], "graded"),
    **trust.EXPECTED,
}


def place_all(root: Path) -> list[str]:
    """Write every case's submission; return the student ids."""
    root = Path(root)
    cases = build(root)
    assert set(cases) == set(EXPECTED), set(cases) ^ set(EXPECTED)
    for student, what in cases.items():
        if callable(what):
            folder = root / "submitted" / student / toy.ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            what(folder)
        else:
            toy.submit(root, student, what)
    return sorted(cases)
