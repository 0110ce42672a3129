"""Tests run in the grader's process: the plain-data codec, and test cells run against a real kernel."""

import json
import math

import nbformat
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from course.grading import codec
from course.grading.autograde import KernelFactory
from course.grading.executor import ExecLimits, Executor, short_temp_dir

VALUES = [
    None, True, 3, 2**70, 1.5, float("inf"), "x", b"\x00b", [1, (2, 3)], {1: "a", (1, 2): [3]}, {3, 1},
    np.float32(0.5), np.int64(3), np.bool_(True), np.arange(6, dtype=np.float32).reshape(2, 3),
    np.array(["a", "bb"]), np.array([1, "x", None], dtype=object), np.array(["2026-01-01"], dtype="M8[ns]"),
    pd.Timestamp("2026-03-01 12:00"), pd.Timestamp("2026-03-01", tz="Europe/Paris"), pd.Timedelta("1h"),
    pd.Series([1.0, 2.0], index=[10, 20], name="s"), pd.Series(["a", None], dtype="str"),
    pd.Series(pd.Categorical(["a", "b", "a"])), pd.Series(pd.array([1, None], dtype="Int64")),
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "t": pd.to_datetime(["2026-01-01", "2026-02-01"])},
                 index=pd.Index(["r1", "r2"], name="id")),
    pd.RangeIndex(3, 10, 2), sp.csr_matrix(np.eye(3)), 1 + 2j, np.random.default_rng(4),
    # long homogeneous sequences travel as one block: each kind must still come back exactly
    [0.5, -0.0, float("nan"), float("inf")] * 3, list(range(-5, 20)), [2**63, 1, 2, 3, 4, 5, 6, 7, 8],
    list(np.arange(12, dtype=np.int8)), list(np.linspace(0, 1, 9, dtype=np.float32)), tuple(np.arange(9)),
    ["a", None, "b", True] * 3, set(range(40)), list(np.array(["ab", "c"] * 5)), [1, 2.5] * 6,
    pd.Series(["x", None, "yy"] * 4, index=np.arange(12) * 3), np.array(["s", "t"] * 6, dtype=object),
]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return a.equals(b) and a.index.equals(b.index) and (
            (a.dtypes == b.dtypes).all() if isinstance(a, pd.DataFrame) else a.dtype == b.dtype)
    if isinstance(a, pd.Index):
        return a.equals(b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all())
    if sp.issparse(a):
        return (a != b).nnz == 0
    if isinstance(a, np.random.Generator):
        return a.bit_generator.state == b.bit_generator.state and a.random() == b.random()
    if isinstance(a, (list, tuple)):  # element types and reprs: NaN, -0.0 and numpy scalar types count
        return [(type(x), repr(x)) for x in a] == [(type(x), repr(x)) for x in b]
    return a == b


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_plain_data_round_trips_exactly_through_json(value):
    back = codec.decode(json.loads(json.dumps(codec.encode(value))))
    assert _same(value, back), (value, back)
    assert math.isnan(codec.decode(codec.encode(float("nan"))))


