"""Test cells run in the grader's own process, never in the learner's kernel.

The contest-judge model: the learner's cells run in the sandboxed kernel; a test cell's code runs
here, in a fresh namespace of the grader's process, so the learner's code can neither read a hidden
test nor change how it is judged. What a test cell needs from the learner's side crosses as plain
data (:mod:`course.grading.codec`):

- a name the test uses and does not define itself (``iou``, ``log``, ``np``) is looked up in the
  kernel: plain values are copied, modules are imported here afresh (from the grader's own
  environment, never from the submission's folder), and anything else becomes a :class:`Remote`
  proxy: calling it sends the arguments to the kernel as data, the learner's code runs there, and
  the result comes back as data (or as another proxy);
- exceptions come back as a built-in exception type and its message, so ``checks.assert_raises``
  works; a proxy never forwards ``==``, ``bool()`` or ``__array__``, so an object that "equals
  anything" is just an object;
- ``checks.forbid``, ``checks.substitute`` and ``checks.record_calls`` act on the kernel while a test
  runs here (see :mod:`course.grading.agent` for the other end).

The cell passes or fails by what happens here: its outputs (printed text, the value of a last
expression, the error) are written by the grader, not by anything the kernel sends.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import importlib
import importlib.util
import io
import json
import os
import sys
import threading
import time
import types
from pathlib import Path
from queue import Empty
from typing import Callable

import nbformat
import zmq

from . import codec

__all__ = ["TrustedRunner", "Remote", "KernelLost"]

SERVE_CODE = "__import__('course.grading.agent', fromlist=['serve']).serve()"
_DENY_MODULES = {"antigravity", "this", "webbrowser", "turtle", "tkinter", "idlelib", "pydoc", "pdb"}
_ERRORS = {
    name: getattr(builtins, name)
    for name in (
        "ValueError TypeError KeyError IndexError LookupError ZeroDivisionError ArithmeticError OverflowError "
        "FloatingPointError NotImplementedError AssertionError RuntimeError RecursionError AttributeError "
        "NameError UnboundLocalError StopIteration TimeoutError MemoryError OSError FileNotFoundError "
        "ImportError ModuleNotFoundError UnicodeError IndentationError SyntaxError Exception"
    ).split()
}
_DUNDERS_FORWARDED = ("__len__", "__iter__", "__next__", "__getitem__", "__contains__")


class KernelLost(RuntimeError):
    """The learner's kernel died, hung, or stopped answering during a test cell."""

    def __init__(self, status: str, detail: str):
        super().__init__(detail)
        self.status = status  # died or hung


class _CellTimeout(TimeoutError):
    pass


def _allowed_module(name) -> bool:
    """A module the trusted side may import for a test: from the grader's environment, not the submission."""
    return isinstance(name, str) and _allowed_module_name(name)


@functools.lru_cache(maxsize=4096)
def _allowed_module_name(name: str) -> bool:
    if not isinstance(name, str) or not name or len(name) > 200 or not all(p.isidentifier() for p in name.split(".")):
        return False
    top = name.split(".")[0]
    if top in _DENY_MODULES:
        return False
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    origin = spec.origin if spec.origin not in (None, "namespace") else next(iter(spec.submodule_search_locations or []), None)
    if origin in ("built-in", "frozen"):
        return True
    if not origin:
        return False
    path = Path(origin).resolve()
    if top == "course":
        return path.is_relative_to(Path(__file__).resolve().parents[1])
    return any(path.is_relative_to(Path(r).resolve()) for r in {sys.prefix, sys.base_prefix})


_PREFETCH_FROM_LEARNER = {"numpy", "pandas", "scipy", "sklearn", "lightgbm"}


