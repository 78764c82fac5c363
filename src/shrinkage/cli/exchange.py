"""Exchanging two paths in one atomic step (what makes a folder's replacement atomic).

``rename`` replaces a file atomically but cannot replace a non-empty folder; Linux's
``renameat2(RENAME_EXCHANGE)`` (3.15+, most local file systems) and macOS's
``renamex_np(RENAME_SWAP)`` (10.12+) swap two existing paths at once. Both are reached
through ``ctypes``; elsewhere, or where the file system refuses, :func:`exchange`
returns False and the caller falls back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path

__all__ = ["exchange"]

_AT_FDCWD = -100  # Linux: paths relative to the current directory
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS stdio.h
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, getattr(errno, "ENOTSUP", -1),
                getattr(errno, "EOPNOTSUPP", -1)}  # fmt: skip


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renameat2", None)
        arguments = (_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                     _RENAME_EXCHANGE)  # fmt: skip
        types = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    elif sys.platform == "darwin":
        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renamex_np", None)
        arguments = (os.fsencode(first), os.fsencode(second), _RENAME_SWAP)
        types = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    else:
        return False
    if function is None:
        return False
    function.argtypes, function.restype = types, ctypes.c_int
    if function(*arguments) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))
