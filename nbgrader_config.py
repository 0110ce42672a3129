"""Course-wide nbgrader configuration for the ML System Design course.

Every command in this repository (``python -m course build/check/grade``) loads this file with a
strict loader first, so a mistake here raises instead of being silently ignored (stock nbgrader only
logs a broken config and carries on with its defaults). ``tests/test_config.py`` checks each setting.
"""
import os

c = get_config()  # noqa: F821  (injected by traitlets when the file is loaded)

# --- identity and storage -------------------------------------------------------------------
c.CourseDirectory.course_id = "mlsd"
# The gradebook is the embedded SQLite file ``gradebook.db`` in the course root unless an
# instructor points MLSD_DB_URL at another database (for example PostgreSQL for a big class).
if os.environ.get("MLSD_DB_URL"):
    c.CourseDirectory.db_url = os.environ["MLSD_DB_URL"]
# Where ``nbgrader release_assignment`` / ``collect`` exchange files; a shared directory on a
# JupyterHub, overridable so a laptop or a test can use a private one.
c.Exchange.root = os.environ.get("MLSD_EXCHANGE", "/srv/nbgrader/exchange")

# --- deterministic release -------------------------------------------------------------------
# Without ClearMetadataPreprocessor first (and enabled), release notebooks pick up stray editor
# metadata and two builds of the same source differ.
c.ClearMetadataPreprocessor.enabled = True
c.ClearMetadataPreprocessor.preserve_cell_metadata_mask = {"nbgrader", "deletable", "editable", "tags"}
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {"kernelspec", "language_info"}
c.GenerateAssignment.preprocessors = [
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# --- feedback never shows hidden test source -------------------------------------------------
# ClearHiddenTests removes the hidden block from each cell's source, but a failing hidden assert
# still quotes its own line in the traceback: ClearHiddenTracebacks (ours) removes those lines too.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.feedback.ClearHiddenTracebacks",
    "course.grading.feedback.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# --- execution limits ------------------------------------------------------------------------
# A whole chapter must run in 60 s, so no single cell of a correct answer needs more than that.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
