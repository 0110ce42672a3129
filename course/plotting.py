"""Shared figures. Every function returns ``(fig, ax)`` so a notebook can add to the picture."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validation import check_array, check_int

__all__ = ["COLORS", "figure", "bars", "curves", "reliability", "annotate_budget"]

COLORS = ["#1f6feb", "#d1495b", "#2a9d8f", "#e9a03b", "#6f42c1", "#6c757d"]


def figure(ncols: int = 1, *, width: float = 6.0, height: float = 3.6, title: str | None = None):
    """A figure with ``ncols`` axes in the course style (light grid, no top/right spines)."""
    ncols = check_int("ncols", ncols, low=1, high=6)
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols if ncols > 1 else width, height),
                             layout="constrained")
    for ax in np.atleast_1d(axes):
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title)
    return fig, axes


def bars(labels, values, *, ax=None, xlabel: str = "", ylabel: str = "", title: str = "", fmt: str = "{:.3g}",
         color=None):
    """A labelled bar chart; each bar carries its value."""
    values = check_array("values", values, ndim=1)
    labels = [str(label) for label in labels]
    if len(labels) != len(values):
        raise ValueError(f"labels and values must have the same length, got {len(labels)} and {len(values)}")
    fig, ax = (ax.figure, ax) if ax is not None else figure()
    colors = color or [COLORS[i % len(COLORS)] for i in range(len(values))]
    rects = ax.bar(labels, values, color=colors)
    ax.bar_label(rects, labels=[fmt.format(v) for v in values], padding=2)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.margins(y=0.15)
    return fig, ax


def curves(series: dict, *, ax=None, xlabel: str = "", ylabel: str = "", title: str = "", diagonal: bool = False,
           marker=None):
    """Several named (x, y) lines on one axis, e.g. ROC curves of two models."""
    if not isinstance(series, dict) or not series:
        raise TypeError(f"series must be a non-empty dict of name -> (x, y), got {type(series).__name__}")
    fig, ax = (ax.figure, ax) if ax is not None else figure()
    for i, (name, xy) in enumerate(series.items()):
        if len(xy) != 2:
            raise ValueError(f"series[{name!r}] must be an (x, y) pair")
        x = check_array(f"series[{name!r}] x", xy[0], ndim=1)
        y = check_array(f"series[{name!r}] y", xy[1], ndim=1)
        ax.plot(x, y, label=name, color=COLORS[i % len(COLORS)], marker=marker)
    if diagonal:
        ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="chance / perfect calibration")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(frameon=False)
    return fig, ax


def reliability(y_true, probs: dict, *, n_bins: int = 10, ax=None, title: str = "Reliability diagram"):
    """Mean predicted probability against the observed rate, per quantile bin, for each model."""
    y = check_array("y_true", y_true, ndim=1)
    n_bins = check_int("n_bins", n_bins, low=2, high=100)
    series = {}
    for name, p in probs.items():
        p = check_array(f"probs[{name!r}]", p, ndim=1)
        if len(p) != len(y):
            raise ValueError(f"probs[{name!r}] has {len(p)} values but y_true has {len(y)}")
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
        idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
        mean_p = np.array([p[idx == b].mean() for b in range(len(edges) - 1) if np.any(idx == b)])
        rate = np.array([y[idx == b].mean() for b in range(len(edges) - 1) if np.any(idx == b)])
        series[name] = (mean_p, rate)
    fig, ax = curves(series, ax=ax, xlabel="mean predicted probability", ylabel="observed rate", title=title,
                     marker="o")
    top = max(max(s[0].max(), s[1].max()) for s in series.values())
    ax.plot([0, top], [0, top], ls="--", color="grey", lw=1)
    return fig, ax


def annotate_budget(ax, value: float, label: str, *, axis: str = "y"):
    """Draw a dashed budget line (a latency or memory limit) with a label."""
    line = ax.axhline if axis == "y" else ax.axvline
    line(value, ls="--", color=COLORS[1], lw=1.2)
    if axis == "y":
        ax.annotate(label, (1, value), xycoords=("axes fraction", "data"), ha="right", va="bottom",
                    color=COLORS[1], bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    else:
        ax.annotate(label, (value, 1), xycoords=("data", "axes fraction"), ha="left", va="top", color=COLORS[1],
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    return ax.figure, ax
