"""``python -m course <verb>``: the course's command line.

Verbs: build (release/ from source/), check (a learner's official score), grade (instructor
autograde, sandboxed), start (a learner's own copy of a chapter in work/), bench (time and memory
per chapter), mutants (prove the tests bite).
"""
from __future__ import annotations

import importlib
import sys

VERBS = {
    "build": ("course.grading.cli", "build_main", "regenerate release/ from source/"),
    "check": ("course.grading.check", "main", "score a notebook with the hidden tests restored"),
    "grade": ("course.grading.grade", "main", "autograde a class's submissions (sandboxed)"),
    "start": ("course.grading.workspace", "main", "copy a chapter into a work folder of your own (work/CHAPTER)"),
    "bench": ("course.bench", "main", "execute each chapter; print time and peak memory"),
    "mutants": ("course.grading.cli", "mutants_main", "run each chapter's wrong answers against its tests"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m course <verb> [options]\n\nverbs:")
        for verb, (_, _, text) in VERBS.items():
            print(f"  {verb:<8} {text}")
        return 0 if argv else 2
    verb = argv.pop(0)
    if verb not in VERBS:
        print(f"python -m course: unknown verb {verb!r} (choose from {', '.join(VERBS)})", file=sys.stderr)
        return 2
    module, func, _ = VERBS[verb]
    return int(getattr(importlib.import_module(module), func)(argv) or 0)


if __name__ == "__main__":
    sys.exit(main())
