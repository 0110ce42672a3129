"""Generate ``release/`` from ``source/`` with nbgrader, reproducibly and without losing anything.

Each chapter is generated in a scratch course directory (so the real gradebook is never touched and
nbgrader's habit of deleting ``release/<a>`` when ``--force`` fails cannot bite), then swapped into
place only after it succeeded.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .config import CONFIG_NAME, load_config, nbgrader_cmd, nbgrader_env
from .notebooks import chapter_notebook, chapters

__all__ = ["BuildError", "build", "generate_in_scratch"]


class BuildError(RuntimeError):
    """nbgrader could not generate a chapter's release."""


def _ignore(dirpath, names):
    return [n for n in names if n in {".ipynb_checkpoints", "__pycache__"} or n.endswith(".pyc")]


def generate_in_scratch(root: Path, chapter: str, scratch: Path) -> Path:
    """Make ``scratch`` a course with one generated chapter; return its release folder."""
    root, scratch = Path(root), Path(scratch)
    chapter_notebook(root, chapter)  # validates the name
    load_config(root / CONFIG_NAME)
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_NAME, scratch / CONFIG_NAME)
    shutil.copytree(root / "source" / chapter, scratch / "source" / chapter, ignore=_ignore,
                    dirs_exist_ok=True)
    env = nbgrader_env({"MLSD_DB_URL": f"sqlite:///{scratch / 'gradebook.db'}"})
    proc = subprocess.run(
        nbgrader_cmd("generate_assignment", chapter, "--force", f"--CourseDirectory.root={scratch}"),
        cwd=scratch, env=env, capture_output=True, text=True)
    out = scratch / "release" / chapter
    if proc.returncode != 0 or not (out / f"{chapter}.ipynb").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise BuildError(f"nbgrader could not generate {chapter} (exit {proc.returncode}):\n{tail}")
    return out


def build(root: Path, selected: list[str] | None = None, dest: Path | None = None, log=print) -> list[Path]:
    """Regenerate ``dest/release/<chapter>`` (dest defaults to root) for the selected chapters.

    A chapter's existing release is replaced only once its new one was generated in full.
    """
    root = Path(root)
    dest = Path(dest) if dest is not None else root
    names = chapters(root) if selected is None else list(selected)
    if not names:
        raise BuildError(f"no chapters found under {root / 'source'}")
    written = []
    for chapter in names:
        with tempfile.TemporaryDirectory(prefix="mlsd-build-") as tmp:
            fresh = generate_in_scratch(root, chapter, Path(tmp))
            target = dest / "release" / chapter
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.parent / f".{chapter}.new"
            old = target.parent / f".{chapter}.old"
            shutil.rmtree(staged, ignore_errors=True)
            shutil.copytree(fresh, staged)
            if target.exists():
                shutil.rmtree(old, ignore_errors=True)
                target.rename(old)
            staged.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        log(f"built release/{chapter}")
        written.append(target)
    return written
