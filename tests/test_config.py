"""nbgrader_config.py holds what DESIGN.md asks for, and a mistake in it fails loudly."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading.config import ConfigError, find_root, load_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cfg():
    return load_config(ROOT / "nbgrader_config.py")


def test_course_id_and_default_gradebook(cfg):
    assert cfg.CourseDirectory.course_id == "mlsd"
    assert "db_url" not in cfg.CourseDirectory, "the default is the embedded SQLite gradebook in the course root"


def test_release_is_deterministic(cfg):
    pre = cfg.GenerateAssignment.preprocessors
    assert pre[0].endswith("ClearMetadataPreprocessor"), "ClearMetadataPreprocessor must run first"
    assert cfg.ClearMetadataPreprocessor.enabled is True
    assert {"nbgrader", "deletable", "editable", "tags"} <= cfg.ClearMetadataPreprocessor.preserve_cell_metadata_mask
    assert "kernelspec" in cfg.ClearMetadataPreprocessor.preserve_nb_metadata_mask
    for needed in ("ClearSolutions", "ClearHiddenTests", "ComputeChecksums", "SaveCells", "LockCells", "ClearOutput"):
        assert any(p.endswith(needed) for p in pre), needed
    assert [p.split(".")[-1] for p in pre].index("ClearHiddenTests") > [p.split(".")[-1] for p in pre].index("SaveCells")


def test_feedback_hides_hidden_tests(cfg):
    assert any(p.endswith("ClearHiddenTests") for p in cfg.GenerateFeedback.preprocessors)
    assert "course.grading.feedback.ClearHiddenTracebacks" in cfg.GenerateFeedback.preprocessors
    assert cfg.GenerateFeedback.preprocessors[0].endswith("GetGrades")


def test_limits_fit_the_budgets(cfg):
    assert 0 < cfg.Execute.timeout <= 60
    assert cfg.Execute.interrupt_on_timeout is True
    assert 0 < cfg.LimitOutput.max_lines <= 5000


def _load_with_env(env):
    code = ("from course.grading.config import load_config; c = load_config('nbgrader_config.py'); "
            "print(c.Exchange.root); print(c.CourseDirectory.get('db_url', 'default'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                         text=True, check=True).stdout.split()
    return out


def test_exchange_root_and_database_are_overridable():
    assert _load_with_env({"MLSD_EXCHANGE": "/tmp/x-exchange", "MLSD_DB_URL": "sqlite:////tmp/g.db"}) == [
        "/tmp/x-exchange", "sqlite:////tmp/g.db"]
    env = {k: v for k, v in os.environ.items() if k not in ("MLSD_EXCHANGE", "MLSD_DB_URL")}
    code = "from course.grading.config import load_config; print(load_config('nbgrader_config.py').Exchange.root)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "/srv/nbgrader/exchange"


@pytest.mark.parametrize("line, text", [
    ("c.CourseDirectory.course_id = undefined_name", "NameError"),
    ("c.Execute.timout = 60", "c.Execute.timout is not a setting"),
    ("c.Exekute.timeout = 60", "unknown section c.Exekute"),
    ("c.Execute.timeout = (", "SyntaxError"),
])
def test_a_mistake_in_the_config_raises(tmp_path, line, text):
    path = tmp_path / "nbgrader_config.py"
    path.write_text((ROOT / "nbgrader_config.py").read_text() + "\n" + line + "\n")
    with pytest.raises(ConfigError, match=text):
        load_config(path)


def test_build_refuses_a_broken_config_and_keeps_the_release(tmp_path):
    (tmp_path / "source" / "01_framework").mkdir(parents=True)
    (tmp_path / "source" / "01_framework" / "01_framework.ipynb").write_bytes(
        (ROOT / "source" / "01_framework" / "01_framework.ipynb").read_bytes())
    (tmp_path / "release" / "01_framework").mkdir(parents=True)
    kept = tmp_path / "release" / "01_framework" / "01_framework.ipynb"
    kept.write_text("committed release")
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timout = 5\n")
    proc = subprocess.run([sys.executable, "-m", "course", "build", "--root", str(tmp_path)], capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert "c.Execute.timout is not a setting" in proc.stderr
    assert kept.read_text() == "committed release", "a failed build must not touch the committed release"


def test_find_root(tmp_path):
    assert find_root(ROOT / "source") == ROOT
    assert find_root(ROOT) == ROOT
