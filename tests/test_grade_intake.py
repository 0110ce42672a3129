"""Intake: archiving takes only regular files, read-only; cleaning rebuilds a notebook on the release."""

import copy
import json
import os
import stat

import nbformat
import pytest

from course.grading.intake import CorruptNotebook, archive_submission, clean_notebook, tree_digest
from course.grading.scan import scan_code, scan_notebook
from hostile import toy


def _raw(nb) -> bytes:
    return nbformat.writes(nb).encode()


def _codes(flags):
    return {f.code for f in flags}


def _by_id(nb):
    return {
        c.metadata.get("nbgrader", {}).get("grade_id"): c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id")
    }


@pytest.fixture(scope="module")
def release():
    return toy.release()


# --- archive -------------------------------------------------------------------------------


def test_archive_is_read_only_content_addressed_and_leaves_the_submission_alone(tmp_path):
    sub = toy.submit(tmp_path / "course", "alice", toy.solved())
    before = {p.name: (p.read_bytes(), p.stat().st_mode) for p in sub.iterdir()}
    a = archive_submission(sub, tmp_path / "archive", "alice", toy.ASSIGNMENT)
    assert a.path.parent == tmp_path / "archive" / "alice" / toy.ASSIGNMENT
    assert a.path.name == a.digest and len(a.digest) == 64
    assert sorted(a.files) == [f"{toy.ASSIGNMENT}.ipynb", "timestamp.txt"]
    for p in a.path.iterdir():
        assert not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), p
    assert not a.path.stat().st_mode & stat.S_IWUSR
    assert {p.name: (p.read_bytes(), p.stat().st_mode) for p in sub.iterdir()} == before
    again = archive_submission(sub, tmp_path / "archive", "alice", toy.ASSIGNMENT)
    assert again.digest == a.digest and again.path == a.path
    (sub / "timestamp.txt").write_text("2030-01-02 10:00:00 UTC")
    changed = archive_submission(sub, tmp_path / "archive", "alice", toy.ASSIGNMENT)
    assert changed.digest != a.digest and a.path.is_dir(), "an older archive is never removed"


def test_archive_never_follows_symlinks_or_reads_special_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "real.txt").write_text("mine")
    os.symlink(secret, sub / "link.txt")
    os.symlink(tmp_path, sub / "linkdir")
    os.mkfifo(sub / "pipe")
    a = archive_submission(sub, tmp_path / "archive", "eve", "a")
    assert a.files == ["real.txt"]
    assert _codes(a.flags) == {"symlink", "special-file"}
    assert not any("instructor only" in p.read_text() for p in a.path.rglob("*") if p.is_file())


def test_archive_of_a_symlinked_submission_takes_nothing(tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "x.ipynb").write_text("{}")
    os.symlink(real, tmp_path / "sub")
    a = archive_submission(tmp_path / "sub", tmp_path / "archive", "eve", "a")
    assert a.files == [] and "symlink" in _codes(a.flags)


def test_archive_limits_sizes(tmp_path):
    from course.grading.intake import ArchiveLimits

    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "big.bin").write_bytes(b"x" * 5000)
    (sub / "small.txt").write_text("ok")
    a = archive_submission(sub, tmp_path / "archive", "s", "a", ArchiveLimits(max_file_bytes=1000))
    assert a.files == ["small.txt"] and "too-large" in _codes(a.flags)


def test_tree_digest_depends_on_names_and_contents():
    assert tree_digest({"a": "1"}) != tree_digest({"b": "1"}) != tree_digest({"a": "2"})
    assert tree_digest({"a": "1", "b": "2"}) == tree_digest({"b": "2", "a": "1"})


# --- clean -----------------------------------------------------------------------------------


def test_clean_keeps_answers_and_restores_tests(release):
    nb = toy.with_answers(ch99_add="def add(a, b):\n    return 42")
    toy.cell(nb, "ch99_add_visible").source = "assert True"
    clean, flags = clean_notebook(_raw(nb), release)
    cells = _by_id(clean)
    assert cells["ch99_add"].source == "def add(a, b):\n    return 42"
    assert cells["ch99_add_visible"].source == toy.cell(release, "ch99_add_visible").source
    assert "edited-test" in _codes(flags)
    assert cells["ch99_add_visible"].metadata == toy.cell(release, "ch99_add_visible").metadata


