"""JupyterLab in a real browser: Debian's headless Chromium driven by Playwright.

For every release notebook, Run All (the Run menu) reaches the last cell with no NameError and no
NotImplementedError traceback, and its plots render as images; formgrader and the assignment list
render in the lab of a scratch course. Learners' files are never touched: each server serves a scratch
copy. One server and one browser (per pytest worker) serve all the notebooks, one after another, each
kernel shut down before the next notebook; screenshots go to pytest's tmp dir and their paths are printed
(`pytest -s` shows them).

Never `playwright install`: the browser is /usr/bin/chromium (`apt-get install chromium`; .ci/run does).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
RELEASE_NOTEBOOKS = sorted(p.relative_to(ROOT / "release").as_posix() for p in ROOT.glob("release/*/*.ipynb"))
RUN_TIMEOUT = 120  # seconds for one notebook's Run All
MIN_IMAGES = 2     # every chapter plots; the harness's own notebook has two plots

# No xdist_group: with the pinned pytest 9.2, pytest-xdist 3.8's --dist loadgroup silently stops grouping
# (pytest-dev/pytest-xdist#1386). The fixtures are session-scoped instead, so each worker that gets browser
# tests starts its servers and its browser once, whatever it runs in between.
pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _need_browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                        "(it is pinned in requirements.txt)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a JupyterLab server on a scratch directory ---------------------------------------------------

_LAB_CONFIG = """\
c.LabApp.expose_app_in_browser = True   # window.jupyterapp: read the notebook model, not the pixels
c.LabApp.news_url = None                # nothing is fetched from the network
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
"""
_USER_SETTINGS = {
    # every cell in the DOM, so outputs of cells far below the fold render and can be counted
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none",
                                                                  "scrollPastEnd": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


class Lab:
    """`jupyter lab` on 127.0.0.1 with a known token, serving root_dir, with private Jupyter dirs."""

    def __init__(self, root_dir: Path, state: Path, extra_env=None):
        self.root_dir, self.port, self.token = root_dir, _free_port(), os.urandom(12).hex()
        self.base = f"http://127.0.0.1:{self.port}"
        cfg = state / "config"
        for rel, value in _USER_SETTINGS.items():
            f = cfg / "lab" / "user-settings" / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(value))
        (cfg / "jupyter_lab_config.py").write_text(_LAB_CONFIG)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env.pop("MPLBACKEND", None)  # conftest sets Agg for the other tests; the kernel must plot inline
        env.pop("DISPLAY", None)
        env.pop("NBGRADER_EXECUTION", None)  # a learner's kernel, not a grader's
        env.update(JUPYTER_CONFIG_DIR=str(cfg), JUPYTER_RUNTIME_DIR=str(state / "runtime"),
                   JUPYTER_DATA_DIR=str(state / "data"), IPYTHONDIR=str(state / "ipython"),
                   PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
        env.update(extra_env or {})
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               f"--ServerApp.root_dir={root_dir}", f"--IdentityProvider.token={self.token}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(state / "server.log", "w")
        self.proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.log_path = state / "server.log"
        deadline = time.monotonic() + 90
        while True:
            try:
                self.api("GET", "status")
                break
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("JupyterLab did not start:\n" + self.log_path.read_text()[-3000:])
                time.sleep(0.5)

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}{'&' if '?' in path else '?'}token={self.token}"

    def shut_down_kernels(self):
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix="mlsd-chromium-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900}, service_workers="block")
        ctx.set_default_timeout(60_000)
        try:
            yield ctx
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


def _synthetic_notebook(stop_early: bool = False):
    """The harness's own notebook: two plots, a checks.lab cell around an unanswered stub, and one that
    uses a name the unfinished lab would define, then a last cell. With stop_early, a bare
    NotImplementedError halts Run All (the harness must notice)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    code = nbformat.v4.new_code_cell
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Harness check"),
        code("import matplotlib.pyplot as plt\nfrom course import checks\n"
             "plt.plot([0, 1, 2], [0, 1, 4])\nplt.title('first plot')\nplt.show()"),
        code("def answer():\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
        code('with checks.lab("Lab 1"):\n    assert answer() == 42'),
        code('with checks.lab("Lab 1"):\n    print(defined_by_lab_1)'),
        code("plt.bar(['a', 'b'], [3, 5])\nplt.title('second plot')\nplt.show()"),
        code("print('last cell reached')"),
    ]
    if stop_early:
        nb.cells.insert(4, code("answer()"))
    return nb


