"""The learner-side end of the trusted test design: runs inside the learner's kernel during a test cell.

The grader never sends a test's source to the learner's kernel. While a test cell runs in the
grader's trusted process, that process sends the kernel one execute request, ``serve()``, and then
talks to it over the Jupyter stdin channel: each ``input()`` prompt written here is a message to the
grader (JSON), each reply a request from it. Requests are plain data (:mod:`course.grading.codec`):
look up names, call a function, read an attribute, forbid a library function, bind a name to one of
the test's reference functions (whose calls come back to the grader), record calls.

Nothing here is trusted by the grader: the learner's code runs in this same process and may replace
any of it. Whatever it sends back is only ever decoded as plain data, so the worst it can do is
answer wrongly, which its own functions could do anyway.
"""

from __future__ import annotations

import builtins
import importlib
import io
import json
import sys
import types

from . import codec

__all__ = ["serve"]

_HANDLES: dict[int, object] = {}
_UNDO: dict[int, list] = {}
_RECORDS: dict[int, list] = {}
_NEXT = [1]
_MODULE_TYPES = (types.ModuleType,)


def _user_ns() -> dict:
    try:
        return get_ipython().user_ns  # noqa: F821 - IPython's builtin in a kernel
    except NameError:
        return sys.modules["__main__"].__dict__


def _handle(value) -> int:
    for h, v in _HANDLES.items():
        if v is value:
            return h
    h = _NEXT[0]
    _NEXT[0] += 1
    _HANDLES[h] = value
    return h


def _type_name(value) -> str:
    t = value if isinstance(value, type) else type(value)
    return f"{getattr(t, '__module__', '')}:{getattr(t, '__qualname__', getattr(t, '__name__', ''))}"


def _ref(value) -> dict:
    if isinstance(value, _MODULE_TYPES):
        return {"t": "ref", "module": getattr(value, "__name__", "")}
    kind = "class" if isinstance(value, type) else ("function" if callable(value) else "object")
    return {"t": "ref", "h": _handle(value), "kind": kind, "type": _type_name(value)}


def _enc(value):
    return codec.encode(value, _ref)


class _Callback:
    """One of the test's own functions, called back in the grader's process."""

    def __init__(self, cid: int, name: str = "a test's reference"):
        self.cid = cid
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        reply = _ask({"cb": self.cid, "args": _enc(list(args)), "kwargs": _enc(dict(kwargs))})
        if "err" in reply:
            raise _exception(reply["err"])
        return codec.decode(reply.get("ok"), _proxy)

    def __repr__(self):
        return "<reference function from the tests>"


def _proxy(data: dict):
    if data.get("t") == "cb":
        return _Callback(int(data["h"]))
    if data.get("t") == "type":  # a class or function of a library (np.float32, pd.Timestamp, float)
        obj = importlib.import_module(str(data["module"]))
        for part in str(data["qual"]).split("."):
            obj = getattr(obj, part)
        return obj
    h = data.get("h")
    if h not in _HANDLES:
        raise codec.CodecError("unknown handle")
    return _HANDLES[h]