def prefetch_imports(test_sources: list[str], other_sources: list[str]) -> threading.Thread:
    """Import, in a background thread, the modules the test cells will need here, while the learner's
    cells still run in the kernel (the grader's process is idle then): everything the test cells
    import themselves, and the well-known scientific packages the notebook imports (their names
    resolve to modules imported here). Only modules of the grader's own environment; failures are
    ignored (the test cell then imports, or fails, as it would have)."""
    wanted: list[str] = []
    for source, trusted in [(s, True) for s in test_sources] + [(s, False) for s in other_sources]:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # ``from sklearn import metrics``: the names may be submodules (else the import fails, ignored)
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if a.name != "*"][:20]
            else:
                continue
            for name in names:
                if (trusted or name.split(".")[0] in _PREFETCH_FROM_LEARNER) and name not in wanted:
                    wanted.append(name)

    def run():
        for name in wanted[:50]:
            if name in sys.modules or not _allowed_module(name):
                continue
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - a module that cannot be imported here
                pass

    thread = threading.Thread(target=run, name="mlsd-prefetch", daemon=True)
    thread.start()
    return thread


def _library_name(value) -> tuple[str, str] | None:
    """(module, qualified name) of a class or function of the grader's libraries or the builtins, which
    the learner's side can import by name; None for anything else (such as the test's own functions)."""
    if not (isinstance(value, type) or isinstance(value, (types.BuiltinFunctionType, _np_ufunc_type()))):
        return None
    mod, qual = getattr(value, "__module__", None), getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(mod, str) or not isinstance(qual, str) or "<" in qual or mod == "__main__":
        return None
    if not _allowed_module(mod) or mod not in sys.modules:
        return None
    obj = sys.modules[mod]
    for part in qual.split("."):
        obj = getattr(obj, part, None)
    return (mod, qual) if obj is value else None


def _np_ufunc_type():
    numpy = sys.modules.get("numpy")
    return numpy.ufunc if numpy is not None else type(None)


class Remote:
    """A function, class or object that lives in the learner's kernel."""

    __slots__ = ("_runner", "_h", "_kind", "_type", "_epoch", "__weakref__")

    def __init__(self, runner, handle: int, kind: str, type_name: str, epoch: int):
        object.__setattr__(self, "_runner", runner)
        object.__setattr__(self, "_h", handle)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_epoch", epoch)

    def __call__(self, *args, **kwargs):
        return self._runner._call(self, {"op": "call", "args": list(args), "kwargs": dict(kwargs)})

    def __getattr__(self, name):
        if name.startswith("__") or name.startswith("_array") or name.startswith("_repr_"):
            raise AttributeError(name)
        return self._runner._call(self, {"op": "getattr", "name": name})

    def __setattr__(self, name, value):
        raise AttributeError("objects from the learner's code cannot be changed by a test")

    def __len__(self):
        return self._runner._call(self, {"op": "method", "name": "__len__", "args": []})

    def __iter__(self):
        return self._runner._call(self, {"op": "method", "name": "__iter__", "args": []})

    def __next__(self):
        return self._runner._call(self, {"op": "method", "name": "__next__", "args": []})

    def __getitem__(self, key):
        return self._runner._call(self, {"op": "method", "name": "__getitem__", "args": [key]})

    def __contains__(self, item):
        return self._runner._call(self, {"op": "method", "name": "__contains__", "args": [item]})

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __bool__(self):
        return True

    def __repr__(self):
        mod, _, qual = self._type.partition(":")
        return f"<{self._kind} {qual or '?'} from the learner's code>"

    @property
    def __class__(self):
        cls = self._runner._local_class(self._type)
        return cls if cls is not None else Remote

    @property
    def __name__(self):
        return self._type.partition(":")[2].rsplit(".", 1)[-1] or "remote"