@pytest.mark.parametrize("bad", [
    {"t": "nd", "dtype": "|O8", "shape": [1], "b": "AAAAAAAAAAA="},  # object pointers as raw memory
    {"t": "nd", "dtype": "<f8", "shape": [2], "b": "AAAAAAAAAAA="},  # 8 bytes for 2 floats
    {"t": "nd", "dtype": "V8", "shape": [1], "b": "AAAAAAAAAAA="},
    {"t": "pickle", "b": "gASVAAAAAAAAAAA="},
    {"t": "ext", "dtype": "object", "items": [1]},
    {"t": "int", "v": "1e9"},
    {"t": "sparse", "format": "csr", "shape": [2, 2], "data": {"t": "nd", "dtype": "<f8", "shape": [1],
     "b": "AAAAAAAA8D8="}, "indices": {"t": "nd", "dtype": "<i8", "shape": [1], "b": "BQAAAAAAAAA="},
     "indptr": {"t": "nd", "dtype": "<i8", "shape": [3], "b": "AAAAAAAAAAABAAAAAAAAAAEAAAAAAAAA"}},
    {"t": "ref", "h": 1},  # a reference where none may be received
    {"t": "list", "fast": {"plain": [1, {"t": "ref", "h": 1}]}},  # a block of plain values holding anything else
    {"t": "list", "fast": {"plain": [2**80]}},
    {"t": "list", "fast": {"f8": "AAAA"}},  # 3 bytes for float64s
    {"t": "list", "fast": {"np": {"t": "ndo", "shape": [1], "items": [{"t": "ref", "h": 1}]}}},
    {"t": "list", "fast": {"np": {"t": "nd", "dtype": "<U1", "shape": [1], "b": "YQAAAA=="}}},
    {"t": "list", "fast": []},
    {"t": "ext", "dtype": "Int64", "plain": ["a"]},
    {"t": "ndo", "shape": [2], "plain": ["a"]},
    {"t": "rng", "state": {"t": "dict", "items": [["bit_generator", "RandomState"]]}},
    {"t": "rng", "state": {"t": "dict", "items": [["bit_generator", "PCG64"], ["state", 3]]}},
    [1, 2],
])
def test_decoding_rejects_anything_but_valid_plain_data(bad):
    with pytest.raises(codec.CodecError):
        codec.decode(bad)


def test_deep_or_unsendable_values_are_refused():
    deep = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(codec.CodecError, match="nested"):
        codec.encode(deep)
    with pytest.raises(codec.CodecError, match="cannot be sent"):
        codec.encode(object())


def _run(tmp_path, cells: list[tuple[str, str]], timeout: float = 20):
    """Execute (kind, source) cells: "learner" cells in a kernel, "test" cells on the trusted side."""
    nb = nbformat.v4.new_notebook()
    for kind, src in cells:
        cell = nbformat.v4.new_code_cell(src)
        cell.metadata["nbgrader"] = {"grade": kind == "test", "solution": False, "grade_id": f"c{len(nb.cells)}"}
        nb.cells.append(cell)
    limits = ExecLimits(cell_timeout=timeout, notebook_timeout=120, startup_timeout=60, interrupt_grace=3)
    work = tmp_path / "work"
    work.mkdir()
    kp = KernelFactory(limits).kernel(work, short_temp_dir("mlsd-tt"))
    ex = Executor(kp, limits)

    def is_test(c):
        return c.metadata["nbgrader"]["grade"]

    try:
        statuses = ex.run(nb.cells, is_test=is_test)
    finally:
        kp.kill()
    return statuses, nb.cells


def _error(cell) -> str:
    return " ".join(f"{o['ename']}: {o['evalue']}" for o in cell.outputs if o.output_type == "error")


def test_test_cells_run_outside_the_kernel_and_judge_by_data(tmp_path):
    statuses, cells = _run(tmp_path, [
        ("learner", "import numpy as np\nimport pandas as pd\nfrom course import checks\n"
                    "def add(a, b):\n    return a + b\n"
                    "def norm(v):\n    return np.asarray(v, float) / np.linalg.norm(v)\n"
                    "def check_positive(x):\n    if x < 0:\n        raise ValueError(f'x must be >= 0, got {x}')\n"
                    "    return x\n"
                    "class Any:\n    def __eq__(self, other):\n        return True\n"
                    "def fake():\n    return Any()\n"
                    "SECRET = 41\n"),
        ("test", "assert add(1, 2) == 3\nnp.testing.assert_allclose(norm([3, 4]), [0.6, 0.8])\n"
                 "assert isinstance(norm([1.0]), np.ndarray)\nprint('fine', SECRET + 1)"),
        ("test", "checks.assert_raises(ValueError, check_positive, -1, match='x must be')"),
        ("test", "assert fake() == 3, 'an object that equals anything is just an object'"),
        ("test", "assert add(1, 2) == 4, 'add is wrong'"),
        ("test", "undefined_function(3)"),
        ("test", "_frame = pd.DataFrame({'a': [1, 2]}, index=[7, 9])\nfloat(add(_frame, _frame).loc[9, 'a'] * 1.5)"),
        ("learner", "print(In)"),
    ])
    assert statuses[1:7] == ["ok", "ok", "error", "error", "error", "ok"], [_error(c) for c in cells]
    assert "fine 42" in cells[1].outputs[0]["text"]
    assert "just an object" in _error(cells[3])
    assert _error(cells[4]) == "AssertionError: add is wrong"
    assert "NameError" in _error(cells[5]) and "undefined_function" in _error(cells[5])
    assert cells[6].outputs[-1]["data"]["text/plain"] == "6.0"
    assert "add is wrong" not in json.dumps(cells[7].outputs), "the kernel never saw a test's source"


