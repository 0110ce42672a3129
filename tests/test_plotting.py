"""Shared figures return (fig, ax) and validate their input."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figure_and_bars():
    fig, axes = plotting.figure(2)
    assert len(axes) == 2
    fig, ax = plotting.bars(["a", "b"], [1.0, 2.5], title="t")
    assert len(ax.patches) == 2 and ax.get_title() == "t"
    with pytest.raises(ValueError, match="same length"):
        plotting.bars(["a"], [1, 2])
    with pytest.raises(ValueError, match="ncols must be <= 6"):
        plotting.figure(7)


def test_curves_and_budget_line():
    fig, ax = plotting.curves({"m": ([0, 1], [0, 1])}, diagonal=True)
    assert len(ax.lines) == 2
    plotting.annotate_budget(ax, 0.5, "budget")
    plotting.annotate_budget(ax, 0.5, "budget", axis="x")
    with pytest.raises(TypeError, match="series must be a non-empty dict"):
        plotting.curves([])
    with pytest.raises(ValueError, match="must be an"):
        plotting.curves({"m": ([0, 1], [0, 1], [2])})


def test_reliability_bins_follow_the_data():
    rng = np.random.default_rng(0)
    p = rng.random(5_000)
    y = (rng.random(5_000) < p).astype(int)
    fig, ax = plotting.reliability(y, {"calibrated": p}, n_bins=5)
    x, obs = ax.lines[0].get_data()
    assert len(x) == 5 and np.all(np.abs(np.asarray(x) - np.asarray(obs)) < 0.05)
    with pytest.raises(ValueError, match="has 3 values but y_true has"):
        plotting.reliability(y, {"m": [0.1, 0.2, 0.3]})
