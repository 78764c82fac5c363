"""Where a command's table goes: a file (written atomically) or standard output (``-``).

With ``-o -`` the table is the only thing on stdout: CSV, or with ``--json`` one JSON
object holding the summary and the table; notes, warnings and the summary's text lines
go to stderr (:meth:`shrinkage.cli.output.Output.reserve_stdout`), so that
``shrinkage predict model - -o - < new.csv | sort`` and the like work.
"""

from __future__ import annotations

import io
import sys

import pandas as pd

from .atomic import check_output_file, write_text
from .output import Output

__all__ = ["STDOUT", "check_table_destination", "write_table"]

STDOUT = "-"


def check_table_destination(out, output: Output, *, force: bool, suffixes):
    """``STDOUT`` for ``-`` (stdout is then reserved for the table), else the checked
    file :class:`~pathlib.Path` (see :func:`shrinkage.cli.atomic.check_output_file`), or
    None without ``out``; before any work."""
    if out is None:
        return None
    if str(out) == STDOUT:
        output.reserve_stdout()
        return STDOUT
    return check_output_file(out, force=force, suffixes=suffixes)


def write_table(frame: pd.DataFrame, destination, output: Output, *, index: bool = False):
    """Write ``frame`` as CSV to ``destination`` (a path, atomically) or to stdout; with
    ``--json`` and stdout, nothing is written here: the caller puts the table into its
    JSON summary."""
    if destination is None:
        return
    if isinstance(destination, str):  # STDOUT; a file is a Path (even one named "-")
        if not output.json_mode:
            frame.to_csv(sys.stdout, index=index)
            sys.stdout.flush()
        return
    buffer = io.StringIO()
    frame.to_csv(buffer, index=index)
    write_text(destination, buffer.getvalue())
