"""``python -m course start CHAPTER``: copy a chapter into a work folder of the learner's own.

``release/`` holds the student copies as generated from ``source/`` and committed; the test suite
compares it with a fresh build, so a learner who types into ``release/`` dirties the checkout and
fails ``make test``. ``start`` copies ``release/CHAPTER/`` (the notebook and every file shipped with
it) into ``work/CHAPTER/`` (ignored by git) or ``--dest DIR``:

- an existing notebook there is never overwritten: ``start`` says so in one line and exits 0;
- ``--force`` copies a fresh notebook over it after keeping the old one as
  ``NAME.backup-YYYYMMDD-HHMMSS.ipynb`` beside it;
- files already in the work folder are left alone (only missing ones are copied), except with
  ``--force``, which backs each changed one up the same way first.

Exit status: 0 when the work folder holds the chapter (copied now or already there), 2 for a usage
error (unknown chapter, no course root, a destination that is not a folder).
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
import time
from pathlib import Path

from .config import ConfigError, find_root

__all__ = ["main", "start", "StartError"]

_SKIP = {".ipynb_checkpoints", "__pycache__"}


class StartError(ValueError):
    """A usage error: unknown chapter, nothing released, a destination that cannot be used."""


def _released(root: Path) -> list[str]:
    base = root / "release"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))


def resolve_chapter(root: Path, name: str) -> str:
    """``name`` as a released assignment: its full name, or a unique prefix such as ``01``."""
    known = _released(root)
    name = name.strip().rstrip("/")
    if name.startswith("release/"):  # tab completion from the course root
        name = name[len("release/"):].split("/", 1)[0]
    if name in known:
        return name
    matches = [k for k in known if k.startswith(name)] if name else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise StartError(f"{name!r} could be any of {', '.join(matches)}: give the full name")
    if (root / "source" / name).is_dir():
        raise StartError(
            f"{name!r} has no student copy in release/ yet: run `python -m course build {name}` first"
        )
    raise StartError(f"no chapter {name!r} in {root / 'release'} (known: {', '.join(known) or 'none'})")


def _files(src: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
        for f in sorted(filenames):
            path = Path(dirpath) / f
            if not f.startswith(".") and path.is_file() and not path.is_symlink():
                out.append(path.relative_to(src))
    return out


def _backup_name(path: Path, stamp: str) -> Path:
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{n}{path.suffix}")
    return candidate


def start(root: Path, chapter: str, dest: Path | None = None, *, force: bool = False) -> dict:
    """Copy ``release/chapter`` into ``dest`` (default ``root/work/chapter``).

    Returns ``{"chapter", "dest", "copied", "kept", "backups", "notebooks"}`` (paths relative to
    ``dest`` except ``dest`` itself and the backups' originals).
    """
    root = Path(root).resolve()
    chapter = resolve_chapter(root, chapter)
    src = root / "release" / chapter
    dest = Path(dest) if dest is not None else root / "work" / chapter
    dest = dest.resolve()
    if dest == src.resolve() or src.resolve() in dest.parents:
        raise StartError(f"{dest} is inside release/: choose a folder of your own")
    if dest.exists() and not dest.is_dir():
        raise StartError(f"{dest} exists and is not a folder")
    files = _files(src)
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    copied, kept, backups = [], [], []
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for rel in files:
        target = dest / rel
        if target.exists() or target.is_symlink():
            if not force or (target.is_file() and filecmp.cmp(src / rel, target, shallow=False)):
                kept.append(rel)
                continue
            if not target.is_file():
                raise StartError(f"{target} is in the way and is not a regular file: move it first")
            backup = _backup_name(target, stamp)
            os.replace(target, backup)
            backups.append((rel, backup))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)
        copied.append(rel)
    return {
        "chapter": chapter,
        "dest": dest,
        "copied": copied,
        "kept": kept,
        "backups": backups,
        "notebooks": notebooks,
    }


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m course start",
        description=(
            "Copy a chapter's student notebook (and the files shipped with it) from release/ into a work "
            "folder of your own, work/CHAPTER/ by default (ignored by git). An existing notebook there is "
            "never overwritten unless you pass --force (which keeps a backup)."
        ),
    )
    ap.add_argument("chapter", help="chapter to start, e.g. 01_framework (a unique prefix such as 01 works)")
    ap.add_argument("--dest", type=Path, help="work folder (default: work/CHAPTER in the course root)")
    ap.add_argument(
        "--force", action="store_true", help="copy a fresh notebook over yours, after keeping a backup of it"
    )
    ap.add_argument("--root", type=Path, help="course root (default: found from the current folder)")
    args = ap.parse_args(argv)
    try:
        root = find_root(args.root)
        result = start(root, args.chapter, args.dest, force=args.force)
    except (StartError, ConfigError) as exc:
        print(f"start: {exc}", file=sys.stderr)
        return 2
    dest, chapter = result["dest"], result["chapter"]
    nbs = result["notebooks"]
    for rel, backup in result["backups"]:
        print(f"Kept your previous {rel} as {_shown(backup)}")
    if nbs and all(nb in result["kept"] for nb in nbs):
        print(
            f"{_shown(dest / nbs[0])} already exists: left as it is (--force copies a fresh one over it, keeping "
            "a backup)"
        )
        return 0
    print(f"Copied {chapter} into {_shown(dest)}/: {', '.join(str(f) for f in result['copied'])}")
    first = dest / nbs[0] if nbs else dest
    try:
        in_root = first.relative_to(root).as_posix()
    except ValueError:
        in_root = None
    if in_root:
        print(f"Open it: `make lab`, then {in_root} in JupyterLab's file browser")
    else:
        print(f"Open it: start JupyterLab in a folder that contains {first} and open it from the file browser")
    print(f"Your score, hidden tests included: .venv/bin/python -m course check {_shown(first)}")
    return 0
