"""What a command says: notes, warnings and progress on stderr, the summary on stdout.

``--quiet`` silences notes and progress (warnings stay); ``--json`` prints one JSON object
on stdout (the notes and warnings go into it) and nothing else. When a command writes its
table to standard output (``-o -``), :meth:`Output.reserve_stdout` sends the summary's
text lines to stderr, so that stdout carries the table alone. Progress bars are transient
(they vanish when done) and shown when stderr is a terminal for work lasting over a
second, or at once when the environment variable ``SHRINKAGE_PROGRESS=1`` forces them
(for logs and tests).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator

import click

__all__ = ["Output"]

PROGRESS_VARIABLE = "SHRINKAGE_PROGRESS"
SHOW_AFTER = 1.0  # seconds of work before a progress bar appears


def _plain(value):
    """numpy scalars / arrays and paths → JSON-friendly Python values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Output:
    """The channel of one command run.

    Parameters
    ----------
    quiet : bool
        No notes, no progress; the summary is still printed (use ``--json`` to parse it).
    json_mode : bool
        Print the summary as one JSON object on stdout; notes are collected into it.

    Examples
    --------
    >>> out = Output(quiet=False, json_mode=True)
    >>> out.note("one-hot encoded 'colour'")
    >>> out.summary({"n_rows": 3}, ["3 rows"])
    {"n_rows": 3, "notes": ["one-hot encoded 'colour'"], "warnings": []}
    """

    def __init__(self, *, quiet: bool = False, json_mode: bool = False):
        self.quiet = quiet
        self.json_mode = json_mode
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.stdout_reserved = False
        forced = os.environ.get(PROGRESS_VARIABLE, "") not in ("", "0")
        self.show_progress = not quiet and not json_mode and (forced or sys.stderr.isatty())
        self._force_terminal = forced
        # on a terminal a bar appears only for work lasting over SHOW_AFTER seconds; forced
        # progress (logs, tests) shows every stage at once
        self.show_after = 0.0 if forced else SHOW_AFTER

    def note(self, text: str) -> None:
        """A message for the user (stderr), kept for the JSON summary."""
        self.notes.append(text)
        if not self.quiet and not self.json_mode:
            click.echo(f"note: {text}", err=True)

    def warn(self, text: str) -> None:
        """A result the user should not miss (stderr, even with ``--quiet``)."""
        self.warnings.append(text)
        if not self.json_mode:
            click.echo(f"warning: {text}", err=True)

    def reserve_stdout(self) -> None:
        """stdout carries a table (``-o -``): the summary's text lines go to stderr."""
        self.stdout_reserved = True

    def summary(self, data: dict, lines: list[str]) -> None:
        """The command's result: JSON on stdout, or ``lines`` of text (on stderr, unless
        ``--quiet``, when stdout is reserved for a table)."""
        if self.json_mode:
            document = {**data, "notes": self.notes, "warnings": self.warnings}
            click.echo(json.dumps(document, default=_plain))
        elif self.stdout_reserved:
            if not self.quiet:
                for line in lines:
                    click.echo(line, err=True)
        else:
            for line in lines:
                click.echo(line)

    @contextlib.contextmanager
    def progress(self, description: str) -> Iterator[Callable[[str, float | None], None]]:
        """A transient progress display; yields ``update(description, fraction)``.

        ``fraction=None`` shows a spinner with the elapsed time (work of unknown length);
        a number in [0, 1] fills a bar.
        """
        if not self.show_progress:
            yield lambda description, fraction=None: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(stderr=True, force_terminal=True if self._force_terminal else None)
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   TaskProgressColumn(), TimeElapsedColumn())  # fmt: skip
        bar = Progress(*columns, console=console, transient=True)
        task = bar.add_task(description, total=None)
        timer = threading.Timer(self.show_after, bar.start)
        timer.daemon = True
        timer.start()

        def update(text: str, fraction: float | None = None) -> None:
            if fraction is None:
                bar.update(task, description=text)
            else:
                fraction = min(max(float(fraction), 0.0), 1.0)
                bar.update(task, description=text, total=1.0, completed=fraction)

        try:
            yield update
        finally:
            timer.cancel()
            timer.join()
            bar.stop()