def _exception(err: dict) -> BaseException:
    kind = getattr(builtins, str(err.get("type", "")), None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = RuntimeError
    return kind(str(err.get("msg", "")))


def _error(exc: BaseException) -> dict:
    mro = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
    if isinstance(exc, KeyboardInterrupt):
        mro = ["TimeoutError"]
    try:
        msg = str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__
        msg = ""
    out = {"type": mro[0] if mro else "Exception", "mro": mro[:12], "msg": msg[:4000]}
    name = getattr(exc, "name", None) if isinstance(exc, (NameError, AttributeError)) else None
    if isinstance(name, str):
        out["name"] = name[:200]
    return out


def _ask(message: dict) -> dict:
    text = input(json.dumps(message, allow_nan=False))
    return json.loads(text)


def _target(spec: dict):
    if "module" in spec:
        obj = importlib.import_module(spec["module"])
        for part in spec.get("attrs", []):
            obj = getattr(obj, part)
        return obj
    if "user" in spec:
        return _user_ns()
    if "h" in spec:
        return _HANDLES[spec["h"]]
    raise ValueError("bad target")


def _do(req: dict):
    op = req.get("op")
    if op == "resolve":
        ns, out = _user_ns(), {}
        for name in req.get("names", []):
            if name in ns:
                value = ns[name]
                try:
                    out[name] = _enc(value)
                except codec.CodecError:
                    out[name] = _ref(value)
        return out
    if op == "call":
        fn = _HANDLES[req["h"]]
        args = codec.decode(req.get("args"), _proxy)
        kwargs = codec.decode(req.get("kwargs"), _proxy)
        before = _fingerprints(args, kwargs)
        result = _enc(fn(*args, **kwargs))
        return _Reply(result, _mutated(args, kwargs, before))
    if op == "getattr":
        return _enc(getattr(_HANDLES[req["h"]], req["name"]))
    if op == "method":  # the few dunders a test may use on an object: len(), iteration, indexing
        obj = _HANDLES[req["h"]]
        args = codec.decode(req.get("args"), _proxy)
        name = req["name"]
        if name == "__len__":
            return _enc(len(obj))
        if name == "__iter__":
            return _enc(iter(obj))
        if name == "__next__":
            return _enc(next(obj))
        if name == "__getitem__":
            return _enc(obj[args[0]])
        if name == "__contains__":
            return _enc(args[0] in obj)
        raise AttributeError(name)
    if op == "forbid":
        from course import checks

        undo: list = []
        for spec in req.get("targets", []):
            target = _target(spec)
            is_dict = isinstance(target, dict)
            for name in spec.get("names", []):
                value = target.get(name, checks._MISSING) if is_dict else getattr(target, name, checks._MISSING)
                if value is checks._MISSING:
                    continue
                checks._disable(value, name, undo)
                if not isinstance(value, (types.FunctionType, type)):
                    if is_dict:
                        target[name] = checks._tripwire(name)
                        undo.append(lambda t=target, n=name, v=value: t.__setitem__(n, v))
                    else:
                        setattr(target, name, checks._tripwire(name))
                        undo.append(lambda t=target, n=name, v=value: setattr(t, n, v))
        token = _NEXT[0]
        _NEXT[0] += 1
        _UNDO[token] = undo
        return token
    if op == "undo":
        for step in reversed(_UNDO.pop(req["token"], [])):
            step()
        return None
    if op == "substitute":
        ns = _user_ns()
        name = req["name"]
        missing = name not in ns
        saved = ns.get(name)
        ns[name] = _Callback(int(req["cb"]), name)
        token = _NEXT[0]
        _NEXT[0] += 1
        _UNDO[token] = [lambda: ns.pop(name, None) if missing else ns.__setitem__(name, saved)]
        return token
    if op == "record":
        from course import checks

        target = _target(req["target"])
        cm = checks.record_calls(target, req["name"])
        calls = cm.__enter__()
        token = _NEXT[0]
        _NEXT[0] += 1
        _RECORDS[token] = calls
        _UNDO[token] = [lambda: cm.__exit__(None, None, None)]
        return token
    if op == "record_end":
        token = req["token"]
        for step in reversed(_UNDO.pop(token, [])):
            step()
        return _enc(_RECORDS.pop(token, []))
    if op == "bind":  # a test rebound one of the notebook's names
        _user_ns()[str(req["name"])] = codec.decode(req.get("value"), _proxy)
        return None
    if op == "unbind":  # a test deleted one of the notebook's names
        _user_ns().pop(str(req["name"]), None)
        return None
    if op == "release":
        _HANDLES.clear()
        return None
    raise ValueError(f"unknown request {op!r}")


class _Reply:
    """A call's result, and the arguments the learner's code changed in place (sent back to the test,
    so that "the input is left untouched" can be tested across the boundary)."""

    def __init__(self, value, mutated: dict):
        self.value, self.mutated = value, mutated


_MUTABLE = (list, dict, set)


def _is_mutable(x) -> bool:
    mod = type(x).__module__ or ""
    return isinstance(x, _MUTABLE) or type(x).__name__ in ("ndarray", "DataFrame", "Series", "Generator") and (
        mod.startswith("numpy") or mod.startswith("pandas"))


def _digest(x):
    """The value's plain-data encoding: compared (deeply, exactly: floats that are not finite are tagged,
    arrays are bytes) before and after a call to see whether the learner's code changed it in place."""
    try:
        return codec.encode(x)
    except (codec.CodecError, TypeError, ValueError):
        return None


def _fingerprints(args, kwargs) -> dict:
    out = {}
    for i, a in enumerate(args):
        if _is_mutable(a):
            out[("a", i)] = _digest(a)
    for k, v in kwargs.items():
        if _is_mutable(v):
            out[("k", k)] = _digest(v)
    return out


def _mutated(args, kwargs, before: dict) -> dict:
    out: dict = {}
    for (kind, key), digest in before.items():
        value = args[key] if kind == "a" else kwargs[key]
        now = _digest(value)
        if digest is not None and now is not None and now != digest:
            out.setdefault("args" if kind == "a" else "kwargs", {})[str(key)] = now
    return out


class _Discard(io.TextIOBase):
    """Where the learner's printing goes while a test runs: the grader keeps none of it, and an
    ordinary kernel stream would hand every flush to its output thread and wait."""

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        return len(text) if isinstance(text, str) else 0


def serve() -> None:
    """Answer the grader's requests until it says the test cell is over."""
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = _Discard()
    try:
        _serve()
    finally:
        sys.stdout, sys.stderr = saved


def _serve() -> None:
    message: dict = {"ready": True}
    while True:
        req = _ask(message)
        if req.get("op") == "end":
            return
        try:
            result = _do(req)
            if isinstance(result, _Reply):
                message = {"ok": result.value, **({"mut": result.mutated} if result.mutated else {})}
            else:
                message = {"ok": result}
        except KeyboardInterrupt as exc:
            message = {"err": _error(exc)}
        except BaseException as exc:  # noqa: BLE001 - the learner's code raised: report it as data
            if isinstance(exc, (SystemExit, GeneratorExit)):
                exc = RuntimeError(f"{type(exc).__name__} raised")
            message = {"err": _error(exc)}
        try:
            json.dumps(message, allow_nan=False)
        except (TypeError, ValueError) as exc:
            message = {"err": {"type": "TypeError", "mro": ["TypeError"], "msg": f"result cannot be sent: {exc}"}}