@pytest.fixture(scope="session")
def release_lab(tmp_path_factory):
    _need_browser()
    tmp = tmp_path_factory.mktemp("browser-release")
    served = tmp / "release"
    shutil.copytree(ROOT / "release", served, ignore=shutil.ignore_patterns(".*"))
    (served / "zz_harness").mkdir()
    nbformat.write(_synthetic_notebook(), served / "zz_harness" / "harness.ipynb")
    nbformat.write(_synthetic_notebook(stop_early=True), served / "zz_harness" / "stops_early.ipynb")
    lab = Lab(served, tmp / "state")
    yield lab
    lab.stop()


@pytest.fixture(scope="session")
def page(browser):
    pg = browser.pages[0] if browser.pages else browser.new_page()
    yield pg


# --- driving a notebook ---------------------------------------------------------------------------

_STATE_JS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.content.model || !w.sessionContext) return null;
  const cells = [];
  const models = w.content.model.cells;
  for (let i = 0; i < models.length; i++) {
    const c = models.get(i);
    if (c.type !== 'code') continue;
    cells.push({index: i, count: c.executionCount, source: c.sharedModel.getSource(),
                outputs: c.outputs.toJSON()});
  }
  const prompts = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))
    .map(p => p.textContent.trim());
  return {status: w.sessionContext.kernelDisplayStatus, path: w.context.path, cells: cells,
          running: prompts.filter(t => t.includes('*')).length,
          images: document.querySelectorAll('.jp-Notebook .jp-RenderedImage img').length};
}"""


def _open_notebook(page, lab: Lab, rel: str):
    page.goto(lab.url(f"lab/tree/{rel}?reset"))
    page.wait_for_function(
        """(rel) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            return w && w.context && w.context.path === rel && w.context.isReady && w.sessionContext
                   && w.sessionContext.session && w.sessionContext.kernelDisplayStatus === 'idle'; }""",
        arg=rel, timeout=90_000)
    page.evaluate("() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }")


def _run_all(page):
    """Run > Run All Cells, through the menu bar as a learner would."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item .lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def _wait_until_done(page, timeout: float = RUN_TIMEOUT) -> dict:
    """Until Run All has started, then the kernel is idle with no queued cell ([*]) for a second."""
    start = time.monotonic()
    page.wait_for_function(
        f"() => {{ const s = ({_STATE_JS})(); return s && (s.running > 0 || s.status !== 'idle' "
        f"|| s.cells.some(c => c.count !== null)); }}", timeout=30_000)
    quiet_since = None
    while True:
        state = page.evaluate(_STATE_JS)
        busy = state is None or state["running"] or state["status"] != "idle"
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.0:
            state["seconds"] = round(time.monotonic() - start, 1)
            return state
        if time.monotonic() - start > timeout:
            state = state or {}
            state["timed_out"] = True
            state["seconds"] = round(time.monotonic() - start, 1)
            return state
        time.sleep(0.25)


def _texts(output: dict) -> list[str]:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return ["".join(text) if isinstance(text, list) else text]
    if output.get("output_type") == "error":
        return [output.get("ename", ""), output.get("evalue", ""), "\n".join(output.get("traceback", []))]
    data = output.get("data", {})
    return ["".join(v) if isinstance(v, list) else str(v) for k, v in data.items() if k.startswith("text/")]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _problems(state: dict) -> list[str]:
    """What keeps this notebook from a clean Run All, first failing cell first."""
    problems = []
    if state.get("timed_out"):
        problems.append(f"Run All did not finish within {RUN_TIMEOUT} s")
    cells = state.get("cells", [])
    for n, cell in enumerate(cells, 1):
        head = cell["source"].strip().splitlines()[0][:80] if cell["source"].strip() else "(empty)"
        where = f"code cell {n}/{len(cells)} (cell #{cell['index']}: {head!r})"
        for out in cell["outputs"]:
            text = _ANSI.sub("", "\n".join(_texts(out)))
            if out.get("output_type") == "error":
                problems.append(f"{where} raised {out.get('ename')}: {out.get('evalue')}"[:400])
            elif "NameError" in text or ("Traceback" in text and "NotImplementedError" in text):
                problems.append(f"{where} printed an error: {text.strip()[:300]}")
        if cell["count"] is None and not problems:
            problems.append(f"{where} never ran")
    return problems


