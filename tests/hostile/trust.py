"""Attacks on how a grade is decided, from inside the learner's own kernel (the trusted-test design).

Each case is a submission of the toy assignment whose code tries to pass tests it does not pass: by
faking what a test cell shows (``sys.displayhook``), by rewriting the test code before it runs (input
and AST transformers reached through aliases, ``run_cell``), by forging the kernel's replies, by
patching the helpers the tests use, by returning objects that "equal anything" or read the expected
value from the caller's frame, by hijacking the grader's own agent in the kernel, or by reading the
hidden tests out of the kernel (``In``, the history). Tests run outside the kernel, so every one of
them must score what its honest answers are worth, and no hidden test text may appear in any output.
"""

from __future__ import annotations

import nbformat

from . import toy

WRONG = {
    "ch99_add": "def add(a, b):\n    return a - b",
    "ch99_mean": "def mean(xs):\n    return 0.0",
    "ch99_norm": "import numpy as np\ndef normalize(v):\n    return np.asarray(v, dtype=float)",
}


def _all(prefix: str, **override) -> nbformat.NotebookNode:
    """Every answer wrong, with ``prefix`` (the attack) at the top of each answer cell."""
    answers = {gid: prefix.rstrip() + "\n" + code for gid, code in WRONG.items()}
    answers.update(override)
    return toy.with_answers(**answers)


DISPLAYHOOK = """import sys
def add(a, b):
    sys.displayhook("passed")
    raise ValueError("no answer")
def mean(xs):
    sys.displayhook("passed")
    raise ValueError("no answer")
def normalize(v):
    sys.displayhook("passed")
    raise ValueError("no answer")
"""

ALIASES = """import sys
_skip = lambda lines: ['pass\\n'] if any(('assert' in l) or ('checks' in l) for l in lines) else lines
for _shell in (exit._ip, sys.displayhook.shell, getattr(getattr(sys, "displayhook"), "shell")):
    getattr(_shell, "input_transformers_cleanup").append(_skip)
import ast
class _Gut(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
getattr(print.__self__, "exec")(bytes([105, 109, 112, 111, 114, 116, 32, 115, 121, 115]).decode())
sys.displayhook.shell.ast_transformers.append(_Gut())
"""

MAGIC = """%time _x = 1
get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'] if 'assert' in ''.join(lines) else lines)
"""

RUN_CELL = """import types
_ip = get_ipython()
_real_run_cell = _ip.run_cell
def _fake(self, raw_cell, *args, **kwargs):
    if "assert" in raw_cell or "checks." in raw_cell:
        raw_cell = "pass"
    return _real_run_cell(raw_cell, *args, **kwargs)
setattr(_ip, "run_cell", types.MethodType(_fake, _ip))
setattr(_ip, "_showtraceback", lambda *a, **k: None)
"""

FORGED_REPLIES = """_k = get_ipython().kernel
_send = _k.session.send
def _forge(stream, msg_or_type, content=None, parent=None, *args, **kwargs):
    if msg_or_type == "error":
        return None
    if msg_or_type == "execute_reply" and isinstance(content, dict):
        content = dict(content, status="ok")
    return _send(stream, msg_or_type, content, parent, *args, **kwargs)
_k.session.send = _forge
"""

FORGED_INPUT = """_kc = type(get_ipython().kernel)
_real_request = _kc._input_request
def _forge(self, prompt, *args, **kwargs):
    return _real_request(self, '{"ok": true}', *args, **kwargs)
_kc._input_request = _forge
"""

AGENT = """import importlib
_agent = importlib.import_module("course.grading.agent")
_agent._do = lambda req: True
"""

PATCH_ALIASES = """import sys
import course.checks as _c
import numpy.testing as _t
_c.assert_close = lambda *a, **k: None
_c.assert_type = lambda *a, **k: None
_t.assert_allclose = lambda *a, **k: None
sys.modules["numpy"].testing.assert_allclose = lambda *a, **k: None
"""

FRAME_READER = """import sys
import numpy as np
class _Peek:
    def __array__(self, dtype=None, copy=None):
        f = sys._getframe(1)
        while f is not None:
            for key in ("desired", "expected", "e", "b"):
                if key in f.f_locals and not isinstance(f.f_locals[key], _Peek):
                    return np.asarray(f.f_locals[key], dtype=float)
            f = f.f_back
        return np.zeros(2)
def normalize(v):
    return _Peek()
"""

EQUALS_ANYTHING = """class _Any(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__
def add(a, b):
    return _Any(0.0)
def mean(xs):
    return _Any(0.0)
"""

LEAK_CELL = """print("IN", In)
print("HIST", get_ipython().history_manager.input_hist_raw)
print("OUT", Out)
print("GLOBALS", sorted(globals()))
"""


def build() -> dict:
    cases: dict = {}
    cases["t_displayhook"] = toy.with_answers(ch99_add=DISPLAYHOOK, ch99_mean="", ch99_norm="")
    cases["t_aliases"] = _all(ALIASES)
    cases["t_magic_lines"] = _all(MAGIC)
    cases["t_run_cell"] = _all(RUN_CELL)
    cases["t_forged_replies"] = _all(FORGED_REPLIES)
    cases["t_forged_input"] = _all(FORGED_INPUT)
    cases["t_agent_hijack"] = toy.with_answers(ch99_add=AGENT + toy_correct("add"))
    cases["t_patch_aliases"] = toy.with_answers(ch99_mean=PATCH_ALIASES + WRONG["ch99_mean"],
                                                ch99_norm=WRONG["ch99_norm"])
    cases["t_frame_reader"] = toy.with_answers(ch99_norm=FRAME_READER)
    cases["t_equals_anything"] = toy.with_answers(ch99_add=EQUALS_ANYTHING, ch99_mean="")
    nb = toy.solved()
    nb.cells.append(nbformat.v4.new_code_cell(LEAK_CELL, id="leak-cell"))
    cases["t_leak_in"] = nb
    return cases


def toy_correct(name: str) -> str:
    return {"add": "def add(a, b):\n    return a + b"}[name]


# student -> (points out of 9, review flags that must be present, status). The scan may flag some of
# these for review too; that is a review aid, not the defence, so no flag is required here.
EXPECTED = {
    "t_displayhook": (0, [], "graded"),
    "t_aliases": (0, [], "graded"),
    "t_magic_lines": (0, [], "graded"),
    "t_run_cell": (0, [], "graded"),
    "t_forged_replies": (0, [], "graded"),
    "t_forged_input": (0, [], "graded"),
    "t_agent_hijack": (0, [], "graded"),
    "t_patch_aliases": (3, [], "graded"),  # add stays correct
    "t_frame_reader": (6, [], "graded"),  # add and mean stay correct
    "t_equals_anything": (3, [], "graded"),  # normalize stays correct
    "t_leak_in": (9, [], "graded"),
}
