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


# --- `make lab` itself, as root (a container, CI) and as a normal user ------------------------------

README = (ROOT / "README.md").read_text()


def _stamp_is_current(cwd: Path) -> bool:
    """`make lab` would (re)install .venv first if its stamp is out of date: never at test time."""
    return subprocess.run(["make", "-q", ".venv/.installed"], cwd=cwd, capture_output=True).returncode == 0


def _make_lab(cwd: Path, env: dict, port: int, prefix=()):
    """Run `make lab PORT=port` in its own process group until it prints its URL; return what it printed,
    the URL and the token, and the still-running process (the caller stops it with _stop)."""
    proc = subprocess.Popen([*prefix, "make", "lab", f"PORT={port}"], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines, url, token, deadline = [], None, None, time.monotonic() + 90
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(rf"(http://127\.0\.0\.1:{port}/\S*\?token=(\w+))", line)
        if m:
            url, token = m.group(1), m.group(2)
    return proc, "".join(lines), url, token


def _stop(proc):
    import signal
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.stdout.close()


def _check_served(proc, printed, url, token, port):
    assert url, "make lab printed no URL:\n" + printed[-3000:]
    # the URL the README tells learners to open is the one make lab prints
    assert url == f"http://127.0.0.1:{port}/lab/tree/release?token={token}", url
    shown = re.search(r"`(http://127\.0\.0\.1:8888/[^`]*)`", README).group(1)
    assert url.replace(f":{port}/", ":8888/").replace(token, "...") == shown, (url, shown)
    with _get(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=30) as r:
        status = json.load(r)
    assert "started" in status and status.get("kernels") == 0, status
    assert proc.poll() is None, "the server should still be running"


def _lab_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MAKE", "MFLAGS"))}
    env.pop("DISPLAY", None)
    env.update(JUPYTER_RUNTIME_DIR=str(tmp / "rt"), JUPYTER_CONFIG_DIR=str(tmp / "cfg"),
               JUPYTER_DATA_DIR=str(tmp / "data"), IPYTHONDIR=str(tmp / "ipython"))
    return env


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="checks `make lab` as root (a container or CI)")
def test_make_lab_starts_as_root(tmp_path):
    if Path(sys.executable).parent != ROOT / ".venv" / "bin" or not _stamp_is_current(ROOT):
        pytest.skip("`make lab` would rebuild .venv first: run the tests from an up-to-date `make test`")
    port = _free_port()
    proc, printed, url, token = _make_lab(ROOT, _lab_env(tmp_path), port)
    try:
        assert re.search(r"--LabApp\.default_url=\S+ --allow-root", printed), \
            "as root, JupyterLab only starts with --allow-root:\n" + printed
        assert "Running as root is not recommended" not in printed
        _check_served(proc, printed, url, token, port)
    finally:
        _stop(proc)


_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
# Only to read the interpreter when .venv's python links into a private home (pyenv under /root):
# the uid stays nobody's, which is all JupyterLab's root check looks at.
_READ_SEARCH = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


def _setpriv_nobody():
    """The setpriv prefix under which user nobody can run .venv's jupyter, or None.

    The probe goes through sh, as make does: setpriv's own exec still holds root's capabilities."""
    for prefix in (_NOBODY, _NOBODY + _READ_SEARCH):
        probe = subprocess.run([*prefix, "sh", "-c", f"'{ROOT}/.venv/bin/jupyter' lab --version"],
                               capture_output=True, text=True, cwd="/")
        if probe.returncode == 0:
            return prefix
    return None


def _course_copy_for_nobody(base: Path) -> Path:
    """A copy of what `make lab` needs, owned by nobody, with .venv linked to this one."""
    import shutil
    base.chmod(0o755)
    repo = base / "course"
    repo.mkdir()
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "nbgrader_config.py"):
        shutil.copy2(ROOT / name, repo / name)  # copy2 keeps mtimes, so the .venv stamp stays current
    shutil.copytree(ROOT / "release", repo / "release")
    (repo / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run(["chown", "-R", "nobody:nogroup", str(base)], check=True)
    assert _stamp_is_current(repo)
    return repo


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_make_lab_command_line_for_a_normal_user():
    """`make -n lab` as root and as nobody: the same command, with --allow-root for root only."""
    import shutil
    import tempfile
    if not shutil.which("setpriv") or not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("needs setpriv (util-linux) and a built .venv")
    base = Path(tempfile.mkdtemp(prefix="mlsd-user-"))
    try:
        repo = _course_copy_for_nobody(base)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
        as_root = subprocess.run(["make", "-n", "lab", "PORT=8899"], cwd=repo, env=env, capture_output=True,
                                 text=True, check=True).stdout
        as_user = subprocess.run([*_NOBODY, "make", "-n", "lab", "PORT=8899"], cwd=repo,
                                 env={**env, "HOME": str(base)}, capture_output=True, text=True,
                                 check=True).stdout
        root_cmd = [ln for ln in as_root.splitlines() if "jupyter lab" in ln or "--ServerApp" in ln]
        user_cmd = [ln for ln in as_user.splitlines() if "jupyter lab" in ln or "--ServerApp" in ln]
        assert root_cmd and "--allow-root" in root_cmd[-1], as_root
        assert user_cmd and "--allow-root" not in as_user, as_user
        without = [ln.replace(" --allow-root", "").rstrip() for ln in root_cmd]
        assert without == [ln.rstrip() for ln in user_cmd], (root_cmd, user_cmd)
        assert "--no-browser" in as_user and "--port=8899" in as_user
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_make_lab_starts_as_a_normal_user(tmp_path):
    """`make lab` as `nobody`, in a copy of the course that user owns, with a HOME of its own."""
    import shutil
    import tempfile
    if Path(sys.executable).parent != ROOT / ".venv" / "bin" or not _stamp_is_current(ROOT):
        pytest.skip("`make lab` would rebuild .venv first: run the tests from an up-to-date `make test`")
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is not installed")
    setpriv = _setpriv_nobody()
    if setpriv is None:
        pytest.skip("user nobody cannot run this .venv's interpreter (test_make_lab_command_line_for_a_"
                    "normal_user still checks the command line)")
    base = Path(tempfile.mkdtemp(prefix="mlsd-user-"))  # pytest's tmp_path is private to root
    try:
        home = base / "home"
        home.mkdir()
        repo = _course_copy_for_nobody(base)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MAKE", "MFLAGS", "XDG"))}
        env.pop("DISPLAY", None)
        env.update(HOME=str(home), USER="nobody", LOGNAME="nobody")
        port = _free_port()
        proc, printed, url, token = _make_lab(repo, env, port, prefix=setpriv)
        try:
            assert "--allow-root" not in printed, "a normal user's command line needs no --allow-root"
            _check_served(proc, printed, url, token, port)
            # it really runs as nobody, and serves the user's copy
            with _get(f"http://127.0.0.1:{port}/api/contents/release?token={token}", timeout=20) as r:
                assert {i["name"] for i in json.load(r)["content"]} >= {"01_framework"}
            owner = subprocess.run(["ps", "-o", "user=", "--ppid", str(proc.pid)], capture_output=True,
                                   text=True).stdout.split()
            assert owner and set(owner) == {"nobody"}, owner
        finally:
            _stop(proc)
    finally:
        shutil.rmtree(base, ignore_errors=True)
