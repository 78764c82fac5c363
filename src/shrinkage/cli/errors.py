"""The error the command line reports as a usage / data problem (exit code 2), and the
one it makes of an ``OSError`` met while writing."""

from __future__ import annotations

import errno

import click

__all__ = ["DataError", "os_error_reason", "write_error"]


class DataError(click.ClickException):
    """A problem with the input data or the command's arguments: message, exit code 2.

    Examples
    --------
    >>> DataError("target column 'y' not found").exit_code
    2
    """

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def os_error_reason(exc: OSError) -> str:
    """The system's words for ``exc`` and its code, e.g. ``"No space left on device
    (ENOSPC)"``."""
    code = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text} ({code})" if code else text


def write_error(path, exc: OSError) -> DataError:
    """The exit-code-2 error for an ``OSError`` met while writing ``path``.

    Examples
    --------
    >>> import errno
    >>> write_error("out.csv", OSError(errno.ENOSPC, "No space left on device")).message
    "could not write 'out.csv': No space left on device (ENOSPC)."
    """
    return DataError(f"could not write {str(path)!r}: {os_error_reason(exc)}.")
