"""Take a submission in without trusting it: archive it read-only, then rebuild its notebook.

Archiving (:func:`archive_submission`) copies only regular files (a symlink, fifo or device is never
followed or read), within size limits, into ``archive/<student>/<assignment>/<sha256>/`` and makes
the copy read-only. The digest covers every file's name and content, so it says whether anything
changed since the last grading.

Cleaning (:func:`clean_notebook`) rebuilds the notebook from its cells' sources alone: every cell's
type, nbgrader metadata and id are taken from the release notebook for the cells the assignment
grades, and dropped for every other cell. So a duplicated, forged, retyped or deleted grade cell can
neither abort the batch nor earn a point; locked cells (the tests) get the release text back (and
nbgrader then restores the hidden tests from the gradebook); outputs are dropped. Everything
unusual is reported as a :class:`Flag` for the instructor to review.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from .files import force_rmtree

__all__ = [
    "ArchiveLimits",
    "CorruptNotebook",
    "Flag",
    "Submission",
    "archive_submission",
    "clean_notebook",
    "tree_digest",
]


@dataclass(frozen=True)
class Flag:
    """Something about a submission the instructor should look at."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message}


class CorruptNotebook(ValueError):
    """The file is not a notebook this grader can read."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_files: int = 500
    max_depth: int = 8


@dataclass
class Submission:
    """One student's archived submission of one assignment."""

    student: str
    assignment: str
    digest: str
    path: Path  # the read-only archive folder
    files: list[str] = field(default_factory=list)  # relative paths of the regular files kept
    flags: list[Flag] = field(default_factory=list)
    # (mtime, ctime) of each file kept, as found in submitted/ at this intake: the mtime is what the
    # student's side recorded (nbgrader's copies keep it), the ctime when it was copied there
    stats: dict[str, tuple[float, float]] = field(default_factory=dict)


def _sha256_fd(fd: int, out, limit: int) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        n += len(chunk)
        if n > limit:
            raise OverflowError
        h.update(chunk)
        out.write(chunk)
    return h.hexdigest(), n


def _walk(root: Path, limits: ArchiveLimits, flags: list[Flag]):
    """Yield (relative path, absolute path) of regular files, never following a symlink."""
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            flags.append(Flag("unreadable", f"{folder.relative_to(root) if folder != root else '.'}: {exc}"))
            continue
        for entry in entries:
            rel = Path(entry.path).relative_to(root).as_posix()
            if entry.is_symlink():
                flags.append(Flag("symlink", f"{rel} is a symbolic link: not followed, not graded"))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in (".ipynb_checkpoints", "__pycache__"):
                    continue
                if depth + 1 > limits.max_depth:
                    flags.append(Flag("too-deep", f"{rel}: folders nested too deep, skipped"))
                    continue
                stack.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                yield rel, Path(entry.path)
            else:
                flags.append(
                    Flag("special-file", f"{rel} is not a regular file (fifo, socket or device): skipped")
                )


def tree_digest(entries: dict[str, str]) -> str:
    """Digest of a file set: sha256 over the sorted (relative path, content sha256) pairs."""
    h = hashlib.sha256()
    for rel in sorted(entries):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + entries[rel].encode() + b"\n")
    return h.hexdigest()


def _make_readonly(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)


