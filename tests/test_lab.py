"""`make lab`'s server starts headless, serves the course, and has nbgrader's extensions."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _get(url, timeout=20):
    """GET with retries: the server prints its URL a moment before it accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=timeout)
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_starts_headless_and_serves_the_release(tmp_path):
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    env.pop("DISPLAY", None)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={ROOT}", "--LabApp.default_url=/lab/tree/release", "--allow-root"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url, lines, deadline = None, [], time.monotonic() + 90
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(rf"(http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+))", line)
            if m:
                url, token = m.group(1), m.group(2)
        assert url, "JupyterLab printed no URL:\n" + "".join(lines[-30:])
        base = f"http://127.0.0.1:{port}"
        with _get(f"{base}/api/contents/release/01_framework?token={token}", timeout=20) as r:
            listing = json.load(r)
        assert any(item["name"] == "01_framework.ipynb" for item in listing["content"])
        with _get(f"{base}/lab/tree/release/01_framework/01_framework.ipynb?token={token}",
                                    timeout=20) as r:
            assert r.status == 200
        with _get(f"{base}/api/kernelspecs?token={token}", timeout=20) as r:
            assert "python3" in json.load(r)["kernelspecs"]
        with _get(f"{base}/formgrader?token={token}", timeout=30) as r:
            assert r.status == 200, "nbgrader's formgrader should be served"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
