"""``python -m course bench``: execute each chapter and report time, peak memory and autograde time.

Each chapter runs in a child process so its kernel's peak resident memory can be read exactly
(``RUSAGE_CHILDREN`` once the kernel has exited). Kernels run offline, as in CI.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from .grading.config import find_root
from .grading.notebooks import chapter_notebook, chapters, grade_cells, read

MARK_BEGIN = "<!-- bench:begin -->"
MARK_END = "<!-- bench:end -->"


def _one(path: str) -> dict:
    from .grading.kernel import run_notebook

    nb = read(path)
    start = time.perf_counter()
    results = run_notebook(nb, Path(path).parent, offline=True, stop_on_error=True)
    seconds = time.perf_counter() - start
    failed = [f"cell {i}: {r.ename}: {r.evalue}" for i, r in results if not r.ok]
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mib": peak_kib / 1024, "failed": failed, "cells": len(results)}


def measure(root: Path, chapter: str, *, autograde: bool = True) -> dict:
    path = chapter_notebook(root, chapter)
    proc = subprocess.run([sys.executable, "-m", "course.bench", "--one", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark of {chapter} crashed:\n{proc.stderr[-2000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    nb = read(path)
    row["points"] = sum(c.metadata.nbgrader.get("points", 0) for c in grade_cells(nb)
                        if not c.metadata.nbgrader.get("solution"))
    row["chapter"] = chapter
    if autograde:
        from .grading.score import score_notebook

        start = time.perf_counter()
        report = score_notebook(root, chapter, path)
        row["autograde_s"] = time.perf_counter() - start
        row["score"] = f"{report.auto_score:g}/{report.auto_max:g}"
    return row


def table(rows: list[dict]) -> str:
    lines = ["| chapter | code cells | execute (s) | peak memory (MiB) | autograde (s) | solution score |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['chapter']} | {r['cells']} | {r['seconds']:.1f} | {r['peak_mib']:.0f} | "
                     f"{r.get('autograde_s', float('nan')):.1f} | {r.get('score', '-')} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m course bench", description=__doc__.splitlines()[0])
    ap.add_argument("chapters", nargs="*", help="chapters (default: all)")
    ap.add_argument("--root", type=Path)
    ap.add_argument("--no-autograde", action="store_true", help="skip the autograde timing")
    ap.add_argument("--write-readme", action="store_true", help="replace the table in README.md")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.one)))
        return 0
    root = find_root(args.root)
    rows, failed = [], False
    names = args.chapters or chapters(root)
    for n, name in enumerate(names, 1):
        print(f"[{n}/{len(names)}] {name} ...", flush=True)
        row = measure(root, name, autograde=not args.no_autograde)
        failed |= bool(row["failed"])
        for f in row["failed"]:
            print(f"    FAILED {f}")
        rows.append(row)
    text = table(rows)
    stamp = (f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python {platform.python_version()}, "
             f"kernels offline; budget per chapter: 60 s and 1536 MiB.")
    print()
    print(text)
    print(stamp)
    if args.write_readme:
        readme = root / "README.md"
        body = readme.read_text()
        if MARK_BEGIN not in body or MARK_END not in body:
            print(f"README.md has no {MARK_BEGIN} ... {MARK_END} block", file=sys.stderr)
            return 1
        new = re.sub(re.escape(MARK_BEGIN) + ".*?" + re.escape(MARK_END),
                     lambda _m: f"{MARK_BEGIN}\n{text}\n\n{stamp}\n{MARK_END}", body, flags=re.S)
        readme.write_text(new)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