def archive_submission(
    submitted: Path,
    archive_root: Path,
    student: str,
    assignment: str,
    limits: ArchiveLimits = ArchiveLimits(),
) -> Submission:
    """Copy a submission's regular files into a read-only, content-addressed archive folder.

    The submission itself is only read. An archive folder that already exists for the same digest is
    reused as is (archives are never modified or deleted).
    """
    submitted = Path(submitted)
    flags: list[Flag] = []
    base = Path(archive_root) / student / assignment
    base.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile_dir(base))
    entries: dict[str, str] = {}
    stats: dict[str, tuple[float, float]] = {}
    total = 0
    try:
        if submitted.is_symlink() or not submitted.is_dir():
            flags.append(
                Flag(
                    "symlink" if submitted.is_symlink() else "missing",
                    f"{submitted} is not a real folder: nothing taken",
                )
            )
            walk = []
        else:
            walk = _walk(submitted, limits, flags)
        for rel, path in walk:
            if len(entries) >= limits.max_files:
                flags.append(Flag("too-many-files", f"more than {limits.max_files} files: the rest skipped"))
                break
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError as exc:
                flags.append(Flag("unreadable", f"{rel}: {exc.strerror}"))
                continue
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    flags.append(Flag("special-file", f"{rel} changed into a non-regular file: skipped"))
                    continue
                dest = partial / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                room = min(limits.max_file_bytes, limits.max_total_bytes - total)
                try:
                    with open(dest, "wb") as out:
                        digest, n = _sha256_fd(fd, out, room)
                except OverflowError:
                    dest.unlink(missing_ok=True)
                    flags.append(Flag("too-large", f"{rel} is larger than the grader accepts: skipped"))
                    continue
                total += n
                entries[rel] = digest
                stats[rel] = (st.st_mtime, st.st_ctime)
            finally:
                os.close(fd)
        digest = tree_digest(entries)
        final = base / digest
        if final.exists():
            force_rmtree(partial)
        else:
            _make_readonly(partial)
            partial.rename(final)
        return Submission(student, assignment, digest, final, sorted(entries), flags, stats)
    except BaseException:
        force_rmtree(partial)
        raise


def tempfile_dir(base: Path) -> str:
    import tempfile

    return tempfile.mkdtemp(prefix=".partial-", dir=base)



# --- notebooks ----------------------------------------------------------------------------------

MAX_CELLS = 5000
MAX_SOURCE = 2 * 1024 * 1024
_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_META_KEYS = ("grade", "solution", "locked", "task", "points")


def _nbg(meta) -> dict | None:
    if isinstance(meta, dict) and isinstance(meta.get("nbgrader"), dict):
        return meta["nbgrader"]
    return None


