"""Run a notebook's code cells in a kernel that may be hostile, and keep grading whatever it does.

nbclient (what nbgrader uses) gives up on a notebook when the kernel dies, hangs on a loop that
ignores SIGINT, and keeps every byte a cell prints. :class:`Executor` instead

- interrupts a cell at its timeout (an ``interrupt_request`` message, as the kernelspec's
  ``interrupt_mode: message`` would), and kills the kernel if it does not answer within a grace
  period;
- restarts a dead or killed kernel and replays the cells that had run (answers and the learner's own
  cells, not test cells) so the later exercises are still graded;
- caps each cell's and the notebook's stored output, and the size of a single ZMQ message, so an
  output flood cannot exhaust the grader (an error or a stderr line is never dropped: nbgrader's
  score depends on them);
- stops at a whole-notebook wall-clock limit, giving every cell not run an error output, so a
  test cell never scores by not running.

The kernel is any process speaking the Jupyter protocol over IPC sockets; ``argv_for(conn_file)``
builds its command line (sandboxed or not, see :mod:`course.grading.sandbox`).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Callable

import nbformat
import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

__all__ = ["ExecLimits", "Executor", "KernelStartError", "KernelProcess"]


class KernelStartError(RuntimeError):
    """The kernel did not start (or did not answer) within the startup timeout."""


@dataclass(frozen=True)
class ExecLimits:
    cell_timeout: float = 60  # wall-clock seconds per cell before an interrupt
    notebook_timeout: float = 600  # wall-clock seconds for the whole notebook, restarts included
    interrupt_grace: float = 5  # seconds an interrupted cell gets before the kernel is killed
    startup_timeout: float = 60
    max_restarts: int = 3
    cell_output_bytes: int = 1_000_000
    notebook_output_bytes: int = 20_000_000
    max_message_bytes: int = 32_000_000  # a larger ZMQ message is dropped by ZMQ itself
    iopub_grace: float = 3  # seconds to wait for trailing output after the reply


@dataclass
class Event:
    kind: str  # timeout, hung, died, restart, truncated, deadline, startup_failed, replay_failed
    cell: int | None
    detail: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "cell": self.cell, "detail": self.detail}


class KernelProcess:
    """One kernel process and a client connected to it over IPC sockets."""

    def __init__(
        self,
        argv_for: Callable[[str], list[str]],
        *,
        runtime_dir: Path,
        cwd: str | None,
        env: dict | None,
        limits: ExecLimits,
        prepare: Callable[[Path], None] | None = None,
    ):
        self.argv_for = argv_for
        self.runtime_dir = Path(runtime_dir)
        self.cwd = cwd
        self.env = env
        self.limits = limits
        self.prepare = prepare
        self.socket_dir: Path | None = None  # where the IPC sockets go (default: runtime_dir)
        self.proc: subprocess.Popen | None = None
        self.kc: BlockingKernelClient | None = None
        self.context: zmq.Context | None = None
        self._stderr: list[bytes] = []
        self._stderr_size = 0
        self._reader: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> None:
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        for old in self.runtime_dir.glob("kernel-*"):
            old.unlink(missing_ok=True)
        name = f"kernel-{secrets.token_hex(6)}"
        conn = self.runtime_dir / f"{name}.json"
        write_connection_file(
            str(conn),
            transport="ipc",
            ip=str((self.socket_dir or self.runtime_dir) / f"{name}-ipc"),
            key=secrets.token_hex(32).encode(),
        )
        if self.prepare:
            self.prepare(conn)
        self._stderr, self._stderr_size = [], 0
        self.proc = subprocess.Popen(
            self.argv_for(str(conn)),
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._drain_stderr, args=(self.proc,), daemon=True)
        self._reader.start()
        self.context = zmq.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, int(self.limits.max_message_bytes))
        self.context.setsockopt(zmq.RCVHWM, 200)
        self.context.setsockopt(zmq.LINGER, 0)
        kc = BlockingKernelClient(context=self.context)
        kc.load_connection_file(str(conn))
        kc.start_channels()
        self.kc = kc
        deadline = time.monotonic() + self.limits.startup_timeout
        while True:
            if not self.alive():
                raise KernelStartError(
                    f"the kernel exited while starting (code {self.proc.returncode}): {self.stderr_tail()}"
                )
            if time.monotonic() > deadline:
                raise KernelStartError(
                    f"the kernel did not start within {self.limits.startup_timeout:g} s: {self.stderr_tail()}"
                )
            msg_id = kc.kernel_info()
            try:
                reply = self._shell_reply(msg_id, timeout=1.0)
            except Empty:
                continue
            if reply is not None:
                break
        # drain the start-up status messages
        while True:
            try:
                kc.get_iopub_msg(timeout=0.2)
            except Empty:
                break

    def _shell_reply(self, msg_id: str, timeout: float):
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise Empty
            msg = self.kc.get_shell_msg(timeout=left)
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def _drain_stderr(self, proc: subprocess.Popen) -> None:
        """Read the kernel's own stdout/stderr (not cell output) into a bounded buffer."""
        try:
            while True:
                chunk = proc.stdout.read1(65536) if hasattr(proc.stdout, "read1") else proc.stdout.read(65536)
                if not chunk:
                    break
                if self._stderr_size < 65536:
                    self._stderr.append(chunk)
                    self._stderr_size += len(chunk)
        except (OSError, ValueError):
            pass

    def stderr_tail(self, limit: int = 600) -> str:
        text = b"".join(self._stderr).decode("utf-8", "replace").strip()
        return text[-limit:] if text else "(no output)"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self) -> str:
        if self.proc is None or self.proc.returncode is None:
            return "still running"
        code = self.proc.returncode
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def interrupt(self) -> None:
        """Interrupt by message (the kernel raises KeyboardInterrupt in the running cell)."""
        if self.kc is None:
            return
        try:
            msg = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(msg)
        except Exception:  # noqa: BLE001 - a broken channel just means we go on to kill it
            pass

    def kill(self) -> None:
        """Kill the kernel and everything it started (its session and, sandboxed, its pid namespace)."""
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
            self.kc = None
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    self.proc.kill()
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            if self.proc.stdout:
                try:
                    self.proc.stdout.close()
                except OSError:
                    pass
        if self.context is not None:
            self.context.destroy(linger=0)
            self.context = None

    def shutdown(self) -> None:
        """Ask politely (so atexit handlers run), then kill whatever is left."""
        if self.kc is not None and self.alive():
            try:
                msg = self.kc.session.msg("shutdown_request", {"restart": False})
                self.kc.control_channel.send(msg)
                self.proc.wait(timeout=2)
            except Exception:  # noqa: BLE001
                pass
        self.kill()