def test_clean_solved_notebook_raises_no_flag(release):
    clean, flags = clean_notebook(_raw(toy.solved()), release)
    assert flags == []
    assert [c.get("id") for c in clean.cells] == [c.get("id") for c in release.cells]


def test_duplicated_grade_cells_keep_one(release):
    nb = toy.solved()
    dup = copy.deepcopy(toy.cell(nb, "ch99_add_hidden"))
    dup.id = "copy-1"
    dup.source = "pass"
    nb.cells.insert(3, dup)
    ans = copy.deepcopy(toy.cell(nb, "ch99_mean"))
    ans.id = "copy-2"
    ans.source = "def mean(xs):\n    return 0.0"
    nb.cells.append(ans)
    clean, flags = clean_notebook(_raw(nb), release)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in clean.cells]
    assert ids.count("ch99_add_hidden") == 1 and ids.count("ch99_mean") == 1
    assert _codes(flags) >= {"duplicate-cell"}
    assert _by_id(clean)["ch99_mean"].source != "def mean(xs):\n    return 0.0", "the original id wins"
    assert len(clean.cells) == len(nb.cells), "the duplicates stay, as ungraded cells"


def test_forged_metadata_is_removed(release):
    nb = toy.solved()
    fake = nbformat.v4.new_code_cell(
        "pass",
        metadata={
            "nbgrader": {
                "grade": True,
                "grade_id": "bonus",
                "points": 100,
                "locked": False,
                "solution": False,
                "schema_version": 3,
            }
        },
    )
    nb.cells.append(fake)
    hidden = toy.cell(nb, "ch99_norm_hidden")
    hidden.metadata.nbgrader.update({"locked": False, "solution": True, "points": 50})
    hidden.source = "pass"
    clean, flags = clean_notebook(_raw(nb), release)
    assert "bonus" not in _by_id(clean)
    assert "nbgrader" not in clean.cells[-1].metadata
    restored = _by_id(clean)["ch99_norm_hidden"]
    assert restored.metadata.nbgrader == toy.cell(release, "ch99_norm_hidden").metadata.nbgrader
    assert restored.source == toy.cell(release, "ch99_norm_hidden").source
    assert {"forged-cell", "changed-metadata", "edited-test"} <= _codes(flags)
    total = sum(
        c.metadata.nbgrader.get("points", 0)
        for c in clean.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    )
    assert total == toy.AUTO_POINTS + toy.MANUAL_POINTS


def test_retyped_and_deleted_cells_come_back(release):
    nb = toy.solved()
    toy.cell(nb, "ch99_add_visible").cell_type = "markdown"
    nb = nbformat.reads(json.dumps(_retype(nb)), as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ch99_mean_hidden"]
    clean, flags = clean_notebook(_raw(nb), release)
    cells = _by_id(clean)
    assert cells["ch99_add_visible"].cell_type == "code"
    assert "ch99_mean_hidden" in cells
    order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in clean.cells]
    assert order.index("ch99_mean_hidden") == order.index("ch99_mean_visible") + 1
    assert {"retyped-cell", "deleted-cell"} <= _codes(flags)


def _retype(nb):
    data = json.loads(nbformat.writes(nb))
    for c in data["cells"]:
        if c["cell_type"] == "markdown":
            c.pop("outputs", None)
            c.pop("execution_count", None)
    return data


def test_metadata_lost_answers_are_found_by_content(release):
    nb = toy.solved()
    for c in nb.cells:
        c.metadata = {}
        c.id = f"x{id(c)}"[:20]
    clean, flags = clean_notebook(_raw(nb), release)
    assert _by_id(clean)["ch99_add"].source.strip().endswith("return a + b")
    assert "matched-by-content" in _codes(flags)


def test_kernelspec_and_notebook_metadata_come_from_the_release(release):
    nb = toy.solved()
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    nb.metadata["evil"] = {"x": 1}
    clean, flags = clean_notebook(_raw(nb), release)
    assert clean.metadata == release.metadata
    assert "kernelspec" in _codes(flags)


