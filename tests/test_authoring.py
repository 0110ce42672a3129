"""compose() turns a cell script into an nbgrader source notebook."""
import pytest

from course.grading.authoring import compose

SCRIPT = """%% md
# Title
%% code
x = 1
%% solution ch99_add
def add(a, b):
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION
%% tests ch99_add_visible 2
assert add(1, 1) == 2
%% manual ch99_design 3
### BEGIN SOLUTION
An answer.
### END SOLUTION
"""


def test_cells_metadata_and_ids():
    nb = compose(SCRIPT, id_prefix="ch99")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code", "markdown"]
    assert [c.id for c in nb.cells] == ["ch99-000", "ch99-001", "ch99_add", "ch99_add_visible", "ch99_design"]
    sol, test, manual = (nb.cells[i].metadata.nbgrader for i in (2, 3, 4))
    assert sol.solution and not sol.grade and not sol.locked
    assert test.grade and test.locked and test.points == 2 and not test.solution
    assert manual.grade and manual.solution and manual.points == 3
    assert nb.metadata.kernelspec.name == "python3"
    assert all(not c.get("outputs") for c in nb.cells)


@pytest.mark.parametrize("script, text", [
    ("%% md\nx\n%% bogus\n", "unknown cell header"),
    ("stray\n%% md\n", "before the first"),
    ("%% solution ch99_a\ndef f(): pass\n", "BEGIN SOLUTION"),
    ("%% tests ch99_t\nassert 1\n", "needs 2 argument"),
    ("%% tests ch99_t 1\nassert 1\n%% tests ch99_t 1\nassert 1\n", "repeated grade id"),
    ("%% md extra\nx\n", "takes no arguments"),
])
def test_mistakes_are_reported(script, text):
    with pytest.raises(ValueError, match=text):
        compose(script, id_prefix="ch99")


def test_bad_prefix_and_type():
    with pytest.raises(ValueError, match="id_prefix"):
        compose("%% md\nx\n", id_prefix="has space")
    with pytest.raises(TypeError, match="script must be a str"):
        compose(b"%% md", id_prefix="ch99")
