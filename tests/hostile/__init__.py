"""Hostile and broken submissions for the grader's tests, and the tiny course they are graded in."""


def pids_with_uid(low: int, high: int | None = None) -> list[int]:
    """Processes whose real uid lies in [low, high) (high defaults to low + 1), read from /proc."""
    import os
    from pathlib import Path

    high = low + 1 if high is None else high
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path("/proc", entry, "status").read_text()
        except OSError:
            continue
        uid = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("Uid:"))
        if low <= uid < high:
            found.append(int(entry))
    return found