def _source(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "".join(value)
    return None


@dataclass
class _In:
    index: int
    cell_type: str
    source: str
    grade_id: str | None
    cell_id: str | None
    nbgrader: dict | None
    attachments: dict | None = None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            return line.strip()
    return ""


def _parse(raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptNotebook(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise CorruptNotebook("JSON nested too deeply") from None
    except ValueError as exc:
        raise CorruptNotebook(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", None), list):
        if isinstance(data, dict) and data.get("nbformat") == 3 and isinstance(data.get("worksheets"), list):
            try:
                return json.loads(nbformat.writes(nbformat.reads(text, as_version=4)))
            except Exception as exc:  # noqa: BLE001
                raise CorruptNotebook(f"an nbformat 3 notebook that cannot be converted ({exc})") from None
        raise CorruptNotebook("not a notebook (no list of cells)")
    major = data.get("nbformat", 4)
    if major != 4:
        raise CorruptNotebook(f"nbformat {major!r} is not supported (expected 4)")
    if len(data["cells"]) > MAX_CELLS:
        raise CorruptNotebook(f"more than {MAX_CELLS} cells")
    return data


def clean_notebook(raw: bytes, release: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[Flag]]:
    """Rebuild a submitted notebook on the release's structure; raise CorruptNotebook if unreadable."""
    data = _parse(raw)
    flags: list[Flag] = []
    cells: list[_In] = []
    for n, rc in enumerate(data["cells"]):
        if not isinstance(rc, dict):
            flags.append(Flag("malformed-cell", f"cell {n} is not an object: dropped"))
            continue
        ctype = rc.get("cell_type")
        if ctype not in ("code", "markdown", "raw"):
            flags.append(Flag("malformed-cell", f"cell {n} has cell type {str(ctype)[:30]!r}: kept as raw"))
            ctype = "raw"
        src = _source(rc.get("source", ""))
        if src is None:
            flags.append(Flag("malformed-cell", f"cell {n} has a source that is not text: emptied"))
            src = ""
        if len(src) > MAX_SOURCE:
            flags.append(Flag("malformed-cell", f"cell {n} is longer than {MAX_SOURCE} characters: cut"))
            src = src[:MAX_SOURCE]
        nbg = _nbg(rc.get("metadata"))
        gid = nbg.get("grade_id") if nbg and isinstance(nbg.get("grade_id"), str) else None
        cid = rc.get("id") if isinstance(rc.get("id"), str) else None
        att = (
            rc.get("attachments") if ctype == "markdown" and isinstance(rc.get("attachments"), dict) else None
        )
        cells.append(_In(n, ctype, src, gid, cid, nbg, att))

    tracked = [c for c in release.cells if (_nbg(c.get("metadata")) or {}).get("grade_id")]
    release_ids = {c.metadata.nbgrader.grade_id for c in tracked}
    taken: dict[int, object] = {}  # index in `cells` -> release cell
    matched: dict[str, int] = {}  # grade_id -> index in `cells`
    for rel in tracked:
        gid = rel.metadata.nbgrader.grade_id
        cands = [k for k, c in enumerate(cells) if k not in taken and c.grade_id == gid]
        how = "metadata"
        if not cands:
            cands = [
                k
                for k, c in enumerate(cells)
                if k not in taken and rel.get("id") and c.cell_id == rel.get("id")
            ]
            how = "cell id"
        if not cands and rel.metadata.nbgrader.get("solution") and not rel.metadata.nbgrader.get("grade"):
            sig = _first_line(rel.source)
            if sig:
                cands = [
                    k
                    for k, c in enumerate(cells)
                    if k not in taken
                    and c.grade_id not in release_ids
                    and c.cell_type == rel.cell_type
                    and _first_line(c.source) == sig
                ]
                how = "content"
        if not cands:
            continue
        if len(cands) > 1:
            same_id = [k for k in cands if cells[k].cell_id == rel.get("id")]
            chosen = (same_id or cands)[-1]
            flags.append(
                Flag(
                    "duplicate-cell",
                    f"{len(cands)} cells claim to be '{gid}': graded the one at "
                    f"position {cells[chosen].index}, the others as plain cells",
                )
            )
        else:
            chosen = cands[0]
        if how != "metadata":
            flags.append(
                Flag(
                    "matched-by-" + how.replace(" ", "-"),
                    f"'{gid}' had lost its nbgrader metadata; recognised by its {how}",
                )
            )
        taken[chosen] = rel
        matched[gid] = chosen

    # Report what was changed about the graded cells.
    order = [
        matched[r.metadata.nbgrader.grade_id] for r in tracked if r.metadata.nbgrader.grade_id in matched
    ]
    if order != sorted(order):
        flags.append(Flag("reordered", "graded cells are not in the release's order"))
    for k, c in enumerate(cells):
        rel = taken.get(k)
        if rel is None:
            if c.nbgrader and (
                c.nbgrader.get("grade")
                or c.nbgrader.get("solution")
                or c.nbgrader.get("locked")
                or c.grade_id
            ):
                if c.grade_id in release_ids:
                    continue  # a duplicate, already reported
                flags.append(
                    Flag(
                        "forged-cell",
                        f"cell {c.index} carries nbgrader metadata for "
                        f"'{str(c.grade_id)[:60]}', which this assignment does not "
                        "grade: metadata removed",
                    )
                )
            continue
        gid = rel.metadata.nbgrader.grade_id
        if c.cell_type != rel.cell_type:
            flags.append(
                Flag(
                    "retyped-cell",
                    f"'{gid}' was turned into a {c.cell_type} cell: restored to {rel.cell_type}",
                )
            )
        mine = c.nbgrader or {}
        changed = [
            key
            for key in _META_KEYS
            if key in rel.metadata.nbgrader and mine.get(key) != rel.metadata.nbgrader.get(key)
        ]
        if c.nbgrader is not None and changed:
            flags.append(Flag("changed-metadata", f"'{gid}' had its {', '.join(changed)} changed: restored"))
        if rel.metadata.nbgrader.get("locked") and c.source.strip() != rel.source.strip():
            flags.append(Flag("edited-test", f"locked cell '{gid}' was edited: restored from the release"))
    missing = [r.metadata.nbgrader.grade_id for r in tracked if r.metadata.nbgrader.grade_id not in matched]
    if missing:
        flags.append(
            Flag(
                "deleted-cell",
                f"{len(missing)} graded cell(s) were missing and were put back from "
                f"the release: {', '.join(missing[:8])}" + (" …" if len(missing) > 8 else ""),
            )
        )

    ks = data.get("metadata", {}).get("kernelspec") if isinstance(data.get("metadata"), dict) else None
    want = release.metadata.get("kernelspec", {})
    if isinstance(ks, dict) and want and ks.get("name") != want.get("name"):
        flags.append(
            Flag(
                "kernelspec",
                f"asks for kernel {str(ks.get('name'))[:40]!r}: ignored, graded with "
                "the course's Python kernel",
            )
        )

    # Build the clean notebook.
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = 5
    nb.metadata = copy.deepcopy(release.metadata)
    used_ids: set[str] = {r.get("id") for r in tracked if r.get("id")}
    out_for_input: list = []
    for k, c in enumerate(cells):
        rel = taken.get(k)
        if rel is not None:
            new = _from_release(rel, keep_source=None if rel.metadata.nbgrader.get("locked") else c.source)
            if rel.cell_type == "markdown" and c.attachments and not rel.metadata.nbgrader.get("locked"):
                att = _safe_attachments(c.attachments)
                if att:
                    new["attachments"] = att
        else:
            new = _plain(c, used_ids, k)
        out_for_input.append((k, new))
    result = [new for _, new in out_for_input]
    present = {gid: out_for_input[idx][1] for gid, idx in matched.items()}
    for n, rel in enumerate(tracked):
        gid = rel.metadata.nbgrader.grade_id
        if gid in present:
            continue
        cell = _from_release(rel, keep_source=None)
        before = next(
            (
                present[t.metadata.nbgrader.grade_id]
                for t in reversed(tracked[:n])
                if t.metadata.nbgrader.grade_id in present
            ),
            None,
        )
        after = next(
            (
                present[t.metadata.nbgrader.grade_id]
                for t in tracked[n + 1 :]
                if t.metadata.nbgrader.grade_id in present
            ),
            None,
        )
        if before is not None:
            at = _index(result, before) + 1
        elif after is not None:
            at = _index(result, after)
        else:
            at = len(result)
        result.insert(at, cell)
        present[gid] = cell
    nb.cells = result
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise CorruptNotebook(f"could not be rebuilt into a valid notebook ({str(exc)[:200]})") from None
    return nb, flags


def _index(cells: list, cell) -> int:
    return next(i for i, c in enumerate(cells) if c is cell)


def _from_release(rel, keep_source: str | None):
    make = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }[rel.cell_type]
    cell = make(rel.source if keep_source is None else keep_source)
    cell.metadata = copy.deepcopy(rel.metadata)
    if rel.get("id"):
        cell.id = rel.id
    return cell


def _plain(c: _In, used_ids: set, k: int):
    make = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }[c.cell_type]
    cell = make(c.source)
    cid = c.cell_id if c.cell_id and _ID.match(c.cell_id) and c.cell_id not in used_ids else None
    if cid is None:
        cid = f"student-{k:04d}"
        while cid in used_ids:
            cid += "x"
    used_ids.add(cid)
    cell.id = cid
    if c.cell_type == "markdown" and c.attachments:
        att = _safe_attachments(c.attachments)
        if att:
            cell["attachments"] = att
    return cell


def _safe_attachments(att: dict) -> dict | None:
    """Keep pasted images of a markdown cell when they are well formed and not huge."""
    out, size = {}, 0
    for name, bundle in att.items():
        if not isinstance(name, str) or not isinstance(bundle, dict):
            return None
        clean = {}
        for mime, value in bundle.items():
            if not isinstance(mime, str) or not isinstance(value, (str, list)):
                return None
            value = value if isinstance(value, str) else "".join(v for v in value if isinstance(v, str))
            size += len(value)
            clean[mime] = value
        out[name] = clean
    return out if size <= 8 * 1024 * 1024 else None