def test_outputs_are_dropped_and_ids_made_unique(release):
    nb = toy.solved()
    extra = nbformat.v4.new_code_cell("print(1)")
    extra.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 1000)]
    extra.id = nb.cells[0].id
    nb.cells.append(extra)
    clean, _ = clean_notebook(_raw(nb), release)
    assert all(not c.get("outputs") for c in clean.cells if c.cell_type == "code")
    ids = [c.id for c in clean.cells]
    assert len(ids) == len(set(ids))
    nbformat.validate(clean)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[]",
        b'{"cells": 3}',
        b'{"nbformat": 5, "cells": []}',
        "[" * 100000,
        b"\xff\xfe\x00garbage",
        json.dumps({"nbformat": 4, "cells": [{"cell_type": "code"}] * 6000}),
    ],
)
def test_corrupt_notebooks_raise_corrupt(raw, release):
    raw = raw.encode() if isinstance(raw, str) else raw
    with pytest.raises(CorruptNotebook):
        clean_notebook(raw, release)


def test_malformed_cells_are_survived(release):
    data = json.loads(nbformat.writes(toy.solved()))
    data["cells"].append("not a cell")
    data["cells"].append({"cell_type": "weird", "source": "x"})
    data["cells"].append({"cell_type": "code", "source": 12, "metadata": "nope"})
    clean, flags = clean_notebook(json.dumps(data).encode(), release)
    assert "malformed-cell" in _codes(flags)
    nbformat.validate(clean)


def test_empty_notebook_gets_every_graded_cell_back(release):
    data = json.loads(nbformat.writes(toy.solved()))
    data["cells"] = []
    clean, flags = clean_notebook(json.dumps(data).encode(), release)
    assert set(_by_id(clean)) == set(_by_id(release))
    assert "deleted-cell" in _codes(flags)


# --- scan ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, rule",
    [
        ("get_ipython().input_transformers_cleanup.append(lambda lines: [])", "hook"),
        ("ip = get_ipython()\nip.events.register('pre_run_cell', print)", "hook"),
        ("import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None", "patch"),
        ("from course import checks\nchecks.assert_close = lambda *a, **k: None", "patch"),
        ("import numpy\nsetattr(numpy.testing, 'assert_allclose', print)", "patch"),
        ("import sys\nsys.modules['numpy.testing'] = None", "patch"),
        ("AssertionError = KeyboardInterrupt", "patch"),
        ("def assert_close(*a, **k):\n    pass", "patch"),
        ("print(open('/etc/passwd').read())", "files"),
        ("import os\nos.listdir('../../source')", "files"),
        ("open('numpy.py', 'w').write('x')", "files"),
        ("import subprocess\nsubprocess.run(['ls'])", "process"),
        ("import os\nos.kill(1, 9)", "process"),
        ("exec(bytes.fromhex('7072696e74283129').decode())", "dynamic"),
        ("!cat /etc/passwd", "magic"),
        ("%%bash\nls /", "magic"),
        ("def f(:\n  get_ipython().run_cell = 1", "unparsed"),
    ],
)
def test_scan_flags_known_cheats(code, rule):
    assert rule in {f.rule for f in scan_code(code, "c")}, scan_code(code, "c")


def test_scan_is_quiet_on_honest_code():
    honest = (
        "import numpy as np\nimport pandas as pd\nfrom course import checks, datasets\n"
        "%matplotlib inline\n"
        "def f(xs):\n    arr = np.asarray(xs)\n    return float(arr.mean())\n"
        "df = pd.DataFrame({'a': [1, 2]})\nprint(df.describe())\n"
        "with open('notes.txt', 'w') as fh:\n    fh.write('ok')\n"
    )
    assert scan_code(honest, "c") == []
    assert scan_notebook(toy.solved()) == []


def test_scan_skips_the_course_s_own_cells():
    release = toy.release()
    release.cells.insert(1, nbformat.v4.new_code_cell("import subprocess  # the course's own setup"))
    nb = copy.deepcopy(release)
    assert scan_notebook(nb, release=release) == []
    nb.cells[1].source += "\nsubprocess.run(['id'])"
    assert {f.rule for f in scan_notebook(nb, release=release)} == {"process"}