class _Mirror(ast.NodeTransformer):
    """After a top-level ``del NAME`` or ``NAME = ...`` of a name that came from the learner's namespace,
    do the same there, so that tests like nbgrader's own "does sum_of_squares use squares?" (delete the
    helper, expect a NameError, put it back) see what they would see in one kernel."""

    def __init__(self, names: set[str]):
        self.names = names

    def _skip(self, node):
        return node  # a function's or class's own scope: its names are not the notebook's

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _skip

    def _after(self, node, hits: list[str], fn: str):
        if not hits:
            return node
        calls = [ast.Expr(ast.Call(ast.Name(fn, ast.Load()), [ast.Constant(n)], [])) for n in hits]
        return [node, *calls]

    def visit_Delete(self, node):
        hits = [t.id for t in node.targets if isinstance(t, ast.Name) and t.id in self.names]
        return self._after(node, hits, "__mlsd_unbind__")

    def visit_Assign(self, node):
        hits = [t.id for t in node.targets if isinstance(t, ast.Name) and t.id in self.names]
        return self._after(node, hits, "__mlsd_rebind__")


def _loaded_names(tree: ast.AST) -> tuple[set[str], set[str], dict[str, list[list[str]]]]:
    """(names read, names bound, attribute chains read from each name) anywhere in a cell."""
    loads, stores, chains = set(), set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                stores.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
        elif isinstance(node, ast.Attribute):
            parts, cur = [], node
            while isinstance(cur, ast.Attribute):
                parts.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name):
                chains.setdefault(cur.id, []).append(parts[::-1])
    return loads, stores, chains