def test_forbid_substitute_record_and_in_place_changes_cross_the_boundary(tmp_path):
    statuses, cells = _run(tmp_path, [
        ("learner", "import numpy as np\nimport sklearn.metrics\nfrom course import checks\n"
                    "from sklearn.metrics import roc_auc_score as _auc\n"
                    "def my_auc(y, s):\n    return _auc(y, s)\n"
                    "def dist(a, b):\n    return abs(a - b)\n"
                    "def nearest(x, points):\n    return min(points, key=lambda p: dist(x, p))\n"
                    "def grow(frame):\n    frame['b'] = 1\n    return len(frame)\n"
                    "from sklearn.linear_model import LinearRegression\n"
                    "def fit(X, y):\n    return LinearRegression().fit(X, y)\n"),
        ("test", "with checks.forbid(sklearn.metrics, 'roc_auc_score'):\n    my_auc([0, 1], [0.2, 0.9])"),
        ("test", "assert my_auc([0, 1], [0.2, 0.9]) == 1.0"),
        ("test", "def _far(a, b):\n    return -abs(a - b)\n"
                 "with checks.substitute(globals(), 'dist', _far):\n    assert nearest(0, [1, 5, -2]) == 5\n"
                 "assert nearest(0, [1, 5, -2]) == 1"),
        ("test", "import sklearn.linear_model\n"
                 "with checks.record_calls(sklearn.linear_model.LinearRegression, 'fit') as _calls:\n"
                 "    _m = fit(np.ones((4, 1)), np.arange(4.0))\n"
                 "assert len(_calls) == 1 and _calls[0]['X'].shape == (4, 1)\n"
                 "assert isinstance(_m, sklearn.linear_model.LinearRegression)\n"
                 "np.testing.assert_allclose(_m.predict(np.ones((2, 1))), [1.5, 1.5])"),
        ("test", "import pandas as pd\n_f = pd.DataFrame({'a': [1, 2]})\ngrow(_f)\n"
                 "assert list(_f.columns) == ['a'], 'the input frame should not be modified'"),
    ])
    assert statuses[1] == "error" and "not to call roc_auc_score" in _error(cells[1])
    assert statuses[2:5] == ["ok", "ok", "ok"], [_error(c) for c in cells[2:5]]
    assert statuses[5] == "error" and "should not be modified" in _error(cells[5])


def test_a_dying_or_hanging_kernel_fails_only_its_test(tmp_path):
    statuses, cells = _run(tmp_path, [
        ("learner", "import os, signal, time\ndef die():\n    os._exit(3)\n"
                    "def hang():\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass\n"
                    "def slow():\n    time.sleep(60)\ndef ok():\n    return 1\n"),
        ("test", "die()"),
        ("test", "assert ok() == 1"),
        ("test", "hang()"),
        ("test", "assert ok() == 1"),
        ("test", "slow()"),
        ("test", "assert ok() == 1"),
    ], timeout=3)
    assert statuses[1] == "died" and statuses[3] == "hung", statuses
    assert statuses[2] == statuses[4] == statuses[6] == "ok", [_error(c) for c in cells]
    assert statuses[5] == "error" and "limit" in _error(cells[5])


