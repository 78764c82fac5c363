"""The hidden temporaries written beside an output, and the removal of those that killed
writers left behind.

A temporary of ``NAME`` is named ``.NAME.tmp-PID-RANDOMSUFFIX`` (a file, or a folder for
a model): hidden, beside its target, and carrying the writer's process id, so that the
next write to the same target can tell a dead writer's leftovers from a live one's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

__all__ = [
    "STALE_SECONDS",
    "is_own_temporary",
    "parent_folder",
    "remove_stale_temporaries",
    "temporary_prefix",
]

STALE_SECONDS = 3600.0  # a temporary is made just before writing: an hour-old one is stale


def parent_folder(path: Path) -> Path:
    """The folder ``path`` is in (``.`` for a bare name)."""
    return path.parent if str(path.parent) else Path(".")


def temporary_prefix(name: str, pid: int | None = None) -> str:
    """``.NAME.tmp-PID-``: the start of the name of a temporary of ``name``."""
    return f".{name}.tmp-{os.getpid() if pid is None else pid}-"


def is_own_temporary(entry: str, names) -> bool:
    """A hidden temporary of one of ``names``: ``.NAME.``, then ``.tmp`` somewhere after."""
    return any(
        entry.startswith(f".{name}.") and (".tmp" in entry[len(name) + 2 :]) for name in names
    )


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no harmless liveness probe (os.kill terminates on Windows): age only
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(target: str | os.PathLike) -> list[Path]:
    """Remove the temporaries of ``target`` left by killed writers; return them.

    Only entries named like ours (``.NAME.tmp-PID-…`` beside the target) whose process is
    gone, or older than an hour, are removed.
    """
    target = Path(target)
    parent, start = parent_folder(target), f".{target.name}.tmp-"
    removed = []
    try:
        entries = [entry for entry in os.scandir(parent) if entry.name.startswith(start)]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        pid = entry.name[len(start) :].split("-", 1)[0]
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        if not (old or (pid.isdigit() and not _process_alive(int(pid)))):
            continue
        path = parent / entry.name
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed
