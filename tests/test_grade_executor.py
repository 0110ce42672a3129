"""The executor keeps grading whatever a kernel does: hangs, deaths, floods (unsandboxed kernels here)."""

import nbformat
import pytest

from course.grading.executor import ExecLimits, Executor, KernelProcess
from course.grading.sandbox import plain_kernel_argv

pytestmark = pytest.mark.slow


def run(tmp_path, sources, *, tests=(), **limits):
    lim = ExecLimits(**{"cell_timeout": 3, "interrupt_grace": 1.5, "notebook_timeout": 60, **limits})
    kp = KernelProcess(
        plain_kernel_argv, runtime_dir=tmp_path / "rt", cwd=str(tmp_path), env=None, limits=lim
    )
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    ex = Executor(kp, lim)
    statuses = ex.run(cells, is_test=lambda c: c.source in tests)
    return cells, statuses, ex


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors(cell) -> list[str]:
    return [o.ename for o in cell.outputs if o.output_type == "error"]


def test_timeout_interrupts_and_the_kernel_keeps_its_state(tmp_path):
    cells, st, ex = run(tmp_path, ["x = 41", "while True: pass", "print(x + 1)"])
    assert st == ["ok", "timeout", "ok"]
    assert "CellTimeoutError" in errors(cells[1])
    assert text(cells[2]) == "42\n"
    assert ex.restarts == 0


def test_a_loop_ignoring_sigint_is_killed_and_later_cells_still_run(tmp_path):
    test = "assert f() == 1\nprint('test ran')"
    cells, st, ex = run(
        tmp_path,
        [
            "def f(): return 1",
            test,
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass",
            "print(f())",
            test,
        ],
    )
    assert st == ["ok", "ok", "hung", "ok", "ok"]
    assert "CellTimeoutError" in errors(cells[2])
    assert text(cells[3]) == "1\n", "the answer cell was replayed into the new kernel"
    assert ex.restarts == 1
    assert {e.kind for e in ex.events} >= {"hung", "restart"}


def test_a_dead_kernel_is_restarted(tmp_path):
    cells, st, ex = run(tmp_path, ["y = 5", "import os; os._exit(3)", "print(y)", "exit()", "print(y * 2)"])
    assert st[:3] == ["ok", "died", "ok"]
    assert "DeadKernelError" in errors(cells[1])
    assert text(cells[2]) == "5\n"
    assert text(cells[4]) == "10\n"


def test_output_floods_are_capped_but_errors_and_stderr_are_kept(tmp_path):
    cells, st, _ = run(
        tmp_path,
        [
            "import sys\nfor i in range(3000):\n    print('x' * 1000)\nprint('late', file=sys.stderr)",
            "raise ValueError('still seen')",
        ],
        cell_output_bytes=100_000,
    )
    out = cells[0].outputs
    assert sum(len(o.get("text", "")) for o in out) < 120_000
    assert any("truncated" in o.get("text", "") for o in out)
    assert any(o.output_type == "stream" and o.name == "stderr" for o in out), "stderr decides a grade: kept"
    assert errors(cells[1]) == ["ValueError"]


def test_the_notebook_limit_marks_every_cell_left(tmp_path):
    cells, st, ex = run(
        tmp_path,
        ["import time; time.sleep(2.5)", "time.sleep(2.5)", "print('never')", "1"],
        notebook_timeout=4,
    )
    assert "skipped" in st and st[-1] == "skipped"
    assert all(errors(c) for c in cells[2:]), "a test cell that did not run must not score"
    assert any(e.kind == "deadline" for e in ex.events)


def test_restarts_are_bounded(tmp_path):
    die = "import os; os._exit(1)"
    cells, st, ex = run(tmp_path, [die, die, die, "print('after')"], max_restarts=2)
    assert ex.restarts == 2
    assert st[-1] == "skipped" and errors(cells[-1]) == ["CellNotRun"]


def test_a_suppressed_traceback_still_counts_as_an_error(tmp_path):
    cells, st, _ = run(
        tmp_path,
        ["ip = get_ipython()\nip.showtraceback = lambda *a, **k: None", "assert False, 'hidden failure'"],
    )
    assert st[1] == "error" and errors(cells[1]), "the error comes from the execute_reply"


def test_test_cells_are_not_replayed(tmp_path):
    test = "print('test')"
    cells, st, _ = run(tmp_path, ["z = 1", test, "import os; os._exit(0)", "print(z)"], tests=(test,))
    assert text(cells[3]) == "1\n"


def test_a_kernel_that_cannot_start_gives_every_cell_an_error(tmp_path):
    lim = ExecLimits(startup_timeout=5, max_restarts=0)
    kp = KernelProcess(
        lambda conn: ["false"], runtime_dir=tmp_path / "rt", cwd=str(tmp_path), env=None, limits=lim
    )
    cells = [nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")]
    ex = Executor(kp, lim)
    assert ex.run(cells) == ["skipped", "skipped"]
    assert all(errors(c) == ["CellNotRun"] for c in cells)
    assert ex.events[0].kind == "startup_failed"
