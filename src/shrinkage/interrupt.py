"""Ctrl-C: exit code 130 (128 + SIGINT, what a shell reports) and one line, no traceback.

Python's default SIGINT handler raises ``KeyboardInterrupt`` wherever the program is,
inside an import as well, and an uncaught one prints a traceback. Two phases:

- while the command line is still importing (numpy, pandas, numba, scikit-learn: one to
  two seconds), :func:`install_early` makes SIGINT end the process at once with code 130:
  nothing has been written yet. It runs first thing in ``shrinkage/__init__.py`` (this
  module imports the standard library only), and acts only when the process is the
  ``shrinkage`` command or a ``python -m shrinkage…`` module (importing the package
  elsewhere leaves the handler alone);
- while a command runs (:func:`interrupts_raise`), SIGINT raises ``KeyboardInterrupt``
  as usual, so that ``finally`` blocks remove temporary files; ``main`` then returns 130
  (:func:`report_interrupt`).

A SIGINT in the first tens of milliseconds of the process, before Python runs any code of
the package, still gets Python's own handling.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

__all__ = ["EXIT_CODE", "install_early", "interrupts_raise", "report_interrupt"]

EXIT_CODE = 130
MESSAGE = b"\nAborted (Ctrl-C).\n"
_COMMAND_NAMES = ("shrinkage", "shrinkage.exe", "shrinkage-script.py")


def _exit_now(signum, frame):  # pragma: no cover - runs in a subprocess being killed
    with contextlib.suppress(OSError):
        os.write(2, MESSAGE)
    os._exit(EXIT_CODE)


def _running_as_command() -> bool:
    # "-m": sys.argv[0] while ``python -m shrinkage.cli`` imports the parent packages
    first = os.path.basename(sys.argv[0]) if sys.argv else ""
    return first in (*_COMMAND_NAMES, "-m")


def install_early() -> None:
    """Exit with code 130 on SIGINT from now until a command starts (see module doc)."""
    if not _running_as_command() or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_now)


@contextlib.contextmanager
def interrupts_raise():
    """SIGINT raises ``KeyboardInterrupt`` meanwhile (replacing :func:`install_early`'s
    handler; a host program's own handler stays), so that ``finally`` blocks run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not _exit_now:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def report_interrupt() -> int:
    """Say that the run was interrupted (stderr); the exit code to return."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(MESSAGE.decode().lstrip("\n"))  # click closed the ^C line
        sys.stderr.flush()
    return EXIT_CODE