@dataclass
class _CellRun:
    outputs: list = field(default_factory=list)
    status: str = "pending"  # ok, error, timeout, hung, died, skipped
    execution_count: int | None = None
    reply: dict | None = None
    bytes: int = 0
    truncated: set = field(default_factory=set)


ERRORS_KEPT_OVER_CAP = 5  # errors (name and short message) a cell keeps once its output is capped


def _size(content: dict) -> int:
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    n = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
    if "traceback" in content:
        n += sum(len(t) for t in content["traceback"])
    return n + 64


def _error_output(ename: str, evalue: str):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class Executor:
    """Execute code cells robustly; see the module docstring."""

    def __init__(
        self,
        kernel: KernelProcess,
        limits: ExecLimits,
        *,
        log: Callable[[str], None] | None = None,
        trusted_tests: bool = True,
    ):
        self.kernel = kernel
        self.trusted_tests = trusted_tests
        self.trusted = None
        self.limits = limits
        self.log = log or (lambda _msg: None)
        self.events: list[Event] = []
        self.restarts = 0
        self._total_bytes = 0
        self._deadline = None

    # -- public ------------------------------------------------------------------------------
    def run(self, cells: list, *, is_test: Callable[[object], bool] = lambda c: False) -> list[str]:
        """Run every code cell in place (outputs, execution_count); return one status per cell."""
        self._deadline = time.monotonic() + self.limits.notebook_timeout
        if self.trusted_tests:
            from .trusted import TrustedRunner

            from .trusted import prefetch_imports

            self.trusted = TrustedRunner(self.kernel, self.limits, deadline=lambda: self._deadline, log=self.log)
            code = [c for c in cells if c.get("cell_type") == "code"]
            prefetch_imports([c.get("source", "") for c in code if is_test(c)],
                             [c.get("source", "") for c in code if not is_test(c)])
        statuses = ["" for _ in cells]
        done: list[int] = []  # indices of cells that ran to completion (replayable)
        broken = False
        try:
            self._start()
        except KernelStartError as exc:
            self.events.append(Event("startup_failed", None, str(exc)))
            broken = True
        for i, cell in enumerate(cells):
            if cell.get("cell_type") != "code":
                continue
            cell["outputs"] = []
            cell["execution_count"] = None
            if broken:
                self._mark_not_run(cell, "the kernel could not be (re)started")
                statuses[i] = "skipped"
                continue
            if time.monotonic() >= self._deadline:
                self._mark_not_run(
                    cell, f"the notebook ran over its {self.limits.notebook_timeout:g} s limit"
                )
                statuses[i] = "skipped"
                if not any(e.kind == "deadline" for e in self.events):
                    self.events.append(
                        Event(
                            "deadline", i, f"notebook time limit {self.limits.notebook_timeout:g} s reached"
                        )
                    )
                continue
            if self.trusted is not None and is_test(cell):
                run = self._run_test(cell.get("source", ""), i)
            else:
                run = self._run_code(cell.get("source", ""), i)
            cell["outputs"] = run.outputs
            cell["execution_count"] = run.execution_count
            statuses[i] = run.status
            if run.status in ("ok", "error"):
                if not is_test(cell):
                    done.append(i)
                continue
            # timeout (interrupted, kernel alive), hung or died (kernel killed): recover
            if run.status == "timeout":
                continue
            if not self._restart_and_replay(cells, done, i):
                broken = True
        # not a polite shutdown: nothing the learner's code does on exit is part of its grade, and
        # waiting for the kernel to wind down costs about half a second per notebook
        self.kernel.kill()
        return statuses

    # -- internals ---------------------------------------------------------------------------
    def _start(self) -> None:
        self.kernel.start()

    def _restart_and_replay(self, cells, done: list[int], failed_at: int) -> bool:
        while True:
            if self.restarts >= self.limits.max_restarts:
                self.events.append(Event("restart", failed_at, f"gave up after {self.restarts} restarts"))
                return False
            if time.monotonic() >= self._deadline:
                return True  # the deadline check marks the rest
            self.restarts += 1
            self.kernel.kill()
            try:
                self._start()
            except KernelStartError as exc:
                self.events.append(Event("startup_failed", failed_at, str(exc)))
                continue
            if self.trusted is not None:
                self.trusted.kernel_restarted()
            self.events.append(
                Event(
                    "restart",
                    failed_at,
                    f"kernel restarted (restart {self.restarts}); replaying {len(done)} earlier cells",
                )
            )
            ok = True
            for j in list(done):
                if time.monotonic() >= self._deadline:
                    return True
                run = self._run_code(cells[j].get("source", ""), j, replay=True)
                if run.status in ("ok", "error"):
                    continue
                self.events.append(
                    Event(
                        "replay_failed",
                        j,
                        f"replaying this cell ended with {run.status}; it is left out of later replays",
                    )
                )
                done.remove(j)
                if run.status != "timeout":
                    ok = False
                    break
            if ok:
                return True

    def _run_test(self, code: str, index: int) -> _CellRun:
        """A test cell, run by the trusted side (see :mod:`course.grading.trusted`)."""
        run = _CellRun()
        outputs, status = self.trusted.run_cell(code)
        run.outputs, run.status = outputs, status
        run.bytes = sum(_size(o) for o in outputs)
        self._total_bytes += run.bytes
        if status in ("died", "hung"):
            detail = next((o.get("evalue", "") for o in outputs if o.get("output_type") == "error"), status)
            self.events.append(Event(status, index, detail))
        return run

    def _mark_not_run(self, cell, why: str) -> None:
        cell["outputs"] = [_error_output("CellNotRun", f"this cell was not run: {why}")]

    def _run_code(self, code: str, index: int, replay: bool = False) -> _CellRun:
        run = _CellRun()
        kc = self.kernel.kc
        if kc is None or not self.kernel.alive():
            run.status = "died"
            return run
        try:
            msg_id = kc.execute(
                code, silent=False, store_history=not replay, allow_stdin=False, stop_on_error=False
            )
        except Exception as exc:  # noqa: BLE001
            run.status = "died"
            run.outputs = [_error_output("DeadKernelError", f"could not send the cell to the kernel: {exc}")]
            return run
        start = time.monotonic()
        cell_deadline = min(start + self.limits.cell_timeout, self._deadline)
        interrupted_at = None
        reply_at = None
        idle = False
        poller = zmq.Poller()
        poller.register(kc.iopub_channel.socket, zmq.POLLIN)
        poller.register(kc.shell_channel.socket, zmq.POLLIN)
        last_alive_check = 0.0
        while True:
            now = time.monotonic()
            if run.reply is not None and (idle or now - reply_at > self.limits.iopub_grace):
                break
            if now - last_alive_check > 0.5:
                last_alive_check = now
                if not self.kernel.alive():
                    # collect what is already queued, then report the death
                    self._drain(kc, msg_id, run, replay)
                    run.status = "died"
                    why = self.kernel.exit_description()
                    detail = (
                        f"the kernel died while running this cell ({why}; out of memory, a CPU-time "
                        f"limit or an exit call); it was restarted for the cells after it"
                    )
                    if not replay:
                        run.outputs.append(_error_output("DeadKernelError", detail))
                        self.events.append(Event("died", index, why))
                    return run
            if run.reply is None and interrupted_at is None and now >= cell_deadline:
                self.kernel.interrupt()
                interrupted_at = now
                if not replay:
                    self.events.append(Event("timeout", index, f"interrupted after {now - start:.0f} s"))
            if (
                interrupted_at is not None
                and run.reply is None
                and now - interrupted_at > self.limits.interrupt_grace
            ):
                run.status = "hung"
                reason = (
                    "the notebook time limit"
                    if cell_deadline < start + self.limits.cell_timeout
                    else f"the {self.limits.cell_timeout:g} s cell time limit"
                )
                if not replay:
                    run.outputs.append(
                        _error_output(
                            "CellTimeoutError",
                            f"this cell ran past {reason} and did not stop when interrupted; "
                            "the kernel was restarted for the cells after it",
                        )
                    )
                    self.events.append(Event("hung", index, "did not answer an interrupt; kernel killed"))
                self.kernel.kill()
                return run
            try:
                events = dict(poller.poll(100))
            except zmq.ZMQError:
                events = {}
            if kc.iopub_channel.socket in events:
                idle = self._drain(kc, msg_id, run, replay) or idle
            if kc.shell_channel.socket in events:
                for _ in range(1000):  # bounded: a kernel spamming its shell socket must not stall us
                    try:
                        msg = kc.shell_channel.get_msg(timeout=0)
                    except Empty:
                        break
                    except Exception:  # noqa: BLE001 - a malformed message from a hostile kernel
                        continue
                    if (
                        msg.get("parent_header", {}).get("msg_id") == msg_id
                        and msg["header"]["msg_type"] == "execute_reply"
                    ):
                        run.reply = msg["content"]
                        reply_at = time.monotonic()
        content = run.reply
        status = content.get("status", "error")
        if run.execution_count is None:
            run.execution_count = content.get("execution_count")
        if interrupted_at is not None:
            run.status = "timeout"
            if not replay:
                run.outputs.append(
                    _error_output(
                        "CellTimeoutError",
                        f"this cell ran longer than {self.limits.cell_timeout:g} s and was interrupted",
                    )
                )
            return run
        if status == "ok":
            run.status = "ok"
        else:
            run.status = "error"
            if not replay and not any(o.get("output_type") == "error" for o in run.outputs):
                # the kernel said error but showed none (a suppressed traceback): record it anyway
                run.outputs.append(
                    _error_output(content.get("ename", "Error") or "Error", content.get("evalue", "") or "")
                )
        return run

    def _drain(self, kc, msg_id: str, run: _CellRun, replay: bool) -> bool:
        """Handle queued iopub messages; return True once the cell's 'idle' status arrived."""
        idle = False
        for _ in range(10000):
            try:
                msg = kc.iopub_channel.get_msg(timeout=0)
            except Empty:
                break
            except Exception:  # noqa: BLE001 - a malformed message from a hostile kernel
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            content = msg.get("content", {})
            if kind == "status":
                if content.get("execution_state") == "idle":
                    idle = True
                continue
            if kind == "execute_input":
                run.execution_count = content.get("execution_count")
                continue
            if replay:
                continue
            if kind == "clear_output":
                run.outputs = [
                    o
                    for o in run.outputs
                    if o.get("output_type") == "error"
                    or (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
                continue
            if kind not in ("stream", "display_data", "execute_result", "error"):
                continue
            self._add_output(run, kind, content, msg)
        return idle

    def _add_output(self, run: _CellRun, kind: str, content: dict, msg: dict) -> None:
        size = _size(content)
        limit_cell = self.limits.cell_output_bytes
        limit_nb = self.limits.notebook_output_bytes
        over = bool(run.truncated) or run.bytes + size > limit_cell or self._total_bytes + size > limit_nb
        if kind == "error":
            self._add_error(run, content)
            return
        if over:
            name = content.get("name", "stdout") if kind == "stream" else "stdout"
            room = min(limit_cell - run.bytes, limit_nb - self._total_bytes)
            if kind == "stream" and not run.truncated and room > 0:
                self._add_stream(run, name, content.get("text", "")[:room])
                run.bytes += room
                self._total_bytes += room
            if name not in run.truncated:
                which = "cell" if run.bytes + size > limit_cell else "notebook"
                self._truncated(run, name, which)
            return
        run.bytes += size
        self._total_bytes += size
        if kind == "stream":
            self._add_stream(run, content.get("name", "stdout"), content.get("text", ""))
            return
        try:
            out = nbformat.v4.output_from_msg(msg)
        except Exception:  # noqa: BLE001 - malformed display message
            return
        run.outputs.append(out)

    def _truncated(self, run: _CellRun, name: str, which: str) -> None:
        run.truncated.add(name)
        what = "error tracebacks" if name == "error" else "output"
        note = f"[{what} truncated by the grader: this {which} printed more than it may keep]\n"
        # first in the cell, so that nbgrader's LimitOutput (which keeps the first lines) keeps it
        stream = "stdout" if name == "error" else name
        run.outputs.insert(0, nbformat.v4.new_output("stream", name=stream, text=note))
        if len(run.truncated) == 1:
            self.events.append(Event("truncated", None, f"{which} output cap reached"))

    def _add_error(self, run: _CellRun, content: dict) -> None:
        """Errors count against the cell's and the notebook's caps like any output. The first
        error of a cell is always kept (nbgrader fails a test cell on it), with its name and a short
        message; its traceback only while there is room; later ones up to a few, then none."""
        ename = str(content.get("ename", "") or "Error")[:200]
        evalue = str(content.get("evalue", ""))[:5000]
        tb = content.get("traceback")
        tb = [str(t)[:2000] for t in tb[:200]] if isinstance(tb, list) else []
        errors = sum(1 for o in run.outputs if o.get("output_type") == "error")
        full = len(ename) + len(evalue) + sum(len(t) for t in tb) + 64
        limit_cell = self.limits.cell_output_bytes
        limit_nb = self.limits.notebook_output_bytes
        if run.bytes + full <= limit_cell and self._total_bytes + full <= limit_nb:
            cost = full
        else:
            nb_over = self._total_bytes + full > limit_nb
            if errors >= (1 if nb_over else ERRORS_KEPT_OVER_CAP):
                if "error" not in run.truncated:
                    self._truncated(run, "error", "notebook" if nb_over else "cell")
                return
            evalue = evalue[: 200 if nb_over else 1000]
            tb = [f"{ename}: {evalue}"]
            cost = len(ename) * 2 + len(evalue) * 2 + 64
            if "error" not in run.truncated:
                self._truncated(run, "error", "notebook" if nb_over else "cell")
        run.bytes += cost
        self._total_bytes += cost
        run.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=tb))

    @staticmethod
    def _add_stream(run: _CellRun, name: str, text: str) -> None:
        if name not in ("stdout", "stderr"):
            name = "stdout"
        last = run.outputs[-1] if run.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            last["text"] += text
        else:
            run.outputs.append(nbformat.v4.new_output("stream", name=name, text=text))


def short_temp_dir(prefix: str) -> Path:
    """A new folder with a short path: a Unix socket path (the kernel's IPC sockets live there) may
    not be longer than 107 bytes, whatever TMPDIR says."""
    base = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else tempfile.gettempdir()
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