_MAX_SHOT = 30_000  # px: one tall screenshot is fine in Chromium; longer notebooks go into several


def _screenshot(page, path: Path):
    """The whole notebook: the page is made as tall as the notebook (in tiles of _MAX_SHOT px for a long
    one: NAME.png, NAME-2.png, ...), scrolled to the top, then back to a normal window."""
    outer = """window.jupyterapp.shell.currentWidget.content.node.querySelector('.jp-WindowedPanel-outer')
               || window.jupyterapp.shell.currentWidget.content.node"""
    client, hidden = page.evaluate(f"() => {{ const n = {outer}; return [n.clientHeight, "
                                   "n.scrollHeight - n.clientHeight]; }")
    height = min(900 + hidden, _MAX_SHOT)
    page.set_viewport_size({"width": 1280, "height": height})
    if height > 900:  # Lumino lays the panels out again on the next frames: wait for the taller notebook
        page.wait_for_function(f"(h) => ({outer}).clientHeight > h", arg=client, timeout=10_000)
        page.wait_for_timeout(300)
    total, shown = page.evaluate(f"() => {{ const n = {outer}; n.scrollTop = 0; "
                                 "return [n.scrollHeight, n.clientHeight]; }")
    paths, top = [], 0
    while True:
        page.wait_for_timeout(400)
        shot = path if not paths else path.with_name(f"{path.stem}-{len(paths) + 1}{path.suffix}")
        page.screenshot(path=str(shot), full_page=True)
        paths.append(shot)
        top += shown
        if top >= total or len(paths) >= 10:
            break
        page.evaluate(f"(top) => {{ ({outer}).scrollTop = top; }}", top)
    page.set_viewport_size({"width": 1280, "height": 900})
    print("screenshot: " + ", ".join(map(str, paths)))


def _run_notebook(page, lab: Lab, rel: str, shots: Path) -> tuple[dict, list[str]]:
    _open_notebook(page, lab, rel)
    _run_all(page)
    state = _wait_until_done(page)
    try:
        _screenshot(page, shots / (Path(rel).stem + ".png"))
    finally:
        page.goto("about:blank")
        lab.shut_down_kernels()
    verb = "timed out after" if state.get("timed_out") else "done in"
    print(f"{rel}: Run All {verb} {state['seconds']} s, "
          f"{sum(c['count'] is not None for c in state.get('cells', []))}/{len(state.get('cells', []))} code "
          f"cells ran, {state.get('images')} images")
    return state, _problems(state)


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


def _assert_clean(rel: str, state: dict, problems: list[str]):
    cells = state.get("cells", [])
    assert cells, f"{rel}: no code cells seen"
    assert not problems, (f"{rel}: Run All does not reach the last cell cleanly:\n  "
                          + "\n  ".join(problems[:5]))
    assert cells[-1]["count"] is not None, f"{rel}: the last code cell did not run"
    assert state["images"] >= MIN_IMAGES, f"{rel}: {state['images']} plots rendered as images, expected " \
                                          f">= {MIN_IMAGES}"


def test_harness_runs_its_own_notebook_to_the_end(page, release_lab, shots):
    state, problems = _run_notebook(page, release_lab, "zz_harness/harness.ipynb", shots)
    _assert_clean("harness", state, problems)
    printed = [t for c in state["cells"] for o in c["outputs"] for t in _texts(o)]
    assert any("Lab 1: not answered yet" in t for t in printed), printed
    assert any("'defined_by_lab_1' is not defined yet" in t for t in printed), printed
    assert any("last cell reached" in t for t in printed), printed


