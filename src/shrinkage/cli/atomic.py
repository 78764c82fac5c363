"""Atomic outputs: write temporaries beside the target, then rename.

The target is checked first (:mod:`shrinkage.cli.output_checks`, re-exported here).

*A file* is written to a hidden temporary sibling ``.NAME.tmp-PID-RANDOMSUFFIX``
(:mod:`shrinkage.cli.temporaries`) and moved onto ``NAME`` with ``os.replace``, which is
atomic on POSIX and Windows: a reader sees the old file or the complete new one.

*A folder of files* (a model: ``model.json`` and ``coef.csv``) must never mix files of two
writes, so the whole folder is replaced in one step. Its files are written into a fresh
hidden sibling folder ``.NAME.tmp-PID-RANDOM/``, which then takes the target's place:

- no target yet: ``rename(staging, target)``;
- an existing target: the two folders are *exchanged* atomically (Linux
  ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``), and the old
  folder, now under the temporary name, is deleted.

A reader of ``NAME/`` therefore sees, at every instant, either the complete old pair or
the complete new pair. A writer killed at any point leaves at most a hidden temporary
beside the target, which the next write to that target removes (only temporaries whose
process is gone, or older than an hour). Where the system has no atomic exchange
(Windows, some network file systems), the old folder is renamed aside and the new one
moved in: for that moment the target is absent, so a reader finds no model, never a
mixed one.

Errors while writing (``OSError``) become a :class:`DataError` (exit code 2) naming the
path and the reason; temporaries are removed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import write_error
from .exchange import exchange
from .output_checks import check_output_dir, check_output_file, check_writable, target_folder
from .temporaries import parent_folder, remove_stale_temporaries, temporary_prefix

__all__ = [
    "atomic_path",
    "check_output_dir",
    "check_output_file",
    "check_writable",
    "remove_stale_temporaries",
    "temporary_folder",
    "write_bytes",
    "write_error",
    "write_files_into",
    "write_text",
]


def _umask() -> int:
    # The only portable way to read the umask is to set it and restore it at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usual_permissions(path: Path, directory: bool = False) -> None:
    """mkstemp / mkdtemp create private (0600 / 0700) entries; give the final output the
    permissions a plain ``open`` would have given it."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def _sync(path: Path) -> None:
    """Flush a written file to disk, so that after the rename a crash cannot leave the
    new name pointing at empty blocks."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    An ``OSError`` inside the block or while moving becomes a :class:`DataError` naming
    ``path``; the temporary is always removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('done', ['out.txt'])
    """
    path = Path(path)
    remove_stale_temporaries(path)
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=path.suffix,
                                        dir=parent_folder(path))  # fmt: skip
        os.close(handle)
    except OSError as exc:
        raise write_error(path, exc) from None
    tmp = Path(name)
    try:
        try:
            yield tmp
            _usual_permissions(tmp)
            _sync(tmp)
            os.replace(tmp, path)
        except OSError as exc:
            raise write_error(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


@contextlib.contextmanager
def temporary_folder(target: str | os.PathLike) -> Iterator[Path]:
    """A fresh hidden folder beside ``target`` (our temporary naming), removed at exit
    unless it was renamed away; stale temporaries of ``target`` are removed first."""
    target = Path(target)
    remove_stale_temporaries(target)
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=temporary_prefix(target.name), dir=parent_folder(target))
        )
    except OSError as exc:
        raise write_error(target, exc) from None
    try:
        yield staging
    finally:
        if staging.is_dir() and not staging.is_symlink():
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, folder: Path) -> None:
    """Put ``staging`` at ``folder`` in one step; the old folder ends up at ``staging``."""
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return
    os.chmod(staging, stat.S_IMODE(os.stat(folder).st_mode))  # keep the folder's mode
    if exchange(staging, folder):
        return
    aside = staging.with_name(f"{temporary_prefix(folder.name)}{secrets.token_hex(4)}")
    os.rename(folder, aside)
    os.rename(staging, folder)
    os.rename(aside, staging)  # the old folder, removed with the staging name


def write_files_into(folder, writers: dict[str, Callable[[Path], object]]) -> list[Path]:
    """Write the folder ``folder`` holding one file per ``writers[name](path)``.

    The files are written into a temporary sibling folder that then replaces ``folder`` in
    one step (see the module docstring): readers see all old or all new files. An
    ``OSError`` becomes a :class:`DataError` naming the folder; nothing is left behind.
    """
    folder = target_folder(Path(folder))
    with temporary_folder(folder) as staging:
        try:
            for name, writer in writers.items():
                writer(staging / name)
                _usual_permissions(staging / name)
                _sync(staging / name)
            _usual_permissions(staging, directory=True)
            _swap_in(staging, folder)
        except OSError as exc:
            raise write_error(folder, exc) from None
    return [folder / name for name in writers]
