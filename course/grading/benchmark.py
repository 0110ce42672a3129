"""Measure the grader on a real chapter: ``python -m course.grading.benchmark 01_framework``.

Prints, for one chapter:

- plain execution of a solved notebook (a kernel running every cell, as ``course bench`` does) and
  ``course check`` on the same notebook (cold: first check of the chapter; warm: cached template);
- ``course grade --jobs 1`` and ``--jobs 2`` on N identical solved submissions (sandboxed), and the
  speed-up; the two are run alternately ``--repeat`` times and the fastest of each is compared, so a
  burst of load from another program spoils one sample rather than the figure;
- sandbox overhead per submission (``--jobs 1`` sandboxed vs ``--no-sandbox`` on a few submissions);
- regrade time with nothing changed, and with one submission changed;
- stock ``nbgrader autograde`` of the same submissions, against ``grade --jobs 2``;
- ``grade --scheduler`` on a local Dask cluster of 1 and of 2 one-thread workers (``--cluster-submissions``,
  default 40), against local ``--jobs 1``: the speed-up and the overhead per submission.

Everything happens in scratch course folders; the course itself is only read. It is a benchmark,
not a test: figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import CONFIG_NAME, find_root
from .notebooks import chapter_notebook, read
from .files import force_rmtree

__all__ = ["main", "solved_submission"]


def solved_submission(root: Path, chapter: str):
    """The chapter's release with every answer cell taken from the source (what a strong learner hands in)."""
    release = read(chapter_notebook(root, chapter, "release"))
    source = read(chapter_notebook(root, chapter))
    answers = {
        c.metadata.nbgrader.grade_id: c.source
        for c in source.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    for c in release.cells:
        gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers and c.metadata.nbgrader.get("solution"):
            c.source = "\n".join(
                line
                for line in answers[gid].splitlines()
                if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
            )
    return release


def _course(root: Path, chapter: str, dest: Path, students: int, nb) -> Path:
    import nbformat

    (dest / "source").mkdir(parents=True)
    shutil.copy2(root / CONFIG_NAME, dest / CONFIG_NAME)
    shutil.copytree(root / "source" / chapter, dest / "source" / chapter)
    for k in range(students):
        folder = dest / "submitted" / f"student{k:02d}" / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{chapter}.ipynb"))
        (folder / "timestamp.txt").write_text("2030-01-01 10:00:00.000000 UTC")
    return dest



def _timed(argv: list[str], env=None, cwd=None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - start, proc


def _grade(course: Path, chapter: str, *extra: str) -> float:
    seconds, proc = _timed([sys.executable, "-m", "course", "grade", chapter, "--root", str(course), *extra])
    if proc.returncode != 0:
        raise RuntimeError(f"grade {' '.join(extra)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def _stock_autograde(course: Path, chapter: str) -> float:
    """Stock ``nbgrader autograde`` of the same submissions (in a copy of the course, gradebook fresh)."""
    copy = course.parent / f"{course.name}-stock"
    force_rmtree(copy)
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("archive", "autograded", "gradebook.db"))
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    nbg = [sys.executable, "-m", "nbgrader"]
    _, proc = _timed([*nbg, "generate_assignment", chapter, "--force"], env, copy)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stderr[-3000:]}")
    seconds, proc = _timed([*nbg, "autograde", chapter, "--force", "--create"], env, copy)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader autograde failed:\n{proc.stderr[-3000:]}")
    force_rmtree(copy)
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m course.grading.benchmark", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("chapter")
    ap.add_argument("--submissions", type=int, default=20)
    ap.add_argument("--overhead-submissions", type=int, default=5)
    ap.add_argument("--root", type=Path)
    ap.add_argument(
        "--repeat", type=int, default=2, help="alternating runs of each configuration (best kept)"
    )
    ap.add_argument("--skip", nargs="*", default=[], choices=["check", "jobs", "overhead", "regrade", "stock", "cluster"])
    ap.add_argument("--cluster-submissions", type=int, default=40)
    args = ap.parse_args(argv)
    import nbformat

    from .kernel import run_notebook

    root = find_root(args.root)
    chapter = args.chapter
    nb = solved_submission(root, chapter)
    work = Path(tempfile.mkdtemp(prefix="mlsd-bench-"))
    out: dict = {"chapter": chapter, "cpus": os.cpu_count()}
    try:
        mine = work / "solved" / f"{chapter}.ipynb"
        mine.parent.mkdir()
        nbformat.write(nb, str(mine))
        start = time.perf_counter()
        results = run_notebook(nb, mine.parent, offline=False, stop_on_error=False)
        out["plain_s"] = round(time.perf_counter() - start, 2)
        out["plain_failed_cells"] = sum(not r.ok for _, r in results)
        if "check" not in args.skip:
            env = dict(os.environ, MLSD_CACHE=str(work / "cache"))
            check = [sys.executable, "-m", "course", "check", str(mine), "--root", str(root)]
            cold, proc = _timed(check, env)
            warm, proc = _timed(check, env)
            out["check_cold_s"], out["check_warm_s"] = round(cold, 2), round(warm, 2)
            out["check_total"] = next((ln for ln in proc.stdout.splitlines() if ln.startswith("Total:")), "?")
            out["check_budget_s"] = round(1.3 * out["plain_s"] + 2, 2)
        n = args.submissions
        loads = []

        def timed_grade(course: Path, *extra: str) -> float:
            loads.append(round(os.getloadavg()[0], 2))
            seconds = _grade(course, chapter, *extra)
            for sub in (course / "archive").iterdir():  # start the next round from scratch
                if not sub.name.startswith("."):
                    force_rmtree(sub)
            (course / "gradebook.db").unlink(missing_ok=True)
            force_rmtree(course / "autograded")
            return seconds

        if "jobs" not in args.skip:
            course = _course(root, chapter, work / "jobs", n, nb)
            one, two = [], []
            for _ in range(args.repeat):  # alternate, keep the least disturbed run of each
                one.append(timed_grade(course, "--jobs", "1"))
                two.append(timed_grade(course, "--jobs", "2"))
            out[f"grade_jobs1_{n}_s"] = [round(x, 1) for x in one]
            out[f"grade_jobs2_{n}_s"] = [round(x, 1) for x in two]
            out["speedup_best"] = round(min(one) / min(two), 2)
            if "stock" not in args.skip:
                stock = [_stock_autograde(course, chapter) for _ in range(args.repeat)]
                out[f"stock_nbgrader_autograde_{n}_s"] = [round(x, 1) for x in stock]
                out["jobs2_vs_stock_best"] = round(min(stock) / min(two), 2)
            if "regrade" not in args.skip:
                _grade(course, chapter, "--jobs", "2")
                out["regrade_unchanged_s"] = round(_grade(course, chapter, "--jobs", "2"), 1)
                path = course / "submitted" / "student00" / chapter / f"{chapter}.ipynb"
                changed = nbformat.read(str(path), as_version=4)
                changed.cells.append(nbformat.v4.new_code_cell("print('resubmitted')"))
                nbformat.write(changed, str(path))
                out["regrade_one_changed_s"] = round(_grade(course, chapter, "--jobs", "2"), 1)
        if "overhead" not in args.skip:
            k = args.overhead_submissions
            course = _course(root, chapter, work / "overhead", k, nb)
            with_sb, without = [], []
            for _ in range(args.repeat):
                with_sb.append(timed_grade(course, "--jobs", "1"))
                without.append(timed_grade(course, "--jobs", "1", "--no-sandbox"))
            out[f"grade_sandbox_{k}_s"] = [round(x, 1) for x in with_sb]
            out[f"grade_nosandbox_{k}_s"] = [round(x, 1) for x in without]
            out["sandbox_overhead_per_submission_s"] = round((min(with_sb) - min(without)) / k, 2)
        if "cluster" not in args.skip:
            from .cluster import LocalCluster

            m = args.cluster_submissions
            course = _course(root, chapter, work / "cluster", m, nb)
            env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
            local1 = timed_grade(course, "--jobs", "1")
            on = {}
            for k in (1, 2):
                with LocalCluster(work / f"dask-{k}", workers=k, env=env) as cluster:
                    on[k] = timed_grade(course, "--scheduler", cluster.address)
            out[f"local_jobs1_{m}_s"] = round(local1, 1)
            out[f"dask_1_worker_{m}_s"] = round(on[1], 1)
            out[f"dask_2_workers_{m}_s"] = round(on[2], 1)
            out["dask_speedup_1_to_2"] = round(on[1] / on[2], 2)
            out["dask_overhead_per_submission_s"] = round((on[1] - local1) / m, 2)
        out["load_average_before_each_run"] = loads
    finally:
        force_rmtree(work)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
