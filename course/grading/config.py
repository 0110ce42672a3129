"""Find the course root and load ``nbgrader_config.py`` strictly.

Stock nbgrader logs an error in its config file and carries on with defaults; every command of ours
loads the file here first so that such a mistake stops the command with the real exception.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

__all__ = ["ConfigError", "check_settings", "find_root", "load_config", "nbgrader_env", "nbgrader_cmd"]

CONFIG_NAME = "nbgrader_config.py"


class ConfigError(RuntimeError):
    """The course's nbgrader configuration is missing or broken."""


def find_root(start: str | os.PathLike | None = None) -> Path:
    """Return the nearest directory at or above ``start`` holding nbgrader_config.py and source/."""
    here = Path(start or os.getcwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file() and (candidate / "source").is_dir():
            return candidate
    # An installed (non-editable) package still knows the checkout it was built from.
    pkg_root = Path(__file__).resolve().parents[2]
    if (pkg_root / CONFIG_NAME).is_file() and (pkg_root / "source").is_dir():
        return pkg_root
    raise ConfigError(f"no course root (a folder with {CONFIG_NAME} and source/) at or above {here}")


def load_config(path: str | os.PathLike) -> Config:
    """Load an nbgrader config file, raising ``ConfigError`` on any mistake in it.

    A mistake is an exception while the file runs, or a setting nbgrader does not have: traitlets
    silently ignores ``c.Execute.timout = 60``, which would leave the default in force unnoticed.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    loader = PyFileConfigLoader(path.name, path=str(path.parent))
    try:
        config = loader.load_config()
    except Exception as exc:  # the loader wraps nothing: any exception is a broken file
        raise ConfigError(f"{path} is broken: {type(exc).__name__}: {exc}") from exc
    check_settings(config, source=path)
    return config


@lru_cache(maxsize=1)
def _known_classes() -> dict:
    import nbconvert.preprocessors as nbconvert_pre
    from jupyter_client import KernelManager
    from nbgrader.apps.nbgraderapp import NbGraderApp
    from traitlets.config import Configurable

    roots = list(NbGraderApp().all_configurable_classes()) + [KernelManager]
    roots += [obj for obj in vars(nbconvert_pre).values() if isinstance(obj, type) and issubclass(obj, Configurable)]
    import nbgrader.exchange.default as default_exchange

    roots += [obj for obj in vars(default_exchange).values() if isinstance(obj, type) and issubclass(obj, Configurable)]
    known: dict[str, set] = {}  # several classes share a name (nbgrader's abstract and default Exchange)
    for cls in roots:
        for klass in cls.mro():
            if isinstance(klass, type) and issubclass(klass, Configurable):
                known.setdefault(klass.__name__, set()).update(klass.class_trait_names(config=True))
    return known


def check_settings(config: Config, *, source: object = "config") -> None:
    """Raise ``ConfigError`` for any section or setting that nbgrader would silently ignore."""
    known = _known_classes()
    for section, values in config.items():
        if section not in known:
            raise ConfigError(f"{source}: unknown section c.{section} (a typo?)")
        for name in values:
            if name not in known[section]:
                raise ConfigError(f"{source}: c.{section}.{name} is not a setting of {section} (a typo?)")


def nbgrader_env(extra: dict | None = None) -> dict:
    """Environment for an nbgrader subprocess: this interpreter's bin dir first on PATH.

    nbgrader shells out to ``alembic`` when it creates a gradebook, and the kernelspec ``python3``
    must resolve to this interpreter, not to whatever Python the caller's PATH finds first.
    """
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("MPLBACKEND", "Agg")
    env.update(extra or {})
    return env


def nbgrader_cmd(*args: str) -> list[str]:
    """The argv that runs nbgrader with this interpreter."""
    return [sys.executable, "-m", "nbgrader", *args]
