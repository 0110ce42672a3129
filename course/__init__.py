"""Helpers for the open ML System Design course.

Notebooks import the pieces as modules, so a reader always sees where a helper comes from::

    from course import datasets, checks, plotting
"""
from . import checks, datasets, plotting

__all__ = ["checks", "datasets", "plotting", "__version__"]
__version__ = "0.1.0"