class TrustedRunner:
    """Runs one notebook's test cells here, against the learner's kernel ``kernel``."""

    def __init__(self, kernel, limits, *, deadline: Callable[[], float], log: Callable[[str], None] = print):
        self.kernel = kernel
        self.limits = limits
        self.deadline = deadline
        self.log = log
        self.ns: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.own: set[str] = set()
        self.callbacks: dict[int, Callable] = {}
        self.epoch = 0
        self._serving: str | None = None
        self._cell_deadline = float("inf")
        self._timed_out = False
        self._in_callback = False
        self._outputs: list = []
        self._from_kernel: set[str] = set()

    # -- running a cell ---------------------------------------------------------------------------
    def run_cell(self, source: str) -> tuple[list, str]:
        """Run a test cell; return (outputs, status) with status ok, error, died or hung."""
        from course import checks

        self._outputs = []
        self._timed_out = False
        self._cell_deadline = min(time.monotonic() + self.limits.cell_timeout, self.deadline())
        out, err = io.StringIO(), io.StringIO()
        status = "ok"
        saved_remote = checks._REMOTE
        checks._REMOTE = self
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    tree = ast.parse(source, "<test cell>")
                    self._bind_names(tree)
                    value = self._exec(tree)
                except KernelLost as exc:
                    status = exc.status
                    self._error(exc, "DeadKernelError")
                    value = None
                except BaseException as exc:  # noqa: BLE001 - the test failed (or the learner's code did)
                    status = "error"
                    self._error(exc)
                    value = None
        finally:
            checks._REMOTE = saved_remote
            if status == "ok" or status == "error":
                try:
                    self._end_serve()
                except KernelLost as exc:
                    if status == "ok":
                        self._error(exc, "DeadKernelError")
                    status = exc.status
        outputs = []
        for name, buf in (("stdout", out), ("stderr", err)):
            text = buf.getvalue()
            if text:
                cap = self.limits.cell_output_bytes
                if len(text) > cap:
                    text = text[:cap] + "\n[output truncated by the grader]\n"
                outputs.append(nbformat.v4.new_output("stream", name=name, text=text))
        if value is not None and status == "ok":
            try:
                text = repr(value)
            except Exception:  # noqa: BLE001
                text = f"<{type(value).__name__}>"
            outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": text[:10000]},
                                                  execution_count=None))
        outputs.extend(self._outputs)
        return outputs, status

    def _error(self, exc: BaseException, ename: str | None = None) -> None:
        name = ename or type(exc).__name__
        try:
            value = str(exc)
        except Exception:  # noqa: BLE001
            value = ""
        value = value[:5000]
        if isinstance(exc, NameError) and not value:
            value = "a name is not defined"
        self._outputs.append(nbformat.v4.new_output("error", ename=name, evalue=value,
                                                    traceback=[f"{name}: {value}"]))

    def _exec(self, tree: ast.Module):
        if self._from_kernel:
            tree = ast.fix_missing_locations(_Mirror(self._from_kernel).visit(tree))
            self.ns["__mlsd_rebind__"] = self._rebind
            self.ns["__mlsd_unbind__"] = self._unbind
        body = tree.body
        last = body[-1] if body and isinstance(body[-1], ast.Expr) else None
        head = ast.Module(body=body[:-1] if last else body, type_ignores=[])
        exec(compile(head, "<test cell>", "exec"), self.ns)  # noqa: S102 - the instructor's test code
        if last is not None:
            return eval(compile(ast.Expression(last.value), "<test cell>", "eval"), self.ns)  # noqa: S307
        return None

    def _bind_names(self, tree: ast.AST) -> None:
        loads, stores, chains = _loaded_names(tree)
        # a name this cell reads may come from the learner's side even if the cell also binds it
        # (``old = squares; del squares; ...; squares = old``): ask for every name earlier test cells
        # did not define
        wanted = sorted(n for n in loads - self.own if n not in ("display", "__builtins__"))
        wanted = [n for n in wanted if not hasattr(builtins, n)]
        self.own |= stores
        self._from_kernel = set()
        self.ns.setdefault("display", self._display)
        for n in wanted:
            self.ns.pop(n, None)
        if not wanted:
            return
        found = self._request({"op": "resolve", "names": wanted}, raw=True)
        if not isinstance(found, dict):
            raise RuntimeError("the learner's kernel gave a malformed answer")
        for name in wanted:
            if name not in found:
                continue
            value = self._decode(found[name])
            self.ns[name] = value
            self._from_kernel.add(name)
            if isinstance(value, type(sys)):
                for chain in chains.get(name, []):
                    mod = value.__name__
                    for part in chain:
                        mod = f"{mod}.{part}"
                        if not _allowed_module(mod):
                            break
                        try:
                            importlib.import_module(mod)
                        except Exception:  # noqa: BLE001 - not a module: an attribute
                            break

    def _rebind(self, name: str) -> None:
        """A test rebound a name of the learner's namespace (``squares = old_squares``): so does the kernel
        (or, for a value that cannot cross, the name is removed there rather than left stale)."""
        try:
            value = self._encode(self.ns[name])
        except codec.CodecError:
            self._request({"op": "unbind", "name": name})
            return
        self._request({"op": "bind", "name": name, "value": value})

    def _unbind(self, name: str) -> None:
        """A test deleted a name of the learner's namespace (``del squares``): so does the kernel."""
        self._request({"op": "unbind", "name": name})

    def _display(self, *objs, **_kw):
        for obj in objs:
            try:
                text = repr(obj)
            except Exception:  # noqa: BLE001
                text = f"<{type(obj).__name__}>"
            self._outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": text[:10000]}))

    # -- data ---------------------------------------------------------------------------------------
    def _ref_for(self, value) -> dict:
        if isinstance(value, Remote) or type(value) is Remote:
            if object.__getattribute__(value, "_epoch") != self.epoch:
                raise KernelLost("died", "the learner's kernel was restarted since this object was made")
            return {"t": "ref", "h": object.__getattribute__(value, "_h")}
        named = _library_name(value)
        if named is not None:
            return {"t": "type", "module": named[0], "qual": named[1]}
        if isinstance(value, types.GeneratorType) or (not isinstance(value, type) and hasattr(value, "__next__")
                                                      and hasattr(value, "__iter__")):
            items = list(value)
            return {"t": "iter", "items": self._encode(items)["items"]}
        if callable(value) and not isinstance(value, type):
            cid = len(self.callbacks) + 1
            self.callbacks[cid] = value
            return {"t": "cb", "h": cid}
        raise codec.CodecError(f"a test cannot send a {type(value).__name__} to the learner's code")

    def _proxy_for(self, data: dict):
        if "module" in data:
            name = data["module"]
            if not _allowed_module(name):
                raise codec.CodecError(f"module {name!r} cannot be imported for the tests")
            return importlib.import_module(name)
        h, kind, type_name = data.get("h"), data.get("kind"), data.get("type")
        if type(h) is not int or kind not in ("function", "class", "object") or not isinstance(type_name, str):
            raise codec.CodecError("bad reference")
        return Remote(self, h, kind, type_name[:300], self.epoch)

    def _decode(self, data):
        return codec.decode(data, self._proxy_for)

    def _encode(self, value):
        return codec.encode(value, self._ref_for)

    def _local_class(self, type_name: str):
        mod, _, qual = type_name.partition(":")
        if not mod or mod == "builtins" or mod == "__main__" or not _allowed_module(mod):
            return None
        module = sys.modules.get(mod)
        if module is None:
            return None
        obj = module
        for part in qual.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj if isinstance(obj, type) else None

    def _call(self, remote: Remote, req: dict):
        if object.__getattribute__(remote, "_epoch") != self.epoch:
            raise RuntimeError("the learner's kernel was restarted since this object was made")
        args, kwargs = list(req.get("args", [])), dict(req.get("kwargs", {}))
        req = dict(req, h=object.__getattribute__(remote, "_h"))
        if "args" in req:
            req["args"] = self._encode(args)
        if "kwargs" in req:
            req["kwargs"] = self._encode(kwargs)
        if self._in_callback:
            raise RuntimeError("a test's reference function cannot call the learner's code")
        reply = self._exchange(req)
        if isinstance(reply.get("mut"), dict):
            self._write_back(reply["mut"], args, kwargs)
        if "err" in reply:
            raise self._exception(reply["err"])
        return self._decode(reply.get("ok"))

    def _write_back(self, mutated: dict, args: list, kwargs: dict) -> None:
        """Apply to the test's own objects what the learner's code did to its copies of them in place."""
        import numpy as np
        import pandas as pd

        targets = [(args, int(k), v) for k, v in (mutated.get("args") or {}).items() if str(k).isdigit()]
        targets += [(kwargs, k, v) for k, v in (mutated.get("kwargs") or {}).items()]
        for box, key, data in targets:
            try:
                mine, new = box[key], self._decode(data)
            except (KeyError, IndexError, codec.CodecError):
                continue
            if type(new) is not type(mine):
                continue
            if isinstance(mine, (pd.DataFrame, pd.Series)):
                mine._update_inplace(new)
                if isinstance(mine, pd.Series):
                    mine.name = new.name
            elif isinstance(mine, np.ndarray):
                if mine.shape == new.shape and mine.flags.writeable:
                    mine[...] = new
            elif isinstance(mine, np.random.Generator):  # the learner's code drew from it: so has the test's
                if type(mine.bit_generator) is type(new.bit_generator):
                    mine.bit_generator.state = new.bit_generator.state
            elif isinstance(mine, list):
                mine[:] = new
            elif isinstance(mine, (dict, set)):
                mine.clear()
                mine.update(new)

    def _request(self, req: dict, *, raw: bool = False):
        """Send one request to the learner's kernel; return its decoded result or raise its error."""
        if self._in_callback:
            raise RuntimeError("a test's reference function cannot call the learner's code")
        reply = self._exchange(req)
        if "err" in reply:
            raise self._exception(reply["err"])
        return reply.get("ok") if raw else self._decode(reply.get("ok"))

    @staticmethod
    def _exception(err) -> BaseException:
        if not isinstance(err, dict):
            return RuntimeError("the learner's code failed")
        names = [err.get("type")] + list(err.get("mro") or [])
        kind = next((_ERRORS[n] for n in names if isinstance(n, str) and n in _ERRORS), RuntimeError)
        msg = err.get("msg")
        exc = kind(str(msg)[:4000] if isinstance(msg, str) else "")
        if isinstance(exc, (NameError, AttributeError)) and isinstance(err.get("name"), str):
            exc.name = err["name"][:200]
        return exc

    # -- forbid, substitute, record (checks._REMOTE) ---------------------------------------------------
    def _target(self, target) -> dict:
        if target is self.ns:
            return {"user": True}
        if isinstance(target, type(sys)):
            return {"module": target.__name__}
        if type(target) is Remote:
            return {"h": object.__getattribute__(target, "_h")}
        if isinstance(target, type):
            return {"module": target.__module__, "attrs": target.__qualname__.split(".")}
        raise TypeError(f"cannot act on a {type(target).__name__} in the learner's kernel")

    @contextlib.contextmanager
    def forbid(self, target, names):
        spec = dict(self._target(target), names=list(names))
        token = self._request({"op": "forbid", "targets": [spec]})
        try:
            yield
        finally:
            self._request({"op": "undo", "token": token})

    @contextlib.contextmanager
    def substitute(self, namespace, name, replacement):
        if namespace is not self.ns:
            raise TypeError("substitute() acts on the notebook's globals()")
        cid = len(self.callbacks) + 1
        self.callbacks[cid] = replacement
        token = self._request({"op": "substitute", "name": name, "cb": cid})
        try:
            yield
        finally:
            self._request({"op": "undo", "token": token})

    @contextlib.contextmanager
    def record_calls(self, target, name):
        token = self._request({"op": "record", "target": self._target(target), "name": name})
        calls: list = []
        try:
            yield calls
        finally:
            got = self._request({"op": "record_end", "token": token})
            calls.extend(got if isinstance(got, list) else [])

    # -- the wire: one serve() execution per test cell, messages over the stdin channel ------------------
    def _exchange(self, req: dict) -> dict:
        if self._timed_out:
            raise _CellTimeout(f"this test cell ran past its {self.limits.cell_timeout:g} s limit")
        if self._serving is None:
            self._begin_serve()
        self._send(req)
        while True:
            msg = self._next_prompt()
            if "cb" in msg:
                self._send(self._run_callback(msg))
                continue
            if "ok" in msg or "err" in msg:
                return msg
            raise RuntimeError("the learner's kernel gave a malformed answer")

    def _run_callback(self, msg: dict) -> dict:
        fn = self.callbacks.get(msg.get("cb"))
        if fn is None:
            return {"err": {"type": "RuntimeError", "msg": "no such reference function"}}
        self._in_callback = True
        try:
            args = self._decode(msg.get("args"))
            kwargs = self._decode(msg.get("kwargs"))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise TypeError("bad arguments")
            return {"ok": self._encode(fn(*args, **{str(k): v for k, v in kwargs.items()}))}
        except Exception as exc:  # noqa: BLE001 - the reference raised: the learner's code sees it
            return {"err": {"type": type(exc).__name__ if type(exc).__name__ in _ERRORS else "RuntimeError",
                            "msg": str(exc)[:2000]}}
        finally:
            self._in_callback = False

    def _send(self, message: dict) -> None:
        text = json.dumps(message, allow_nan=False)
        if len(text) > self.limits.max_message_bytes:
            raise codec.CodecError("the test's data is too large to send to the learner's code")
        try:
            self.kernel.kc.input(text)
        except Exception as exc:  # noqa: BLE001
            raise KernelLost("died", f"could not reach the learner's kernel: {exc}") from None

    def _begin_serve(self) -> None:
        kc = self.kernel.kc
        if kc is None or not self.kernel.alive():
            raise KernelLost("died", "the learner's kernel is not running")
        self._serving = kc.execute(SERVE_CODE, silent=True, store_history=False, allow_stdin=True,
                                   stop_on_error=False)
        first = self._next_prompt()
        if first.get("ready") is not True:
            raise RuntimeError("the learner's kernel did not start answering the tests")

    def _end_serve(self) -> None:
        if self._serving is None:
            return
        msg_id, self._serving = self._serving, None
        try:
            self.kernel.kc.input(json.dumps({"op": "end"}))
        except Exception:  # noqa: BLE001
            raise KernelLost("died", "the learner's kernel stopped answering") from None
        self._wait(msg_id, want_prompt=False, deadline=time.monotonic() + max(5.0, self.limits.iopub_grace))

    def _next_prompt(self) -> dict:
        prompt = self._wait(self._serving, want_prompt=True, deadline=self._cell_deadline)
        if len(prompt) > self.limits.max_message_bytes:
            raise codec.CodecError("the learner's answer is too large")
        try:
            msg = json.loads(prompt)
        except ValueError:
            raise RuntimeError("the learner's kernel gave a malformed answer") from None
        if not isinstance(msg, dict):
            raise RuntimeError("the learner's kernel gave a malformed answer")
        return msg

    def _wait(self, msg_id: str, *, want_prompt: bool, deadline: float):
        """Wait for the next input prompt of ``msg_id`` (or, with want_prompt False, its execute_reply)."""
        kc = self.kernel.kc
        poller = zmq.Poller()
        for ch in (kc.stdin_channel, kc.shell_channel, kc.iopub_channel):
            poller.register(ch.socket, zmq.POLLIN)
        interrupted_at = None
        last_alive = 0.0
        while True:
            now = time.monotonic()
            if now - last_alive > 0.5:
                last_alive = now
                if not self.kernel.alive():
                    self._lost()
                    raise KernelLost("died", f"the learner's kernel died during this test cell "
                                             f"({self.kernel.exit_description()})")
            if now >= deadline and interrupted_at is None:
                if not want_prompt:
                    self._lost()
                    self.kernel.kill()
                    raise KernelLost("hung", "the learner's kernel did not finish answering the tests")
                self.kernel.interrupt()
                interrupted_at = now
                self._timed_out = True
            if interrupted_at is not None and now - interrupted_at > self.limits.interrupt_grace:
                self._lost()
                self.kernel.kill()
                raise KernelLost("hung", f"the learner's code ran past the {self.limits.cell_timeout:g} s "
                                         "limit of this test cell and did not stop when interrupted")
            try:
                ready = dict(poller.poll(100))
            except zmq.ZMQError:
                ready = {}
            if kc.iopub_channel.socket in ready:
                for _ in range(10000):  # the learner's output during a test is not kept
                    try:
                        kc.iopub_channel.get_msg(timeout=0)
                    except Empty:
                        break
                    except Exception:  # noqa: BLE001
                        continue
            if kc.stdin_channel.socket in ready:
                for _ in range(1000):
                    try:
                        msg = kc.stdin_channel.get_msg(timeout=0)
                    except Empty:
                        break
                    except Exception:  # noqa: BLE001
                        continue
                    if msg.get("header", {}).get("msg_type") != "input_request":
                        continue
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    if want_prompt:
                        prompt = msg.get("content", {}).get("prompt", "")
                        if interrupted_at is not None:
                            # the answer to a request that ran out of time: report the timeout
                            raise _CellTimeout(f"the learner's code ran past the {self.limits.cell_timeout:g} s "
                                               "limit of this test cell")
                        return prompt if isinstance(prompt, str) else ""
                    self.kernel.kc.input(json.dumps({"op": "end"}))
            if kc.shell_channel.socket in ready:
                for _ in range(1000):
                    try:
                        msg = kc.shell_channel.get_msg(timeout=0)
                    except Empty:
                        break
                    except Exception:  # noqa: BLE001
                        continue
                    if (msg.get("parent_header", {}).get("msg_id") == msg_id
                            and msg.get("header", {}).get("msg_type") == "execute_reply"):
                        if not want_prompt:
                            return None
                        self._serving = None
                        raise RuntimeError("the learner's kernel stopped answering the tests")

    def _lost(self) -> None:
        """The kernel is gone (or about to be killed): every proxy made so far is void."""
        self._serving = None
        self.epoch += 1

    def kernel_restarted(self) -> None:
        self._serving = None
        self.epoch += 1