def test_harness_notices_a_notebook_that_stops_early(page, release_lab, shots):
    state, problems = _run_notebook(page, release_lab, "zz_harness/stops_early.ipynb", shots)
    assert state["cells"][-1]["count"] is None, "Run All should stop at the bare NotImplementedError"
    assert problems and "raised NotImplementedError" in problems[0], problems


@pytest.mark.parametrize("rel", RELEASE_NOTEBOOKS)
def test_run_all_reaches_the_last_cell(page, release_lab, shots, rel):
    state, problems = _run_notebook(page, release_lab, rel, shots)
    _assert_clean(rel, state, problems)


# --- formgrader and the assignment list, in a scratch copy of the whole course ---------------------

CHAPTERS = sorted(p.name for p in ROOT.glob("source/*") if p.is_dir() and any(p.glob("*.ipynb")))


@pytest.fixture(scope="session")
def course_lab(tmp_path_factory):
    """The course (nbgrader_config.py, source/, release/) in a scratch dir, with a private exchange
    into which 01_framework is released with stock `nbgrader release_assignment`."""
    _need_browser()
    tmp = tmp_path_factory.mktemp("browser-course")
    course = tmp / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder, course / folder, ignore=shutil.ignore_patterns(".*"))
    exchange = tmp / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    env = {**os.environ, "MLSD_EXCHANGE": str(exchange)}
    env.pop("MLSD_DB_URL", None)
    subprocess.run([sys.executable, "-m", "nbgrader", "release_assignment", "01_framework"], cwd=course,
                   env=env, check=True, capture_output=True, text=True)
    lab = Lab(course, tmp / "state", extra_env={"MLSD_EXCHANGE": str(exchange)})
    lab.exchange = exchange
    yield lab
    lab.stop()


def _open_lab_home(page, lab: Lab):
    page.goto(lab.url("lab?reset"))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=90_000)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Nbgrader$")).wait_for()


def _nbgrader_menu(page, label: str):
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator(".lm-Menu-item .lm-Menu-itemLabel", has_text=re.compile(rf"^{label}$")).click()


def test_formgrader_lists_the_course_assignments(page, course_lab, shots):
    _open_lab_home(page, course_lab)
    _nbgrader_menu(page, "Formgrader")
    frame = page.frame_locator("iframe[src*='formgrader']")
    table = frame.locator("#main-table")  # formgrader's manage-assignments table body
    rows = table.locator("tr", has_text="01_framework")
    rows.first.wait_for(timeout=60_000)
    names = [t.strip() for t in table.locator("tr td.name").all_inner_texts()]
    page.screenshot(path=str(shots / "formgrader.png"))
    print(f"screenshot: {shots / 'formgrader.png'}")
    assert set(CHAPTERS) <= set(names), f"formgrader lists {names}, the course has {CHAPTERS}"
    assert frame.locator("#warning-exchange").count() == 0, "formgrader says the exchange is missing"
    assert frame.locator("#warning-course-id").count() == 0, "formgrader sees no course id"
    status = rows.first.locator("td.status").inner_text().strip()
    assert status == "released", f"01_framework was released to the exchange, formgrader says {status!r}"


def test_assignment_list_shows_and_fetches_a_released_assignment(page, course_lab, shots):
    _open_lab_home(page, course_lab)
    _nbgrader_menu(page, "Assignment List")
    released = page.locator("#released_assignments_list")
    released.wait_for()
    item = released.locator(".list_item", has_text="01_framework")
    item.wait_for(timeout=60_000)
    assert page.locator("#released_assignments_list_error").is_hidden()
    assert "mlsd" in item.inner_text()
    page.screenshot(path=str(shots / "assignment_list.png"))
    print(f"screenshot: {shots / 'assignment_list.png'}")
    item.get_by_role("button", name="Fetch").click()
    fetched_item = page.locator("#fetched_assignments_list .list_item", has_text="01_framework").first
    fetched_item.wait_for(timeout=60_000)
    page.screenshot(path=str(shots / "assignment_list_fetched.png"))
    print(f"screenshot: {shots / 'assignment_list_fetched.png'}")
    fetched = course_lab.root_dir / "01_framework" / "01_framework.ipynb"
    assert fetched.exists(), f"Fetch should put the student's copy at {fetched}"
