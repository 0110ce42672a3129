"""File-system helpers shared by the grader.

:func:`remove_tree` removes any tree, including one that hostile code built to break a removal:
thousands of nested folders (``shutil.rmtree`` recurses, and raised ``RecursionError`` on 3.11 at
about 1,000 levels, which ``ignore_errors`` does not catch), symbolic links to files the grader must
keep (never followed: a link is removed, not its target), folders without read or write permission
(made removable through the open folder itself, never through a path), and folders swapped while it
runs (each step is checked against the identity of the folder it descended from). It never raises.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["remove_tree", "force_rmtree"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _ident(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _open_dir(name: str, dir_fd: int) -> int:
    """Open the folder ``name`` of ``dir_fd`` without following a link; make it readable if needed."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except PermissionError:
        pass
    # no read permission (and not root): chmod the folder itself, reached by an O_PATH descriptor
    pfd = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        os.chmod(f"/proc/self/fd/{pfd}", 0o700)
        return os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=pfd)
    finally:
        os.close(pfd)


def _unlink(name: str, dir_fd: int, is_dir: bool) -> None:
    try:
        if is_dir:
            os.rmdir(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)
    except PermissionError:
        os.chmod(dir_fd, 0o700)  # the folder holding it was not writable (fchmod: no path involved)
        if is_dir:
            os.rmdir(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)


def _listing(fd: int) -> list[tuple[str, bool]]:
    lfd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
    try:
        with os.scandir(lfd) as it:
            return [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
    finally:
        os.close(lfd)


def remove_tree(path, *, problems: list[str] | None = None) -> bool:
    """Remove ``path`` (a file, a link or a folder tree) without following any link; never raises.

    Iterative and fd-based: it holds two descriptors at a time whatever the depth, stays on the file
    system ``path`` is on (a mount point inside is left alone, and reported), and returns True when
    ``path`` is gone. What could not be removed is appended to ``problems`` when given.
    """
    problems = problems if problems is not None else []
    try:
        return _remove_tree(os.path.abspath(os.fspath(path)), problems)
    except Exception as exc:  # noqa: BLE001 - a cleanup never fails its caller
        problems.append(f"{path}: {type(exc).__name__}: {exc}")
        return False


def _remove_tree(path: str, problems: list[str]) -> bool:
    parent, name = os.path.split(path)
    if not name:
        problems.append(f"refusing to remove {path!r}")
        return False
    try:
        pfd = os.open(parent or "/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    try:
        try:
            st = os.lstat(name, dir_fd=pfd)
        except FileNotFoundError:
            return True
        if not stat.S_ISDIR(st.st_mode):
            _unlink(name, pfd, False)
            return True
        top = _open_dir(name, pfd)
        device = os.fstat(top).st_dev
        names: list[str] = [name]  # names[i]: the folder at depth i+1, inside the one at depth i
        ids: list[tuple[int, int]] = [_ident(pfd), _ident(top)]
        cur = top
        skip: set[tuple[tuple[int, int], str]] = set()  # (folder, entry) that failed once
        try:
            while True:
                here = ids[-1]
                child = None
                for entry, is_dir in _listing(cur):
                    if (here, entry) in skip:
                        continue
                    if not is_dir:
                        try:
                            _unlink(entry, cur, False)
                        except FileNotFoundError:
                            pass
                        except OSError as exc:
                            problems.append(f"{entry}: {exc.strerror}")
                            skip.add((here, entry))
                        continue
                    try:
                        fd = _open_dir(entry, cur)
                    except FileNotFoundError:
                        continue
                    except OSError as exc:
                        if exc.errno in (errno.ENOTDIR, errno.ELOOP):  # swapped for a link or file
                            try:
                                _unlink(entry, cur, False)
                                continue
                            except OSError:
                                pass
                        problems.append(f"{entry}: {exc.strerror}")
                        skip.add((here, entry))
                        continue
                    if os.fstat(fd).st_dev != device:
                        os.close(fd)
                        problems.append(f"{entry}: another file system is mounted there: left alone")
                        skip.add((here, entry))
                        continue
                    child = (entry, fd)
                    break
                if child is not None:
                    names.append(child[0])
                    ids.append(_ident(child[1]))
                    os.close(cur)
                    cur = child[1]
                    continue
                # this folder is as empty as it gets: go up and remove it
                done = names.pop()
                ids.pop()
                if not names:
                    os.close(cur)
                    cur = -1
                    try:
                        _unlink(done, pfd, True)
                    except FileNotFoundError:
                        pass
                    except OSError as exc:
                        problems.append(f"{path}: {exc.strerror}")
                        return False
                    return True
                up = os.open("..", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=cur)
                os.close(cur)
                cur = up
                if _ident(cur) != ids[-1]:
                    problems.append(f"{path}: a folder was moved during the removal: stopped")
                    return False
                try:
                    _unlink(done, cur, True)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    problems.append(f"{done}: {exc.strerror}")
                    skip.add((ids[-1], done))
        finally:
            if cur >= 0:
                os.close(cur)
    finally:
        os.close(pfd)


def force_rmtree(path: Path) -> None:
    """Remove a tree, even where folders are read-only (the archive's are); never raises."""
    remove_tree(path)
