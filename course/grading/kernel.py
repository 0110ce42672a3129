"""A small, dependable way to run code in a Jupyter kernel, optionally with no network.

The notebook tests, the mutant tests and the benchmark all execute chapters through ``Kernel``.
With ``offline=True`` the kernel starts in a fresh network namespace (``unshare -n``; ``unshare -rn``
when not root), so any attempt to download data fails exactly as it would in an offline classroom.
ZMQ over TCP needs a network, so the kernel talks over IPC sockets in a private temporary folder.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from queue import Empty

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

__all__ = ["CellResult", "Kernel", "offline_prefix", "run_notebook"]


@lru_cache(maxsize=1)
def offline_prefix() -> tuple[str, ...] | None:
    """The command prefix that runs a program without network, or None if none works here."""
    if not shutil.which("unshare") or not sys.platform.startswith("linux"):
        return None
    for prefix in (("unshare", "-n", "--"), ("unshare", "-rn", "--")):
        try:
            ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return prefix
    return None


@dataclass
class CellResult:
    status: str  # "ok", "error" or "timeout"
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    stdout: str = ""
    outputs: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Kernel:
    """A python kernel started in ``cwd``; use as a context manager."""

    def __init__(self, cwd, *, offline: bool = True, env: dict | None = None, startup_timeout: float = 60):
        self.cwd = str(cwd)
        self.offline = offline
        self.env = env
        self.startup_timeout = startup_timeout
        self._tmp = None
        self.km = None
        self.kc = None

    def __enter__(self) -> "Kernel":
        self._tmp = tempfile.mkdtemp(prefix="mlsd-kernel-")
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if self.offline:
            prefix = offline_prefix()
            if prefix is None:
                raise RuntimeError("cannot run a kernel offline here: 'unshare -n' is not permitted")
            argv = [*prefix, *argv]
        spec_dir = Path(self._tmp, "kernels", "mlsd")
        spec_dir.mkdir(parents=True)
        spec = {"argv": argv, "display_name": "mlsd", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        ksm = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
        self.km = KernelManager(kernel_name="mlsd", kernel_spec_manager=ksm, transport="ipc",
                                ip=os.path.join(self._tmp, "ipc"))
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        env.pop("DISPLAY", None)
        self.km.start_kernel(cwd=self.cwd, env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        return self

    @property
    def pid(self) -> int | None:
        proc = getattr(self.km, "provisioner", None)
        proc = getattr(proc, "process", None)
        return getattr(proc, "pid", None)

    def run(self, code: str, timeout: float = 60, keep_outputs: bool = False) -> CellResult:
        """Execute ``code``; a timeout interrupts the kernel and reports status 'timeout'."""
        outputs: list = []
        text: list[str] = []

        def hook(msg):
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                text.append(msg["content"]["text"])
            if keep_outputs and kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(msg["content"])

        start = time.perf_counter()
        try:
            reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
        except TimeoutError:
            self.km.interrupt_kernel()
            self._drain()
            try:  # the interrupted cell has ended once a trivial one has run: the next cell starts clean
                self.kc.execute_interactive("pass", timeout=30, allow_stdin=False, output_hook=lambda _m: None)
            except TimeoutError:
                pass
            return CellResult("timeout", "TimeoutError", f"cell ran over {timeout} s",
                              time.perf_counter() - start, "".join(text), outputs)
        content = reply["content"]
        seconds = time.perf_counter() - start
        if content["status"] == "ok":
            return CellResult("ok", seconds=seconds, stdout="".join(text), outputs=outputs)
        return CellResult("error", content.get("ename", ""), content.get("evalue", ""), seconds,
                          "".join(text), outputs)

    def _drain(self, wait: float = 10) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=1)
            except Empty:
                continue
            if msg["header"]["msg_type"] == "execute_reply":
                return

    def __exit__(self, *exc) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        finally:
            if self._tmp:
                shutil.rmtree(self._tmp, ignore_errors=True)


def run_notebook(nb, cwd, *, offline: bool = True, timeout: float = 60, stop_on_error: bool = True,
                 progress=None) -> list[tuple[int, CellResult]]:
    """Run every code cell of ``nb`` in order; return (cell index, result) pairs."""
    results = []
    with Kernel(cwd, offline=offline) as kernel:
        code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for n, (i, cell) in enumerate(code_cells):
            if progress:
                progress(n, len(code_cells))
            res = kernel.run(cell.source, timeout=timeout)
            results.append((i, res))
            if stop_on_error and not res.ok:
                break
    return results
