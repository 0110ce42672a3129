"""A static scan of a submission's own code for known ways to cheat from inside the kernel.

The sandbox keeps student code away from the grader, but not away from the kernel it shares with
the tests: code in an answer cell can rewrite the test cells before they run, replace the helpers
they call, or hide their failures. Such tricks cannot be blocked without breaking ordinary Python, so
they are flagged for a human to look at. The scan reads the learner's cells only (test cells are
restored from the release anyway) and never executes anything.

Rules (each finding names the cell, the line and the rule):

- ``hook``: input transformers, AST transformers, execution events, custom exception handlers,
  trace/profile hooks, replacing the shell's methods — anything that sees or rewrites later cells;
- ``patch``: assigning to attributes of ``checks``/``course.checks``, ``numpy.testing``, ``numpy``,
  ``math``, ``unittest``, ``builtins``; ``setattr`` on those; ``unittest.mock``; rebinding a builtin
  such as ``AssertionError``; editing ``sys.modules`` or ``sys.path``; defining the test helpers'
  names (``assert_close``…) at top level;
- ``files``: absolute or parent-relative paths, the home folder, the notebook files themselves,
  the grader's folders (``source``, ``gradebook``, ``submitted``, ``autograded``), ``os.environ``,
  writing ``.py`` files;
- ``process``: ``subprocess``, ``os.system``/``fork``/``kill``/``exec*``, ``signal``, ``ctypes``,
  ``socket``, ``multiprocessing``, ``sys.exit``/``os._exit``, resource limits;
- ``dynamic``: ``exec``, ``eval``, ``compile``, ``__import__``, ``importlib``, base64/codecs decoding,
  ``getattr``/``setattr`` with a computed name — ways to hide any of the above;
- ``magic``: shell escapes (``!cmd``) and the magics that run shell code or read and write files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["Finding", "scan_code", "scan_notebook"]


@dataclass(frozen=True)
class Finding:
    rule: str
    cell: str  # grade id of the cell, or "cell N"
    line: int
    message: str
    snippet: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message} ({self.cell}, line {self.line}: {self.snippet})"


HOOK_ATTRS = {
    "input_transformers_cleanup",
    "input_transformers_post",
    "input_transformer_manager",
    "ast_transformers",
    "register_magic_function",
    "register_magics",
    "set_custom_exc",
    "showtraceback",
    "showsyntaxerror",
    "_showtraceback",
    "run_cell",
    "run_cell_async",
    "run_code",
    "run_ast_nodes",
    "transform_cell",
    "do_execute",
    "execute_request",
    "displayhook",
    "excepthook",
    "settrace",
    "setprofile",
    "pre_run_cell",
    "post_run_cell",
    "pre_execute",
    "post_execute",
    "push",
    "user_ns",
    "user_global_ns",
    "InteractiveShell",
    "ExecutionResult",
}
HOOK_NAMES = {"get_ipython", "IPython", "ipykernel", "InteractiveShell"}
PATCH_TARGETS = {
    "checks",
    "testing",
    "np",
    "numpy",
    "math",
    "unittest",
    "builtins",
    "__builtins__",
    "course",
    "pytest",
    "sklearn",
    "metrics",
    "pd",
    "pandas",
    "scipy",
    "statistics",
    "operator",
    "random",
}
BUILTIN_NAMES = {
    "AssertionError",
    "Exception",
    "BaseException",
    "isinstance",
    "type",
    "abs",
    "round",
    "len",
    "float",
    "int",
    "bool",
    "str",
    "sum",
    "min",
    "max",
    "print",
    "all",
    "any",
    "sorted",
    "range",
    "issubclass",
    "repr",
    "hash",
    "id",
    "object",
    "compile",
    "exec",
    "eval",
    "open",
    "__import__",
    "globals",
    "locals",
    "vars",
    "getattr",
    "setattr",
    "hasattr",
    "True",
    "False",
    "None",
}
HELPER_NAMES = {
    "assert_close",
    "assert_shape",
    "assert_type",
    "assert_raises",
    "forbid",
    "assert_allclose",
    "assert_array_equal",
    "assert_almost_equal",
    "assert_array_almost_equal",
    "assert_equal",
    "allclose",
    "isclose",
    "array_equal",
}
PROCESS_MODULES = {
    "subprocess",
    "ctypes",
    "socket",
    "multiprocessing",
    "signal",
    "resource",
    "pty",
    "shutil",
    "urllib",
    "requests",
    "http",
    "ftplib",
    "telnetlib",
    "asyncio.subprocess",
    "os",
    "sys",
    "importlib",
    "inspect",
    "gc",
    "threading",
    "atexit",
    "faulthandler",
    "pickle",
    "marshal",
}
QUIET_MODULES = {
    "os",
    "sys",
    "importlib",
    "inspect",
    "gc",
    "threading",
    "pickle",
    "shutil",
}  # only calls flagged
PROCESS_CALLS = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "fork"),
    ("os", "forkpty"),
    ("os", "kill"),
    ("os", "killpg"),
    ("os", "_exit"),
    ("os", "abort"),
    ("os", "setsid"),
    ("os", "spawnl"),
    ("os", "spawnv"),
    ("os", "spawnlp"),
    ("os", "spawnvp"),
    ("os", "posix_spawn"),
    ("os", "posix_spawnp"),
    ("os", "execv"),
    ("os", "execl"),
    ("os", "execve"),
    ("os", "execvp"),
    ("os", "execlp"),
    ("os", "setuid"),
    ("os", "setgid"),
    ("sys", "exit"),
    ("sys", "settrace"),
    ("sys", "setprofile"),
    ("sys", "addaudithook"),
    ("sys", "_getframe"),
    ("shutil", "rmtree"),
    ("importlib", "import_module"),
    ("importlib", "reload"),
    ("inspect", "getsource"),
    ("inspect", "stack"),
    ("inspect", "currentframe"),
    ("gc", "get_objects"),
    ("gc", "get_referrers"),
    ("pickle", "loads"),
}
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "breakpoint", "exit", "quit"}
DECODERS = {
    ("base64", "b64decode"),
    ("base64", "b85decode"),
    ("base64", "a85decode"),
    ("base64", "b32decode"),
    ("codecs", "decode"),
    ("zlib", "decompress"),
    ("bytes", "fromhex"),
    ("binascii", "unhexlify"),
    ("marshal", "loads"),
}
PATH_WORDS = re.compile(
    r"(^/|^~|(^|[\\/])\.\.([\\/]|$)|gradebook|(^|/)source(/|$)|submitted|autograded|"
    r"\.ipynb\b|/proc|/etc|/root|/home|/srv|/work)"
)
SAFE_MAGICS = {
    "matplotlib",
    "config",
    "precision",
    "pprint",
    "time",
    "timeit",
    "who",
    "whos",
    "who_ls",
    "load_ext",
    "autoreload",
    "aimport",
    "reset_selective",
    "history",
}
RUNS_BODY = {"time", "timeit", "prun", "capture"}  # cell magics whose body is Python


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))


class _Visitor(ast.NodeVisitor):
    def __init__(self, add):
        self.add = add
        self.depth = 0

    def _root(self, dotted: str) -> str:
        return dotted.split(".")[0] if dotted else ""

    def _target(self, target, node) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self._target(t, node)
            return
        if isinstance(target, ast.Attribute):
            dotted = _dotted(target)
            root = self._root(dotted)
            parts = set(dotted.split("."))
            if target.attr in HOOK_ATTRS or "get_ipython()" in dotted:
                self.add("hook", node, f"replaces {dotted}")
            elif root in PATCH_TARGETS or parts & {"testing", "checks"}:
                self.add("patch", node, f"monkeypatches {dotted}")
            elif dotted.startswith("sys.") or root in {"os", "ipykernel", "IPython"}:
                self.add("patch", node, f"assigns {dotted}")
        elif isinstance(target, ast.Subscript):
            dotted = _dotted(target.value)
            if dotted in (
                "sys.modules",
                "os.environ",
                "__builtins__",
                "globals()",
                "sys.path",
                "builtins.__dict__",
            ):
                self.add("patch", node, f"edits {dotted}")
        elif isinstance(target, ast.Name):
            if target.id in BUILTIN_NAMES:
                self.add("patch", node, f"rebinds the builtin {target.id}")
            elif target.id in HELPER_NAMES or target.id in {"checks", "np", "numpy"} and self.depth == 0:
                self.add("patch", node, f"rebinds {target.id}, a name the tests use")

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            dotted = _dotted(t) if not isinstance(t, ast.Subscript) else _dotted(t.value)
            if self._root(dotted) in PATCH_TARGETS or dotted.startswith("sys.") or dotted in HELPER_NAMES:
                self.add("patch", node, f"deletes {dotted}")
        self.generic_visit(node)

    def _function(self, node):
        if self.depth == 0 and node.name in HELPER_NAMES | BUILTIN_NAMES:
            self.add("patch", node, f"defines {node.name}, a name the tests or Python rely on")
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node):
        if self.depth == 0 and node.name in BUILTIN_NAMES:
            self.add("patch", node, f"defines a class named {node.name}")
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def _module(self, name: str, node) -> None:
        top = name.split(".")[0]
        if name.startswith("unittest.mock") or name == "mock":
            self.add("patch", node, f"imports {name}")
        elif top in {"IPython", "ipykernel", "jupyter_client", "zmq", "nbgrader", "traitlets", "builtins"}:
            self.add("hook", node, f"imports {name}")
        elif top in PROCESS_MODULES and top not in QUIET_MODULES:
            self.add("process", node, f"imports {name}")

    def visit_Import(self, node):
        for alias in node.names:
            self._module(alias.name, node)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        self._module(mod, node)
        for alias in node.names:
            if (mod.split(".")[0], alias.name) in PROCESS_CALLS:
                self.add("process", node, f"imports {mod}.{alias.name}")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        dotted = _dotted(func)
        root = self._root(dotted)
        last = dotted.split(".")[-1] if dotted else ""
        if isinstance(func, ast.Name) and func.id in DYNAMIC_CALLS:
            self.add("dynamic" if func.id not in ("exit", "quit") else "process", node, f"calls {func.id}()")
        elif isinstance(func, ast.Name) and func.id in {"setattr", "delattr"} and node.args:
            obj = _dotted(node.args[0])
            computed = len(node.args) < 2 or not isinstance(node.args[1], ast.Constant)
            if self._root(obj) in PATCH_TARGETS or "testing" in obj or "checks" in obj or obj in HOOK_NAMES:
                self.add("patch", node, f"{func.id} on {obj}")
            elif computed:
                self.add("dynamic", node, f"{func.id} with a computed name")
        elif (
            isinstance(func, ast.Name)
            and func.id == "getattr"
            and len(node.args) >= 2
            and not isinstance(node.args[1], ast.Constant)
        ):
            self.add("dynamic", node, "getattr with a computed name")
        elif isinstance(func, ast.Name) and func.id in {"globals", "vars", "locals"}:
            self.add("dynamic", node, f"calls {func.id}()")
        elif isinstance(func, ast.Name) and func.id in HOOK_NAMES:
            self.add("hook", node, f"calls {func.id}()")
        elif last in {"register", "unregister"} and "events" in dotted:
            self.add("hook", node, f"registers an execution event ({dotted})")
        elif last in HOOK_ATTRS and (
            root in HOOK_NAMES
            or "get_ipython()" in dotted
            or "shell" in dotted
            or last in {"settrace", "setprofile", "set_custom_exc"}
        ):
            self.add("hook", node, f"calls {dotted}")
        elif last in {"append", "insert", "extend", "__setitem__"} and any(
            a in dotted for a in ("transformer", "sys.path", "sys.modules", "meta_path", "path_hooks")
        ):
            self.add("hook" if "transformer" in dotted else "patch", node, f"calls {dotted}")
        elif (root, last) in PROCESS_CALLS or (
            dotted.count(".") == 1 and tuple(dotted.split(".")) in PROCESS_CALLS
        ):
            self.add(
                "process" if root != "importlib" and root != "inspect" and root != "gc" else "dynamic",
                node,
                f"calls {dotted}",
            )
        elif (root, last) in DECODERS:
            self.add("dynamic", node, f"decodes hidden text with {dotted}")
        elif last in {"patch", "patch.object", "setattr"} and ("mock" in dotted or "monkeypatch" in dotted):
            self.add("patch", node, f"calls {dotted}")
        elif last in {"update", "setdefault", "pop", "clear"} and root in {
            "sys",
            "os",
            "__builtins__",
            "builtins",
        }:
            self.add("patch", node, f"calls {dotted}")
        if last in {
            "open",
            "Path",
            "read_text",
            "read_bytes",
            "write_text",
            "write_bytes",
            "glob",
            "iglob",
            "rglob",
            "listdir",
            "scandir",
            "walk",
            "loadtxt",
            "read_csv",
            "load",
            "fromfile",
            "PurePath",
            "PosixPath",
            "exists",
            "isfile",
            "isdir",
            "stat",
            "expanduser",
            "remove",
            "unlink",
            "rmdir",
            "rename",
            "replace",
            "chdir",
            "symlink",
            "link",
            "chmod",
            "copy",
            "copyfile",
            "copytree",
            "move",
            "rmtree",
            "truncate",
            "makedirs",
            "mkdir",
        }:
            for arg in node.args[:2]:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and PATH_WORDS.search(arg.value)
                ):
                    self.add("files", node, f"reaches for {arg.value[:60]!r}")
            if (
                last == "open"
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.endswith((".py", ".pth"))
            ):
                self.add("files", node, f"writes Python source {node.args[0].value!r}")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        dotted = _dotted(node)
        if dotted in ("sys.modules", "sys.meta_path", "sys.path_hooks", "builtins.__dict__"):
            self.add("patch", node, f"uses {dotted}")
        elif node.attr in {
            "__globals__",
            "__code__",
            "__closure__",
            "f_globals",
            "f_locals",
            "f_back",
            "__subclasses__",
            "__builtins__",
            "gi_frame",
            "tb_frame",
        }:
            self.add("dynamic", node, f"uses {node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id == "__builtins__":
            self.add("patch", node, "uses __builtins__")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and len(node.value) < 300:
            if re.search(r"(^|/)(gradebook\.db|source/|submitted/|autograded/)", node.value):
                self.add("files", node, f"names a grader folder or file {node.value[:60]!r}")
        self.generic_visit(node)


def _strip_magics(code: str, add_line) -> str:
    """Replace IPython-only lines (magics, shell escapes) by ``pass``, flagging the risky ones."""
    lines = code.split("\n")
    first = lines[0].strip() if lines else ""
    offset = 0
    if first.startswith("%%"):
        name = first[2:].split()[0] if first[2:].split() else ""
        add_line("magic", 1, f"cell magic %%{name}")
        if name not in RUNS_BODY:
            return ""
        lines = [""] + lines[1:]
    out = []
    for n, line in enumerate(lines, 1):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        m = re.match(r"^(?:[\w\s,\[\]]+=\s*)?([!%])(%?)(\w*)", stripped)
        if m and n > offset:
            kind, name = m.group(1), m.group(3)
            if kind == "!":
                add_line("magic", n, "shell command")
            elif name not in SAFE_MAGICS:
                add_line("magic", n, f"magic %{name}")
            out.append(indent + "pass")
        elif stripped.endswith("?") and not stripped.startswith("#"):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out)


MAX_SCAN_CHARS = 100_000  # a longer cell is scanned by words only (parsing is slow on huge cells)
SCAN_BUDGET_S = 1.5  # a notebook's full scan time; the cells after it are scanned by words only
_WORDS = (
    "get_ipython",
    "transformer",
    "testing",
    "checks.",
    "subprocess",
    "os.system",
    "signal",
    "exec(",
    "eval(",
    "__import__",
    "sys.modules",
    "builtins",
    "ctypes",
    "socket",
)


def _word_scan(code: str, cell: str, why: str) -> list[Finding]:
    """A linear scan for the telltale words (first occurrence of each), for cells too large to parse."""
    found = [Finding("large", cell, 1, f"{why}: scanned by words only, read it", "")]
    for word in _WORDS:
        at = code.find(word)
        if at >= 0:
            line = code.count("\n", 0, at) + 1
            start = code.rfind("\n", 0, at) + 1
            snippet = code[start : start + 80].split("\n", 1)[0].strip()
            found.append(Finding("unparsed", cell, line, f"mentions {word.strip('(.')}", snippet))
    return found


def scan_code(code: str, cell: str) -> list[Finding]:
    """Findings for one cell of code."""
    if len(code) > MAX_SCAN_CHARS:
        return _word_scan(code, cell, f"{len(code)} characters long")
    found: list[Finding] = []
    lines = code.split("\n")
    seen = set()

    def add_line(rule, line, message):
        key = (rule, line, message)
        if key not in seen:
            seen.add(key)
            snippet = lines[line - 1].strip()[:80] if 0 < line <= len(lines) else ""
            found.append(Finding(rule, cell, line, message, snippet))

    def add(rule, node, message):
        add_line(rule, getattr(node, "lineno", 1), message)

    text = _strip_magics(code, add_line)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # cannot parse: fall back to words, so a broken cell cannot hide a trick
        for n, line in enumerate(lines, 1):
            for word in _WORDS:
                if word in line:
                    add_line("unparsed", n, f"mentions {word.strip('(.')} in code that does not parse")
        return found
    try:
        _Visitor(add).visit(tree)
    except RecursionError:
        add_line("dynamic", 1, "code nested too deeply to scan")
    return found


def scan_notebook(nb, *, skip_locked: bool = True, release=None) -> list[Finding]:
    """Scan every code cell the learner controls: all but the locked test cells and, given the
    release notebook, the cells still exactly as released (the course's own setup code)."""
    given = set()
    if release is not None:
        given = {c.get("source", "").strip() for c in release.cells if c.get("cell_type") == "code"}
    import time

    out: list[Finding] = []
    end = time.monotonic() + SCAN_BUDGET_S
    for n, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if skip_locked and meta.get("locked") and not meta.get("solution"):
            continue
        if cell.get("source", "").strip() in given:
            continue
        label = meta.get("grade_id") or f"cell {n}"
        if time.monotonic() > end:
            out.extend(_word_scan(cell.get("source", ""), label, "the scan ran out of time"))
        else:
            out.extend(scan_code(cell.get("source", ""), label))
    return out
