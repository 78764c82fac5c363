"""Atomic outputs: check the destination first, write a temporary sibling, then rename.

``os.replace`` within one directory is atomic on POSIX and Windows, so a reader sees
either the old file or the complete new one, never a partial write; the temporary file
is removed if anything fails before the rename.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import DataError

__all__ = [
    "atomic_path",
    "check_output_dir",
    "check_output_file",
    "write_bytes",
    "write_files_into",
    "write_text",
]


def check_output_file(path: str | os.PathLike, *, force: bool, suffixes=None) -> Path:
    """Validate an output file *before any work*: its folder exists, it is not a folder,
    and it does not exist unless ``force``; optionally its suffix is one of ``suffixes``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_file(folder / "a.csv", force=False).name
    'a.csv'
    >>> check_output_file(folder / "missing" / "a.csv", force=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: output folder ... does not exist ...
    """
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise DataError(
            f"output {str(path)!r} must end in {' or '.join(suffixes)}, got "
            f"{path.suffix or 'no suffix'!r}."
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise DataError(
            f"output folder {str(parent)!r} does not exist (for {str(path)!r}); create it "
            "first. Nothing was written."
        )
    if path.is_dir():
        raise DataError(f"output {str(path)!r} is a folder, expected a file name.")
    if path.exists() and not force:
        raise DataError(f"output {str(path)!r} already exists; pass --force to replace it.")
    return path


def check_output_dir(path: str | os.PathLike, names, *, force: bool) -> Path:
    """Validate an output folder before any work: it may be created (its parent must
    exist); if it exists, none of ``names`` may exist in it unless ``force``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise DataError(f"output {str(path)!r} exists and is not a folder.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise DataError(
            f"parent folder {str(parent)!r} of the output folder {str(path)!r} does not "
            "exist; create it first. Nothing was written."
        )
    if path.is_dir() and not force:
        existing = sorted(name for name in names if (path / name).exists())
        if existing:
            raise DataError(
                f"{', '.join(existing)} already exist(s) in {str(path)!r}; pass --force to "
                "replace."
            )
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


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

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
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp" + path.suffix, dir=path.parent or "."
    )
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        _usual_permissions(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
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


def write_files_into(folder, writers: dict[str, Callable[[Path], object]]) -> list[Path]:
    """Write several files into ``folder``, each ``writers[name](temporary_path)``.

    A new folder is assembled as a temporary sibling and renamed into place, so it
    appears complete or not at all; in an existing folder each file is replaced
    atomically after *all* of them were written to temporary files.
    """
    folder = Path(folder)
    parent = folder.parent if str(folder.parent) else Path(".")
    if not folder.exists():
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
        try:
            for name, writer in writers.items():
                writer(staging / name)
                _usual_permissions(staging / name)
            _usual_permissions(staging, directory=True)
            os.rename(staging, folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        return [folder / name for name in writers]
    with contextlib.ExitStack() as stack:
        temporaries = {name: stack.enter_context(atomic_path(folder / name)) for name in writers}
        for name, writer in writers.items():
            writer(temporaries[name])
    return [folder / name for name in writers]