def test_a_test_that_deletes_and_restores_a_learner_name_sees_what_one_kernel_would(tmp_path):
    """nbgrader's own example: delete the helper, expect a NameError from the function using it, put it back."""
    statuses, cells = _run(tmp_path, [
        ("learner", "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n"
                    "def sum_of_squares(n):\n    return sum(squares(n))\n"
                    "def sum_inline(n):\n    return sum(i * i for i in range(1, n + 1))\n"),
        ("test", "old_squares = squares\ndel squares\ntry:\n    sum_of_squares(1)\nexcept NameError:\n    pass\n"
                 "else:\n    raise AssertionError('sum_of_squares does not use squares')\nfinally:\n"
                 "    squares = old_squares"),
        ("test", "assert sum_of_squares(3) == 14"),
        ("test", "_old = squares\ndel squares\ntry:\n    sum_inline(1)\nexcept NameError:\n    pass\n"
                 "else:\n    raise AssertionError('sum_inline does not use squares')\nfinally:\n    squares = _old"),
    ])
    assert statuses[1:] == ["ok", "ok", "error"], [_error(c) for c in cells]
    assert "does not use squares" in _error(cells[3])


def test_prefetch_imports_what_the_tests_import_and_only_known_packages_named_by_the_learner():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from course.grading.trusted import prefetch_imports\n"
        "prefetch_imports(['import xml.dom.minidom as _m\\nfrom email import policy'],\n"
        "                 ['import scipy.linalg', 'import tomllib', 'import antigravity', 'from . import x',\n"
        "                  'def broken(:']).join(60)\n"
        "print(sorted(m for m in ('xml.dom.minidom', 'email.policy', 'scipy.linalg', 'tomllib', 'antigravity')\n"
        "             if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['email.policy', 'scipy.linalg', 'xml.dom.minidom']", out


def test_library_classes_and_functions_cross_by_name_and_a_rebound_name_that_cannot_cross_is_removed(tmp_path):
    statuses, cells = _run(tmp_path, [
        ("learner", "import numpy as np\nimport pandas as pd\n"
                    "def convert(kind, x):\n    return kind(x)\n"
                    "def apply(fn, xs):\n    return fn(np.asarray(xs, dtype=float))\n"
                    "_T = 'from the notebook'\n_U = 1\n"),
        ("test", "assert convert(np.float32, 3) == np.float32(3) and type(convert(np.float32, 3)) is np.float32\n"
                 "assert convert(pd.Timestamp, '2025-01-10') == pd.Timestamp('2025-01-10')\n"
                 "assert convert(float, '2.5') == 2.5\n"
                 "np.testing.assert_allclose(apply(np.sqrt, [4, 9]), [2, 3])\n"
                 "_T = pd.Timestamp\n"
                 "assert _T('2025-01-10').month == 1"),
        ("learner", "print(_T is pd.Timestamp)"),
        ("test", "assert _U == 1\n_U = object()"),
        ("learner", "print('_U' in globals())"),
        ("test", "class _Local:\n    pass\nconvert(_Local, 1)"),
    ])
    assert statuses[1] == "ok", _error(cells[1])
    assert "True" in cells[2].outputs[0]["text"], "a library class the test binds is the kernel's own class"
    assert statuses[3] == "ok", _error(cells[3])
    assert "False" in cells[4].outputs[0]["text"], "a test's rebinding to a value that cannot cross removes the name"
    assert statuses[5] == "error" and "cannot send" in _error(cells[5])


def test_a_random_generator_crosses_by_state_and_draws_made_by_the_learner_advance_the_tests_copy(tmp_path):
    statuses, cells = _run(tmp_path, [
        ("learner", "import numpy as np\n"
                    "def draw(rng, n):\n    return rng.integers(0, 1000, n)\n"),
        ("test", "_g = np.random.default_rng(5)\n_first = draw(_g, 4)\n_second = draw(_g, 4)\n"
                 "_ref = np.random.default_rng(5)\n"
                 "np.testing.assert_array_equal(_first, _ref.integers(0, 1000, 4))\n"
                 "np.testing.assert_array_equal(_second, _ref.integers(0, 1000, 4))\n"
                 "_m = np.random.Generator(np.random.MT19937(3))\n"
                 "np.testing.assert_array_equal(draw(_m, 3), np.random.Generator(np.random.MT19937(3)).integers(0, 1000, 3))"),
    ])
    assert statuses[1] == "ok", _error(cells[1])
