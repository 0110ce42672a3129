"""Feedback that does not reveal hidden tests through tracebacks.

``ClearHiddenTests`` removes the hidden block from a test cell's source in the feedback, but the
cell's error output still holds IPython's traceback, which quotes the lines around the failing one:
the hidden asserts, verbatim. :class:`ClearHiddenTracebacks` drops those frames (a frame that
quotes any line of a hidden block becomes "hidden test code not shown") and keeps the rest, so a
learner still sees the error message and where their own function failed.

Use it before ``ClearHiddenTests`` (it needs the hidden block to know what to hide)::

    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "course.grading.feedback.ClearHiddenTracebacks",
        "nbgrader.preprocessors.ClearHiddenTests",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearHiddenTests as _NbgraderClearHiddenTests
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

__all__ = ["ClearHiddenTracebacks", "hidden_lines", "scrub_traceback"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def hidden_lines(
    source: str, begin: str = "### BEGIN HIDDEN TESTS", end: str = "### END HIDDEN TESTS"
) -> set[str]:
    """The stripped, non-trivial lines of every hidden block of a cell."""
    out, inside = set(), False
    for line in source.splitlines():
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        if inside and len(line.strip()) >= 6:
            out.add(line.strip())
    return out


def scrub_traceback(traceback: list[str], secret: set[str]) -> list[str]:
    """Replace every traceback entry that quotes a hidden line."""
    out = []
    for entry in traceback:
        plain = _ANSI.sub("", entry)
        if any(s in plain for s in secret):
            head = plain.strip().splitlines()[0] if plain.strip() else "Cell"
            out.append(f"{head.split(',')[0]} (hidden test code not shown)")
        else:
            out.append(entry)
    return out


class ClearHiddenTracebacks(NbGraderPreprocessor):
    """Scrub hidden test lines out of the error outputs of cells that hold hidden tests."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)
    # nbconvert's HTML exporter configures this for every preprocessor of a feedback run; declaring it
    # configurable (as nbgrader's GetGrades does) keeps generate_feedback free of "not recognized" warnings
    display_data_priority = List(
        ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.get("cell_type") != "code":
            return cell, resources
        secret = hidden_lines(cell.get("source", ""), self.begin_test_delimeter, self.end_test_delimeter)
        if not secret:
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = scrub_traceback(list(out.get("traceback", [])), secret)
                if any(s in str(out.get("evalue", "")) for s in secret):
                    out["evalue"] = "(hidden test)"
            elif out.get("output_type") == "stream":
                text = out.get("text", "")
                if any(s in text for s in secret):
                    out["text"] = "\n".join(
                        "(hidden test code not shown)" if any(s in ln for s in secret) else ln
                        for ln in text.splitlines()
                    )
        return cell, resources


class ClearHiddenTests(_NbgraderClearHiddenTests):
    """nbgrader's ClearHiddenTests, unchanged, with ``display_data_priority`` declared configurable: nbconvert's
    HTML exporter configures that option for every preprocessor of a feedback run, and nbgrader's own class
    answers it with a "not recognized" warning for every notebook."""

    display_data_priority = List(
        ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
    ).tag(config=True)