def test_huge_cells_cost_the_intake_at_most_a_second_or_two():
    """Eight 2 MB learner cells stalled the whole batch's intake for 41 s (the scan parsed them)."""
    import time

    release = toy.release()
    nb = toy.solved()
    for k in range(8):
        nb.cells.append(nbformat.v4.new_code_cell(("import subprocess\n" + "x = 1\n" * 349_000)[: 2 * 1024 * 1024]))
    raw = nbformat.writes(nb).encode()
    start = time.process_time()  # CPU time: other programs on the machine do not count
    cleaned, _ = clean_notebook(raw, release)
    findings = scan_notebook(cleaned, release=release)
    assert time.process_time() - start < 3
    assert sum(f.rule == "large" for f in findings) == 8
    assert any(f.rule == "unparsed" and "subprocess" in f.message for f in findings), "still scanned by words"


# --- what grade prints and the submission time it believes ------------------------------------


def test_names_and_messages_are_escaped_for_the_terminal():
    from course.grading.grade import safe

    assert safe("alice") == "alice" and safe("élève 学生") == "élève 学生"
    assert safe("\x1b[2J\x1b]0;owned\x07x\r\n") == "\\x1b[2J\\x1b]0;owned\\x07x\\x0d\\x0a"
    assert safe("rtl\u202eyp.txt") == "rtl\\u202eyp.txt"
    assert safe("\x9b31m") == "\\x9b31m"


def _sub(tmp_path, timestamp, mtime, ctime, files=("99_toy.ipynb", "timestamp.txt")):
    from course.grading.intake import Submission

    (tmp_path / "timestamp.txt").write_text(timestamp)
    return Submission("s", "99_toy", "d", tmp_path, list(files), [], {f: (mtime, ctime) for f in files})


def test_a_back_dated_timestamp_gives_way_to_the_collection_time(tmp_path):
    import time

    from course.grading.grade import submission_time

    now = time.time()
    rec = {"first_seen": now, "stats": {}}
    sub = _sub(tmp_path, "2020-01-01 00:00:00.000000 UTC", now - 3600, now - 60)
    rec["stats"] = {f: list(v) for f, v in sub.stats.items()}
    review, notes = [], []
    got = submission_time(sub, rec, None, review, notes)
    assert not got.startswith("2020") and got.startswith(time.strftime("%Y-%m-%d", time.gmtime(now - 60)))
    assert review and review[0].startswith("timestamp:") and "back-dated" in review[0]
    # honest: written at submission, after the notebook was saved
    honest = _sub(tmp_path, time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime(now - 3000)), now - 3600, now - 60)
    review = []
    assert submission_time(honest, {"first_seen": now, "stats": {f: list(v) for f, v in honest.stats.items()}},
                           None, review, []).startswith(time.strftime("%Y-%m-%d", time.gmtime(now - 3000)))
    assert review == []
    # the copy did not keep mtimes (mtime == ctime): the mtime check is skipped
    copied = _sub(tmp_path, "2020-01-01 00:00:00.000000 UTC", now - 60, now - 60)
    review = []
    assert submission_time(copied, {"first_seen": now, "stats": {f: list(v) for f, v in copied.stats.items()}},
                           None, review, []).startswith("2020")
    # ... but a resubmission is never older than the version graded before
    review = []
    got = submission_time(copied, {"first_seen": now, "stats": {f: list(v) for f, v in copied.stats.items()}},
                          "2021-06-01 00:00:00.000000 UTC", review, [])
    assert not got.startswith("2020") and "version graded before" in review[0]


def test_the_first_intake_is_recorded_once(tmp_path):
    import time

    from course.grading.grade import _first_intake
    from course.grading.importer import write_json
    from course.grading.intake import Submission

    sub = Submission("s", "a", "digest1", tmp_path, ["x"], [], {"x": (1.0, 2.0)})
    first = _first_intake(tmp_path, sub, write_json)
    time.sleep(0.01)
    sub.stats = {"x": (5.0, 6.0)}  # touched since: what was recorded first stays
    assert _first_intake(tmp_path, sub, write_json) == first and first["stats"] == {"x": [1.0, 2.0]}
