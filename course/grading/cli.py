"""Command-line front ends for ``build`` and ``mutants``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import BuildError, build
from .config import ConfigError, find_root
from .mutants import load_mutants, run_mutants
from .notebooks import chapter_notebook, chapters


def build_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m course build", description=(
        "Regenerate release/ from source/ with nbgrader. Each chapter is generated in a scratch course "
        "and swapped in only when it succeeded, so a failure never deletes a committed release."))
    ap.add_argument("chapters", nargs="*", help="chapters to build (default: all)")
    ap.add_argument("--root", type=Path, help="course root (default: found from the current folder)")
    args = ap.parse_args(argv)
    try:
        root = find_root(args.root)
        for name in args.chapters:
            chapter_notebook(root, name)
        build(root, args.chapters or None)
    except (ConfigError, BuildError, ValueError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


def mutants_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m course mutants", description=(
        "Run the wrong answers kept in tests/mutants/<chapter>.py against the chapter's tests and show "
        "the points each one loses. Exit 1 if any mutant loses nothing."))
    ap.add_argument("chapters", nargs="*", help="chapters (default: all with a mutant file)")
    ap.add_argument("--root", type=Path)
    args = ap.parse_args(argv)
    root = find_root(args.root)
    names = args.chapters or [c for c in chapters(root) if (root / "tests" / "mutants" / f"{c}.py").is_file()]
    bad = 0
    for name in names:
        mutants = load_mutants(root / "tests" / "mutants" / f"{name}.py", alternatives=True)
        n_alt = sum(m["kind"] == "correct" for m in mutants)
        print(f"{name}: executing the source, then {len(mutants) - n_alt} mutants and {n_alt} correct "
              "alternatives ...", flush=True)
        baseline, results = run_mutants(chapter_notebook(root, name), mutants)
        for item in baseline:
            print(f"  SOURCE FAILS: {item}")
            bad += 1
        for r in results:
            if r.kind == "correct":
                verdict = "ok  " if r.lost == 0 else "BAD "
            else:
                verdict = "ok  " if r.lost > 0 and r.failed_hidden else "BAD "
            bad += verdict == "BAD "
            print(f"  {verdict}{r.answer:<28} {r.kind:<10} loses {r.lost:g}/{r.max_points:g}"
                  f" (hidden cells failed: {len(r.failed_hidden)})  {r.why}")
    return 1 if bad else 0
