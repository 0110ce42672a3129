"""The README's commands and examples are real."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README should show at least one runnable example"
    for code in blocks:
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)


def test_the_two_commands_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"Makefile has no '{target}' target"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci, ".ci/run must call the README's test command"


def test_linked_files_exist():
    for link in re.findall(r"\]\(((?:release|docs|source)/[^)]+)\)", README):
        assert (ROOT / link).exists(), f"README links to a missing file: {link}"


def test_requirements_are_pinned():
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines[-1] == "-e .", "the project itself is installed by the last line"
    loose = [ln for ln in lines[:-1] if "==" not in ln]
    assert not loose, f"unpinned requirements: {loose}"
    names = {ln.split("==")[0].lower() for ln in lines[:-1]}
    for needed in ("jupyterlab", "nbgrader", "pandas", "scikit-learn", "matplotlib", "lightgbm", "pytest"):
        assert needed in names, needed


def test_every_chapter_is_in_the_readme_table_and_none_is_planned_once_all_exist():
    from course.grading.notebooks import chapters

    have = chapters(ROOT)
    for ch in have:
        assert f"(release/{ch}/{ch}.ipynb)" in README, f"the README's chapter table does not link {ch}"
        assert re.search(rf"^\| {ch} \|", README, flags=re.M), f"the README's benchmark table has no row for {ch}"
    if len(have) == 11:
        assert "*planned*" not in README, "every chapter exists: none is 'planned' any more"
