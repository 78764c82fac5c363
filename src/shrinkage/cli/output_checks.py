"""Checks of an output *before any work*: its folder exists and can be written, and
nothing that a write would destroy is in the way.

Each check creates (and removes) a small probe file where the temporaries will go
(:mod:`shrinkage.cli.temporaries`), so that a read-only folder, ``/proc`` or a full disk
is reported in seconds, not after the fit. A model folder is replaced as a whole
(:func:`shrinkage.cli.atomic.write_files_into`), so :func:`check_output_dir` refuses a
folder holding anything but the files being written, the current folder and mount points.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import DataError, os_error_reason
from .temporaries import is_own_temporary, parent_folder, temporary_prefix

__all__ = ["check_output_dir", "check_output_file", "check_writable", "target_folder"]


def check_writable(target: str | os.PathLike) -> None:
    """Create, write and remove a probe beside ``target``: can it be written there?

    A :class:`DataError` naming the target and the reason (read-only folder, ``/proc``,
    a full disk) if not.
    """
    target = Path(target)
    folder = parent_folder(target)
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix(target.name), suffix=".probe",
                                        dir=folder)  # fmt: skip
        try:
            os.write(handle, b"probe")
        finally:
            os.close(handle)
            os.unlink(name)
    except OSError as exc:
        raise DataError(
            f"cannot write {str(target)!r}: {os_error_reason(exc)} (in folder {str(folder)!r}). "
            "Nothing was written."
        ) from None


def _check_parent(path: Path, what: str) -> Path:
    parent = parent_folder(path)
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


def target_folder(path: Path) -> Path:
    """The folder a write to ``path`` replaces: for a symbolic link to a folder, the folder
    it points to (the link is kept)."""
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
    path = target_folder(Path(path))
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
            reason = os_error_reason(exc)
            raise DataError(f"cannot read the output folder {str(path)!r}: {reason}.") from None
        foreign = sorted(e for e in entries if e not in names and not is_own_temporary(e, names))
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
