"""Atomic outputs: check the destination first, write temporaries beside it, then rename.

Before any work, :func:`check_output_file` and :func:`check_output_dir` check the target
and create (and remove) a small probe file where the temporaries will go, so that a
read-only folder, ``/proc`` or a full disk is reported in seconds, not after the fit.

*A file* is written to a hidden temporary sibling ``.NAME.tmp-PID-RANDOMSUFFIX`` and moved
onto ``NAME`` with ``os.replace``, which is atomic on POSIX and Windows: a reader sees the
old file or the complete new one.

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
mixed one. Because the folder is replaced as a whole, a target folder may hold nothing
but the files being written: :func:`check_output_dir` refuses any other content (it
would be lost), the current folder and mount points.

Errors while writing (``OSError``) become a :class:`DataError` (exit code 2) naming the
path and the reason; temporaries are removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import DataError
from .exchange import exchange

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

STALE_SECONDS = 3600.0  # a temporary is made just before writing: an hour-old one is stale


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _reason(exc: OSError) -> str:
    code = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text} ({code})" if code else text


def write_error(path, exc: OSError) -> DataError:
    """The exit-code-2 error for an ``OSError`` met while writing ``path``."""
    return DataError(f"could not write {str(path)!r}: {_reason(exc)}.")


def _prefix(name: str, pid: int | None = None) -> str:
    return f".{name}.tmp-{os.getpid() if pid is None else pid}-"


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
    parent, start = _parent(target), f".{target.name}.tmp-"
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


def check_writable(target: str | os.PathLike) -> None:
    """Create, write and remove a probe beside ``target``: can it be written there?

    A :class:`DataError` naming the target and the reason (read-only folder, ``/proc``,
    a full disk) if not.
    """
    target = Path(target)
    folder = _parent(target)
    try:
        handle, name = tempfile.mkstemp(prefix=_prefix(target.name), suffix=".probe",
                                        dir=folder)  # fmt: skip
        try:
            os.write(handle, b"probe")
        finally:
            os.close(handle)
            os.unlink(name)
    except OSError as exc:
        raise DataError(
            f"cannot write {str(target)!r}: {_reason(exc)} (in folder {str(folder)!r}). "
            "Nothing was written."
        ) from None


def _check_parent(path: Path, what: str) -> Path:
    parent = _parent(path)
    if not parent.is_dir():
        state = "is not a folder" if parent.exists() else "does not exist"
        raise DataError(
            f"{what} {str(parent)!r} of {str(path)!r} {state}; create it first. Nothing "
            "was written."
        )
    return parent


def check_output_file(path: str | os.PathLike, *, force: bool, suffixes=None) -> Path:
    """Validate an output file *before any work*: its folder exists and is writable, it is
    not a folder, and it does not exist unless ``force``; optionally its suffix is one of
    ``suffixes``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_file(folder / "a.csv", force=False).name
    'a.csv'
    >>> check_output_file(folder / "missing" / "a.csv", force=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: output folder ... does not exist; create it first...
    """
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise DataError(
            f"output {str(path)!r} must end in {' or '.join(suffixes)}, got "
            f"{path.suffix or 'no suffix'!r}."
        )
    _check_parent(path, "output folder")
    if path.is_dir():
        raise DataError(f"output {str(path)!r} is a folder, expected a file name.")
    if path.exists() and not force:
        raise DataError(f"output {str(path)!r} already exists; pass --force to replace it.")
    check_writable(path)
    return path


def _own_temporary(entry: str, names) -> bool:
    """A hidden temporary of one of ``names``, current or older naming."""
    return any(
        entry.startswith(f".{name}.") and (".tmp" in entry[len(name) + 2 :]) for name in names
    )


def _resolved(path: Path) -> Path:
    # A symbolic link to a folder: replace the folder it points to, keep the link.
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_output_dir(path: str | os.PathLike, names, *, force: bool) -> Path:
    """Validate an output folder *before any work*: it may be created (its parent must
    exist and be writable); an existing one may hold only ``names`` (replaced with
    ``force``) and our temporaries, since the folder is replaced as a whole.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "notes.txt").write_text("mine")
    >>> check_output_dir(folder, ["model.json"], force=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: ... holds other files ('notes.txt')...
    """
    path = _resolved(Path(path))
    if path.exists() and not path.is_dir():
        raise DataError(f"output {str(path)!r} exists and is not a folder.")
    _check_parent(path, "parent folder")
    if path.is_dir():
        try:
            here = Path.cwd().resolve()
        except OSError:  # the current folder was deleted: it cannot be the target
            here = Path("/nonexistent/current/folder")
        if path.resolve() == here or path.resolve() in here.parents:
            raise DataError(
                f"output folder {str(path)!r} is (or contains) the current folder; the model "
                "folder is replaced as a whole: name a sub-folder, e.g. --out model."
            )
        if os.path.ismount(path):
            raise DataError(
                f"output folder {str(path)!r} is a mount point, which cannot be replaced; "
                f"name a folder inside it, e.g. --out {str(path / 'model')!r}."
            )
        try:
            entries = os.listdir(path)
        except OSError as exc:
            reason = _reason(exc)
            raise DataError(f"cannot read the output folder {str(path)!r}: {reason}.") from None
        foreign = sorted(e for e in entries if e not in names and not _own_temporary(e, names))
        if foreign:
            shown = ", ".join(repr(name) for name in foreign[:8])
            more = f" and {len(foreign) - 8} more" if len(foreign) > 8 else ""
            raise DataError(
                f"output folder {str(path)!r} holds other files ({shown}{more}); the model "
                "folder is replaced as a whole, so they would be lost. Use a new or empty "
                "folder."
            )
        existing = sorted(name for name in names if name in entries)
        if existing and not force:
            raise DataError(
                f"{', '.join(existing)} already exist(s) in {str(path)!r}; pass --force to "
                "replace."
            )
    check_writable(path)
    return path


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
        handle, name = tempfile.mkstemp(prefix=_prefix(path.name), suffix=path.suffix,
                                        dir=_parent(path))  # fmt: skip
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
        staging = Path(tempfile.mkdtemp(prefix=_prefix(target.name), dir=_parent(target)))
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
    aside = staging.with_name(f"{_prefix(folder.name)}{secrets.token_hex(4)}")
    os.rename(folder, aside)
    os.rename(staging, folder)
    os.rename(aside, staging)  # the old folder, removed with the staging name


def write_files_into(folder, writers: dict[str, Callable[[Path], object]]) -> list[Path]:
    """Write the folder ``folder`` holding one file per ``writers[name](path)``.

    The files are written into a temporary sibling folder that then replaces ``folder`` in
    one step (see the module docstring): readers see all old or all new files. An
    ``OSError`` becomes a :class:`DataError` naming the folder; nothing is left behind.
    """
    folder = _resolved(Path(folder))
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
